from odoo import fields, models


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"

    survey_input_ids = fields.One2many(
        "survey.user_input", "aftersales_ticket_id", string="Satisfaction Surveys"
    )
