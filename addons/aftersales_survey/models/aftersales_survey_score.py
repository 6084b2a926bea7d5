from odoo import fields, models


class AftersalesSurveyScore(models.Model):
    """One indicator score (0-100) of one answered survey: the rows of the
    survey results per contract, technician and team."""

    _name = "aftersales.survey.score"
    _description = "After-Sales Survey Indicator Score"
    _order = "answered_at desc, id"

    user_input_id = fields.Many2one(
        "survey.user_input", required=True, ondelete="cascade", index=True
    )
    contract_id = fields.Many2one(
        "aftersales.contract", index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    ticket_id = fields.Many2one("aftersales.ticket", ondelete="set null", readonly=True)
    user_id = fields.Many2one("res.users", string="Technician", readonly=True)
    team_id = fields.Many2one("aftersales.team", readonly=True)
    indicator_id = fields.Many2one(
        "aftersales.indicator", required=True, ondelete="restrict", index=True
    )
    score = fields.Float(digits=(16, 2), aggregator="avg", readonly=True)
    weight = fields.Float(digits=(16, 2), readonly=True)
    answered_at = fields.Datetime(readonly=True, index=True)
