import subprocess

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LedgerCase


@tagged("post_install", "-at_install")
class TestLedgerVerify(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = cls.append(cls, count=6)
        cls.Event._seal_chains(cls.chain)

    def tamper(self, query, params=()):
        """Change the table as an attacker with the owner's rights would."""
        cr = self.env.cr
        cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
        cr.execute(query, params)
        cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")
        self.env.invalidate_all()

    def test_intact_ledger_verifies(self):
        pending = self.append(count=2)
        result = self.Event.verify_ledger(self.chain)
        self.assertTrue(result["ok"])
        self.assertIs(result["broken"], False)
        self.assertEqual(result["checked"], 6)
        self.assertEqual(result["unsealed"], 2)
        self.Event._seal_chains(self.chain)
        result = self.Event.verify_ledger(self.chain, page_size=4)
        self.assertEqual((result["checked"], result["unsealed"]), (8, 0))
        self.assertEqual(pending.mapped("sequence"), [7, 8])

    def test_changed_payload_is_named(self):
        target = self.events[3]
        self.tamper(
            "UPDATE aftersales_event SET payload = '{\"n\":0}' WHERE id = %s",
            [target.id],
        )
        result = self.Event.verify_ledger(self.chain, page_size=2)
        self.assertFalse(result["ok"])
        broken = result["broken"]
        self.assertEqual(broken["id"], target.id)
        self.assertEqual(broken["sequence"], 4)
        self.assertEqual(broken["reason"], "hash_mismatch")
        self.assertEqual(broken["stored"], target.hash)
        self.assertNotEqual(broken["expected"], target.hash)
        self.assertEqual(result["checked"], 3)

    def test_recomputed_hash_still_breaks_the_next_link(self):
        # A forger who rewrites an event and its hash cannot fix its successor's link.
        target, successor = self.events[2], self.events[3]
        self.tamper(
            "UPDATE aftersales_event SET reason = 'forged', "
            "hash = '$1$' || repeat('a', 64) "
            "WHERE id = %s",
            [target.id],
        )
        broken = self.Event.verify_ledger(self.chain)["broken"]
        self.assertEqual(broken["id"], target.id)
        self.tamper(
            "UPDATE aftersales_event SET previous_hash = '$1$' || repeat('a', 64) "
            "WHERE id = %s",
            [successor.id],
        )
        self.assertEqual(
            self.Event.verify_ledger(self.chain)["broken"]["id"], target.id
        )

    def test_deleted_events_are_detected(self):
        self.tamper("DELETE FROM aftersales_event WHERE id = %s", [self.events[1].id])
        broken = self.Event.verify_ledger(self.chain)["broken"]
        self.assertEqual(
            (broken["reason"], broken["id"]), ("sequence_gap", self.events[2].id)
        )

    def test_deleted_tail_is_detected_by_the_head(self):
        self.tamper("DELETE FROM aftersales_event WHERE id = %s", [self.events[5].id])
        result = self.Event.verify_ledger(self.chain)
        self.assertEqual(result["broken"]["reason"], "head_mismatch")
        self.assertEqual(result["checked"], 5)

    def test_other_chains_are_not_affected(self):
        other = self.append(count=2, company=self.other_company)
        self.Event._seal_chains(self.other_chain)
        self.tamper(
            "UPDATE aftersales_event SET reason = 'x' WHERE id = %s",
            [self.events[0].id],
        )
        self.assertTrue(self.Event.verify_ledger(self.other_chain)["ok"])
        result = self.Event.verify_ledger(self.chain | self.other_chain)
        self.assertFalse(result["ok"])
        by_chain = {item["chain"]: item for item in result["chains"]}
        self.assertIs(by_chain[self.other_chain.id]["broken"], False)
        self.assertEqual(by_chain[self.other_chain.id]["checked"], len(other))

    def test_daily_action_alerts_managers_on_failure(self):
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_verify_ledger")
        cron.method_direct_trigger()
        self.assertEqual(self.chain.last_verification_state, "ok")
        self.assertFalse(self.chain.activity_ids)

        self.tamper(
            "UPDATE aftersales_event SET payload = '{}' WHERE id = %s",
            [self.events[0].id],
        )
        with self.assertLogs(
            "odoo.addons.aftersales_sla.models.aftersales_event_chain", "ERROR"
        ):
            cron.method_direct_trigger()
        self.assertEqual(self.chain.last_verification_state, "broken")
        self.assertIn(str(self.events[0].id), self.chain.last_verification_message)
        alert = self.chain.message_ids.filtered(
            lambda m: "LEDGER BROKEN" in (m.body or "")
        )
        self.assertTrue(alert)
        self.assertIn(self.manager.partner_id, alert.partner_ids)
        self.assertNotIn(self.technician.partner_id, alert.partner_ids)
        self.assertIn(self.manager, self.chain.activity_ids.user_id)

    def test_verify_wizard_shows_the_result(self):
        wizard = self.env["aftersales.event.verify"].with_user(self.manager).create({})
        self.assertIn(self.chain, wizard.chain_ids)
        self.assertNotIn(
            self.other_chain, wizard.chain_ids, "only the manager's companies"
        )
        wizard.action_verify()
        self.assertEqual(wizard.state, "ok")
        self.assertEqual(wizard.checked_count, 6)
        self.tamper(
            "UPDATE aftersales_event SET reason = 'x' WHERE id = %s",
            [self.events[4].id],
        )
        wizard = self.env["aftersales.event.verify"].with_user(self.manager).create({})
        with mute_logger("odoo.addons.aftersales_sla.models.aftersales_event_chain"):
            wizard.action_verify()
        self.assertEqual(wizard.state, "broken")
        self.assertEqual(wizard.broken_event_id, self.events[4])
        self.assertIn("LEDGER BROKEN", wizard.result_message)


@tagged("post_install", "-at_install")
class TestLedgerIntegrityReport(HttpCase):
    """The integrity report as a manager downloads it: a real PDF from wkhtmltopdf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "锁具制造有限公司"})
        cls.chain = cls.env["aftersales.event.chain"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.manager = new_test_user(
            cls.env,
            login="report_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.events = cls.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "ledger.note",
                    "company": cls.company,
                    "payload": {"n": n},
                }
                for n in range(3)
            ]
        )
        cls.env["aftersales.event"]._seal_chains(cls.chain)

    def pdf_text(self):
        # Rendered in the test's thread: wkhtmltopdf fetches the report's assets from
        # the test HTTP server. Odoo renders HTML under tests unless forced.
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "aftersales_sla.action_report_ledger_integrity", self.chain.ids
            )
        )
        self.assertEqual(kind, "pdf")
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()

    def test_integrity_report_prints_the_verification(self):
        text = self.pdf_text()
        self.assertIn("Service Ledger Integrity Report", text)
        self.assertIn("锁具制造有限公司", text, "Chinese text is rendered (CJK fonts)")
        self.assertIn("Intact", text)
        flat = "".join(text.split())
        self.assertIn(self.chain.last_hash[3:40], flat)
        self.assertRegex(text, r"Events verified\s+3")

        cr = self.env.cr
        cr.execute("ALTER TABLE aftersales_event DISABLE TRIGGER USER")
        cr.execute(
            "UPDATE aftersales_event SET reason = 'x' WHERE id = %s",
            [self.events[1].id],
        )
        cr.execute("ALTER TABLE aftersales_event ENABLE TRIGGER USER")
        with mute_logger("odoo.addons.aftersales_sla.models.aftersales_event_chain"):
            text = self.pdf_text()
        self.assertIn("Broken", text)
        self.assertIn("a hash that does not match", text)
        self.assertRegex(text, r"Sequence\s+2")
