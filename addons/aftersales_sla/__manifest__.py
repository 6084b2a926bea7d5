# Copyright 2026 The After-Sales Ledger Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales SLA Ledger",
    "summary": "Service contracts, SLA clocks and an append-only, hash-chained "
    "ledger of service events",
    "version": "18.0.1.0.0",
    "category": "Services/After-Sales",
    "author": "After-Sales Ledger Authors",
    "website": "https://github.com/aftersales-ledger/aftersales",
    "license": "LGPL-3",
    "depends": ["mail", "resource", "account", "portal", "product"],
    "data": [
        "security/aftersales_sla_groups.xml",
        "security/ir.model.access.csv",
        "security/aftersales_event_security.xml",
        "data/ir_cron_data.xml",
        "report/aftersales_event_chain_reports.xml",
        "report/aftersales_event_chain_templates.xml",
        "wizard/aftersales_event_verify_views.xml",
        "views/aftersales_event_views.xml",
        "views/aftersales_event_chain_views.xml",
        "views/aftersales_sla_menus.xml",
    ],
    "assets": {
        "web.report_assets_common": [
            "aftersales_sla/static/src/scss/aftersales_report.scss",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "application": True,
    "installable": True,
    "development_status": "Alpha",
    "maintainers": [],
}
