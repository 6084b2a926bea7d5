from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils


class AftersalesServiceReportGenerate(models.TransientModel):
    """Generate Now: the monthly service reports of chosen contracts for a past
    month, sent to the contracts' contacts (managers only)."""

    _name = "aftersales.service.report.generate"
    _description = "Generate Monthly Service Reports"

    @api.model
    def _default_month(self):
        last_month = fields.Date.context_today(self) - relativedelta(months=1)
        return date_utils.start_of(last_month, "month")

    contract_ids = fields.Many2many(
        "aftersales.contract",
        string="Contracts",
        required=True,
        default=lambda self: self._default_contract_ids(),
    )
    month = fields.Date(
        required=True,
        default=lambda self: self._default_month(),
        help="Any day of the month to report on; a month that has ended.",
    )
    send = fields.Boolean(
        string="Send by E-mail",
        default=True,
        help="E-mail the reports to the contacts each contract names.",
    )

    @api.model
    def _default_contract_ids(self):
        if self.env.context.get("active_model") == "aftersales.contract":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    def action_generate(self):
        """Generate the reports of the wizard's contracts and month."""
        self.ensure_one()
        Report = self.env["aftersales.service.report"]
        Report._check_manager()
        self.contract_ids.check_access("read")
        date_from, _date_to = Report._month_bounds(self.month)
        if date_from >= date_utils.start_of(fields.Date.context_today(self), "month"):
            raise UserError(
                self.env._("Reports are generated for a month that has ended.")
            )
        reports = Report.browse()
        for contract in self.contract_ids:
            if contract.state == "draft":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is a draft: it has no service report.",
                        contract=contract.display_name,
                    )
                )
            reports |= Report._generate(contract, date_from)
        if self.send:
            reports._send()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service Reports"),
            "res_model": "aftersales.service.report",
            "view_mode": "list,form",
            "domain": [("id", "in", reports.ids)],
            "context": {},
        }
