from odoo import fields, models


class AftersalesContractAmendFee(models.TransientModel):
    """The amended fee line keeps its cost-plus markup."""

    _inherit = "aftersales.contract.amend.fee"

    cost_plus_percent = fields.Float(string="Cost Plus (%)", digits=(16, 2))
