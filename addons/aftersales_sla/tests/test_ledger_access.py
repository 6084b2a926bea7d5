from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LedgerCase, call_kw


@tagged("post_install", "-at_install")
class TestLedgerAccess(LedgerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mine = cls.append(cls, count=2)
        cls.theirs = cls.append(cls, count=3, company=cls.other_company)
        cls.Event._seal_chains(cls.chain | cls.other_chain)
        cls.other_manager = new_test_user(
            cls.env,
            login="ledger_other_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.employee = new_test_user(
            cls.env,
            login="ledger_employee",
            groups="base.group_user",
            company_id=cls.company.id,
        )

    def test_users_see_only_their_companies_events(self):
        for user, visible, hidden in (
            (self.manager, self.mine, self.theirs),
            (self.other_manager, self.theirs, self.mine),
        ):
            Event = self.Event.with_user(user)
            found = Event.search([("id", "in", (self.mine | self.theirs).ids)])
            self.assertEqual(found, visible.with_user(user), user.login)
            with self.assertRaises(AccessError):
                hidden.with_user(user).read(["payload"])
            chains = self.Chain.with_user(user).search([])
            self.assertEqual(chains.company_id, visible.company_id)

    def test_verification_covers_only_allowed_companies(self):
        result = self.Event.with_user(self.other_manager).verify_ledger()
        self.assertEqual(
            [item["chain"] for item in result["chains"]], self.other_chain.ids
        )
        self.assertEqual(result["checked"], 3)
        with self.assertRaises(AccessError):
            self.Event.with_user(self.other_manager).verify_ledger(self.chain)

    def test_technicians_do_not_read_the_ledger(self):
        # They see their tickets' timelines (aftersales.ticket.timeline), not the
        # ledger: other customers' events, payloads and hashes stay hidden.
        for model in ("aftersales.event", "aftersales.event.chain"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.technician).search([])
        with self.assertRaises(AccessError):
            self.Event.with_user(self.technician).verify_ledger()

    def test_no_group_may_create_write_or_delete_events(self):
        for user in (self.manager,):
            Event = self.Event.with_user(user)
            self.assertTrue(Event.has_access("read"))
            for operation in ("create", "write", "unlink"):
                self.assertFalse(
                    Event.has_access(operation), f"{user.login} {operation}"
                )
            with self.assertRaises(UserError):
                Event.create({"event_type": "ledger.note"})
            with self.assertRaises(UserError):
                self.mine.with_user(user).write({"reason": "x"})

    def test_employees_outside_after_sales_cannot_read_the_ledger(self):
        with self.assertRaises(AccessError):
            self.Event.with_user(self.employee).search([])

    def test_technicians_cannot_verify_through_the_wizard(self):
        with self.assertRaises(AccessError):
            self.env["aftersales.event.verify"].with_user(self.technician).create({})


@tagged("post_install", "-at_install")
class TestLedgerRpc(HttpCase):
    """What a logged-in user can do to the ledger over JSON-RPC: read, nothing else."""

    def call_kw(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def test_rpc_cannot_append_write_or_delete(self):
        manager = new_test_user(
            self.env,
            login="rpc_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        event = self.env["aftersales.event"]._append_event(
            "ledger.note", payload={"n": 1}
        )
        self.authenticate(manager.login, manager.login)
        entry = {"event_type": "ledger.note", "payload": {"forged": True}}
        attempts = {
            "_append_events": ("aftersales.event", "_append_events", [[entry]]),
            "create": ("aftersales.event", "create", [entry]),
            "write": ("aftersales.event", "write", [[event.id], {"reason": "x"}]),
            "unlink": ("aftersales.event", "unlink", [[event.id]]),
            "_seal_chains": ("aftersales.event", "_seal_chains", []),
        }
        with mute_logger("odoo.http"):
            for label, (model, method, args) in attempts.items():
                with self.subTest(label):
                    response = self.call_kw(model, method, args)
                    self.assertIn("error", response, label)
        read = self.call_kw("aftersales.event", "read", [[event.id], ["payload"]])
        self.assertEqual(read["result"][0]["payload"], '{"n":1}')
        self.assertEqual(
            self.env["aftersales.event"].search_count([("payload", "like", "forged")]),
            0,
        )

    def test_verification_over_xmlrpc(self):
        manager = new_test_user(
            self.env,
            login="xmlrpc_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        self.env["aftersales.event"]._append_event("ledger.note", payload={"n": 1})
        result = self.xmlrpc_object.execute(
            self.env.cr.dbname,
            manager.id,
            manager.login,
            "aftersales.event",
            "verify_ledger",
        )
        self.assertIs(result["ok"], True)
        self.assertIs(result["broken"], False)
        self.assertGreaterEqual(result["unsealed"], 1)
