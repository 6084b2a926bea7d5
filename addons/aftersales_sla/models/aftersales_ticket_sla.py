import contextvars
import json
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..tools import sla_clock
from ..tools.quiet_sql import quiet_sql
from .aftersales_sla_target import METRICS

#: Which metrics' clocks each milestone reaches (stops as met). A later milestone
#: also meets the earlier promises still running: an arrival on site or a
#: resolution is a response too (docs/architecture.md, "Milestones").
MILESTONE_REACHES = {
    "ticket.responded": ("response", "complaint_response"),
    "ticket.arrived": ("arrival", "response", "complaint_response"),
    "ticket.resolved": (
        "resolution",
        "complaint_feedback",
        "response",
        "complaint_response",
    ),
}

#: Metrics whose clock a milestone cancels instead: solved without a visit, the
#: on-site promise no longer applies (a breach already booked stays).
MILESTONE_CANCELS = {"ticket.resolved": ("arrival",)}

#: Metrics whose clock a reopening resumes.
REOPENED_METRICS = {"resolution", "complaint_feedback"}

#: Ticket events that matter to SLA clocks (the projection reads only these).
CLOCK_EVENT_TYPES = (
    "ticket.reported",
    "ticket.priority_changed",
    "ticket.retargeted",
    "ticket.paused",
    "ticket.resumed",
    "ticket.responded",
    "ticket.arrived",
    "ticket.resolved",
    "ticket.reopened",
    "ticket.closed",
    "sla.breached",
)

#: Set while breaches are booked: the projection their ``sla.breached`` events cause
#: (see ``aftersales.event._project_clock_events``) must not book them again.
_BOOKING = contextvars.ContextVar("aftersales_sla_booking", default=False)

#: Fields of a line that the projection writes (the rest is set at creation).
PROJECTED_FIELDS = (
    "state",
    "deadline",
    "elapsed_seconds",
    "paused_seconds",
    "met_at",
    "breached_at",
    "lateness_seconds",
    "target_seconds",
    "ceiling_seconds",
    "pause_reason_codes",
    "as_of",
)


class AftersalesTicketSla(models.Model):
    """One SLA clock of a ticket: a projection of the ticket's ledger events.

    Every stored field below is written only by :meth:`_project_tickets`, which
    replays the ticket's events through :func:`..tools.sla_clock.project_clock`;
    :meth:`_rebuild_from_ledger` replays them again and reports any difference.
    Nothing stored depends on the current time: elapsed and lateness are as of the
    last event (``as_of``); their live values are computed, not stored.
    """

    _name = "aftersales.ticket.sla"
    _description = "After-Sales Ticket SLA"
    _order = "deadline, id"

    ticket_id = fields.Many2one(
        "aftersales.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    target_id = fields.Many2one("aftersales.sla.target", ondelete="set null")
    metric = fields.Selection(METRICS, required=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        ondelete="restrict",
        index=True,
        help="The calendar the clock runs on; empty: 24x7.",
    )
    target_seconds = fields.Integer(string="Target (s)", readonly=True)
    target_hours = fields.Float(compute="_compute_target_hours", string="Target (h)")
    ceiling_hours = fields.Float(
        compute="_compute_target_hours", string="At Most (elapsed h)"
    )
    ceiling_seconds = fields.Integer(
        string="Ceiling (s)",
        readonly=True,
        help="Elapsed-time ceiling (24x7) of the target, whichever comes first; "
        "0: none.",
    )
    pause_reason_codes = fields.Char(
        readonly=True,
        help="Codes of the pause reasons that stop this clock (from the target in "
        "force, as recorded in the ledger).",
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("paused", "Paused"),
            ("met", "Met"),
            ("breached", "Breached"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="running",
        index=True,
        readonly=True,
    )
    deadline = fields.Datetime(
        readonly=True,
        index=True,
        help="When the counted business time reaches the target. Empty while paused.",
    )
    warning_at = fields.Datetime(
        readonly=True, index=True, help="When the warning threshold is reached."
    )
    warning_percent = fields.Float(readonly=True)
    elapsed_seconds = fields.Integer(
        string="Business Time Counted (s)",
        readonly=True,
        help="Business seconds counted up to the last event (see As Of).",
    )
    paused_seconds = fields.Integer(
        string="Business Time Paused (s)",
        readonly=True,
        help="Business seconds the clock stood still during allowed pauses.",
    )
    lateness_seconds = fields.Integer(
        string="Lateness (s)", readonly=True, help="Business seconds beyond the target."
    )
    met_at = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        help="When the milestone was reached.",
    )
    breached_at = fields.Datetime(readonly=True, index=True)
    as_of = fields.Datetime(readonly=True, help="Time of the last event replayed.")
    breach_event_id = fields.Many2one(
        "aftersales.event",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The sla.breached event booked for this clock (once).",
    )
    warning_event_id = fields.Many2one(
        "aftersales.event",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The sla.warning event sent for this clock (once).",
    )
    is_overdue = fields.Boolean(
        compute="_compute_live", search="_search_is_overdue", string="Overdue"
    )
    is_at_risk = fields.Boolean(
        compute="_compute_live", search="_search_is_at_risk", string="At Risk"
    )
    live_elapsed_hours = fields.Float(compute="_compute_live", string="Counted (h)")
    live_lateness_hours = fields.Float(compute="_compute_live", string="Late by (h)")
    penalty_accrued = fields.Monetary(
        compute="_compute_live",
        string="Accruing Penalty",
        currency_field="currency_id",
        # Money is for managers, auditors and accountants, not technicians.
        groups="aftersales_sla.group_aftersales_auditor,account.group_account_invoice",
        help="Per-hour penalty clauses: what the lateness so far costs (final when the "
        "milestone is reached).",
    )
    currency_id = fields.Many2one(related="ticket_id.contract_id.currency_id")

    def init(self):
        # The SLA watch reads only running clocks that are due: keep that index small.
        create_index(
            self.env.cr,
            "aftersales_ticket_sla_due_idx",
            self._table,
            ["deadline"],
            where="state = 'running'",
        )
        create_index(
            self.env.cr,
            "aftersales_ticket_sla_warning_idx",
            self._table,
            ["warning_at"],
            where="state = 'running' AND warning_event_id IS NULL",
        )

    @api.depends("ticket_id.number", "metric")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # "T00012 · Resolution": the ticket's number and the promise, in words.
        labels = dict(self._fields["metric"]._description_selection(self.env))
        for line in self:
            # sudo: the ticket's number, whoever reads the clock (portal too)
            line.display_name = " · ".join(
                part
                for part in (line.ticket_id.sudo().number, labels.get(line.metric))
                if part
            )

    @api.depends("target_seconds", "ceiling_seconds")
    def _compute_target_hours(self):
        for line in self:
            line.target_hours = line.target_seconds / 3600.0
            line.ceiling_hours = line.ceiling_seconds / 3600.0

    @api.depends_context("uid")
    @api.depends("state", "deadline", "warning_at", "elapsed_seconds", "as_of")
    def _compute_live(self):
        now = fields.Datetime.now()
        # Working time is configuration: read as the system for whoever looks (portal).
        # sudo: working time is configuration, read for whoever looks (portal too)
        worktimes = self.sudo()._worktimes(now - timedelta(days=1), now)
        for line in self:
            state = line._clock_state()
            live = sla_clock.live_values(state, worktimes[line.calendar_id.id], now)
            line.is_overdue = live["overdue"]
            line.is_at_risk = line.state == "running" and bool(
                line.warning_at and line.warning_at <= now < (line.deadline or now)
            )
            line.live_elapsed_hours = live["elapsed"] / 3600.0
            line.live_lateness_hours = live["lateness"] / 3600.0
            line.penalty_accrued = line._accrued_penalty(live["lateness"])

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("state", "=", "running"), ("deadline", "<=", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", *domain]

    def _search_is_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "running"),
            ("warning_at", "<=", now),
            ("deadline", ">", now),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def _accrued_penalty(self, lateness_seconds):
        """Per-hour clauses of the ticket's contracts applied to a lateness."""
        self.ensure_one()
        if self.state != "breached" and not lateness_seconds:
            return 0.0
        # sudo: the contracts' per-hour clauses, whoever reads the clock (portal too)
        contracts = (
            self.env["aftersales.penalty"].sudo()._contracts_for(self.ticket_id.sudo())
        )
        # sudo: the clauses apply to the clock, whoever reads it (portal too)
        return sum(
            rule._per_hour_amount(lateness_seconds)
            for rule in contracts._penalty_rules_at(self.ticket_id.sudo().reported_at)
            if rule.rule_type == "per_hour" and rule._applies_to(self.sudo())
        )

    def _clock_state(self):
        self.ensure_one()
        return sla_clock.ClockState(
            state=self.state,
            target=self.target_seconds,
            elapsed=self.elapsed_seconds,
            paused=self.paused_seconds,
            # The ORM says False for an empty date, the clock says None.
            as_of=self.as_of or None,
            deadline=self.deadline or None,
            met_at=self.met_at or None,
            breached_at=self.breached_at or None,
        )

    # ------------------------------------------------------------------
    # Working time, batched per calendar
    # ------------------------------------------------------------------

    @api.model
    def _worktimes(self, start, end, calendars=None):
        """One WorkTime per calendar id (and AllTime for False), loaded once for the
        span [start, end] of a whole batch."""
        result = defaultdict(sla_clock.AllTime)
        for calendar in calendars or self.calendar_id:
            result[calendar.id] = sla_clock.WorkTime(
                calendar._aftersales_work_intervals, start, end
            )
        return result

    # ------------------------------------------------------------------
    # The projection
    # ------------------------------------------------------------------

    @api.model
    def _clock_event_types(self):
        """Ticket events that matter to SLA clocks: the projection reads only these,
        and appending one re-projects its ticket (other addons add theirs)."""
        return CLOCK_EVENT_TYPES + self._partial_target_event_types()

    @api.model
    def _partial_target_event_types(self):
        """Ticket events whose ``targets`` payload sets the targets of the metrics
        it names and leaves the other clocks alone (e.g. an agreed visit slot
        setting the on-site arrival promise). The core has none."""
        return ()

    @api.model
    def _read_clock_events(self, tickets):
        """The SLA-relevant ledger events of ``tickets``, per ticket id, in order."""
        self.env["aftersales.event"].flush_model()
        self.env.cr.execute(
            """SELECT res_id, event_type, occurred_at, payload, id
                 FROM aftersales_event
                WHERE res_model = 'aftersales.ticket' AND res_id = ANY(%s)
                  AND event_type = ANY(%s)
             ORDER BY res_id, occurred_at, id""",
            [list(tickets.ids), list(self._clock_event_types())],
        )
        events = defaultdict(list)
        for (
            res_id,
            event_type,
            occurred_at,
            payload,
            event_id,
        ) in self.env.cr.fetchall():
            events[res_id].append(
                (event_type, occurred_at, json.loads(payload), event_id)
            )
        return events

    @api.model
    def _booked_breaches(self, ticket_events):
        """{metric: (event id, breach time)} of the first breach booked per metric
        (``sla.breached`` events), for :meth:`_clock_events`."""
        booked = {}
        for event_type, at, payload, *rest in ticket_events:
            metric = payload.get("metric")
            if event_type != "sla.breached" or not metric:
                continue
            event_id = rest[0] if rest else 0
            if metric not in booked or event_id < booked[metric][0]:
                booked[metric] = (event_id, at)
        return booked

    @api.model
    def _clock_events(self, ticket_events):
        """Turn a ticket's ledger events into clock events per metric.

        The targets come from the events themselves (``ticket.reported``,
        ``ticket.priority_changed`` and ``ticket.retargeted`` carry them), so a
        replay gives the same clocks even after the policy was edited.

        - A priority change keeps the time counted; a metric that starts to apply
          on it counts from the change (the customer raised the stakes then).
        - A re-targeting (contract, service type or customer corrected) is a
          correction: a metric that starts to apply on it counts from the reported
          time, as if the ticket had had the right targets from the start (the
          ticket's pauses and milestones since then are replayed on it); a metric
          that keeps applying keeps the time counted, with its new target.
        - Either way, a metric that stops applying is cancelled.

        :return: {metric: (target_info, [ClockEvent, ...])}, target_info being the
            last target dict of the metric (target, seconds, calendar, warning,
            pause_reasons, ceiling).
        """
        clocks = {}
        history = []  # the ticket's other clock events so far, for late starts
        reported_at = None
        # A breach stays a breach: an event recorded after the breach of a clock
        # was booked (a later id) counts for that clock no earlier than the breach,
        # however far back it says it happened. A backdated milestone or pause, be
        # it entered late with a reason or inserted behind the application's back,
        # meets the clock late; it never turns the booked breach into "met".
        booked = self._booked_breaches(ticket_events)
        moved = set()  # ids of the clock events counted at a booked breach
        moved_metrics = set()
        for event_type, at, payload, *rest in ticket_events:
            event_id = rest[0] if rest else None
            if event_type == "ticket.reported":
                reported_at = at
                self._apply_targets(clocks, at, payload.get("targets", []))
                continue
            if event_type == "ticket.priority_changed":
                self._apply_targets(
                    clocks, at, payload.get("targets", []), history=history
                )
                continue
            if event_type in self._partial_target_event_types():
                self._apply_targets(
                    clocks,
                    at,
                    payload.get("targets", []),
                    history=history,
                    partial=True,
                )
                continue
            if event_type == "ticket.retargeted":
                start = payload.get("reported_at")
                start = fields.Datetime.to_datetime(start) if start else reported_at
                self._apply_targets(
                    clocks,
                    at,
                    payload.get("targets", []),
                    history=history,
                    start=start or at,
                )
                continue
            history.append((event_type, at, payload))
            for metric, (_info, events) in clocks.items():
                moment = at
                breach = booked.get(metric)
                if (
                    breach
                    and event_type != "sla.breached"
                    and event_id is not None
                    and event_id > breach[0]
                    and at < breach[1]
                ):
                    moment = breach[1]
                clock_event = self._clock_event(metric, event_type, moment, payload)
                if clock_event:
                    events.append(clock_event)
                    if moment != at:
                        moved.add(id(clock_event))
                        moved_metrics.add(metric)
        for metric in moved_metrics:
            # Keep the clock's events in time order; one moved to a breach comes
            # after the breach at that instant.
            clocks[metric][1].sort(key=lambda event: (event.at, id(event) in moved))
        return clocks

    @api.model
    def _clock_event(self, metric, event_type, at, payload):
        """The clock event a ticket event is for one metric's clock (or None)."""
        if event_type == "ticket.paused":
            return sla_clock.ClockEvent(at, "pause", reason=payload.get("reason"))
        if event_type == "ticket.resumed":
            return sla_clock.ClockEvent(at, "resume")
        if metric in MILESTONE_REACHES.get(event_type, ()):
            return sla_clock.ClockEvent(at, "reach")
        if metric in MILESTONE_CANCELS.get(event_type, ()):
            return sla_clock.ClockEvent(at, "cancel")
        if event_type == "ticket.reopened" and metric in REOPENED_METRICS:
            return sla_clock.ClockEvent(at, "unreach")
        if event_type == "ticket.closed":
            return sla_clock.ClockEvent(at, "cancel")
        if event_type == "sla.breached" and payload.get("metric") == metric:
            return sla_clock.ClockEvent(at, "breach")
        return None

    @api.model
    def _apply_targets(
        self, clocks, at, targets, history=(), start=None, partial=False
    ):
        """Targets (re-)derived at ``at``: start new clocks, retarget running ones
        (time counted is kept), cancel those that no longer apply (unless
        ``partial``: then only the metrics named change).

        A new clock starts at ``start`` (default ``at``) and replays the ticket's
        events of ``history`` (pauses, milestones...); those before ``start``
        count at ``start``.

        A target with a ``due`` instant (naive UTC, ISO text) promises a moment, not
        a duration ("on site by the end of the agreed slot"): its clock counts every
        second (no calendar) and its target is the time from the clock's start to
        ``due``, so its deadline is ``due`` wherever the clock started, and no
        pause moves it (the instant was agreed; only a new target does).
        """
        targets = {target["metric"]: target for target in targets}
        start = start or at
        for metric, info in targets.items():
            running = metric in clocks and clocks[metric][1][-1].kind != "cancel"
            if info.get("due"):
                origin = clocks[metric][1][0].at if running else start
                due = fields.Datetime.to_datetime(info["due"])
                info = dict(
                    info,
                    seconds=max(0, int((due - origin).total_seconds())),
                    calendar=None,
                    ceiling=None,
                    pause_reasons=[],
                )

            def targeted(moment, kind, info=info):
                return sla_clock.ClockEvent(
                    moment,
                    kind,
                    info["seconds"],
                    frozenset(info.get("pause_reasons", [])),
                    calendar=info.get("calendar") or False,
                    ceiling=info.get("ceiling") or None,
                )

            if running:
                events = clocks[metric][1]
                events.append(targeted(at, "target"))
            else:
                events = [targeted(start, "start")]
                # What happened before the start counts at the start (a pause in
                # force, a milestone already reached), in its order.
                for event_type, moment, payload in history:
                    clock_event = self._clock_event(
                        metric, event_type, max(moment, start), payload
                    )
                    if clock_event:
                        events.append(clock_event)
                if start < at:
                    # Counted up to the re-targeting that recorded these targets.
                    events.append(targeted(at, "target"))
            clocks[metric] = (info, events)
        if partial:
            return
        for metric, (_info, events) in clocks.items():
            if metric not in targets and events[-1].kind != "cancel":
                events.append(sla_clock.ClockEvent(at, "cancel"))

    @api.model
    def _compute_projection(self, tickets):
        """Replay the ledger events of ``tickets``: {ticket id: {metric: values}}.

        Working time is loaded once per calendar for the whole batch.
        """
        events_by_ticket = self._read_clock_events(tickets)
        clocks_by_ticket = {
            ticket_id: self._clock_events(events)
            for ticket_id, events in events_by_ticket.items()
        }
        starts = [
            events[0].at
            for clocks in clocks_by_ticket.values()
            for _info, events in clocks.values()
        ]
        calendars = self.env["resource.calendar"].browse(
            {
                event.calendar
                for clocks in clocks_by_ticket.values()
                for _info, events in clocks.values()
                for event in events
                if event.kind in ("start", "target") and event.calendar
            }
        )
        if not starts:
            return {}
        worktimes = self._worktimes(
            min(starts), max(starts) + sla_clock.LOAD_STEP, calendars=calendars
        )
        result = {}
        for ticket_id, clocks in clocks_by_ticket.items():
            result[ticket_id] = {}
            for metric, (info, events) in clocks.items():
                result[ticket_id][metric] = self._project_clock_values(
                    info, events, worktimes
                )
        return result

    @api.model
    def _project_clock_values(self, info, events, worktimes):
        """One clock's stored values from its events: business time on the
        calendars in force, and the elapsed-time ceiling when the target has one
        (whichever comes first)."""
        state = sla_clock.project_clock(events, worktimes)
        worktime = worktimes[info.get("calendar") or False]
        share = info.get("warning", 80.0) / 100.0
        warnings = []
        if state.state == "running" and state.deadline:
            warning_seconds = round(state.target * share) - state.elapsed
            warnings.append(worktime.add(state.as_of, max(0, warning_seconds)))
        if sla_clock.has_ceiling(events):
            ceiling = sla_clock.project_clock(
                sla_clock.ceiling_events(events), sla_clock.AllTime()
            )
            state = sla_clock.combine_ceiling(state, ceiling)
            if state.state == "running" and ceiling.deadline:
                warning_seconds = round(ceiling.target * share) - ceiling.elapsed
                warnings.append(
                    sla_clock.AllTime().add(ceiling.as_of, max(0, warning_seconds))
                )
        return {
            "target_id": info.get("target") or False,
            "calendar_id": info.get("calendar") or False,
            "warning_percent": info.get("warning", 80.0),
            "target_seconds": state.target,
            "ceiling_seconds": info.get("ceiling") or 0,
            "pause_reason_codes": ",".join(info.get("pause_reasons", [])),
            "state": state.state,
            "deadline": state.deadline or False,
            "warning_at": min(warnings) if warnings else False,
            "elapsed_seconds": state.elapsed,
            "paused_seconds": state.paused,
            "lateness_seconds": state.lateness,
            "met_at": state.met_at or False,
            "breached_at": state.breached_at or False,
            "as_of": state.as_of,
        }

    @api.model
    def _project_tickets(self, tickets, book=True):
        """Bring the stored SLA lines of ``tickets`` in line with their events.

        With ``book``, clocks found breached get their ``sla.breached`` event now
        (a milestone recorded after its deadline books the breach at once).
        """
        projection = self._compute_projection(tickets)
        existing = {(line.ticket_id.id, line.metric): line for line in tickets.sla_ids}
        to_create = []
        for ticket_id, metrics in projection.items():
            for metric, values in metrics.items():
                line = existing.pop((ticket_id, metric), None)
                if line is None:
                    to_create.append(dict(values, ticket_id=ticket_id, metric=metric))
                elif line._differs(values):
                    line.write(values)
        if to_create:
            self.create(to_create)
        # Lines whose metric no longer appears at all (should not happen): drop them.
        stale = self.browse([line.id for line in existing.values()])
        if stale:
            stale.unlink()
        if book:
            tickets.sla_ids._book_breaches()
            # Per-hour clauses become final when a late milestone is reached.
            finished = tickets.sla_ids.filtered(
                lambda line: line.state == "breached" and line.met_at
            )
            if finished:
                # sudo: penalties are assessed by the engine, whoever met the milestone
                self.env["aftersales.penalty"].sudo()._assess_lines(
                    finished, final_only=True
                )

    def _differs(self, values, names=None):
        """Whether this line's stored values differ from projected ``values``
        (relations compared by id, empty values as False)."""
        self.ensure_one()
        for name in names or values:
            stored = self[name]
            if self._fields[name].type == "many2one":
                stored = stored.id
            if (stored or False) != (values[name] or False):
                return True
        return False

    @api.model
    def _rebuild_from_ledger(self, tickets=None, fix=True):
        """Replay tickets' events and compare with the stored lines.

        :return: list of differences (ticket, metric, field, stored, replayed).
        """
        tickets = (
            tickets if tickets is not None else self.env["aftersales.ticket"].search([])
        )
        differences = []
        for batch_start in range(0, len(tickets), 500):
            batch = tickets[batch_start : batch_start + 500]
            projection = self._compute_projection(batch)
            for ticket in batch:
                stored = {line.metric: line for line in ticket.sla_ids}
                replayed = projection.get(ticket.id, {})
                for metric in sorted(set(stored) | set(replayed)):
                    line, values = stored.get(metric), replayed.get(metric)
                    if line is None or values is None:
                        differences.append(
                            (ticket.id, metric, "line", bool(line), bool(values))
                        )
                        continue
                    for name in PROJECTED_FIELDS:
                        if line._differs(values, [name]):
                            differences.append(
                                (ticket.id, metric, name, line[name], values[name])
                            )
            if fix and differences:
                self._project_tickets(batch)
        return differences

    @api.model
    def _recompute_running_for_calendars(self, calendars):
        """A calendar changed (holiday, extra working day, hours): re-project the
        tickets with open clocks on it, at once."""
        lines = self.search(
            [
                ("calendar_id", "in", calendars.ids),
                ("state", "in", ("running", "paused")),
            ]
        )
        if lines:
            self._project_tickets(lines.ticket_id)

    # ------------------------------------------------------------------
    # Breaches and warnings (the SLA watch)
    # ------------------------------------------------------------------

    def _book_breaches(self):
        """Append one ``sla.breached`` event per breached clock that has none yet.

        The breach time (occurred_at) is the deadline, not the moment it was
        noticed. Called after every projection (a milestone recorded late books
        the breach at once) and by the SLA watch.
        """
        lines = self.filtered(
            lambda line: line.state == "breached" and not line.breach_event_id
        )
        if not lines:
            return lines
        lines._record_breaches(
            "breached_at", self.env._("SLA breach recorded by the service ledger")
        )
        return lines

    def _record_breaches(self, moment_field, reason):
        """Append the breach events of these clocks (dated at ``moment_field``),
        link each clock to its event and run the breach consequences (penalties,
        notifications): what booking a breach is, for the projection and the
        SLA watch alike."""
        token = _BOOKING.set(True)
        try:
            events = self._append_breach_events(moment_field, reason)
        finally:
            _BOOKING.reset(token)
        for line, event in zip(self, events, strict=True):
            line.breach_event_id = event
        self._on_breached()

    def _append_breach_events(self, moment_field, reason):
        """One ``sla.breached`` event per line, dated at its ``moment_field``
        (the deadline); returned in the order of the lines."""
        return self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "sla.breached",
                    "subject": line.ticket_id,
                    "company": line.company_id,
                    "occurred_at": line[moment_field],
                    "reason": reason,
                    "payload": {
                        "ticket": line.ticket_id.number,
                        "metric": line.metric,
                        "line": line.id,
                        "deadline": fields.Datetime.to_string(line[moment_field]),
                        "target_seconds": line.target_seconds,
                    },
                }
                for line in self
            ]
        )

    def _on_breached(self):
        """What follows a breach: the contracts' penalty clauses are assessed (as the
        system: whoever's action revealed the breach)."""
        # sudo: penalties are assessed by the engine, whoever revealed the breach
        self.env["aftersales.penalty"].sudo()._assess_lines(self.sudo())

    def _send_warnings(self):
        """Warn the assignee and the team leader of clocks past their warning
        threshold: an activity, an e-mail (chatter) and an ``sla.warning`` event,
        once per clock."""
        lines = self.filtered(
            lambda line: line.state == "running" and not line.warning_event_id
        )
        if not lines:
            return lines
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        events = self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "sla.warning",
                    "subject": line.ticket_id,
                    "company": line.company_id,
                    "occurred_at": line.warning_at,
                    "payload": {
                        "ticket": line.ticket_id.number,
                        "metric": line.metric,
                        "line": line.id,
                        "deadline": fields.Datetime.to_string(line.deadline),
                        "warning_percent": line.warning_percent,
                    },
                }
                for line in lines
            ]
        )
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        for line, event in zip(lines, events, strict=True):
            line.warning_event_id = event
            ticket = line.ticket_id
            people = (ticket.user_id | ticket.team_id.leader_id).filtered("active")
            summary = self.env._(
                "SLA at risk: %(metric)s due %(deadline)s",
                metric=metrics[line.metric],
                deadline=fields.Datetime.to_string(line.deadline),
            )
            for user in people:
                ticket.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=summary,
                    date_deadline=fields.Date.to_date(line.deadline),
                    user_id=user.id,
                )
        # The e-mail goes out with the sla.warning event (mail_template_sla_warning).
        return lines

    @api.model
    def _lock_due(self, column, now, limit, unwarned=False):
        """Running clocks due on ``column`` (deadline or warning time), locked for
        this transaction with their tickets. Rows another worker holds are skipped,
        not waited for; a row another worker changed after this transaction's
        snapshot cannot be locked under REPEATABLE READ, and then the batch is left
        to the next call (a fresh snapshot) instead of failing the run. With
        ``unwarned``, only the clocks whose warning was not sent yet.
        """
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False), quiet_sql():
                self.env.cr.execute(
                    SQL(
                        """SELECT l.id, l.ticket_id FROM aftersales_ticket_sla l
                            WHERE l.state = 'running' AND %(column)s <= %(now)s
                                  %(unwarned)s
                         ORDER BY %(column)s LIMIT %(limit)s
                              FOR UPDATE OF l SKIP LOCKED""",
                        column=SQL.identifier("l", column),
                        now=now,
                        unwarned=self._unwarned_sql(unwarned),
                        limit=limit,
                    )
                )
                rows = self.env.cr.fetchall()
                if not rows:
                    return self.browse()
                self.env.cr.execute(
                    """SELECT id FROM aftersales_ticket WHERE id = ANY(%s)
                          FOR NO KEY UPDATE SKIP LOCKED""",
                    [list({ticket_id for _id, ticket_id in rows})],
                )
                tickets = {row[0] for row in self.env.cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            return self.browse()
        return self.browse(
            [line_id for line_id, ticket_id in rows if ticket_id in tickets]
        )

    def _watch_book(self, now):
        """Book the breaches of these due clocks (locked by ``_lock_due``) and
        assess their penalties, all or nothing. Returns the clocks booked.

        Another transaction (a milestone on one of the tickets, an assessment on
        the same contract, on any server) may have changed a row this batch
        needs after this transaction's snapshot: under REPEATABLE READ that is a
        serialization failure. The batch is then rolled back to its savepoint,
        nothing of it is booked, and the watch is triggered again at once: a
        fresh transaction books it (the clocks stay due until then), instead of
        the scheduled action failing until its next interval.
        """
        try:
            with self.env.cr.savepoint(), quiet_sql():
                # The events carry the metric: appending them re-projects the
                # tickets, which marks the clocks breached at their deadline.
                self._record_breaches(
                    "deadline", self.env._("Detected by the SLA watch")
                )
                self.env.flush_all()
        except psycopg2.errors.SerializationFailure:
            cron = self.env.ref(
                "aftersales_sla.ir_cron_aftersales_sla_watch", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger(now)
            return self.browse()
        return self

    @api.model
    def _count_due(self, column, now, unwarned=False):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT count(DISTINCT l.ticket_id) FROM aftersales_ticket_sla l
                    WHERE l.state = 'running' AND %(column)s <= %(now)s
                          %(unwarned)s""",
                column=SQL.identifier("l", column),
                now=now,
                unwarned=self._unwarned_sql(unwarned),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _unwarned_sql(self, unwarned):
        """The condition of :meth:`_lock_due`/:meth:`_count_due`'s ``unwarned``."""
        return SQL("AND l.warning_event_id IS NULL") if unwarned else SQL()

    @api.model
    def _cron_sla_watch(self, batch_size=500):
        """Scheduled action: book the breaches of clocks whose deadline passed, and
        warn about clocks past their warning threshold.

        Reads only running clocks that are due (partial indexes on deadline and
        warning time), one batch of tickets per call, locked with SKIP LOCKED: two
        workers never book the same breach, and Odoo's cron loop commits after each
        batch, so a run stopped half-way resumes with nothing lost or repeated.
        """
        now = fields.Datetime.now()
        lines = self._lock_due("deadline", now, batch_size)
        booked = self.browse()
        if lines:
            booked = lines._watch_book(now)
        warned = self._lock_due(
            "warning_at", now, batch_size, unwarned=True
        )._send_warnings()
        remaining = self._count_due("deadline", now) + self._count_due(
            "warning_at", now, unwarned=True
        )
        self.env["ir.cron"]._notify_progress(
            done=len(booked) + len(warned), remaining=remaining
        )
        return {"breached": booked, "warned": warned, "remaining": remaining}
