from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .report_aftersales_contract import format_hours


class ReportSlaStatement(models.AbstractModel):
    """The SLA statement of a contract for a period: breaches, penalties, totals by
    state against the caps, disputes and their outcome.

    ``data`` may give the period (``date_from``, ``date_to``: ISO dates) and the
    contracts (``contract_ids``, used when the report is printed with data and no
    record ids, as from the statement wizard). Without a period (the contract's
    print menu), the statement wizard's default period is printed: the previous
    complete calendar month in the user's time zone.
    """

    _name = "report.aftersales_sla.report_sla_statement"
    _description = "After-Sales SLA Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        ids = docids or data.get("contract_ids") or []
        contracts = self.env["aftersales.contract"].browse(ids).exists()
        date_from = fields.Date.to_date(data.get("date_from"))
        date_to = fields.Date.to_date(data.get("date_to"))
        if bool(date_from) != bool(date_to):
            raise UserError(self.env._("A statement period needs a start and an end."))
        if date_from and date_from > date_to:
            raise UserError(
                self.env._("A statement period cannot end before it starts.")
            )
        if not date_from:
            date_from, date_to = self.env["aftersales.sla.statement"]._default_period()
        return {
            "doc_ids": contracts.ids,
            "doc_model": "aftersales.contract",
            "docs": contracts,
            "data": data,
            "statement_values": lambda contract: self._statement_values(
                contract, date_from, date_to
            ),
            "format_hours": format_hours,
        }

    @api.model
    def _current_period(self, contract):
        return self.env["aftersales.penalty"]._period_bounds(
            contract, fields.Date.context_today(contract)
        )

    @api.model
    def _previous_period(self, contract):
        start, _end = self._current_period(contract)
        return self.env["aftersales.penalty"]._period_bounds(
            contract, start - relativedelta(days=1)
        )

    def _statement_values(self, contract, date_from, date_to):
        """The statement of ``contract`` (in the customer's language) for
        [date_from, date_to]."""
        contract.ensure_one()
        Penalty = contract.env["aftersales.penalty"]
        statement = Penalty._statement(contract, date_from, date_to)
        penalties = statement["penalties"]
        states = Penalty._fields["state"]._description_selection(contract.env)
        totals = statement["totals"]
        by_state = [(code, label, totals.get(code, 0.0)) for code, label in states]
        term_cap, period_cap = Penalty._caps(contract)
        cap_period_start, cap_period_end = Penalty._period_bounds(contract, date_from)
        term_used, period_used = Penalty._used(contract, cap_period_start)
        disputes = penalties.filtered("dispute_reason")
        return {
            "date_from": date_from,
            "date_to": date_to,
            # The caps' "used" figures are the term's and the cap period's to
            # date, whatever the statement's period: labelled so.
            "term_start": contract.date_start,
            "tz": contract.partner_id.tz
            or contract.company_id.partner_id.tz
            or contract.calendar_id.tz
            or "UTC",
            "breaches": statement["breaches"],
            "penalties": penalties,
            "by_state": by_state,
            "total": sum(
                amount for code, _label, amount in by_state if code != "waived"
            ),
            "clipped": statement["clipped"],
            "caps": [
                {
                    "key": "term",
                    "cap": term_cap,
                    "used": term_used,
                    "left": max(0.0, term_cap - term_used)
                    if term_cap is not None
                    else None,
                },
                {
                    "key": "period",
                    "period_start": cap_period_start,
                    "period_end": cap_period_end,
                    "cap": period_cap,
                    "used": period_used,
                    "left": max(0.0, period_cap - period_used)
                    if period_cap is not None
                    else None,
                },
            ],
            "disputes": [
                {"penalty": penalty, "outcome": self._dispute_outcome(penalty)}
                for penalty in disputes
            ],
        }

    @api.model
    def _dispute_outcome(self, penalty):
        """The outcome of a dispute as the customer reads it."""
        env = penalty.env
        if penalty.state == "disputed":
            return env._("Pending")
        if penalty.state == "waived":
            return env._("Waived")
        reductions = penalty.adjustment_ids.filtered(lambda p: p.state != "waived")
        if reductions:
            return env._(
                "Reduced by %(amount)s",
                amount=penalty.currency_id.format(-sum(reductions.mapped("amount"))),
            )
        return env._("Upheld")
