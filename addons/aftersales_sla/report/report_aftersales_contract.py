from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, models
from odoo.tools.misc import format_duration

from ..tools.local_time import local_days_to_utc

#: Waiver reasons that exclude a penalty: the breach was not the service
#: organisation's doing. (Goodwill and other waivers are decisions, not exclusions.)
EXCLUSION_REASONS = ("force_majeure", "customer_misuse", "third_party")


def format_hours(hours):
    """Hours as ``HH:MM`` (language neutral, Odoo's ``format_duration``), e.g.
    12.5 -> ``12:30``, 8 -> ``08:00``."""
    return format_duration(hours or 0.0)


class ReportAftersalesContract(models.AbstractModel):
    """The contract with its annexes: values the template cannot read directly
    (service hours per weekday, holidays of the term, the SLA matrix, caps)."""

    _name = "report.aftersales_sla.report_aftersales_contract"
    _description = "After-Sales Contract Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        contracts = self.env["aftersales.contract"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "aftersales.contract",
            "docs": contracts,
            "data": data,
            "contract_values": self._contract_values,
            "format_hours": format_hours,
        }

    def _contract_values(self, contract):
        """Everything the contract template shows beyond the contract's fields, in
        the language of ``contract``'s environment (the customer's)."""
        contract.ensure_one()
        Penalty = self.env["aftersales.penalty"].with_env(contract.env)
        term_cap, period_cap = Penalty._caps(contract)
        waiver_labels = dict(
            Penalty._fields["waiver_reason"]._description_selection(contract.env)
        )
        return {
            "service_hours": self._service_hours(contract.calendar_id),
            "holidays": self._holidays(contract),
            "extra_days": self._extra_days(contract),
            "sla": self._sla_matrix(contract),
            "term_cap": term_cap,
            "period_cap": period_cap,
            "exclusions": [waiver_labels[code] for code in EXCLUSION_REASONS],
        }

    @api.model
    def _service_hours(self, calendar):
        """[(weekday label, ["08:00-12:00", ...])] for each day of the week, Monday
        first; empty list of hours for a day off. Two-week calendars: one list per
        week type."""
        if not calendar:
            return []
        Attendance = calendar.env["resource.calendar.attendance"]
        weekdays = Attendance._fields["dayofweek"]._description_selection(calendar.env)
        week_types = dict(
            Attendance._fields["week_type"]._description_selection(calendar.env)
        )
        attendances = calendar._aftersales_working_attendances()
        weeks = (
            [("0", week_types.get("0")), ("1", week_types.get("1"))]
            if calendar.two_weeks_calendar
            else [(False, False)]
        )
        result = []
        for week_type, week_label in weeks:
            hours = defaultdict(list)
            for att in attendances.sorted("hour_from"):
                if week_type and att.week_type != week_type:
                    continue
                hours[att.dayofweek].append(
                    f"{format_hours(att.hour_from)}-{format_hours(att.hour_to)}"
                )
            result.append(
                {
                    "week": week_label,
                    "days": [(label, hours.get(code, [])) for code, label in weekdays],
                }
            )
        return result

    @api.model
    def _term_bounds(self, contract):
        """The contract's term as naive UTC datetimes in its calendar's time zone."""
        tz = pytz.timezone(contract.calendar_id.tz or "UTC")
        start, end = local_days_to_utc(tz, contract.date_start, contract.date_end)
        return start, end, tz

    @api.model
    def _holidays(self, contract):
        """Public holidays of the contract's calendar within its term:
        [{"name", "date_from", "date_to"}] with local dates."""
        calendar = contract.calendar_id
        if not calendar:
            return []
        start, end, tz = self._term_bounds(contract)
        # sudo: the annex lists the holidays, whoever prints it (portal too)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [calendar.id, False]),
                    ("date_from", "<", end),
                    ("date_to", ">", start),
                ],
                order="date_from, id",
            )
        )
        result = []
        for leave in leaves:
            date_from = pytz.utc.localize(leave.date_from).astimezone(tz)
            # A leave ending at midnight ends the day before.
            date_to = pytz.utc.localize(leave.date_to).astimezone(tz) - timedelta(
                seconds=1
            )
            result.append(
                {
                    "name": leave.name or "",
                    "date_from": date_from.date(),
                    "date_to": max(date_to, date_from).date(),
                }
            )
        return result

    @api.model
    def _extra_days(self, contract):
        calendar = contract.calendar_id
        if not calendar:
            return calendar.env["aftersales.calendar.extra.day"]
        # sudo: the annex lists the extra working days, whoever prints it (portal too)
        return (
            calendar.sudo()
            .with_env(contract.env)
            .aftersales_extra_day_ids.filtered(
                lambda day: contract.date_start <= day.date <= contract.date_end
            )
            .sorted("date")
        )

    @api.model
    def _sla_matrix(self, contract):
        """The SLA schedule as rows (metric, service type) by priority columns.

        :return: {"priorities": [(code, label)], "rows": [{"metric": label,
            "service_type": name or False, "cells": {priority: target}}]}
        """
        policy = contract.sla_policy_id
        Target = contract.env["aftersales.sla.target"]
        if not policy:
            return {"priorities": [], "rows": []}
        targets = policy.target_ids.with_env(contract.env)
        metrics = Target._fields["metric"]._description_selection(contract.env)
        priorities = Target._fields["priority"]._description_selection(contract.env)
        used_priorities = {target.priority or False for target in targets}
        columns = [
            (code, label) for code, label in priorities if code in used_priorities
        ]
        if False in used_priorities:
            # A target for any priority: its own column, where the specific ones
            # of the same row do not apply.
            columns.insert(0, (False, contract.env._("Any priority")))
        rows = []
        for metric, metric_label in metrics:
            of_metric = targets.filtered(lambda t, m=metric: t.metric == m)
            for service_type in [False, *of_metric.service_type_id.sorted("name")]:
                cells = {
                    target.priority or False: target
                    for target in of_metric
                    if (target.service_type_id or False) == service_type
                }
                if cells:
                    rows.append(
                        {
                            "metric": metric_label,
                            "service_type": service_type and service_type.name,
                            "cells": cells,
                        }
                    )
        return {"priorities": columns, "rows": rows}
