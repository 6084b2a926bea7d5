"""No notification is lost: queued in the event's transaction, delivered after the
commit, retried after a conflict, exactly once with two workers at once.

Most of these tests commit (the point is what happens across transactions), on a
customer and tickets of their own.
"""

import threading
import uuid
from contextlib import closing
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, TransactionCase, get_db_name, tagged

from odoo.addons.aftersales_sla.models.aftersales_event_notification import (
    AftersalesEventNotification,
)

from .common import separate_env

SEND = "odoo.addons.aftersales_sla.models.aftersales_event_notification"


def received(env, ticket_ids):
    """{ticket id: number of "received" messages posted on it}."""
    env.cr.execute(
        """SELECT m.res_id, count(*) FROM mail_message m
             JOIN aftersales_event_notification n ON n.message_id = m.id
            WHERE m.model = 'aftersales.ticket' AND m.res_id = ANY(%s)
         GROUP BY m.res_id""",
        [list(ticket_ids)],
    )
    return dict(env.cr.fetchall())


@tagged("post_install", "-at_install")
class TestNotificationQueue(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = get_db_name()
        with separate_env(cls.dbname) as env:
            cls.customer_id = (
                env["res.partner"]
                .create(
                    {
                        "name": f"Queue customer {uuid.uuid4().hex[:6]}",
                        "is_company": True,
                        "email": "queue@customer.example.com",
                    }
                )
                .id
            )

    def new_tickets(self, env, count):
        return env["aftersales.ticket"].create(
            [
                {"name": f"Queue {index}", "partner_id": self.customer_id}
                for index in range(count)
            ]
        )

    def queue_of(self, env, tickets):
        return env["aftersales.event.notification"].search(
            [("res_model", "=", "aftersales.ticket"), ("res_id", "in", tickets.ids)]
        )

    def test_delivered_right_after_commit(self):
        with separate_env(self.dbname) as env:
            tickets = self.new_tickets(env, 2)
            queue = self.queue_of(env, tickets)
            self.assertEqual(len(queue), 2, "queued in the event's transaction")
            self.assertEqual(set(queue.mapped("state")), {"pending"})
            self.assertFalse(received(env, tickets.ids), "nothing before the commit")
            ticket_ids = tickets.ids
        with separate_env(self.dbname, commit=False) as env:
            tickets = env["aftersales.ticket"].browse(ticket_ids)
            queue = self.queue_of(env, tickets)
            self.assertEqual(set(queue.mapped("state")), {"sent"})
            self.assertEqual(received(env, ticket_ids), dict.fromkeys(ticket_ids, 1))
            for ticket in tickets:
                mails = env["mail.mail"].search(
                    [("model", "=", ticket._name), ("res_id", "=", ticket.id)]
                )
                self.assertIn(f"{ticket.number} received", mails.subject)

    def test_rolled_back_transaction_sends_nothing(self):
        with separate_env(self.dbname, commit=False) as env:
            tickets = self.new_tickets(env, 1)
            self.assertEqual(len(self.queue_of(env, tickets)), 1)
            event_ids = tickets.event_ids.ids
        with separate_env(self.dbname, commit=False) as env:
            env.cr.execute(
                "SELECT count(*) FROM aftersales_event_notification "
                "WHERE event_id = ANY(%s)",
                [event_ids],
            )
            self.assertEqual(env.cr.fetchone()[0], 0)
            env.cr.execute(
                "SELECT count(*) FROM aftersales_event WHERE id = ANY(%s)", [event_ids]
            )
            self.assertEqual(env.cr.fetchone()[0], 0)

    def pending_tickets(self, count):
        """Tickets committed with their notifications still pending, as after a
        crash between the commit and the delivery (the post-commit hook dropped)."""
        with separate_env(self.dbname) as env:
            tickets = self.new_tickets(env, count)
            env.flush_all()
            env.cr.postcommit.clear()
            return tickets.ids

    def test_exactly_once_with_two_workers_at_once(self):
        ticket_ids = self.pending_tickets(12)
        with separate_env(self.dbname, commit=False) as env:
            ids = self.queue_of(env, env["aftersales.ticket"].browse(ticket_ids)).ids
            self.assertEqual(len(ids), 12)
        barrier = threading.Barrier(2)
        results, errors = [], []
        send = AftersalesEventNotification._send

        def slow_send(notification):
            # Long enough for the other worker to reach the same row meanwhile.
            threading.Event().wait(0.02)
            return send(notification)

        def worker(order):
            try:
                with closing(db_connect(self.dbname).cursor()) as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=10)
                    results.append(env["aftersales.event.notification"]._deliver(order))
            except Exception as error:  # noqa: BLE001  pylint: disable=broad-except
                errors.append(error)

        with patch.object(AftersalesEventNotification, "_send", slow_send):
            threads = [
                threading.Thread(target=worker, args=(ids,)),
                threading.Thread(target=worker, args=(list(reversed(ids)),)),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(errors)
        self.assertEqual(len(results), 2)
        sent = sum(result["sent"] for result in results)
        # Both post on tickets of the same customer: a worker may meet a conflict
        # (the notification stays pending, for the other worker or a retry), never
        # a second delivery of one notification.
        self.assertGreater(sent, 0)
        with separate_env(self.dbname) as env:
            retried = env["aftersales.event.notification"]._deliver(ids)
            self.assertEqual(sent + retried["sent"], 12)
            self.assertEqual(received(env, ticket_ids), dict.fromkeys(ticket_ids, 1))
            # Delivering again, by anyone, sends nothing more.
            self.assertEqual(
                env["aftersales.event.notification"]._deliver(ids)["busy"], 12
            )

    def test_a_conflict_is_retried_until_delivered(self):
        """A serialization failure (another request wrote the same customer) keeps
        the notification: the scheduled action delivers it once it is due."""
        ticket_ids = self.pending_tickets(1)
        send = AftersalesEventNotification._send
        calls = []

        def conflicting_send(notification):
            calls.append(notification.id)
            if len(calls) == 1:
                # What PostgreSQL raises when another transaction wrote the row.
                notification.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due "
                    "to concurrent update' USING ERRCODE = '40001'; END $$"
                )
            return send(notification)

        with (
            patch.object(AftersalesEventNotification, "_send", conflicting_send),
            closing(db_connect(self.dbname).cursor()) as cr,
        ):
            env = api.Environment(cr, SUPERUSER_ID, {})
            Notification = env["aftersales.event.notification"]
            tickets = env["aftersales.ticket"].browse(ticket_ids)
            notification = self.queue_of(env, tickets)
            counts = Notification._deliver(notification.ids)
            self.assertEqual(counts["conflict"], 1)
            notification.invalidate_recordset()
            self.assertEqual(notification.state, "pending")
            self.assertEqual(notification.attempts, 1)
            self.assertIn("could not serialize", notification.last_error)
            self.assertFalse(received(env, ticket_ids))
            # Not due yet: the scheduled action leaves it.
            Notification._cron_deliver()
            notification.invalidate_recordset()
            self.assertEqual(notification.state, "pending")
            cr.commit()  # pylint: disable=invalid-commit
            with freeze_time(notification.next_attempt_at):
                counts = Notification._cron_deliver()
            self.assertGreaterEqual(counts["sent"], 1)
            notification.invalidate_recordset()
            self.assertEqual(notification.state, "sent")
            self.assertEqual(received(env, ticket_ids), {ticket_ids[0]: 1})
            self.assertEqual(calls.count(notification.id), 2)
            cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestNotificationRetry(TransactionCase):
    """The same rules inside one transaction (no commit)."""

    def test_transient_errors_never_fail_for_good(self):
        partner = self.env["res.partner"].create(
            {"name": "Retry customer", "email": "retry@example.com"}
        )
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.env["aftersales.ticket"].create(
                {"name": "Retry", "partner_id": partner.id}
            )
        notification = self.env["aftersales.event.notification"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        error = psycopg2.errors.SerializationFailure("concurrent update")
        with (
            patch.object(AftersalesEventNotification, "_send", side_effect=error),
            freeze_time("2026-11-20 13:05:00") as frozen,
        ):
            for _attempt in range(6):
                frozen.tick(3600)
                self.env["aftersales.event.notification"]._cron_deliver()
        self.assertEqual(notification.state, "pending", "a conflict is never final")
        self.assertEqual(notification.attempts, 6)
        with freeze_time("2026-11-20 23:00:00"):
            self.env["aftersales.event.notification"]._cron_deliver()
        self.assertEqual(notification.state, "sent")
        self.assertIn(ticket.number, notification.message_id.subject)
