from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_penalty_product_id = fields.Many2one(
        related="company_id.aftersales_penalty_product_id",
        readonly=False,
        domain="[('type', '=', 'service'), ('company_id', 'in', [False, company_id])]",
    )
