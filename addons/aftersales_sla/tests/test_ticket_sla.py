"""Tickets and their SLA clocks through the ORM: design section 4 on Odoo calendars."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import TicketCase, shanghai

H = 3600


@tagged("post_install", "-at_install")
class TestTicketSla(TicketCase):
    @freeze_time("2026-11-20 13:05:00")  # Friday 21:05 in Shanghai
    def test_reported_ticket_matches_its_contract_and_starts_clocks(self):
        ticket = self.report()
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.contract_match, "matched")
        self.assertTrue(ticket.number.startswith("T2026"))
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "running")
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(self.line(ticket, "resolution").target_seconds, 48 * H)
        self.assertFalse(
            self.line(ticket, "arrival"), "no arrival promise at normal priority"
        )
        self.assertEqual(ticket.sla_deadline, shanghai(2026, 11, 21, 19, 0))
        events = ticket.event_ids
        self.assertEqual(events.mapped("event_type"), ["ticket.reported"])
        self.assertIn('"seconds":43200', events.payload)

    @freeze_time("2026-11-20 13:05:00")
    def test_holiday_added_moves_running_deadlines_at_once(self):
        ticket = self.report()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "公司年会",
                "calendar_id": self.calendar.id,
                "date_from": shanghai(2026, 11, 21, 0, 0),
                "date_to": shanghai(2026, 11, 21, 23, 59, 59),
            }
        )
        response = self.line(ticket, "response")
        self.assertEqual(response.deadline, shanghai(2026, 11, 22, 19, 0))
        self.assertEqual(response.elapsed_seconds, 0, "time counted so far is kept")

    def test_pause_resume_and_milestones_through_the_day(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            ticket.action_pause("waiting_customer")
            response = self.line(ticket, "response")
            self.assertEqual(response.state, "paused")
            self.assertFalse(response.deadline)
            self.assertEqual(response.elapsed_seconds, 3 * H)
        with freeze_time(shanghai(2026, 11, 21, 12, 0)):
            ticket.action_resume()
            self.assertEqual(response.deadline, shanghai(2026, 11, 21, 21, 0))
            self.assertEqual(response.paused_seconds, 2 * H)
        with freeze_time(shanghai(2026, 11, 21, 13, 0)):
            ticket.action_acknowledge()
            self.assertEqual(response.state, "met")
            self.assertEqual(response.met_at, shanghai(2026, 11, 21, 13, 0))
        self.assertEqual(
            ticket.event_ids.mapped("event_type"),
            ["ticket.reported", "ticket.paused", "ticket.resumed", "ticket.responded"],
        )

    def test_late_milestone_is_a_breach_at_the_deadline(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            ticket.action_acknowledge()
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(response.lateness_seconds, 4 * H)
        self.assertEqual(ticket.sla_status, "breached")

    def test_priority_change_keeps_counted_time_and_adds_targets(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            ticket.priority = "3"
        resolution = self.line(ticket, "resolution")
        self.assertEqual(resolution.elapsed_seconds, 3 * H)
        self.assertEqual(resolution.target_seconds, 8 * H)
        self.assertEqual(resolution.deadline, shanghai(2026, 11, 21, 15, 0))
        arrival = self.line(ticket, "arrival")
        self.assertEqual(
            arrival.deadline, shanghai(2026, 11, 21, 14, 0), "24x7, from the change"
        )
        self.assertIn("ticket.priority_changed", ticket.event_ids.mapped("event_type"))

    def test_reopen_resumes_resolution_and_spoils_first_time_fix(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            ticket.action_resolve()
            self.assertTrue(ticket.is_first_time_fix)
            self.assertEqual(self.line(ticket, "resolution").state, "met")
        with freeze_time(shanghai(2026, 11, 21, 15, 0)):
            ticket.action_reopen(reason="客户反馈仍无法开锁")
        resolution = self.line(ticket, "resolution")
        self.assertEqual(resolution.state, "running")
        self.assertEqual(resolution.elapsed_seconds, 2 * H)
        self.assertFalse(ticket.is_first_time_fix)
        self.assertEqual(ticket.reopen_count, 1)
        with freeze_time(shanghai(2026, 11, 21, 16, 0)):
            ticket.action_resolve()
        self.assertFalse(ticket.is_first_time_fix)
        self.assertEqual(resolution.elapsed_seconds, 3 * H)

    def test_amendment_applies_to_tickets_reported_after_it(self):
        faster = self.policy.copy({"name": "Smart lock SLA 2027"})
        faster.target_ids.filtered(lambda t: t.metric == "response").target_hours = 6
        with freeze_time("2026-11-20 12:00:00"):
            self.contract._apply_amendment(
                {"sla_policy_id": faster},
                datetime(2026, 11, 20, 13, 30),
                "客户升级服务等级",
            )
        with freeze_time("2026-11-20 14:00:00"):
            before = self.report(
                reported=datetime(2026, 11, 20, 13, 0), late_entry_reason="电话报修"
            )
            after = self.report(reported=datetime(2026, 11, 20, 14, 0))
        self.assertEqual(self.line(before, "response").target_seconds, 12 * H)
        self.assertEqual(self.line(after, "response").target_seconds, 6 * H)
        self.assertEqual(self.line(after, "response").target_id.policy_id, faster)

    def test_other_calendar_dst_change_and_extra_working_day(self):
        berlin = self.env["resource.calendar"].create(
            {
                "name": "Berlin office",
                "tz": "Europe/Berlin",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": f"D{day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                        },
                    )
                    for day in range(5)
                ],
            }
        )
        self.policy.target_ids.filtered(
            lambda t: t.metric == "response" and t.priority == "1"
        ).calendar_id = berlin
        with freeze_time("2026-03-27 15:00:00"):  # Friday 16:00 CET
            ticket = self.report(reported=datetime(2026, 3, 27, 15, 0))
        # 1 h on Friday, then Monday 09:00 CEST (07:00 UTC) plus 11 h of workdays:
        # Monday 8 h (to 15:00 UTC), Tuesday 3 h: 2026-03-31 10:00 UTC.
        response = self.line(ticket, "response")
        self.assertEqual(response.deadline, datetime(2026, 3, 31, 10, 0))
        # Sunday the 29th (the DST change) becomes a working day like a Monday.
        self.env["aftersales.calendar.extra.day"].create(
            {"calendar_id": berlin.id, "date": date(2026, 3, 29), "name": "Inventur"}
        )
        # Sunday 09:00-17:00 CEST is 07:00-15:00 UTC: 8 h, then Monday 3 h.
        self.assertEqual(response.deadline, datetime(2026, 3, 30, 10, 0))
        self.assertEqual(response.elapsed_seconds, 0)

    def test_service_type_target_wins_over_the_generic_one(self):
        maintenance = self.env.ref("aftersales_sla.service_type_maintenance")
        repair = self.env.ref("aftersales_sla.service_type_repair")
        policy = self.env["aftersales.sla.policy"].create(
            {
                "name": "Typed first",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "resolution",
                            "priority": "1",
                            "target_hours": 24,
                            "service_type_id": maintenance.id,
                        },
                    ),
                    (
                        0,
                        0,
                        {"metric": "resolution", "priority": "1", "target_hours": 72},
                    ),
                ],
            }
        )
        typed = policy._get_targets("1", maintenance)
        self.assertEqual(typed.mapped("target_hours"), [24.0])
        self.assertEqual(
            policy._get_targets("1", repair).mapped("target_hours"), [72.0]
        )
        only_typed = self.env["aftersales.sla.policy"].create(
            {
                "name": "Typed only",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "response",
                            "priority": "1",
                            "target_hours": 4,
                            "service_type_id": maintenance.id,
                        },
                    ),
                ],
            }
        )
        self.assertFalse(only_typed._get_targets("1", repair))
        self.assertEqual(only_typed._get_targets("1", maintenance).target_hours, 4)

    def test_bad_targets_are_refused_with_nothing_written(self):
        Target = self.env["aftersales.sla.target"]
        count = Target.search_count([])
        idle = self.env["resource.calendar"].create(
            {"name": "Never open", "attendance_ids": [(5, 0, 0)]}
        )
        bad_values = {
            "zero": {"target_hours": 0},
            "negative": {"target_hours": -4},
            "warning over 100": {"target_hours": 4, "warning_percent": 120},
            "calendar without working time": {
                "target_hours": 4,
                "calendar_id": idle.id,
            },
        }
        for label, values in bad_values.items():
            with self.subTest(label), self.assertRaises(ValidationError) as caught:
                Target.create(
                    dict(
                        {
                            "policy_id": self.policy.id,
                            "metric": "arrival",
                            "priority": "0",
                        },
                        **values,
                    )
                )
            self.assertTrue(str(caught.exception))
        self.assertEqual(Target.search_count([]), count)

    def test_past_report_needs_a_reason_future_is_refused(self):
        count = self.Ticket.search_count([])
        with freeze_time("2026-11-21 04:00:00"):
            with self.assertRaises(ValidationError):
                self.report()
            with self.assertRaises(ValidationError):
                self.report(reported=datetime(2026, 11, 21, 6, 0))
            ticket = self.report(late_entry_reason="电话报修, 次日录入")
        self.assertEqual(self.Ticket.search_count([]), count + 1)
        event = ticket.event_ids
        self.assertEqual(event.occurred_at, shanghai(2026, 11, 20, 21, 0))
        self.assertEqual(event.reason_text, "电话报修, 次日录入")
        self.assertEqual(self.line(ticket, "response").elapsed_seconds, 0)

    def test_contract_matching_flags_none_and_several(self):
        other = self.env["res.partner"].create(
            {"name": "No contract Ltd", "is_company": True}
        )
        with freeze_time("2026-11-20 13:05:00"):
            lonely = self.report(partner_id=other.id)
            self.assertEqual(lonely.contract_match, "none")
            self.assertFalse(lonely.sla_ids)
            second = self.env["aftersales.contract"].create(
                {
                    "partner_id": self.customer.id,
                    "title": "Second contract",
                    "date_start": date(2026, 6, 1),
                    "date_end": date(2027, 5, 31),
                    "calendar_id": self.calendar.id,
                    "sla_policy_id": self.policy.id,
                }
            )
            second.action_activate()
            doubtful = self.report()
        self.assertEqual(doubtful.contract_match, "several")
        self.assertEqual(doubtful.candidate_contract_ids, self.contract | second)
        self.assertFalse(doubtful.contract_id)

    def test_deadlines_are_computed_per_calendar_once_per_batch(self):
        Calendar = type(self.env["resource.calendar"])
        original = Calendar._aftersales_work_intervals
        calls = []

        def counting(calendar, start, end):
            calls.append(calendar.id)
            return original(calendar, start, end)

        with (
            freeze_time("2026-11-20 13:05:00"),
            patch.object(Calendar, "_aftersales_work_intervals", counting),
        ):
            tickets = self.Ticket.create(
                [
                    {
                        "name": f"Batch {n}",
                        "partner_id": self.customer.id,
                        "reported_at": datetime(2026, 11, 20, 13, 0)
                        - timedelta(minutes=n),
                        "late_entry_reason": "import" if n > 10 else False,
                    }
                    for n in range(40)
                ]
            )
        self.assertEqual(len(tickets.sla_ids), 80)
        self.assertEqual(calls, [self.calendar.id], "one calendar walk for the batch")

    def test_searches_on_deadlines(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 20, 0)):
            self.assertIn(ticket, self.Ticket.search([("sla_overdue", "=", True)]))
            overdue = self.env["aftersales.ticket.sla"].search(
                [("is_overdue", "=", True)]
            )
            self.assertIn(self.line(ticket, "response"), overdue)
        with freeze_time(shanghai(2026, 11, 21, 17, 0)):  # past 80 % of 12 h
            self.assertIn(ticket, self.Ticket.search([("sla_at_risk", "=", True)]))
            self.assertNotIn(ticket, self.Ticket.search([("sla_overdue", "=", True)]))
        found = self.Ticket.search(
            [
                ("sla_deadline", "<", shanghai(2026, 11, 21, 20, 0)),
                ("id", "=", ticket.id),
            ]
        )
        self.assertEqual(found, ticket)


@tagged("post_install", "-at_install")
class TestTicketRebuild(TicketCase):
    @freeze_time("2026-11-20 13:05:00")
    def test_rebuild_reports_and_fixes_a_drifted_projection(self):
        ticket = self.report()
        response = self.line(ticket, "response")
        good = response.deadline
        response.sudo().write(
            {"deadline": good + timedelta(days=3), "elapsed_seconds": 99}
        )
        differences = self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket)
        self.assertEqual(
            sorted(
                (metric, name)
                for _ticket, metric, name, _stored, _replayed in differences
            ),
            [("response", "deadline"), ("response", "elapsed_seconds")],
        )
        self.assertEqual(response.deadline, good)
        self.assertEqual(response.elapsed_seconds, 0)
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )
        notification = ticket.action_rebuild_sla()
        self.assertEqual(
            notification["params"]["message"], "The SLA lines match the ledger."
        )


@tagged("post_install", "-at_install")
class TestTicketReplay(TicketCase):
    actions = st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "pause",
                    "pause_other",
                    "resume",
                    "acknowledge",
                    "arrive",
                    "resolve",
                    "reopen",
                    "priority",
                    "contract",
                    "service_type",
                    "watch",
                ]
            ),
            st.integers(min_value=1, max_value=20 * 60),
        ),
        max_size=8,
    )

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    @given(actions)
    # Found by hypothesis: a service type change that makes two contracts match
    # (the ticket loses its contract), then a contract chosen by hand.
    @example([("service_type", 121), ("contract", 1200)])
    def test_replay_equals_projection(self, actions):
        """Random work on a ticket, re-targetings and SLA watch runs included:
        replaying its ledger gives exactly the stored clocks."""
        other = self.env["aftersales.contract"].search(
            [("title", "=", "Replay other contract")]
        )
        if not other:
            other = self.contract.copy(
                {
                    "title": "Replay other contract",
                    "service_type_ids": [
                        (
                            6,
                            0,
                            self.env.ref(
                                "aftersales_sla.service_type_installation"
                            ).ids,
                        )
                    ],
                    "sla_policy_id": self.env["aftersales.sla.policy"]
                    .create(
                        {
                            "name": "Replay 24x7",
                            "target_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "metric": "response",
                                        "target_hours": 6,
                                        "time_basis": "always",
                                    },
                                ),
                                (
                                    0,
                                    0,
                                    {
                                        "metric": "resolution",
                                        "priority": "3",
                                        "target_hours": 10,
                                        "ceiling_hours": 12,
                                    },
                                ),
                            ],
                        }
                    )
                    .id,
                }
            )
            other.action_activate()
        types = [
            self.env.ref("aftersales_sla.service_type_repair"),
            self.env.ref("aftersales_sla.service_type_installation"),
        ]
        moment = datetime(2026, 11, 20, 13, 0)
        with freeze_time(moment):
            ticket = self.report(reported=moment)
        for action, minutes in actions:
            moment += timedelta(minutes=minutes)
            with freeze_time(moment):
                if action == "pause" and ticket.state == "open":
                    ticket.action_pause("waiting_customer")
                elif action == "pause_other" and ticket.state == "open":
                    ticket.action_pause("waiting_parts")
                elif action == "resume":
                    ticket.action_resume()
                elif action == "acknowledge" and ticket.state == "open":
                    ticket.action_acknowledge()
                elif action == "arrive" and ticket.state == "open":
                    ticket.action_arrive()
                elif action == "resolve" and ticket.state == "open":
                    ticket.action_resolve()
                elif action == "reopen" and ticket.state == "resolved":
                    ticket.action_reopen()
                elif action == "priority" and ticket.state != "closed":
                    ticket.priority = "3" if ticket.priority == "1" else "1"
                elif action == "contract" and ticket.state != "closed":
                    ticket.contract_id = (
                        other if ticket.contract_id == self.contract else self.contract
                    )
                elif action == "service_type" and ticket.state != "closed":
                    ticket.service_type_id = types[ticket.service_type_id == types[0]]
                elif action == "watch":
                    self.env["aftersales.ticket.sla"]._cron_sla_watch()
        differences = self.env["aftersales.ticket.sla"]._rebuild_from_ledger(
            ticket, fix=False
        )
        self.assertEqual(differences, [])


@tagged("post_install", "-at_install")
class TestTicketAccess(TicketCase):
    def test_technicians_see_own_and_team_tickets_portal_sees_own(self):
        tech = new_test_user(
            self.env, "sla_tech", groups="aftersales_sla.group_aftersales_user"
        )
        mate = new_test_user(
            self.env, "sla_mate", groups="aftersales_sla.group_aftersales_user"
        )
        outsider = new_test_user(
            self.env, "sla_outsider", groups="aftersales_sla.group_aftersales_user"
        )
        team = self.env["aftersales.team"].create(
            {"name": "Shenzhen", "member_ids": [(6, 0, (tech | mate).ids)]}
        )
        with freeze_time("2026-11-20 13:05:00"):
            mine = self.report(user_id=tech.id)
            teams = self.report(user_id=mate.id, team_id=team.id)
            other = self.report(user_id=outsider.id)
        visible = self.Ticket.with_user(tech).search(
            [("id", "in", (mine | teams | other).ids)]
        )
        self.assertEqual(visible, (mine | teams).with_user(tech))
        with self.assertRaises(AccessError):
            other.with_user(tech).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(tech).unlink()
        # A technician records milestones (events are appended as the system).
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            mine.with_user(tech).action_acknowledge()
        self.assertEqual(self.line(mine, "response").state, "met")
        self.assertEqual(mine.event_ids[-1].author_id, tech)

        contact = self.env["res.partner"].create(
            {
                "name": "王经理",
                "parent_id": self.customer.id,
                "email": "wang@example.com",
            }
        )
        portal = new_test_user(
            self.env, "sla_portal", groups="base.group_portal", partner_id=contact.id
        )
        stranger = self.env["res.partner"].create(
            {"name": "Other customer", "is_company": True}
        )
        with freeze_time("2026-11-20 13:05:00"):
            foreign = self.report(partner_id=stranger.id)
        seen = self.Ticket.with_user(portal).search([])
        self.assertEqual(seen, (mine | teams | other).with_user(portal))
        with self.assertRaises(AccessError):
            foreign.with_user(portal).read(["name"])


@tagged("post_install", "-at_install")
class TestLateRecordedMilestones(TicketCase):
    def test_reopen_and_accept_recorded_at_their_own_time(self):
        # Reported Friday 21:00, resolved Saturday 09:00; the customer called back
        # at 10:00 (reopened), it was fixed at 11:00 and accepted at 12:00, all
        # entered in the evening.
        with freeze_time(shanghai(2026, 11, 20, 21, 0)):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            ticket.action_resolve()
        with freeze_time(shanghai(2026, 11, 21, 20, 0)):
            ticket.action_reopen(
                reason="lock jammed again", when=shanghai(2026, 11, 21, 10, 0)
            )
            ticket.action_resolve(
                when=shanghai(2026, 11, 21, 11, 0), reason="fixed on site"
            )
            ticket.action_accept(when=shanghai(2026, 11, 21, 12, 0))
        times = {
            event.event_type: event.occurred_at
            for event in ticket.event_ids
            if event.event_type
            in ("ticket.reopened", "ticket.accepted", "ticket.closed")
        }
        self.assertEqual(
            times,
            {
                "ticket.reopened": shanghai(2026, 11, 21, 10, 0),
                "ticket.accepted": shanghai(2026, 11, 21, 12, 0),
                "ticket.closed": shanghai(2026, 11, 21, 12, 0),
            },
        )
        # Resolution clock: 21:00-22:00, 08:00-09:00, then 10:00-11:00 again: 3 h.
        self.assertEqual(self.line(ticket, "resolution").elapsed_seconds, 3 * H)
