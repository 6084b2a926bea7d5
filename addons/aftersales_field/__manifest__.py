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
        "security/aftersales_appointment_security.xml",
        "views/aftersales_appointment_views.xml",
        "wizard/aftersales_appointment_book_views.xml",
    ],
    "demo": [
        "demo/aftersales_field_appointment_demo.xml",
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
