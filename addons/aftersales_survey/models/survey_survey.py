from odoo import api, fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    aftersales_satisfaction = fields.Boolean(
        string="Satisfaction Survey",
        compute="_compute_aftersales_satisfaction",
        help="Its questions feed the after-sales satisfaction indicators: a "
        "questionnaire, not a test. The customer sees no score, no pass or fail "
        "and no retake; the answer scores still make the weighted index.",
    )

    @api.depends("question_and_page_ids.aftersales_indicator_id")
    def _compute_aftersales_satisfaction(self):
        for survey in self:
            survey.aftersales_satisfaction = any(
                survey.question_and_page_ids.mapped("aftersales_indicator_id")
            )
