from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools import ledger_hash
from .common import LedgerCase


@tagged("post_install", "-at_install")
class TestLedgerAppend(LedgerCase):
    def test_append_records_fields_and_seal_chains_them(self):
        before = fields.Datetime.now()
        reported = before - timedelta(hours=3)
        events = self.append(
            count=3,
            occurred_at=reported,
            reason="客户电话报修, 补录",
            author=self.technician,
        )
        self.assertEqual(len(events), 3)
        self.assertEqual(events.mapped("is_sealed"), [False] * 3)
        self.assertEqual(set(events.mapped("event_type")), {"ledger.note"})
        self.assertEqual(events[0].subject_ref, self.partner)
        self.assertEqual(events.chain_id, self.chain)
        self.assertEqual(events.author_id, self.technician)
        self.assertEqual(events[0].occurred_at, reported.replace(microsecond=0))
        self.assertGreaterEqual(events[0].recorded_at, before.replace(microsecond=0))
        self.assertEqual(events[1].payload, '{"n":1,"text":"客户来电"}')

        sealed = self.Event._seal_chains(self.chain)
        self.assertEqual(sealed, 3)
        self.assertEqual(events.mapped("sequence"), [1, 2, 3])
        self.assertFalse(events[0].previous_hash)
        self.assertEqual(events[1].previous_hash, events[0].hash)
        self.assertEqual(events[2].previous_hash, events[1].hash)
        self.assertEqual(self.chain.last_sequence, 3)
        self.assertEqual(self.chain.last_hash, events[2].hash)

        # Each hash recomputes independently from the documented canonical form.
        previous = None
        for event in events:
            values = {
                "author": event.author_id.id,
                "chain": event.chain_id.id,
                "company": event.company_id.id,
                "event_type": event.event_type,
                "occurred_at": fields.Datetime.to_string(event.occurred_at),
                "payload": event.payload,
                "reason": event.reason,
                "recorded_at": fields.Datetime.to_string(event.recorded_at),
                "res_id": event.res_id,
                "res_model": event.res_model,
                "sequence": event.sequence,
            }
            record = ledger_hash.canonical_record_reference(values)
            self.assertEqual(event.hash, ledger_hash.compute_hash(previous, record))
            previous = event.hash

    def test_sealing_is_idempotent_and_continues_the_chain(self):
        first = self.append(count=2)
        self.assertEqual(self.Event._seal_chains(self.chain), 2)
        head = self.chain.last_hash
        self.assertEqual(self.Event._seal_chains(self.chain), 0)
        self.assertEqual(self.chain.last_hash, head)
        second = self.append(count=2)
        self.Event._seal_chains(self.chain)
        self.assertEqual(second.mapped("sequence"), [3, 4])
        self.assertEqual(second[0].previous_hash, first[1].hash)

    def test_scheduled_action_seals_every_chain(self):
        mine = self.append(count=2)
        theirs = self.append(count=1, company=self.other_company)
        self.env.ref(
            "aftersales_sla.ir_cron_aftersales_seal_ledger"
        ).method_direct_trigger()
        self.assertTrue(all(mine.mapped("is_sealed")))
        self.assertEqual(theirs.sequence, 1)
        self.assertEqual(theirs.chain_id, self.other_chain)
        self.assertEqual(
            mine.mapped("sequence"), [1, 2], "chains are numbered separately"
        )

    def test_company_defaults_to_the_subjects_company(self):
        event = self.Event._append_event("ledger.note", subject=self.partner)
        self.assertEqual(event.company_id, self.company)
        event = self.Event.with_company(self.other_company)._append_event("ledger.note")
        self.assertEqual(event.company_id, self.other_company)
        self.assertFalse(event.subject_ref)

    def test_bad_entries_refuse_the_whole_batch_and_write_nothing(self):
        count = self.event_count()
        future = fields.Datetime.now() + timedelta(minutes=5)
        bad_entries = {
            "not serialisable": {"payload": {"when": fields.Date.today()}},
            "oversized": {"payload": {"blob": "x" * (70 * 1024)}},
            "not an object": {"payload": ["a"]},
            "unknown type": {"event_type": "ticket.teleported"},
            "future": {"occurred_at": future},
            "two subjects": {"subject": self.partner | self.technician.partner_id},
            "unknown key": {"colour": "red"},
        }
        for label, bad in bad_entries.items():
            with self.subTest(label), self.assertRaises(ValidationError) as caught:
                good = {
                    "event_type": "ledger.note",
                    "subject": self.partner,
                    "company": self.company,
                }
                self.Event._append_events([good, dict(good, **bad)])
            self.assertTrue(str(caught.exception))
            self.assertEqual(self.event_count(), count, f"{label}: nothing written")

    def test_payload_errors_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "aftersales_sla")]
        )._update_translations(["zh_CN"])
        with self.assertRaises(ValidationError) as caught:
            self.Event.with_context(lang="zh_CN")._append_events(
                [{"event_type": "ledger.note", "payload": {"blob": "x" * (70 * 1024)}}]
            )
        self.assertIn("过大", str(caught.exception))

    def test_direct_create_is_refused_even_for_superuser(self):
        count = self.event_count()
        with self.assertRaises(UserError):
            self.Event.sudo().create(
                {
                    "chain_id": self.chain.id,
                    "company_id": self.company.id,
                    "event_type": "ledger.note",
                    "occurred_at": fields.Datetime.now(),
                    "recorded_at": fields.Datetime.now(),
                    "author_id": self.env.uid,
                }
            )
        self.assertEqual(self.event_count(), count)

    def test_every_company_gets_its_chain(self):
        company = self.env["res.company"].create({"name": "新公司"})
        chain = self.Chain.search([("company_id", "=", company.id)])
        self.assertEqual(len(chain), 1)
        self.assertEqual(chain.last_sequence, 0)
