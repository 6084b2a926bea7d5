from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import evaluation as kpis
from .aftersales_kpi_threshold import kpi_selection


class AftersalesPenaltyRule(models.Model):
    _inherit = "aftersales.penalty.rule"

    kpi = fields.Selection(
        kpi_selection,
        string="KPI",
        help="For KPI clauses: the KPI whose miss costs a share of the period fee "
        "(empty: any KPI under its threshold).",
    )

    @api.constrains("kpi", "rule_type")
    def _check_kpi(self):
        for rule in self:
            if rule.kpi and rule.rule_type != "percent_period_fee":
                raise ValidationError(
                    self.env._(
                        "Clause %(clause)s names a KPI: it must be a '%% of the period "
                        "fee' clause.",
                        clause=rule.name,
                    )
                )
            if rule.kpi and kpis.KPIS[rule.kpi][1] is None:
                raise ValidationError(
                    self.env._(
                        "Clause %(clause)s: that KPI is for information and has no "
                        "threshold to miss.",
                        clause=rule.name,
                    )
                )
