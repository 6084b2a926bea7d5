# Copyright 2026 The After-Sales Ledger Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Field Service",
    "summary": "Agreed visit slots, planned maintenance, technician qualifications, "
    "service partners working their tickets on the portal and settled monthly",
    "version": "18.0.1.0.0",
    "category": "Services/After-Sales",
    "author": "After-Sales Ledger Authors",
    "website": "https://github.com/aftersales-ledger/aftersales",
    "license": "LGPL-3",
    "depends": [
        "aftersales_sla",
        "aftersales_survey",
        "aftersales_repair",
        "calendar",
        "portal",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/aftersales_field_menus.xml",
        "security/aftersales_qualification_security.xml",
        "data/aftersales_qualification_data.xml",
        "views/aftersales_qualification_views.xml",
        "wizard/aftersales_ticket_assign_override_views.xml",
        "security/aftersales_partner_portal_security.xml",
        "views/aftersales_partner_portal_templates.xml",
        "views/aftersales_partner_portal_ticket_views.xml",
        "security/aftersales_maintenance_security.xml",
        "data/aftersales_maintenance_data.xml",
        "views/aftersales_maintenance_plan_views.xml",
        "views/aftersales_maintenance_contract_views.xml",
        "report/aftersales_maintenance_templates.xml",
        "security/aftersales_settlement_security.xml",
        "views/aftersales_partner_settlement_views.xml",
        "views/aftersales_settlement_portal_templates.xml",
    ],
    "demo": [
        "demo/aftersales_field_qualification_demo.xml",
        "demo/aftersales_field_partner_portal_demo.xml",
        "demo/aftersales_field_maintenance_demo.xml",
        "demo/aftersales_field_settlement_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "aftersales_field/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "development_status": "Alpha",
    "maintainers": [],
}
