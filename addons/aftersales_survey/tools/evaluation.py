"""KPI figures of an evaluation period, in plain Python.

The models gather plain dicts (tickets, SLA clocks, survey invitations and answers of
one contract, technician or team) and this module turns them into figures, judges them
against thresholds and compares them with an earlier period. Definitions:

- ``satisfaction_index``: mean weighted satisfaction index (0-100) of the survey
  responses completed in the period.
- ``sla_<metric>``: share (%) of the clocks of that metric *decided* in the period that
  were met. A clock is decided when it breaches (``breached_at``) or, if it never
  breached, when its milestone is reached (``met_at``); running and cancelled clocks do
  not count.
- ``first_time_fix_rate``: share (%) of the service tickets (not complaints) resolved
  in the period that were never reopened.
- ``complaint_count``: complaints reported in the period (the subject's complaints:
  see ``complaints`` in :func:`compute_kpis`).
- ``complaint_rate``: complaints reported in the period per 100 service tickets (not
  complaints) reported in the period, as a percentage; no service ticket, no data.
- ``complaint_timeliness``: share (%) of the complaints resolved in the period that
  were resolved on time, i.e. whose complaint feedback clock was not breached.
  Complaints without a feedback clock (no target promised) do not count. A
  reopening (a rejected outcome) clears the resolution: the complaint counts once,
  in the period of its last resolution, and a late first answer stays late.
- ``mean_response_hours`` / ``mean_resolution_hours``: mean business hours counted by
  the response / resolution clocks whose milestone was reached in the period.
- ``surveys_sent`` / ``surveys_answered``: invitations sent / responses completed in
  the period; ``survey_response_rate``: share (%) of the invitations sent in the
  period that have been answered.
- ``workload`` (scorecards): tickets reported in the period.

A figure without data (no clock decided, no response...) is ``None``: it is shown as
"no data", it neither passes nor fails, and it never creates a penalty.
"""

from datetime import date

#: code -> (unit, direction). unit: percent (0-100), hours or count; direction:
#: "higher" (higher is better, threshold is a minimum), "lower" (threshold is a
#: maximum) or None (information only, no threshold).
KPIS = {
    "satisfaction_index": ("percent", "higher"),
    "sla_response": ("percent", "higher"),
    "sla_arrival": ("percent", "higher"),
    "sla_resolution": ("percent", "higher"),
    "sla_complaint_response": ("percent", "higher"),
    "sla_complaint_feedback": ("percent", "higher"),
    "first_time_fix_rate": ("percent", "higher"),
    "complaint_count": ("count", "lower"),
    "complaint_rate": ("percent", "lower"),
    "complaint_timeliness": ("percent", "higher"),
    "mean_response_hours": ("hours", "lower"),
    "mean_resolution_hours": ("hours", "lower"),
    "surveys_sent": ("count", None),
    "surveys_answered": ("count", None),
    "survey_response_rate": ("percent", "higher"),
    "workload": ("count", None),
}

#: KPIs of a contract evaluation, in display order.
EVALUATION_KPIS = [code for code in KPIS if code != "workload"]

#: KPIs of a technician's or team's scorecard, in display order.
SCORECARD_KPIS = [
    "workload",
    "satisfaction_index",
    "sla_response",
    "sla_arrival",
    "sla_resolution",
    "sla_complaint_response",
    "sla_complaint_feedback",
    "first_time_fix_rate",
    "mean_response_hours",
    "mean_resolution_hours",
    "surveys_answered",
]

SLA_METRICS = (
    "response",
    "arrival",
    "resolution",
    "complaint_response",
    "complaint_feedback",
)

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6}


class EvaluationError(ValueError):
    """A period or threshold that cannot be evaluated."""


# ----------------------------------------------------------------------
# Periods
# ----------------------------------------------------------------------


def period_bounds(period_type, day):
    """First and last day of the month, quarter or half-year containing ``day``."""
    months = PERIOD_MONTHS.get(period_type)
    if not months:
        raise EvaluationError(f"unknown period type {period_type!r}")
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, add_months(start, months) - _ONE_DAY


def add_months(day, months):
    """``day`` (the first of a month) moved by ``months`` months."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(period_type, date_from):
    """Bounds of the period before the one starting on ``date_from``."""
    start = add_months(date_from.replace(day=1), -PERIOD_MONTHS[period_type])
    return period_bounds(period_type, start)


def ended_periods(period_type, since, today):
    """Periods that start on or after ``since``'s period and ended before ``today``."""
    start, end = period_bounds(period_type, since)
    while end < today:
        yield start, end
        start, end = period_bounds(period_type, end + _ONE_DAY)


def period_label(period_type, date_from):
    """2026-03, 2026-Q1, 2026-H1."""
    if period_type == "quarter":
        return f"{date_from.year}-Q{(date_from.month - 1) // 3 + 1}"
    if period_type == "half_year":
        return f"{date_from.year}-H{(date_from.month - 1) // 6 + 1}"
    return f"{date_from.year}-{date_from.month:02d}"


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


# ----------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------


def _within(moment, start, end):
    # Empty datetimes come as None or, from the ORM, False.
    return bool(moment) and start <= moment < end


def _percent(part, whole):
    return 100.0 * part / whole if whole else None


def _mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


def compute_kpis(
    start, end, tickets=(), clocks=(), responses=(), invitations=(), complaints=None
):
    """KPI figures of the period [start, end) (naive UTC datetimes).

    :param tickets: dicts with ``reported_at``, ``resolved_at`` (or None),
        ``reopen_count`` and ``is_complaint``.
    :param complaints: the complaints that count against the subject, dicts with
        ``reported_at``, ``resolved_at`` (or None) and ``feedback_on_time`` (True,
        False, or None without a feedback clock); None: the complaints among
        ``tickets``.
    :param clocks: dicts with ``metric``, ``met_at``, ``breached_at`` (or None) and
        ``elapsed_seconds`` (business seconds counted, frozen at the milestone).
    :param responses: dicts with ``answered_at`` and ``index`` (0-100 or None).
    :param invitations: dicts with ``sent_at`` and ``answered`` (bool).
    :return: {kpi code: figure or None} for every code of :data:`KPIS`.
    """
    figures = {}
    decided = {metric: [0, 0] for metric in SLA_METRICS}  # [met, decided]
    reached = {metric: [] for metric in SLA_METRICS}
    for clock in clocks:
        metric = clock["metric"]
        if metric not in decided:
            continue
        breached_at, met_at = clock.get("breached_at"), clock.get("met_at")
        decided_at = breached_at or met_at
        if _within(decided_at, start, end):
            decided[metric][1] += 1
            if not breached_at:
                decided[metric][0] += 1
        if _within(met_at, start, end):
            reached[metric].append(clock["elapsed_seconds"] / 3600.0)
    for metric, (met, total) in decided.items():
        figures[f"sla_{metric}"] = _percent(met, total)
    figures["mean_response_hours"] = _mean(reached["response"])
    figures["mean_resolution_hours"] = _mean(reached["resolution"])

    resolved = [
        ticket
        for ticket in tickets
        if not ticket["is_complaint"] and _within(ticket["resolved_at"], start, end)
    ]
    figures["first_time_fix_rate"] = _percent(
        sum(1 for ticket in resolved if not ticket["reopen_count"]), len(resolved)
    )
    reported = [t for t in tickets if _within(t["reported_at"], start, end)]
    figures["workload"] = len(reported)
    if complaints is None:
        complaints = [t for t in tickets if t["is_complaint"]]
    complaint_count = sum(
        1 for c in complaints if _within(c["reported_at"], start, end)
    )
    figures["complaint_count"] = complaint_count
    figures["complaint_rate"] = _percent(
        complaint_count, sum(1 for t in reported if not t["is_complaint"])
    )
    judged = [
        c.get("feedback_on_time")
        for c in complaints
        if _within(c["resolved_at"], start, end)
        and c.get("feedback_on_time") is not None
    ]
    figures["complaint_timeliness"] = _percent(sum(judged), len(judged))

    answered = [r for r in responses if _within(r["answered_at"], start, end)]
    figures["satisfaction_index"] = _mean(
        r["index"] for r in answered if r["index"] is not None
    )
    sent = [i for i in invitations if _within(i["sent_at"], start, end)]
    figures["surveys_sent"] = len(sent)
    figures["surveys_answered"] = len(answered)
    figures["survey_response_rate"] = _percent(
        sum(1 for i in sent if i["answered"]), len(sent)
    )
    return figures


# ----------------------------------------------------------------------
# Judgement
# ----------------------------------------------------------------------


def judge(kpi, value, threshold):
    """'pass', 'fail', or 'na' (no figure or no threshold)."""
    direction = KPIS[kpi][1]
    if value is None or threshold is None or direction is None:
        return "na"
    # Figures are compared as shown (2 decimals): 94.999 does not fail 95.
    value = round(value, 2)
    if direction == "higher":
        return "pass" if value >= threshold else "fail"
    return "pass" if value <= threshold else "fail"


def trend(kpi, value, previous):
    """'better', 'worse', 'same', or 'na', from the KPI's point of view."""
    direction = KPIS[kpi][1]
    if value is None or previous is None or direction is None:
        return "na"
    delta = round(value, 2) - round(previous, 2)
    if abs(delta) < 0.005:
        return "same"
    improved = delta > 0 if direction == "higher" else delta < 0
    return "better" if improved else "worse"


def period_fee(value, term_start, term_end, period_start, period_end):
    """The contract value pro rata of the days of the period within the term."""
    term_days = (term_end - term_start).days + 1
    overlap = (min(term_end, period_end) - max(term_start, period_start)).days + 1
    if term_days <= 0 or overlap <= 0:
        return 0.0
    return value * overlap / term_days
