# Copyright 2026 The After-Sales Ledger Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Warranty and Repairs",
    "summary": "Installed base, warranty and coverage, chargeable repairs and spare "
    "parts of after-sales tickets, on Odoo's Repairs, Sales and Inventory",
    "version": "18.0.1.1.0",
    "category": "Services/After-Sales",
    "author": "After-Sales Ledger Authors",
    "website": "https://github.com/aftersales-ledger/aftersales",
    "license": "LGPL-3",
    "depends": ["aftersales_sla", "repair", "sale_management", "stock"],
    "data": [
        "security/ir.model.access.csv",
        "security/aftersales_unit_security.xml",
        "security/aftersales_fees_security.xml",
        "views/aftersales_unit_views.xml",
        "views/aftersales_ticket_views.xml",
        "views/product_category_views.xml",
        "views/product_template_views.xml",
        "views/res_partner_views.xml",
        "views/repair_order_views.xml",
        "views/aftersales_visit_fee_views.xml",
        "views/aftersales_ticket_charges_views.xml",
        "views/aftersales_repair_portal_templates.xml",
        "views/spare_parts_views.xml",
        "views/aftersales_contract_views.xml",
        "views/res_config_settings_views.xml",
        "report/aftersales_ticket_templates.xml",
        "wizard/aftersales_ticket_parts_views.xml",
        "wizard/repair_order_faulty_return_views.xml",
    ],
    "demo": [
        "demo/aftersales_standard_policy_demo.xml",
        "demo/aftersales_visit_fee_demo.xml",
        "demo/aftersales_repair_demo.xml",
        "demo/aftersales_repair_order_demo.xml",
        "demo/aftersales_spare_parts_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "aftersales_repair/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "development_status": "Alpha",
    "maintainers": [],
}
