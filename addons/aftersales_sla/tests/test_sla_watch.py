"""The SLA watch: breaches booked at their deadline, once, whatever happens."""

import threading
import uuid
from datetime import date, timedelta
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import fields
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged

from .common import TicketCase, separate_env, shanghai


@tagged("post_install", "-at_install")
class TestSlaWatch(TicketCase):
    def watch(self):
        self.env.ref(
            "aftersales_sla.ir_cron_aftersales_sla_watch"
        ).method_direct_trigger()

    def breach_events(self, ticket):
        return ticket.event_ids.filtered(
            lambda event: event.event_type == "sla.breached"
        )

    def test_breach_is_booked_at_the_deadline_once(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):  # long after Saturday 19:00
            self.watch()
            self.watch()
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 21, 19, 0))
        events = self.breach_events(ticket)
        self.assertEqual(len(events), 1, "booked once, whatever the number of runs")
        self.assertEqual(events.occurred_at, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(response.breach_event_id, events)
        self.assertIn('"metric":"response"', events.payload)
        # The resolution clock (48 h) is not due yet.
        self.assertEqual(self.line(ticket, "resolution").state, "running")
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )

    def test_late_milestone_books_the_breach_without_the_watch(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            ticket.action_acknowledge()
        events = self.breach_events(ticket)
        self.assertEqual(len(events), 1)
        self.assertEqual(events.occurred_at, shanghai(2026, 11, 21, 19, 0))
        with freeze_time(shanghai(2026, 11, 22, 9, 5)):
            self.watch()
        self.assertEqual(len(self.breach_events(ticket)), 1)

    def test_a_run_failing_mid_way_loses_and_repeats_nothing(self):
        with freeze_time("2026-11-20 13:05:00"):
            tickets = self.Ticket.create(
                [{"name": f"T{n}", "partner_id": self.customer.id} for n in range(6)]
            )
        Sla = type(self.env["aftersales.ticket.sla"])
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            with (
                patch.object(Sla, "_on_breached", side_effect=RuntimeError("crash")),
                self.assertRaises(RuntimeError),
                self.env.cr.savepoint(),
            ):
                self.env["aftersales.ticket.sla"]._cron_sla_watch(batch_size=4)
            self.env.invalidate_all()
            self.assertFalse(
                tickets.sla_ids.breach_event_id, "the failed batch left nothing"
            )
            first = self.env["aftersales.ticket.sla"]._cron_sla_watch(batch_size=4)
            self.assertEqual(len(first["breached"].ticket_id), 4)
            self.assertEqual(first["remaining"], 2)
            second = self.env["aftersales.ticket.sla"]._cron_sla_watch(batch_size=4)
            self.assertEqual(len(second["breached"].ticket_id), 2)
            self.assertEqual(second["remaining"], 0)
        for ticket in tickets:
            self.assertEqual(len(self.breach_events(ticket)), 1)

    def test_a_batch_in_conflict_is_left_to_a_fresh_transaction(self):
        # Another transaction (a milestone, an assessment on the same contract, on
        # any server) changed a row of the batch after this one began: nothing of
        # the batch is booked here, no failed run, the watch is triggered again.
        with freeze_time("2026-11-20 13:05:00"):
            tickets = self.Ticket.create(
                [{"name": f"C{n}", "partner_id": self.customer.id} for n in range(3)]
            )
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_sla_watch")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        Sla = type(self.env["aftersales.ticket.sla"])
        conflict = psycopg2.errors.SerializationFailure(
            "could not serialize access due to concurrent update"
        )
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            with patch.object(Sla, "_on_breached", side_effect=conflict):
                result = self.env["aftersales.ticket.sla"]._cron_sla_watch()
            self.assertFalse(result["breached"])
            self.assertGreaterEqual(result["remaining"], 3)
            self.env.invalidate_all()
            responses = tickets.sla_ids.filtered(lambda line: line.metric == "response")
            self.assertEqual(set(responses.mapped("state")), {"running"})
            self.assertFalse(responses.breach_event_id)
            for ticket in tickets:
                self.assertFalse(self.breach_events(ticket))
            self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]) - before)
            again = self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(again["breached"].ticket_id, tickets)
        for ticket in tickets:
            self.assertEqual(len(self.breach_events(ticket)), 1)

    def test_warning_once_to_assignee_and_team_leader(self):
        tech = new_test_user(
            self.env, "watch_tech", groups="aftersales_sla.group_aftersales_user"
        )
        lead = new_test_user(
            self.env, "watch_lead", groups="aftersales_sla.group_aftersales_user"
        )
        team = self.env["aftersales.team"].create(
            {"name": "深圳服务组", "leader_id": lead.id}
        )
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(user_id=tech.id, team_id=team.id)
        with freeze_time(
            shanghai(2026, 11, 21, 17, 0)
        ):  # 80 % of 12 h reached at 16:36
            self.watch()
            self.watch()
        warnings = ticket.event_ids.filtered(
            lambda event: event.event_type == "sla.warning"
        )
        self.assertEqual(len(warnings), 1)
        self.assertEqual(warnings.occurred_at, shanghai(2026, 11, 21, 16, 36))
        self.assertEqual(ticket.activity_ids.user_id, tech | lead)
        # One warning e-mail (internal note), to both, queued with the event and
        # delivered after the commit (here, in the test's transaction).
        self.env.cr.flush()
        self.env["aftersales.event.notification"]._cron_deliver()
        notes = ticket.message_ids.filtered(
            lambda message: lead.partner_id in message.partner_ids
        )
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.partner_ids, tech.partner_id | lead.partner_id)
        self.assertTrue(notes.is_internal or notes.subtype_id.internal)
        self.assertEqual(self.line(ticket, "response").state, "running")

    def test_query_count_of_a_batch_does_not_grow_with_tickets(self):
        counts = []
        for size in (5, 20):
            with freeze_time("2026-11-20 13:05:00"):
                self.Ticket.create(
                    [
                        {"name": f"Q{n}", "partner_id": self.customer.id}
                        for n in range(size)
                    ]
                )
            self.env.flush_all()
            with freeze_time(shanghai(2026, 11, 22, 9, 0)):
                before = self.env.cr.sql_log_count
                result = self.env["aftersales.ticket.sla"]._cron_sla_watch(
                    batch_size=50
                )
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(result["breached"].ticket_id), size)
        # A fixed number of queries per batch, plus a few per ticket (ledger rows,
        # activity-free breach): a regression to per-line reads fails here.
        self.assertLessEqual(counts[1] - counts[0], 15 * 3, counts)
        self.assertLessEqual(counts[0], 120, counts)


@tagged("post_install", "-at_install")
class TestSlaWatchConcurrency(BaseCase):
    """Two workers run the watch at the same moment on real connections."""

    def test_two_workers_book_each_breach_once(self):
        dbname = get_db_name()
        with separate_env(dbname) as env:
            company = env["res.company"].create(
                {"name": f"Watch {uuid.uuid4().hex[:6]}"}
            )
            customer = env["res.partner"].create(
                {"name": "并发客户", "is_company": True, "company_id": company.id}
            )
            policy = env["aftersales.sla.policy"].create(
                {
                    "name": "1 h 24x7",
                    "company_id": company.id,
                    "target_ids": [
                        (
                            0,
                            0,
                            {
                                "metric": "response",
                                "priority": "1",
                                "target_hours": 1,
                                "time_basis": "always",
                            },
                        )
                    ],
                }
            )
            contract = (
                env["aftersales.contract"]
                .with_company(company)
                .create(
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "date_start": date(2026, 1, 1),
                        "date_end": date(2027, 12, 31),
                        "calendar_id": env["resource.calendar"]
                        .search([("company_id", "in", (company.id, False))], limit=1)
                        .id,
                        "sla_policy_id": policy.id,
                    }
                )
            )
            contract.action_activate()
            reported = fields.Datetime.now() - timedelta(hours=3)
            tickets = (
                env["aftersales.ticket"]
                .with_company(company)
                .create(
                    [
                        {
                            "name": f"W{n}",
                            "partner_id": customer.id,
                            "company_id": company.id,
                            "reported_at": reported,
                            "late_entry_reason": "phone",
                        }
                        for n in range(30)
                    ]
                )
            )
            ticket_ids = tickets.ids

        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with separate_env(dbname) as env:
                    barrier.wait(timeout=30)
                    Sla = env["aftersales.ticket.sla"]
                    while Sla._cron_sla_watch(batch_size=4)["remaining"]:
                        env.cr.commit()  # what Odoo's cron loop does between batches
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(errors, [])
        with separate_env(dbname, commit=False) as env:
            env.cr.execute(
                """SELECT res_id, count(*) FROM aftersales_event
                    WHERE res_model = 'aftersales.ticket' AND res_id = ANY(%s)
                      AND event_type = 'sla.breached' GROUP BY res_id""",
                [ticket_ids],
            )
            counts = dict(env.cr.fetchall())
            self.assertEqual(counts, dict.fromkeys(ticket_ids, 1))
            lines = env["aftersales.ticket.sla"].search(
                [("ticket_id", "in", ticket_ids)]
            )
            self.assertEqual(set(lines.mapped("state")), {"breached"})
            self.assertEqual(
                set(lines.mapped("breached_at")), {reported + timedelta(hours=1)}
            )
            verified = env["aftersales.event"].verify_ledger()
            self.assertIs(verified["broken"], False)
