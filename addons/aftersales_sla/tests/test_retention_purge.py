import json
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TicketCase, call_kw, shanghai

DESCRIPTION = "RETAINME 深圳市南山区科技园 8 栋"
REASON = "RETAINME 客户李先生次日来电"


@tagged("post_install", "-at_install")
class TestRetention(TicketCase):
    def closed_ticket(self, **values):
        with freeze_time("2026-11-21 04:00:00"):
            ticket = self.report(
                late_entry_reason=REASON, description=f"<p>{DESCRIPTION}</p>", **values
            )
            ticket.action_close(reason=REASON)
        return ticket

    def test_retention_until_follows_the_contract_and_the_law(self):
        self.assertEqual(self.contract.retention_years, 3, "the company's minimum")
        ticket = self.closed_ticket()
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.retention_until, date(2029, 12, 31))
        self.contract.retention_years = 5
        self.assertEqual(ticket.retention_until, date(2031, 12, 31))
        loose = self.closed_ticket(
            partner_id=self.env["res.partner"].create({"name": "散客"}).id
        )
        self.assertFalse(loose.contract_id)
        self.assertEqual(loose.retention_until, date(2029, 11, 21))
        open_ticket = self.report(late_entry_reason=REASON)
        self.assertFalse(open_ticket.retention_until)
        # The law's minimum raised: it applies to the contracts below it.
        self.env.company.aftersales_retention_min_years = 10
        self.assertEqual(ticket.retention_until, date(2036, 12, 31))

    def test_bad_retention_periods_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "legal minimum"):
            self.contract.retention_years = 2
        self.env.company.aftersales_retention_min_years = 5
        with self.assertRaisesRegex(ValidationError, "legal minimum"):
            self.contract.copy({"retention_years": 4})
        for years in (0, -1, 101):
            with self.assertRaises(ValidationError):
                self.env.company.aftersales_retention_min_years = years
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"aftersales_retention_min_years": 0}
            ).execute()
        self.assertEqual(self.env.company.aftersales_retention_min_years, 5)

    def test_purge_after_retention_keeps_figures_and_verifies(self):
        due = self.closed_ticket()
        loose = self.closed_ticket(
            partner_id=self.env["res.partner"].create({"name": "散客 RETAINME"}).id
        )
        still_open = self.report(
            late_entry_reason=REASON, reported=shanghai(2026, 11, 20, 22, 0)
        )
        photo = self.env["ir.attachment"].create(
            {
                "name": "铭牌.txt",
                "raw": DESCRIPTION.encode(),
                "res_model": "aftersales.ticket",
                "res_id": due.id,
            }
        )
        lines = [
            (line.metric, line.state, line.elapsed_seconds) for line in due.sla_ids
        ]
        # The ticket without contract is due first (closed + 3 years), the
        # contract's on the day after its end + 3 years.
        self.Ticket._purge_due_personal_data(today=date(2029, 12, 31))
        self.assertTrue(loose.personal_data_erased_at)
        self.assertFalse(due.personal_data_erased_at)
        self.assertEqual(due.late_entry_reason, REASON)
        purged = self.Ticket._purge_due_personal_data(
            batch_size=1, today=date(2030, 1, 1)
        )
        self.assertGreaterEqual(purged, 1, "one ticket a batch, until none is due")
        kept = loose
        for ticket in (due, kept):
            ticket.invalidate_recordset()
            self.assertFalse(ticket.description or ticket.late_entry_reason)
            self.assertTrue(ticket.personal_data_erased_at)
        self.assertEqual(still_open.late_entry_reason, REASON, "open: untouched")
        self.assertFalse(photo.exists())
        self.assertEqual(
            [(line.metric, line.state, line.elapsed_seconds) for line in due.sla_ids],
            lines,
        )
        event = due.event_ids.filtered(
            lambda e: e.event_type == "ticket.personal_data_purged"
        )
        self.assertEqual(json.loads(event.payload)["rule"], "retention")
        closed = due.event_ids.filtered(lambda e: e.event_type == "ticket.closed")
        self.assertEqual(closed.reason_text, "(erased)")
        entries = self.env["aftersales.event.personal"].search(
            [("res_model", "=", "aftersales.ticket"), ("res_id", "=", due.id)]
        )
        self.assertTrue(entries)
        self.assertEqual(entries.erasure_event_id, event)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM aftersales_event_personal WHERE value LIKE %s",
            ["%RETAINME%"],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1, "the open ticket's only")
        # Purged once: the next run finds nothing.
        self.assertEqual(
            self.Ticket._purge_due_personal_data(today=date(2030, 1, 1)), 0
        )
        Event = self.env["aftersales.event"]
        Event._seal_chains()
        chain = self.env["aftersales.event.chain"].search(
            [("company_id", "=", self.env.company.id)]
        )
        result = Event.verify_ledger(chain)
        self.assertTrue(result["ok"], result["breaks"])

    def test_the_daily_action_is_installed(self):
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_purge_personal_data")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        self.assertIn("_cron_purge_personal_data", cron.code)


@tagged("post_install", "-at_install")
class TestRetentionRpc(HttpCase):
    @mute_logger("odoo.http")
    def test_short_retention_refused_over_rpc(self):
        new_test_user(
            self.env,
            "retention_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "RPC 客户"}).id,
                "title": "Retention over RPC",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )
        self.authenticate("retention_manager", "retention_manager")
        answer = call_kw(
            self, "aftersales.contract", "write", [contract.ids, {"retention_years": 1}]
        )
        self.assertIn("legal minimum", answer["error"]["data"]["message"])
        self.assertGreaterEqual(contract.retention_years, 3)
