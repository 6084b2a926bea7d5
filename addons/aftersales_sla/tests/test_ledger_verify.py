import subprocess
from unittest.mock import patch

import psycopg2.errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LedgerCase, call_kw


@tagged("post_install", "-at_install")
class TestLedgerVerify(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = cls.append(cls, count=6)
        cls.Event._seal_chains(cls.chain)

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

    def test_verify_wizard_shows_the_result(self):
        wizard = self.env["aftersales.event.verify"].with_user(self.manager).create({})
        self.assertIn(self.chain, wizard.chain_ids)
        self.assertNotIn(
            self.other_chain, wizard.chain_ids, "only the manager's companies"
        )
        wizard.action_verify()
        self.assertEqual(wizard.state, "ok")
        self.assertEqual(wizard.checked_count, 6)
        self.assertEqual(wizard.break_count, 0)

    def test_daily_action_records_an_intact_chain(self):
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_verify_ledger")
        cron.method_direct_trigger()
        self.assertEqual(self.chain.last_verification_state, "ok")
        self.assertFalse(self.chain.activity_ids)

    def test_daily_action_records_its_result_when_the_sealer_moved_the_chain(self):
        # The sealer (another worker) moved the chain's head while the daily
        # verification read its snapshot: the run does not fail, its result is
        # recorded in a transaction of its own.
        Chain = type(self.env["aftersales.event.chain"])
        record = Chain._record_verification
        calls = []

        def conflict_once(chains, result):
            calls.append(chains.env.cr)
            if len(calls) == 1:
                raise psycopg2.errors.SerializationFailure(
                    "could not serialize access due to concurrent update"
                )
            return record(chains, result)

        # A new cursor is one on the test's transaction (as in HttpCase).
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        with patch.object(Chain, "_record_verification", conflict_once):
            result = self.env["aftersales.event.chain"]._cron_verify_ledger()
        self.assertTrue(result["ok"])
        self.assertEqual(len(calls), 2)
        self.assertIsNot(calls[1], self.env.cr, "recorded in another transaction")
        self.chain.invalidate_recordset()
        self.assertEqual(self.chain.last_verification_state, "ok")
        self.assertTrue(self.chain.last_verified_at)

    def test_daily_action_conflict_on_the_chain_row_logs_no_error(self):
        # The same, with PostgreSQL itself refusing the chain row's UPDATE when the
        # write is flushed (as it does when the sealer moved the head): the failure
        # is expected and handled, so the server log shows no "bad query" ERROR.
        cr = self.env.cr
        cr.execute(
            """CREATE FUNCTION pg_temp.aftersales_test_conflict() RETURNS void
               LANGUAGE plpgsql AS $$
               BEGIN
                   RAISE EXCEPTION 'could not serialize access due to concurrent
                       update' USING ERRCODE = 'serialization_failure';
               END $$"""
        )
        Chain = type(self.env["aftersales.event.chain"])
        write = Chain._write_multi
        flushed = []

        def refused_once(chains, vals_list):
            flushed.append(chains.env.cr)
            if len(flushed) == 1:
                chains.env.cr.execute("SELECT pg_temp.aftersales_test_conflict()")
            return write(chains, vals_list)

        self.registry.enter_test_mode(cr)
        self.addCleanup(self.registry.leave_test_mode)
        with (
            patch.object(Chain, "_write_multi", refused_once),
            self.assertNoLogs("odoo.sql_db", level="ERROR"),
        ):
            result = self.env["aftersales.event.chain"]._cron_verify_ledger()
        self.assertTrue(result["ok"])
        self.assertEqual(len(flushed), 2, "refused once, then written apart")
        self.chain.invalidate_recordset()
        self.assertEqual(self.chain.last_verification_state, "ok")

    def test_pasted_text_without_checkpoint_is_refused(self):
        wizard = (
            self.env["aftersales.event.verify"]
            .with_user(self.manager)
            .create({"checkpoint_text": "see the statement of March"})
        )
        with self.assertRaisesRegex(UserError, "No ledger checkpoint found"):
            wizard.action_verify()
        self.assertEqual(wizard.state, "draft")

    def test_checkpoints_signed_by_sealing_and_on_demand(self):
        """Sealing signs the head it moves; a manager signs one on demand; each
        verifies, and a printed one names the head without being stored."""
        self.assertEqual(self.chain.checkpoint_ids.mapped("sequence"), [6])
        self.assertEqual(self.chain.checkpoint_ids.origin, "seal")
        self.append(count=2)
        self.chain.with_user(self.manager).action_sign_checkpoint()
        self.assertEqual(self.chain.checkpoint_ids.mapped("sequence"), [8, 6])
        with self.assertRaises(AccessError):
            self.chain.with_user(self.technician).action_sign_checkpoint()
        printed = self.chain.with_user(self.technician)._print_checkpoint()
        self.assertRegex(printed["token"], rf"^ASL1\.{self.chain.id}\.8\.")
        self.assertEqual(len(self.chain.checkpoint_ids), 2, "printing stores nothing")
        result = self.Event.verify_ledger(self.chain, checkpoints=printed["token"])
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual(
            sorted(item["source"] for item in result["checkpoints"]),
            ["given", "stored"],
        )
        with self.assertRaises(UserError):
            self.chain.checkpoint_ids[:1].write({"sequence": 1})
        with self.assertRaises(UserError):
            self.chain.checkpoint_ids[:1].unlink()


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

        self.assertIn(f"ASL1.{self.chain.id}.3.", flat, "the signed head is printed")
        self.assertEqual(
            self.chain.last_verified_at, False, "printing the report writes nothing"
        )


@tagged("post_install", "-at_install")
class TestVerifySettingsRefused(HttpCase):
    """The verification's system parameters (how many worker processes, from what
    size of chain) are the administrator's: every after-sales role, an accountant,
    a portal customer and an internal user without after-sales rights are refused
    over RPC, and nothing changes."""

    def test_only_the_administrator_sets_the_verification_workers(self):
        Param = self.env["ir.config_parameter"]
        Param.set_param("aftersales_sla.ledger_verify_workers", "2")
        roles = {
            "verify_set_manager": "aftersales_sla.group_aftersales_manager",
            "verify_set_technician": "aftersales_sla.group_aftersales_user",
            "verify_set_accountant": "account.group_account_invoice",
            "verify_set_portal": "base.group_portal",
            "verify_set_internal": "base.group_user",
        }
        for login, group in roles.items():
            new_test_user(self.env, login=login, groups=group)
        for login in roles:
            for key in (
                "aftersales_sla.ledger_verify_workers",
                "aftersales_sla.ledger_verify_parallel_threshold",
            ):
                with self.subTest(login=login, key=key):
                    self.authenticate(login, login)
                    with mute_logger("odoo.http"):  # the refusal, expected
                        answer = call_kw(
                            self, "ir.config_parameter", "set_param", [key, "64"]
                        )
                    self.assertEqual(
                        answer.get("error", {}).get("data", {}).get("name"),
                        "odoo.exceptions.AccessError",
                        answer,
                    )
        self.assertEqual(Param.get_param("aftersales_sla.ledger_verify_workers"), "2")
        self.assertFalse(
            Param.get_param("aftersales_sla.ledger_verify_parallel_threshold")
        )
