"""The SLA clock arithmetic (tools/sla_clock.py), without the ORM.

Working time here comes from a small local-schedule loader (zoneinfo), so the
expected instants can be checked by hand; the ORM tests check the same rules on
Odoo calendars.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from ..tools import sla_clock
from ..tools.sla_clock import ClockEvent as E

UTC = ZoneInfo("UTC")
H = 3600


def local_schedule(
    tz, hours, weekdays=(0, 1, 2, 3, 4, 5, 6), holidays=(), extra_days=()
):
    """A loader: ``hours`` (from, to) local each listed weekday, minus holiday
    dates, plus extra working dates, as naive UTC intervals."""
    zone = ZoneInfo(tz)

    def loader(start, end):
        intervals = []
        day = (start - timedelta(days=1)).date()
        while day <= end.date() + timedelta(days=1):
            works = (
                day.weekday() in weekdays and day not in holidays
            ) or day in extra_days
            if works:
                for hour_from, hour_to in hours:
                    a = datetime.combine(day, datetime.min.time()) + timedelta(
                        hours=hour_from
                    )
                    b = datetime.combine(day, datetime.min.time()) + timedelta(
                        hours=hour_to
                    )
                    a = a.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
                    b = b.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
                    if b > start and a < end:
                        intervals.append((max(a, start), min(b, end)))
            day += timedelta(days=1)
        return intervals

    return loader


def shanghai(*args):
    """Naive UTC of a Shanghai wall-clock time."""
    moment = datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment.astimezone(UTC).replace(tzinfo=None)


def worktime(loader, start=datetime(2026, 1, 1)):
    return sla_clock.WorkTime(loader, start, start + timedelta(days=60))


DAILY_8_22 = local_schedule("Asia/Shanghai", [(8, 22)])


class TestWorkTime(BaseCase):
    def test_business_seconds_and_add_are_inverse(self):
        work = worktime(DAILY_8_22, datetime(2026, 11, 1))
        start = shanghai(2026, 11, 20, 21, 0)  # Friday 21:00
        deadline = work.add(start, 12 * H)
        self.assertEqual(deadline, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(work.seconds_between(start, deadline), 12 * H)
        # Outside working hours nothing counts.
        self.assertEqual(
            work.seconds_between(
                shanghai(2026, 11, 20, 22, 0), shanghai(2026, 11, 21, 8, 0)
            ),
            0,
        )

    def test_loads_lazily_and_refuses_a_calendar_without_work(self):
        work = sla_clock.WorkTime(
            DAILY_8_22, datetime(2026, 1, 1), datetime(2026, 1, 2)
        )
        far = work.add(datetime(2026, 1, 1), 200 * 14 * H)  # 200 working days later
        self.assertEqual(far, shanghai(2026, 7, 19, 22, 0))
        self.assertGreater(work.loads, 1)
        never = sla_clock.WorkTime(
            lambda start, end: [], datetime(2026, 1, 1), datetime(2026, 2, 1)
        )
        with self.assertRaises(sla_clock.NoWorkTime):
            never.add(datetime(2026, 1, 1), H)

    def test_daylight_saving_change(self):
        # Berlin 09:00-17:00 on weekdays; summer time starts Sunday 2026-03-29.
        berlin = local_schedule("Europe/Berlin", [(9, 17)], weekdays=range(5))
        work = worktime(berlin, datetime(2026, 3, 1))
        friday = datetime(2026, 3, 27, 15, 0)  # 16:00 CET
        deadline = work.add(friday, 4 * H)
        # 1 h on Friday (until 16:00 UTC), then Monday 09:00 CEST = 07:00 UTC + 3 h.
        self.assertEqual(deadline, datetime(2026, 3, 30, 10, 0))

    def test_24x7_counts_every_second(self):
        always = sla_clock.AllTime()
        start = datetime(2026, 11, 20, 13, 0)
        self.assertEqual(always.add(start, 4 * H), datetime(2026, 11, 20, 17, 0))
        self.assertEqual(
            always.seconds_between(start, start + timedelta(days=1)), 24 * H
        )


class TestClockProjection(BaseCase):
    """Design section 4's example, rule by rule."""

    reported = shanghai(2026, 11, 20, 21, 0)  # Friday 21:00

    def project(self, events, loader=DAILY_8_22):
        return sla_clock.project_clock(events, worktime(loader, datetime(2026, 11, 1)))

    def start(self, target=12 * H, reasons=("waiting_customer",)):
        return E(self.reported, "start", target, frozenset(reasons))

    def test_deadline_on_business_hours(self):
        state = self.project([self.start()])
        self.assertEqual(state.state, "running")
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 19, 0))

    def test_holiday_moves_the_deadline(self):
        saturday_off = local_schedule(
            "Asia/Shanghai", [(8, 22)], holidays={date(2026, 11, 21)}
        )
        state = self.project([self.start()], saturday_off)
        self.assertEqual(state.deadline, shanghai(2026, 11, 22, 19, 0))

    def test_allowed_pause_stops_the_clock(self):
        state = self.project(
            [
                self.start(),
                E(shanghai(2026, 11, 21, 10, 0), "pause", reason="waiting_customer"),
            ]
        )
        self.assertEqual(state.state, "paused")
        self.assertIsNone(state.deadline, "a paused clock shows no deadline")
        self.assertEqual(state.elapsed, 3 * H)
        state = self.project(
            [
                self.start(),
                E(shanghai(2026, 11, 21, 10, 0), "pause", reason="waiting_customer"),
                E(shanghai(2026, 11, 21, 12, 0), "resume"),
            ]
        )
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 21, 0))
        self.assertEqual(state.paused, 2 * H)

    def test_pause_for_another_reason_does_not_stop_it(self):
        state = self.project(
            [
                self.start(),
                E(shanghai(2026, 11, 21, 10, 0), "pause", reason="waiting_parts"),
                E(shanghai(2026, 11, 21, 12, 0), "resume"),
            ]
        )
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(state.paused, 0)

    def test_met_before_the_deadline(self):
        state = self.project([self.start(), E(shanghai(2026, 11, 21, 9, 30), "reach")])
        self.assertEqual(state.state, "met")
        self.assertEqual(state.met_at, shanghai(2026, 11, 21, 9, 30))
        self.assertEqual(state.elapsed, int(2.5 * H))
        self.assertIsNone(state.breached_at)

    def test_breach_time_is_the_deadline_and_stays(self):
        reached = shanghai(2026, 11, 22, 9, 0)  # Sunday 09:00, after Saturday 19:00
        state = self.project([self.start(), E(reached, "reach")])
        self.assertEqual(state.state, "breached")
        self.assertEqual(state.breached_at, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(state.met_at, reached)
        # Saturday 19:00-22:00 and Sunday 08:00-09:00 were late: 4 business hours.
        self.assertEqual(state.lateness, 4 * H)

    def test_lateness_keeps_growing_until_the_milestone(self):
        state = self.project([self.start()])
        work = worktime(DAILY_8_22, datetime(2026, 11, 1))
        live = sla_clock.live_values(state, work, shanghai(2026, 11, 21, 21, 0))
        self.assertTrue(live["overdue"])
        self.assertEqual(live["lateness"], 2 * H)
        live = sla_clock.live_values(state, work, shanghai(2026, 11, 22, 10, 0))
        self.assertEqual(live["lateness"], 5 * H)

    def test_priority_change_keeps_counted_time(self):
        change = shanghai(2026, 11, 21, 10, 0)  # 3 h counted
        state = self.project([self.start(), E(change, "target", 4 * H, frozenset())])
        self.assertEqual(state.elapsed, 3 * H)
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 11, 0))
        # Lowered below the counted time: breached at the change, not in the past.
        state = self.project([self.start(), E(change, "target", 2 * H, frozenset())])
        self.assertEqual(state.state, "breached")
        self.assertEqual(state.breached_at, change)

    def test_reopen_resumes_where_it_stopped(self):
        resolved = shanghai(2026, 11, 21, 9, 0)  # 2 h counted
        reopened = shanghai(2026, 11, 21, 15, 0)
        state = self.project(
            [self.start(), E(resolved, "reach"), E(reopened, "unreach")]
        )
        self.assertEqual(state.state, "running")
        self.assertEqual(state.elapsed, 2 * H)
        self.assertEqual(state.reopened, 1)
        # 10 h left from 15:00: 7 h on Saturday, 3 h on Sunday.
        self.assertEqual(state.deadline, shanghai(2026, 11, 22, 11, 0))

    def test_cancelled_clock_stops_unless_breached(self):
        state = self.project([self.start(), E(shanghai(2026, 11, 21, 9, 0), "cancel")])
        self.assertEqual(state.state, "cancelled")
        state = self.project([self.start(), E(shanghai(2026, 11, 22, 9, 0), "cancel")])
        self.assertEqual(state.state, "breached")

    def test_past_report_counts_from_the_report(self):
        # Entered on Saturday 12:00 for a phone call of Friday 21:00.
        state = self.project([self.start(), E(shanghai(2026, 11, 21, 12, 0), "breach")])
        self.assertEqual(state.elapsed, 5 * H)
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 19, 0))

    def test_fractional_hours_give_whole_second_deadlines(self):
        # 08:00-17:20 (17.3333 h): Odoo's intervals end at 17:19:59.88; deadlines
        # must be times the database stores exactly, or a booked breach would not
        # replay as one.
        def loader(start, end):
            day = datetime(2026, 11, 23)
            return [(day + timedelta(hours=8), day + timedelta(hours=17.3333))]

        work = sla_clock.WorkTime(
            loader, datetime(2026, 11, 23), datetime(2026, 11, 24)
        )
        deadline = work.add(datetime(2026, 11, 23, 8, 0), int(9.3333 * H))
        self.assertEqual(deadline.microsecond, 0)

    def test_a_recorded_breach_stands_despite_rounding(self):
        start = datetime(2026, 11, 20, 13, 0, 0, 600_000)  # a fraction of a second
        state = sla_clock.project_clock(
            [
                E(start, "start", 4 * H, frozenset()),
                E(
                    datetime(2026, 11, 20, 17, 0, 0), "breach"
                ),  # stored deadline, truncated
            ],
            sla_clock.AllTime(),
        )
        self.assertEqual(state.state, "breached")
        self.assertEqual(state.breached_at, datetime(2026, 11, 20, 17, 0, 0))

    def test_bad_sequences_are_refused(self):
        with self.assertRaises(ValueError):
            self.project([E(self.reported, "pause", reason="x")])
        with self.assertRaises(ValueError):
            self.project(
                [self.start(), E(self.reported - timedelta(hours=1), "resume")]
            )


kinds = st.sampled_from(["pause", "resume", "reach", "unreach", "target", "breach"])
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=20 * H),
        kinds,
        st.integers(min_value=1, max_value=30 * H),
        st.sampled_from(["waiting_customer", "waiting_parts"]),
    ),
    max_size=12,
)


class TestSegmentsAndCeilings(BaseCase):
    """Calendars per segment (re-targeting) and elapsed-time ceilings."""

    def setUp(self):
        super().setUp()
        self.day = worktime(local_schedule("Asia/Shanghai", [(8, 22)]))
        self.weekdays = worktime(
            local_schedule("Asia/Shanghai", [(9, 18)], weekdays=(0, 1, 2, 3, 4))
        )

    def test_time_counted_stays_on_the_calendar_it_was_counted_on(self):
        reported = shanghai(2026, 11, 20, 21, 0)  # Friday
        events = [
            E(reported, "start", 12 * H, calendar="day"),
            # Re-targeted on Saturday 10:00 to 6 h 24x7: 3 business hours counted.
            E(shanghai(2026, 11, 21, 10, 0), "target", 6 * H, calendar=False),
        ]
        worktimes = {"day": self.day, False: sla_clock.AllTime()}
        state = sla_clock.project_clock(events, worktimes)
        self.assertEqual(state.elapsed, 3 * H)
        self.assertEqual(state.deadline, shanghai(2026, 11, 21, 13, 0))

    def test_ceiling_deadline_is_the_earlier_one(self):
        reported = shanghai(2026, 11, 20, 17, 0)  # Friday 17:00
        events = [E(reported, "start", 24 * H, ceiling=48 * H)]
        business = sla_clock.project_clock(events, self.weekdays)
        self.assertEqual(business.deadline, shanghai(2026, 11, 25, 14, 0))
        ceiling = sla_clock.project_clock(
            sla_clock.ceiling_events(events), sla_clock.AllTime()
        )
        combined = sla_clock.combine_ceiling(business, ceiling)
        self.assertEqual(combined.deadline, shanghai(2026, 11, 22, 17, 0))
        self.assertEqual(combined.state, "running")

    def test_ceiling_breach_wins_and_lateness_is_the_larger_overrun(self):
        reported = shanghai(2026, 11, 20, 17, 0)
        monday = shanghai(2026, 11, 23, 10, 0)
        events = [
            E(reported, "start", 24 * H, ceiling=48 * H),
            E(monday, "reach"),
        ]
        business = sla_clock.project_clock(events, self.weekdays)
        self.assertEqual(business.state, "met")
        combined = sla_clock.combine_ceiling(
            business,
            sla_clock.project_clock(
                sla_clock.ceiling_events(events), sla_clock.AllTime()
            ),
        )
        self.assertEqual(combined.state, "breached")
        self.assertEqual(combined.breached_at, shanghai(2026, 11, 22, 17, 0))
        self.assertEqual(combined.lateness, 17 * H, "Sunday 17:00 to Monday 10:00")

    def test_a_pause_stops_the_ceiling_too(self):
        reported = shanghai(2026, 11, 20, 17, 0)
        events = [
            E(reported, "start", 24 * H, frozenset({"wait"}), ceiling=48 * H),
            E(shanghai(2026, 11, 21, 17, 0), "pause", reason="wait"),
            E(shanghai(2026, 11, 22, 5, 0), "resume"),
        ]
        ceiling = sla_clock.project_clock(
            sla_clock.ceiling_events(events), sla_clock.AllTime()
        )
        self.assertEqual(ceiling.deadline, shanghai(2026, 11, 23, 5, 0))


class TestClockProperties(BaseCase):
    @settings(max_examples=150, deadline=None)
    @given(steps, st.integers(min_value=1, max_value=40 * H))
    def test_invariants(self, raw_steps, target):
        start = shanghai(2026, 11, 20, 21, 0)
        events = [E(start, "start", target, frozenset({"waiting_customer"}))]
        moment = start
        for gap, kind, new_target, reason in raw_steps:
            moment += timedelta(seconds=gap)
            events.append(
                E(moment, kind, new_target, frozenset({"waiting_customer"}), reason)
            )
        work = worktime(DAILY_8_22, datetime(2026, 11, 1))
        state = sla_clock.project_clock(events, work)
        # Replaying a prefix never counts more than the whole.
        previous = None
        for length in range(1, len(events) + 1):
            partial = sla_clock.project_clock(events[:length], work)
            if previous is not None:
                self.assertGreaterEqual(partial.elapsed, previous.elapsed)
                if previous.breached_at:
                    self.assertEqual(partial.breached_at, previous.breached_at)
            previous = partial
        self.assertEqual(state.lateness, max(0, state.elapsed - state.target))
        self.assertEqual(state.breached_at is not None, state.state == "breached")
        if state.state == "running":
            self.assertEqual(
                work.seconds_between(state.as_of, state.deadline),
                state.target - state.elapsed,
            )
        # Counted plus paused business time never exceeds the business time elapsed.
        self.assertLessEqual(
            state.elapsed + state.paused, work.seconds_between(start, state.as_of)
        )
