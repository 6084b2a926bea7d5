from odoo import fields, models

from ..models.aftersales_kpi_mixin import PERIOD_TYPES


class AftersalesScorecardWizard(models.TransientModel):
    """Compute technician and team scorecards for a period on demand."""

    _name = "aftersales.scorecard.wizard"
    _description = "Compute After-Sales Scorecards"

    period_type = fields.Selection(PERIOD_TYPES, required=True, default="month")
    day = fields.Date(
        string="Period Containing",
        required=True,
        default=fields.Date.context_today,
    )

    def action_compute(self):
        self.ensure_one()
        cards = self.env["aftersales.scorecard"]._generate(self.period_type, self.day)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_scorecard"
        )
        action["domain"] = [("id", "in", cards.ids)]
        return action
