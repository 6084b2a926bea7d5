from odoo import api, fields, models


class AftersalesContractAmend(models.TransientModel):
    """An amendment may change the contract's repair guarantee."""

    _inherit = "aftersales.contract.amend"

    repair_guarantee_days = fields.Integer(
        string="Repair Guarantee (Days)",
        compute="_compute_repair_guarantee_days",
        store=True,
        readonly=False,
        help="0: the company's default.",
    )

    @api.depends("contract_id")
    def _compute_repair_guarantee_days(self):
        for wizard in self:
            wizard.repair_guarantee_days = wizard.contract_id.repair_guarantee_days
