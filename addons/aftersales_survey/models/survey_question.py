from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: Question types an after-sales indicator can be measured with (see
#: ``tools.kpi.question_score``): choices through their answer scores, scales and
#: numbers through their range.
SCORED_TYPES = ("simple_choice", "multiple_choice", "scale", "numerical_box")


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    aftersales_indicator_id = fields.Many2one(
        "aftersales.indicator",
        string="Satisfaction Indicator",
        ondelete="restrict",
        index="btree_not_null",
        help="The indicator this question measures in after-sales satisfaction "
        "indexes (empty: not scored). Choices count through their answer scores, "
        "scales and numbers through their minimum and maximum.",
    )

    @api.constrains(
        "aftersales_indicator_id",
        "question_type",
        "validation_min_float_value",
        "validation_max_float_value",
    )
    def _check_aftersales_indicator(self):
        """Refuse a mapping that could not be scored when the customer answers:
        refused here, with a message the survey author understands, rather than
        silently dropping the question from every index later."""
        for question in self.filtered("aftersales_indicator_id"):
            if question.is_page or question.question_type not in SCORED_TYPES:
                raise ValidationError(
                    self.env._(
                        "Question %(question)s measures %(indicator)s: only single "
                        "or multiple choice, scale and numerical questions can be "
                        "scored.",
                        question=question.title,
                        indicator=question.aftersales_indicator_id.name,
                    )
                )
            if (
                question.question_type == "numerical_box"
                and question.validation_max_float_value
                <= question.validation_min_float_value
            ):
                raise ValidationError(
                    self.env._(
                        "Question %(question)s measures %(indicator)s: give it a "
                        "minimum and a larger maximum value, the range its answers "
                        "are scored on.",
                        question=question.title,
                        indicator=question.aftersales_indicator_id.name,
                    )
                )
