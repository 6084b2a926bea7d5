# Copyright 2026 The After-Sales Ledger Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "After-Sales Satisfaction Surveys",
    "summary": "Satisfaction surveys and KPI evaluations of after-sales contracts",
    "version": "18.0.1.0.0",
    "category": "Services/After-Sales",
    "author": "After-Sales Ledger Authors",
    "website": "https://github.com/aftersales-ledger/aftersales",
    "license": "LGPL-3",
    "depends": ["aftersales_sla", "survey"],
    "data": [],
    "installable": True,
    "development_status": "Alpha",
    "maintainers": [],
}
