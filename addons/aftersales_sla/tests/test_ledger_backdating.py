"""A breach stays a breach: a milestone recorded after the breach of its clock was
booked never turns it into "met", whether it is entered late through the
application (with a reason) or inserted behind its back in SQL by the role Odoo
runs as; and entering a milestone late needs a reason."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import TicketCase, shanghai


@tagged("post_install", "-at_install")
class TestLedgerBackdating(TicketCase):
    def watch(self):
        self.env.ref(
            "aftersales_sla.ir_cron_aftersales_sla_watch"
        ).method_direct_trigger()

    def booked_breach(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):  # long after Saturday 19:00
            self.watch()
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        return ticket, response

    def test_sql_insert_of_a_backdated_milestone_does_not_undo_a_breach(self):
        ticket, response = self.booked_breach()
        # The attack: as the application's database role, append an unsealed
        # "responded" dated well before the deadline (it looks like an append, so
        # the database takes it), then let anything re-project the ticket.
        self.env.flush_all()
        self.env.cr.execute(
            """INSERT INTO aftersales_event
                   (chain_id, company_id, event_type, occurred_at, recorded_at,
                    author_id, res_model, res_id, payload)
               SELECT c.id, c.company_id, 'ticket.responded', %s,
                      date_trunc('second', clock_timestamp() AT TIME ZONE 'UTC'),
                      %s, 'aftersales.ticket', %s, '{}'
                 FROM aftersales_event_chain c WHERE c.company_id = %s""",
            [
                shanghai(2026, 11, 21, 9, 0),
                self.env.uid,
                ticket.id,
                ticket.company_id.id,
            ],
        )
        self.env.invalidate_all()
        self.env["aftersales.ticket.sla"]._project_tickets(ticket)
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 21, 19, 0))
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )

    def test_late_entry_with_a_reason_meets_the_clock_late(self):
        ticket, _response = self.booked_breach()
        with freeze_time(shanghai(2026, 11, 22, 9, 30)):
            ticket.action_acknowledge(
                when=shanghai(2026, 11, 21, 9, 0), reason="客户电话确认, 补录"
            )
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 21, 19, 0))

    def test_backdating_a_milestone_needs_a_reason(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        with freeze_time("2026-11-20 14:00:00"):
            with (
                self.assertRaisesRegex(ValidationError, "entered late"),
                self.env.cr.savepoint(),
            ):
                ticket.action_acknowledge(when=shanghai(2026, 11, 20, 21, 30))
            ticket.invalidate_recordset()
            self.assertFalse(ticket.responded_at)
            # Within the tolerance no reason is asked.
            ticket.action_acknowledge(
                when=shanghai(2026, 11, 20, 22, 0) - timedelta(minutes=10)
            )
        self.assertTrue(ticket.responded_at)
