from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_qualification_notice_days = fields.Integer(
        related="company_id.aftersales_qualification_notice_days", readonly=False
    )
