from odoo import api, fields, models

from ..tools import evaluation as kpis
from .aftersales_kpi_mixin import PERIOD_TYPES
from .aftersales_kpi_threshold import kpi_selection


class AftersalesKpiLine(models.Model):
    """One KPI figure of an evaluation or a scorecard, with its threshold, verdict
    and trend. Lines carry their subject and period so that pivots and graphs
    compare contracts, technicians and teams over time."""

    _name = "aftersales.kpi.line"
    _description = "After-Sales KPI Figure"
    _order = "date_from desc, sequence, id"

    evaluation_id = fields.Many2one(
        "aftersales.evaluation", ondelete="cascade", index="btree_not_null"
    )
    scorecard_id = fields.Many2one(
        "aftersales.scorecard", ondelete="cascade", index="btree_not_null"
    )
    sequence = fields.Integer()
    kpi = fields.Selection(kpi_selection, string="KPI", required=True, index=True)
    unit = fields.Selection(
        [("percent", "%"), ("hours", "Hours"), ("count", "Count")],
        compute="_compute_unit",
        store=True,
    )
    value = fields.Float(digits=(16, 2), aggregator="avg")
    has_value = fields.Boolean()
    threshold = fields.Float(string="Threshold Value", digits=(16, 2), aggregator="avg")
    has_threshold = fields.Boolean()
    result = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail"), ("na", "No verdict")],
        required=True,
        default="na",
        index=True,
    )
    previous_value = fields.Float(digits=(16, 2))
    has_previous = fields.Boolean()
    trend = fields.Selection(
        [
            ("better", "Better"),
            ("worse", "Worse"),
            ("same", "Unchanged"),
            ("na", "No comparison"),
        ],
        required=True,
        default="na",
    )
    display_value = fields.Char(string="Figure", compute="_compute_display")
    display_threshold = fields.Char(string="Threshold", compute="_compute_display")
    display_previous = fields.Char(string="Previous Period", compute="_compute_display")
    # Subject and period, stored for pivots and graphs.
    contract_id = fields.Many2one(
        "aftersales.contract", compute="_compute_subject", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Technician", compute="_compute_subject", store=True
    )
    team_id = fields.Many2one("aftersales.team", compute="_compute_subject", store=True)
    company_id = fields.Many2one(
        "res.company", compute="_compute_subject", store=True, index=True
    )
    period_type = fields.Selection(PERIOD_TYPES, compute="_compute_subject", store=True)
    date_from = fields.Date(
        string="Period Start", compute="_compute_subject", store=True
    )
    period_label = fields.Char(string="Period", compute="_compute_subject", store=True)
    source = fields.Selection(
        [("evaluation", "Contract"), ("technician", "Technician"), ("team", "Team")],
        compute="_compute_subject",
        store=True,
    )

    @api.depends("kpi")
    def _compute_unit(self):
        for line in self:
            line.unit = kpis.KPIS[line.kpi][0] if line.kpi else False

    @api.depends(
        "evaluation_id.contract_id",
        "evaluation_id.date_from",
        "scorecard_id.user_id",
        "scorecard_id.team_id",
        "scorecard_id.date_from",
    )
    def _compute_subject(self):
        for line in self:
            record = line.evaluation_id or line.scorecard_id
            line.contract_id = line.evaluation_id.contract_id
            line.user_id = line.scorecard_id.user_id
            line.team_id = line.scorecard_id.team_id
            line.company_id = record.company_id
            line.period_type = record.period_type
            line.date_from = record.date_from
            line.period_label = record.period_label
            if line.evaluation_id:
                line.source = "evaluation"
            elif line.scorecard_id:
                line.source = line.scorecard_id.subject_type
            else:
                line.source = False

    @api.depends("value", "has_value", "threshold", "has_threshold", "kpi")
    def _compute_display(self):
        no_data = self.env._("no data")
        no_answer = self.env._("no answer yet")
        for line in self:
            if line.has_value:
                line.display_value = line._format(line.value)
            elif line.kpi == "satisfaction_index":
                # Nobody answered a survey: not a figure of zero.
                line.display_value = no_answer
            else:
                line.display_value = no_data
            line.display_threshold = (
                line._format(line.threshold, comparison=True)
                if line.has_threshold
                else ""
            )
            line.display_previous = (
                line._format(line.previous_value) if line.has_previous else ""
            )

    def _format(self, number, comparison=False):
        unit, direction = kpis.KPIS[self.kpi]
        if unit == "count":
            text = f"{number:g}"
        elif unit == "hours":
            text = self.env._("%(hours).2f h", hours=number)
        else:
            text = f"{number:.2f}"
        if comparison:
            text = ("≥ " if direction == "higher" else "≤ ") + text
        return text
