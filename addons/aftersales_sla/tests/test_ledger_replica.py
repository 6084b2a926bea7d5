"""What reads the streaming replica: the web client's verification of the ledger
and the reporting views (pivot, graph) run on a read-only cursor, which Odoo opens
on the replica when the server has one (``db_replica_host``). In tests the
read-only cursor is the test cursor in ``SET TRANSACTION READ ONLY``: a write
fails there, and Odoo retries on a read/write cursor with a warning."""

from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from .common import call_kw


@tagged("post_install", "-at_install")
class TestLedgerReplica(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.auditor = new_test_user(
            cls.env,
            login="replica_auditor",
            groups="aftersales_sla.group_aftersales_auditor",
        )
        cls.manager = new_test_user(
            cls.env,
            login="replica_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        Event = cls.env["aftersales.event"]
        cls.events = Event._append_events(
            [{"event_type": "ledger.note", "payload": {"n": n}} for n in range(3)]
        )
        Event._seal_chains(cls.events.chain_id)

    def spy(self, model, method):
        """Patch ``model.method`` to record whether each call ran on a read-only
        cursor; returns the list of recorded flags."""
        calls = []
        original = getattr(type(self.env[model]), method)

        def recording(records, *args, **kwargs):
            calls.append(bool(records.env.cr.readonly))
            return original(records, *args, **kwargs)

        self.startPatcher(patch.object(type(self.env[model]), method, recording))
        return calls

    def test_verification_reads_on_a_read_only_cursor(self):
        calls = self.spy("aftersales.event.chain", "_verify_ledger")
        self.authenticate(self.auditor.login, self.auditor.login)
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = call_kw(self, "aftersales.event", "verify_ledger", [])
        self.assertNotIn("error", response)
        self.assertIs(response["result"]["ok"], True)
        self.assertGreaterEqual(response["result"]["checked"], 3)
        # Once, read-only: no write on the way (it would have been retried
        # read/write, twice called).
        self.assertEqual(calls, [True])
        # Nothing recorded on the chain: that is the wizard's, on the primary.
        self.assertFalse(self.events.chain_id.last_verified_at)

    def test_verification_keeps_its_access_rule_on_the_replica(self):
        technician = new_test_user(
            self.env,
            login="replica_technician",
            groups="aftersales_sla.group_aftersales_user",
        )
        self.authenticate(technician.login, technician.login)
        with self.assertLogs("odoo.http", "WARNING") as logs:
            response = call_kw(self, "aftersales.event", "verify_ledger", [])
        self.assertIn("error", response)
        self.assertIn("AccessError", response["error"]["data"]["name"])
        # Refused once, on the read-only cursor: not retried read/write.
        self.assertEqual(
            [record.getMessage() for record in logs.records],
            ["Only After-Sales managers and auditors verify the service ledger."],
        )

    def test_penalty_pivot_reads_on_a_read_only_cursor(self):
        calls = self.spy("aftersales.penalty", "_read_group")
        self.authenticate(self.manager.login, self.manager.login)
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = call_kw(
                self,
                "aftersales.penalty",
                "read_group",
                [[], ["amount:sum"], ["contract_id"]],
                {"lazy": False},
            )
        self.assertNotIn("error", response)
        self.assertTrue(calls)
        self.assertTrue(all(calls))
