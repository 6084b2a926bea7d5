from odoo import api, fields, models

from ..models.aftersales_kpi_threshold import kpi_selection


class AftersalesContractAmend(models.TransientModel):
    """The amendment wizard also amends the contract's KPI thresholds."""

    _inherit = "aftersales.contract.amend"

    kpi_threshold_ids = fields.One2many(
        "aftersales.contract.amend.threshold",
        "wizard_id",
        string="KPI Thresholds",
        compute="_compute_kpi_threshold_ids",
        store=True,
        readonly=False,
    )

    @api.depends("contract_id")
    def _compute_kpi_threshold_ids(self):
        for wizard in self:
            wizard.kpi_threshold_ids = wizard._line_commands("kpi_threshold_ids")


class AftersalesContractAmendThreshold(models.TransientModel):
    """A KPI threshold as amended."""

    _name = "aftersales.contract.amend.threshold"
    _description = "Amend a Contract: KPI Threshold"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "aftersales.contract.amend", required=True, ondelete="cascade"
    )
    origin_id = fields.Many2one("aftersales.kpi.threshold", string="Replaces")
    sequence = fields.Integer(default=10)
    kpi = fields.Selection(kpi_selection, string="KPI", required=True)
    threshold = fields.Float(required=True, digits=(16, 2))
