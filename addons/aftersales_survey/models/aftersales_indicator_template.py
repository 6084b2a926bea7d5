from odoo import fields, models


class AftersalesIndicatorTemplate(models.Model):
    """A reusable questionnaire set-up: the survey and the indicator weights a
    contract starts from."""

    _name = "aftersales.indicator.template"
    _description = "After-Sales Satisfaction Template"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", index=True)
    survey_id = fields.Many2one(
        "survey.survey", string="Survey", ondelete="restrict", required=True
    )
    line_ids = fields.One2many(
        "aftersales.indicator.template.line",
        "template_id",
        string="Indicator Weights",
        copy=True,
    )
    active = fields.Boolean(default=True)
