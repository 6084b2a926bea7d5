"""SLA clock arithmetic, in plain Python.

Two pieces, both without the ORM so that they are tested directly and replayed
exactly:

- :class:`WorkTime`: the working time of one calendar as sorted, disjoint
  ``[start, end)`` intervals of naive UTC datetimes (what ``resource.calendar``
  yields: attendances in the calendar's time zone, minus holidays, plus extra working
  days), with prefix sums so that "business seconds between a and b" and "the instant
  n business seconds after a" cost O(log n). It loads more intervals from its calendar
  when a question reaches past what it holds, and refuses to search forever.
  :class:`AllTime` is the same interface for 24x7 targets.
- :func:`project_clock`: the state of one SLA clock (running, paused, met, breached,
  cancelled; business seconds counted and paused; deadline; when met or breached)
  from the clock events of its ticket, in order. The ticket's SLA lines are this
  projection of the ledger: storing it and replaying it give the same result.

Semantics (design section 4):

- the clock starts at the ticket's reported time and counts only working time;
- a pause for a reason the target allows stops it; other pauses do not;
- a milestone stops it; reopening resumes it with the time already counted;
- a target change (priority change) keeps the time counted and moves the deadline;
- the deadline is the instant the counted time reaches the target; the breach time is
  the deadline (or the target change that made the counted time exceed the target,
  whichever is later: a change cannot breach in the past); a breach stays a breach
  when the milestone comes later; lateness is the counted time beyond the target;
- a cancelled clock (its metric no longer applies) stops for good, unless it was
  breached before.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

#: How far past a point in time a deadline is searched before giving up: a calendar
#: with no working time in three years is refused rather than searched forever.
MAX_SEARCH = timedelta(days=3 * 366)

#: How much working time to load at once when a question reaches past the horizon.
LOAD_STEP = timedelta(days=62)


class NoWorkTime(ValueError):
    """The calendar has no working time where a deadline is searched."""


#: The target of a clock segment that has no elapsed-time ceiling: longer than any
#: clock runs, so that it never decides a deadline.
NO_CEILING = 10 * 366 * 24 * 3600

#: A recorded breach (``sla.breached`` event) stands when replay puts the deadline at
#: most this many seconds later (Odoo stores whole seconds; calendars may not).
BREACH_TOLERANCE = 60


def _seconds(delta):
    return int(delta.total_seconds())


def _whole_second(moment):
    """Round to the nearest whole second: Odoo stores datetimes without fractions,
    and every deadline must be a time the database can hold exactly."""
    if moment.microsecond >= 500_000:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0)


class AllTime:
    """24x7: every second counts."""

    def seconds_between(self, start, end):
        return max(0, _seconds(end - start))

    def add(self, start, seconds):
        return start + timedelta(seconds=seconds)


class WorkTime:
    """Working time of one calendar, loaded on demand.

    :param loader: ``loader(start, end)`` returning sorted, disjoint ``(start, end)``
        naive UTC intervals within ``[start, end]``.
    :param start, end: the span to load at once (for a batch: from its earliest
        start to its latest start plus a margin), so that one calendar walk serves
        every clock of the batch.
    """

    def __init__(self, loader, start, end):
        self._loader = loader
        self._from = start
        self._to = start
        self._starts = []
        self._ends = []
        self._cum = [0]  # _cum[i]: working seconds before interval i
        self.loads = 0
        self._extend(end)

    # -- loading ---------------------------------------------------------------

    def _extend(self, end):
        if end <= self._to:
            return
        intervals = self._loader(self._to, end)
        self.loads += 1
        for start, stop in intervals:
            start, stop = (
                max(_whole_second(start), self._to),
                min(_whole_second(stop), end),
            )
            if stop <= start:
                continue
            if self._ends and start <= self._ends[-1]:
                # Adjacent to (or overlapping) the last loaded interval: merge.
                if stop > self._ends[-1]:
                    self._cum[-1] += _seconds(stop - self._ends[-1])
                    self._ends[-1] = stop
                continue
            self._starts.append(start)
            self._ends.append(stop)
            self._cum.append(self._cum[-1] + _seconds(stop - start))
        self._to = end

    def _reload_from(self, start):
        old_to = self._to
        self._from = self._to = start
        self._starts, self._ends, self._cum = [], [], [0]
        self._extend(old_to)

    def _ensure(self, start, end):
        if start < self._from:
            self._reload_from(start)
        if end > self._to:
            self._extend(max(end, self._to + LOAD_STEP))

    # -- queries -----------------------------------------------------------------

    def _before(self, moment):
        """Working seconds from the horizon's start to ``moment``."""
        index = bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0
        inside = min(moment, self._ends[index]) - self._starts[index]
        return self._cum[index] + max(0, _seconds(inside))

    def seconds_between(self, start, end):
        if end <= start:
            return 0
        self._ensure(start, end)
        return self._before(end) - self._before(start)

    def add(self, start, seconds):
        """The instant at which ``seconds`` of working time after ``start`` are done."""
        if seconds <= 0:
            return start
        self._ensure(start, start)
        goal = self._before(start) + seconds
        limit = start + MAX_SEARCH
        while self._cum[-1] < goal:
            if self._to >= limit:
                raise NoWorkTime(f"no working time between {start} and {limit}")
            self._extend(min(limit, self._to + max(LOAD_STEP, self._to - start)))
        # First interval whose end reaches the goal.
        index = bisect_left(self._cum, goal, lo=1) - 1
        return self._starts[index] + timedelta(seconds=goal - self._cum[index])


# ------------------------------------------------------------------------------
# Clock projection


@dataclass(frozen=True)
class ClockEvent:
    """One thing that happened to a clock, at ``at`` (naive UTC).

    kind: ``start`` (``target`` seconds, ``pause_reasons`` the target allows),
    ``target`` (a new target and its pause reasons: priority change, re-targeting;
    time counted before it stays counted on the calendar it was counted on), ``pause``
    (``reason``), ``resume``, ``reach`` (the milestone), ``unreach`` (reopen),
    ``breach`` (the SLA watch noticed a breach; a no-op for the state, which is
    derived), ``cancel``.
    """

    at: datetime
    kind: str
    target: int = None
    pause_reasons: frozenset = frozenset()
    reason: str = None
    #: ``start`` and ``target``: the key of the working time the clock counts on from
    #: here (see :func:`project_clock`), and the elapsed-time ceiling in seconds
    #: ("within 24 business hours, at most 48 hours"), None without one.
    calendar: object = False
    ceiling: int = None


@dataclass
class ClockState:
    state: str = "running"  # running, paused, met, breached, cancelled
    target: int = 0
    elapsed: int = 0  # business seconds counted up to ``as_of``
    paused: int = 0  # business seconds the clock stood still for an allowed pause
    as_of: datetime = None  # time of the last event applied
    deadline: datetime = None  # when running: the instant the target is reached
    met_at: datetime = None  # the milestone (also when it came late)
    breached_at: datetime = None
    pause_reason: str = None
    reopened: int = 0
    #: Seconds beyond an elapsed-time ceiling (see :func:`combine_ceiling`).
    ceiling_lateness: int = 0
    # Internal: the breach is pending in the past of a target change.
    _target_since: datetime = field(default=None, repr=False)

    @property
    def lateness(self):
        """Business seconds counted beyond the target (so far), or the time beyond
        the elapsed-time ceiling when that is more."""
        return max(0, self.elapsed - self.target, self.ceiling_lateness)

    def as_dict(self):
        return {
            "state": self.state,
            "target": self.target,
            "elapsed": self.elapsed,
            "paused": self.paused,
            "deadline": self.deadline,
            "met_at": self.met_at,
            "breached_at": self.breached_at,
            "lateness": self.lateness,
            "reopened": self.reopened,
        }


def _counting(state):
    return (
        state.state in ("running", "breached")
        and state.met_at is None
        and (state.pause_reason is None)
    )


def _advance(state, worktime, moment):
    """Count working time from ``state.as_of`` to ``moment``; record a breach."""
    if moment <= state.as_of:
        return
    seconds = worktime.seconds_between(state.as_of, moment)
    if _counting(state):
        if state.breached_at is None and state.elapsed + seconds >= state.target:
            deadline = worktime.add(state.as_of, state.target - state.elapsed)
            state.breached_at = max(deadline, state._target_since or deadline)
            state.state = "breached"
        state.elapsed += seconds
    elif state.pause_reason is not None and state.met_at is None:
        if state.state in ("paused", "breached"):
            state.paused += seconds
    state.as_of = moment


def _refresh(state, worktime):
    """Recompute the deadline after the clock's inputs changed."""
    if state.state == "cancelled":
        return
    if state.met_at is None and state.pause_reason is None:
        remaining = state.target - state.elapsed
        if remaining > 0:
            state.deadline = worktime.add(state.as_of, remaining)
        elif state.breached_at is None:
            # The counted time already exceeds a lowered target: breached now.
            state.breached_at = state.as_of
            state.deadline = state.as_of
        else:
            state.deadline = min(state.deadline or state.breached_at, state.breached_at)
    elif state.pause_reason is not None and state.met_at is None:
        state.deadline = None
    if state.breached_at is not None:
        state.state = "breached"
    elif state.met_at is not None:
        state.state = "met"
    elif state.pause_reason is not None:
        state.state = "paused"
    else:
        state.state = "running"


def _apply(state, event, allowed):
    """Apply one event (after counting up to it); return the allowed pause reasons."""
    kind = event.kind
    if kind == "pause":
        # A pause for a reason the target does not allow leaves the clock running.
        state.pause_reason = event.reason if event.reason in allowed else None
    elif kind == "resume":
        state.pause_reason = None
    elif kind == "reach":
        if state.met_at is None:
            state.met_at = event.at
            state.pause_reason = None
    elif kind == "unreach":
        if state.met_at is not None:
            state.met_at = None
            state.reopened += 1
    elif kind == "target":
        state.target = event.target
        allowed = event.pause_reasons
        state._target_since = event.at
        if state.pause_reason is not None and state.pause_reason not in allowed:
            state.pause_reason = None
    elif kind == "cancel":
        if state.breached_at is None and state.met_at is None:
            state.state = "cancelled"
            state.deadline = None
            state.pause_reason = None
    elif kind == "breach":
        # The watch recorded a breach at the stored deadline. It stands when replay
        # puts the deadline only a moment later (rounding), so that a booked breach
        # is never booked again.
        remaining = state.target - state.elapsed
        counting = state.met_at is None and state.breached_at is None
        if counting and state.state != "cancelled" and remaining <= BREACH_TOLERANCE:
            state.breached_at = event.at
    elif kind != "start":
        raise ValueError(f"unknown clock event {kind!r}")
    return allowed


def project_clock(events, worktime):
    """The state of one SLA clock after its events (sorted by time), as of the last.

    :param worktime: the working time the clock counts on (``WorkTime`` or
        ``AllTime``), or a mapping of them keyed by the ``calendar`` of the
        ``start`` and ``target`` events: time is then counted on the calendar in
        force in each segment, so a re-targeting keeps the time counted before it as
        it was counted.

    Deterministic: the same events and working time give the same state, which is
    what makes the stored SLA lines a projection that replay can check.
    """
    state = None
    allowed = frozenset()
    current = worktime
    for event in events:
        if state is None:
            if event.kind != "start":
                raise ValueError(f"a clock starts with 'start', not {event.kind!r}")
            current = _worktime_of(worktime, event)
            state = ClockState(target=event.target, as_of=event.at)
            allowed = event.pause_reasons
            state._target_since = event.at
            _refresh(state, current)
            continue
        if event.at < state.as_of:
            raise ValueError(f"clock events out of order: {event.at} < {state.as_of}")
        if state.state == "cancelled":
            continue
        _advance(state, current, event.at)
        allowed = _apply(state, event, allowed)
        if event.kind == "target":
            current = _worktime_of(worktime, event)
        _refresh(state, current)
    return state


def _worktime_of(worktime, event):
    if isinstance(worktime, Mapping):
        return worktime[event.calendar]
    return worktime


def ceiling_events(events):
    """The same clock events measured against the elapsed-time ceiling: every
    second counts (24x7), the ceiling is the target; a segment without a ceiling
    gets one that never decides."""
    return [
        replace(event, target=event.ceiling or NO_CEILING, calendar=False)
        if event.kind in ("start", "target")
        else event
        for event in events
    ]


def has_ceiling(events):
    return any(event.ceiling for event in events if event.kind in ("start", "target"))


def combine_ceiling(business, ceiling):
    """One clock from its business-time projection and its elapsed-time ceiling
    projection ("within 24 business hours, at most 48 hours": whichever comes
    first). Both saw the same events, so they agree on pauses, milestones and
    cancellation; the earlier deadline and the earlier breach win, and the
    lateness is the larger overrun.
    """
    if ceiling is None:
        return business
    result = replace(business)
    result.ceiling_lateness = max(0, ceiling.elapsed - ceiling.target)
    if ceiling.breached_at is not None and (
        business.breached_at is None or ceiling.breached_at < business.breached_at
    ):
        result.breached_at = ceiling.breached_at
        result.state = "breached"
    deadlines = [d for d in (business.deadline, ceiling.deadline) if d is not None]
    result.deadline = min(deadlines) if deadlines else None
    return result


def live_values(state, worktime, now):
    """Time-dependent figures of a stored clock state, as of ``now`` (not stored):
    the business seconds counted so far, the lateness so far, and whether a running
    clock is overdue (its deadline passed without a recorded breach yet)."""
    elapsed = state.elapsed
    if state.as_of and now > state.as_of and _counting(state):
        elapsed += worktime.seconds_between(state.as_of, now)
    return {
        "elapsed": elapsed,
        "lateness": max(0, elapsed - state.target),
        "overdue": state.state == "running"
        and state.deadline is not None
        and state.deadline <= now,
    }
