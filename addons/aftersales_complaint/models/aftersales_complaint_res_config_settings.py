from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_complaint_response_hours = fields.Float(
        related="company_id.aftersales_complaint_response_hours", readonly=False
    )
    aftersales_complaint_feedback_hours = fields.Float(
        related="company_id.aftersales_complaint_feedback_hours", readonly=False
    )
