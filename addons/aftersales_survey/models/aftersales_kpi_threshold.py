from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import evaluation as kpis


def kpi_selection(model):
    """Selection of the KPI codes, labelled in the user's language."""
    env = model.env
    labels = {
        "satisfaction_index": env._("Satisfaction index"),
        "sla_response": env._("SLA compliance: response (%)"),
        "sla_arrival": env._("SLA compliance: on-site arrival (%)"),
        "sla_resolution": env._("SLA compliance: resolution (%)"),
        "sla_complaint_response": env._("SLA compliance: complaint response (%)"),
        "sla_complaint_feedback": env._("SLA compliance: complaint feedback (%)"),
        "first_time_fix_rate": env._("First-time fix rate (%)"),
        "complaint_count": env._("Complaints"),
        "complaint_rate": env._("Complaint rate (per 100 service tickets)"),
        "complaint_timeliness": env._("Complaints handled on time (%)"),
        "mean_response_hours": env._("Mean response (business hours)"),
        "mean_resolution_hours": env._("Mean resolution (business hours)"),
        "surveys_sent": env._("Surveys sent"),
        "surveys_answered": env._("Surveys answered"),
        "survey_response_rate": env._("Survey response rate (%)"),
        "workload": env._("Tickets reported"),
    }
    return [(code, labels[code]) for code in kpis.KPIS]


class AftersalesKpiThreshold(models.Model):
    """A contract's threshold for one KPI: the minimum (or, for complaints and
    hours, the maximum) an evaluation period must reach. A contractual term: on a
    contract in force it changes only through an amendment."""

    _name = "aftersales.kpi.threshold"
    _inherit = ["aftersales.contract.line.mixin"]
    _description = "After-Sales KPI Threshold"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kpi = fields.Selection(kpi_selection, string="KPI", required=True)
    threshold = fields.Float(required=True, digits=(16, 2))
    comparison = fields.Selection(
        [("higher", "At least"), ("lower", "At most")],
        compute="_compute_comparison",
    )

    _sql_constraints = [
        (
            "kpi_unique",
            "UNIQUE(contract_id, kpi)",
            "A KPI has one threshold per contract.",
        ),
    ]

    @api.depends("kpi")
    def _compute_comparison(self):
        for line in self:
            line.comparison = kpis.KPIS[line.kpi][1] if line.kpi else False

    @api.constrains("kpi", "threshold")
    def _check_threshold(self):
        labels = dict(self._fields["kpi"]._description_selection(self.env))
        for line in self:
            unit, direction = kpis.KPIS[line.kpi]
            if direction is None:
                raise ValidationError(
                    self.env._(
                        "%(kpi)s is shown for information: it takes no threshold.",
                        kpi=labels[line.kpi],
                    )
                )
            if unit == "percent" and not 0 <= line.threshold <= 100:
                raise ValidationError(
                    self.env._(
                        "The threshold of %(kpi)s is a percentage between 0 and "
                        "100, not %(value)s.",
                        kpi=labels[line.kpi],
                        value=line.threshold,
                    )
                )
            if line.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "The threshold of %(kpi)s cannot be negative.",
                        kpi=labels[line.kpi],
                    )
                )
