from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.aftersales_kpi_mixin import PERIOD_TYPES
from ..tools import evaluation as kpis


class AftersalesEvaluationWizard(models.TransientModel):
    """Evaluate contracts over a period on demand."""

    _name = "aftersales.evaluation.wizard"
    _description = "Evaluate After-Sales Contracts"

    contract_ids = fields.Many2many("aftersales.contract", string="Contracts")
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: kpis.period_bounds(
            "quarter", fields.Date.context_today(self)
        )[0],
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: kpis.period_bounds(
            "quarter", fields.Date.context_today(self)
        )[1],
    )

    @api.onchange("period_type", "date_from")
    def _onchange_period(self):
        if self.period_type and self.date_from:
            self.date_from, self.date_to = kpis.period_bounds(
                self.period_type, self.date_from
            )

    def action_evaluate(self):
        """Create (or recompute, while draft) one evaluation per contract."""
        self.ensure_one()
        if not self.contract_ids:
            raise UserError(self.env._("Choose at least one contract to evaluate."))
        if self.date_to < self.date_from:
            raise UserError(
                self.env._(
                    "A period cannot end (%(end)s) before it starts (%(start)s).",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        Evaluation = self.env["aftersales.evaluation"]
        Evaluation._check_manager()
        evaluations = Evaluation.browse()
        for contract in self.contract_ids:
            evaluation = Evaluation.search(
                [
                    ("contract_id", "=", contract.id),
                    ("date_from", "=", self.date_from),
                    ("date_to", "=", self.date_to),
                ],
                limit=1,
            ) or Evaluation.create(
                {
                    "contract_id": contract.id,
                    "period_type": self.period_type,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                }
            )
            evaluations |= evaluation
        evaluations.filtered(lambda e: e.state == "draft").action_compute()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_evaluation"
        )
        if len(evaluations) == 1:
            action.update(
                views=[(False, "form")], view_mode="form", res_id=evaluations.id
            )
        else:
            action["domain"] = [("id", "in", evaluations.ids)]
        return action
