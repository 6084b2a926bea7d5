from odoo import fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    aftersales_indicator_id = fields.Many2one(
        "aftersales.indicator",
        string="Satisfaction Indicator",
        ondelete="restrict",
        help="The indicator this question measures in after-sales satisfaction "
        "indexes (empty: not scored).",
    )
