from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_repair_guarantee_days = fields.Integer(
        related="company_id.aftersales_repair_guarantee_days", readonly=False
    )
