# Copyright 2026 The After-Sales Ledger Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Complaints Desk",
    "summary": "Complaint categories and channels, what is complained about, "
    "complaint clocks with escalation, outcomes the complainant confirms or rejects, "
    "complaint figures in scorecards and evaluations",
    "version": "18.0.1.0.0",
    "category": "Services/After-Sales",
    "author": "After-Sales Ledger Authors",
    "website": "https://github.com/aftersales-ledger/aftersales",
    "license": "LGPL-3",
    "depends": [
        "aftersales_sla",
        "aftersales_survey",
        "aftersales_repair",
        "portal",
    ],
    "data": [
        "security/ir.model.access.csv",
        "data/aftersales_complaint_category_data.xml",
        "views/aftersales_complaint_menus.xml",
        "views/aftersales_complaint_category_views.xml",
        "security/aftersales_complaint_figures_security.xml",
        "views/aftersales_complaint_figures_views.xml",
        "report/aftersales_complaint_figures_templates.xml",
        "report/aftersales_service_report_templates.xml",
        "security/aftersales_complaint_desk_security.xml",
        "data/aftersales_complaint_desk_data.xml",
        "wizard/aftersales_complaint_wizard_views.xml",
        "views/aftersales_complaint_ticket_views.xml",
        "views/aftersales_complaint_escalation_level_views.xml",
        "views/aftersales_complaint_settings_views.xml",
        "views/aftersales_complaint_portal_templates.xml",
    ],
    "demo": [
        "demo/aftersales_complaint_desk_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "aftersales_complaint/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "development_status": "Alpha",
    "maintainers": [],
}
