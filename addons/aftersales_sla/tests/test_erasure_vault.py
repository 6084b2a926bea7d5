import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import ledger_hash, ledger_personal
from .common import LedgerCase

REASON = "客户王女士来电, 手机 13800138000"
NOTE = "经理口头同意减免, 见张先生微信"


@tagged("post_install", "-at_install")
class TestPersonalDataVault(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Personal = cls.env["aftersales.event.personal"]
        cls.noted = cls.Event._append_events(
            [
                {
                    "event_type": "ledger.note",
                    "subject": cls.partner,
                    "company": cls.company,
                    "reason": REASON,
                    "payload": {"n": 1},
                },
                {
                    "event_type": "penalty.waived",
                    "subject": cls.partner,
                    "company": cls.company,
                    "reason": NOTE,
                    "payload": {"waiver_reason": "goodwill", "note": NOTE},
                },
                {
                    "event_type": "ledger.note",
                    "subject": cls.partner,
                    "company": cls.company,
                    "payload": {"n": 2},
                },
            ]
        )
        cls.Event._seal_chains(cls.chain)

    def raw(self, event):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT reason, payload FROM aftersales_event WHERE id = %s", [event.id]
        )
        return self.env.cr.fetchone()

    def test_personal_values_are_kept_out_of_the_hashed_record(self):
        noted, waived, plain = self.noted
        reason, payload = self.raw(noted)
        self.assertTrue(ledger_personal.is_token(reason))
        self.assertNotIn("13800138000", reason)
        reason, payload = self.raw(waived)
        self.assertNotIn(NOTE, reason + payload)
        data = json.loads(payload)
        self.assertTrue(ledger_personal.is_token(data["note"]))
        self.assertEqual(data["waiver_reason"], "goodwill", "codes stay in the record")
        self.assertEqual(self.raw(plain), (None, '{"n":2}'))
        # What a reader sees: the typed texts.
        self.assertEqual(noted.reason_text, REASON)
        self.assertEqual(waived._resolved_payload()["note"], NOTE)
        entries = self.Personal.search([("event_id", "in", self.noted.ids)])
        self.assertEqual(
            sorted(entries.mapped("path")), ["payload/note", "reason", "reason"]
        )
        for entry in entries:
            self.assertTrue(
                ledger_personal.matches(entry.token, entry.salt, entry.value)
            )
        result = self.Event.verify_ledger(self.chain)
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual((result["personal_kept"], result["personal_erased"]), (3, 0))

    def test_erasure_leaves_the_chain_verifiable_and_the_values_gone(self):
        entries = self.Personal.search([("event_id", "in", self.noted.ids)])
        erased = entries._erase()
        self.assertEqual(len(erased), 3)
        self.env.flush_all()
        noted, waived, _plain = self.noted
        noted.invalidate_recordset()
        self.assertEqual(noted.reason_text, "(erased)")
        self.assertEqual(waived._resolved_payload()["note"], "(erased)")
        result = self.Event.verify_ledger(self.chain)
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual((result["personal_kept"], result["personal_erased"]), (0, 3))
        self.assertEqual(result["checked"], 3, "every hash recomputes as sealed")
        for text in ("13800138000", "张先生微信"):
            self.env.cr.execute(
                """SELECT count(*) FROM aftersales_event_personal
                    WHERE value LIKE %(like)s OR salt IS NOT NULL AND id = ANY(%(ids)s)
                   UNION ALL
                   SELECT count(*) FROM aftersales_event
                    WHERE reason LIKE %(like)s OR payload LIKE %(like)s""",
                {"like": f"%{text}%", "ids": entries.ids},
            )
            self.assertEqual([row[0] for row in self.env.cr.fetchall()], [0, 0])

    def test_an_altered_vault_value_is_named(self):
        self.env.flush_all()
        noted = self.noted[0]
        self.env.cr.execute(
            """UPDATE aftersales_event_personal SET value = 'someone else'
                WHERE event_id = %s AND path = 'reason'""",
            [noted.id],
        )
        result = self.Event.verify_ledger(self.chain)
        self.assertFalse(result["ok"])
        self.assertEqual(
            [(item["id"], item["reason"]) for item in result["breaks"]],
            [(noted.id, "personal_altered")],
        )
        self.assertNotIn("someone else", json.dumps(result), "never the value")
        message = self.Chain._verification_message(result["chains"][0])
        self.assertIn("personal data altered", message)

    def test_a_deleted_vault_entry_is_named(self):
        self.env.flush_all()
        noted = self.noted[0]
        self.env.cr.execute(
            "DELETE FROM aftersales_event_personal WHERE event_id = %s", [noted.id]
        )
        result = self.Event.verify_ledger(self.chain)
        self.assertEqual(
            [(item["id"], item["reason"]) for item in result["breaks"]],
            [(noted.id, "personal_missing")],
        )

    def test_nobody_writes_the_vault(self):
        entry = self.Personal.search([("event_id", "=", self.noted[0].id)])
        self.assertEqual(entry.with_user(self.manager).value, REASON)
        for user_env in (entry.with_user(self.manager), entry.sudo()):
            with self.assertRaises(UserError):
                user_env.write({"value": "forged"})
            with self.assertRaises(UserError):
                user_env.unlink()
        with self.assertRaises(UserError):
            self.Personal.sudo().create(
                {
                    "event_id": self.noted[0].id,
                    "company_id": self.company.id,
                    "ref": "0" * 16,
                    "path": "reason",
                    "token": "x",
                }
            )
        with self.assertRaises(AccessError):
            entry.with_user(self.technician).read(["value"])
        self.assertEqual(entry.value, REASON)

    def test_hash_covers_the_token(self):
        """The token is what the hash covers: the stored hash recomputes from it."""
        noted = self.noted[0]
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT reason FROM aftersales_event WHERE id = %s", [noted.id]
        )
        token = self.env.cr.fetchone()[0]
        values = {
            "chain": noted.chain_id.id,
            "sequence": noted.sequence,
            "company": noted.company_id.id,
            "event_type": noted.event_type,
            "occurred_at": str(noted.occurred_at),
            "recorded_at": str(noted.recorded_at),
            "author": noted.author_id.id,
            "res_model": noted.res_model,
            "res_id": noted.res_id,
            "reason": token,
            "payload": noted.payload,
        }
        self.assertEqual(
            ledger_hash.compute_hash(
                noted.previous_hash, ledger_hash.canonical_record(values)
            ),
            noted.hash,
        )
