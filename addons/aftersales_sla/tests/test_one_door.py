"""The one door (issue #11, points 1-3 and 6), tried as an attacker would: over
XML-RPC and JSON-RPC, as every role.

Every state, milestone, amount and party field of tickets, contracts and penalties
changes only through the business methods that append its ledger event; a direct
write or create is refused with a clear error and writes nothing, whoever asks.
Technicians see their own and their team's tickets and nothing else of other
customers; verification and the integrity report are for managers and auditors.
"""

import xmlrpc.client
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw, shanghai
from .test_penalty import PenaltyCase

REFUSED = "they cannot be written directly"


@tagged("post_install", "-at_install")
class TestOneDoorRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.technician = new_test_user(
            env, "door_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "door_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.auditor = new_test_user(
            env, "door_auditor", groups="aftersales_sla.group_aftersales_auditor"
        )
        cls.billing = new_test_user(
            env, "door_billing", groups="account.group_account_invoice"
        )
        cls.employee = new_test_user(env, "door_employee", groups="base.group_user")
        cls.customer_a = env["res.partner"].create(
            {"name": "客户甲 Customer A", "is_company": True}
        )
        cls.customer_b = env["res.partner"].create(
            {"name": "客户乙 Customer B", "is_company": True}
        )
        cls.portal_user = new_test_user(
            env,
            "door_portal",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "甲联系人", "parent_id": cls.customer_a.id})
            .id,
        )
        policy = env["aftersales.sla.policy"].create(
            {
                "name": "Door SLA",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "response",
                            "target_hours": 12,
                            "time_basis": "always",
                        },
                    )
                ],
            }
        )
        calendar = env.ref("resource.resource_calendar_std")
        cls.contracts = env["aftersales.contract"]
        for customer in (cls.customer_a, cls.customer_b):
            cls.contracts |= env["aftersales.contract"].create(
                {
                    "partner_id": customer.id,
                    "date_start": date.today() - timedelta(days=30),
                    "date_end": date.today() + timedelta(days=300),
                    "amount_value": 10000,
                    "calendar_id": calendar.id,
                    "sla_policy_id": policy.id,
                }
            )
        cls.contracts.action_activate()
        cls.contract_a, cls.contract_b = cls.contracts
        cls.draft_contract = env["aftersales.contract"].create(
            {
                "partner_id": cls.customer_a.id,
                "date_start": date.today(),
                "date_end": date.today() + timedelta(days=30),
            }
        )
        team = env["aftersales.team"].create(
            {"name": "Door team", "member_ids": [(6, 0, cls.technician.ids)]}
        )
        Ticket = env["aftersales.ticket"]
        cls.ticket = Ticket.create(
            {
                "name": "门锁无法开启",
                "partner_id": cls.customer_a.id,
                "contract_id": cls.contract_a.id,
                "team_id": team.id,
            }
        )
        cls.other_ticket = Ticket.create(
            {
                "name": "热水器漏水",
                "partner_id": cls.customer_b.id,
                "contract_id": cls.contract_b.id,
            }
        )
        Penalty = env["aftersales.penalty"]
        cls.assessed = Penalty._assess_manual(cls.contract_a, 100, "Door test")
        cls.confirmed = Penalty._assess_manual(cls.contract_a, 50, "Door test 2")
        cls.confirmed.action_confirm()
        cls.closed_stage = env["aftersales.ticket.stage"].search(
            [("is_closed", "=", True)], limit=1
        )
        cls.users = {
            "technician": cls.technician,
            "manager": cls.manager,
            "auditor": cls.auditor,
            "billing": cls.billing,
            "employee": cls.employee,
            "portal": cls.portal_user,
            "admin": env.ref("base.user_admin"),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def rpc(self, role, model, method, *args, **kwargs):
        user = self.users[role]
        password = "admin" if role == "admin" else user.login
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), kwargs
        )

    def assertRefused(self, role, model, method, *args, fragment=REFUSED, **kwargs):
        """The call fails with a message containing ``fragment``."""
        with mute_logger("odoo.http", "odoo.addons.base.controllers.rpc"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.rpc(role, model, method, *args, **kwargs)
        self.assertIn(fragment, caught.exception.faultString)

    def snapshot(self, record, names):
        record.invalidate_recordset()
        return {name: record[name] for name in names}

    def events_of(self, record):
        self.env.flush_all()
        return self.env["aftersales.event"].search_count(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    # ------------------------------------------------------------------
    # Tickets (issue point 2)
    # ------------------------------------------------------------------

    def test_guarded_ticket_fields_are_refused_for_every_role(self):
        now = fields.Datetime.to_string(fields.Datetime.now())
        reason = self.env.ref("aftersales_sla.pause_reason_waiting_customer")
        cases = {
            "state": "closed",
            "responded_at": now,
            "arrived_at": now,
            "resolved_at": now,
            "accepted_at": now,
            "acceptance": "customer",
            "closed_at": now,
            "reopen_count": 3,
            "pause_reason_id": reason.id,
            "signed_by": "Forger",
            "signed_on": now,
            "number": "FORGED-1",
            "contract_match": "matched",
            "candidate_contract_ids": [(6, 0, self.contract_b.ids)],
            "sla_unmatched": True,
            "reported_at": "2020-01-01 00:00:00",
            "late_entry_reason": "rewritten",
        }
        names = list(cases)
        before = self.snapshot(self.ticket, names)
        events = self.events_of(self.ticket)
        for role in ("technician", "manager", "admin"):
            for name, value in cases.items():
                with self.subTest(role=role, field=name):
                    self.assertRefused(
                        role,
                        "aftersales.ticket",
                        "write",
                        [self.ticket.id],
                        {name: value},
                    )
        self.assertEqual(self.snapshot(self.ticket, names), before)
        self.assertEqual(self.events_of(self.ticket), events)

    def test_rpc_context_keys_no_longer_open_the_door(self):
        for key in ("aftersales_stage_action", "aftersales_contract_match"):
            with self.subTest(key=key):
                self.assertRefused(
                    "manager",
                    "aftersales.ticket",
                    "write",
                    [self.ticket.id],
                    {"state": "closed"},
                    context={key: True},
                )
        # A stage move with the old bypass key still runs the action it stands for.
        self.rpc(
            "technician",
            "aftersales.ticket",
            "write",
            [self.ticket.id],
            {"stage_id": self.closed_stage.id},
            context={"aftersales_stage_action": True},
        )
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.state, "closed")
        self.assertTrue(self.ticket.closed_at)
        self.assertIn("ticket.closed", self.ticket.event_ids.mapped("event_type"))
        self.assertEqual(
            set(self.ticket.sla_ids.mapped("state")) - {"cancelled", "met"}, set()
        )

    def test_creating_a_ticket_already_closed_or_with_milestones_is_refused(self):
        base = {"name": "伪造", "partner_id": self.customer_a.id}
        now = fields.Datetime.to_string(fields.Datetime.now())
        cases = {
            "state closed": {"state": "closed"},
            "responded": {"responded_at": now},
            "resolved": {"resolved_at": now, "state": "resolved"},
            "closed_at": {"closed_at": now},
            "number": {"number": "FORGED-2"},
            "contract_match": {"contract_match": "matched"},
        }
        count = self.env["aftersales.ticket"].search_count([])
        for role in ("technician", "manager", "admin"):
            for label, vals in cases.items():
                with self.subTest(role=role, case=label):
                    self.assertRefused(
                        role, "aftersales.ticket", "create", dict(base, **vals)
                    )
            with self.subTest(role=role, case="closed stage"):
                self.assertRefused(
                    role,
                    "aftersales.ticket",
                    "create",
                    dict(base, stage_id=self.closed_stage.id),
                    fragment="starts in a working stage",
                )
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)

    def test_only_managers_correct_the_customer_and_keep_the_penalties(self):
        for name, value in (
            ("partner_id", self.customer_b.id),
            ("contract_id", self.contract_b.id),
        ):
            with self.subTest(field=name):
                self.assertRefused(
                    "technician",
                    "aftersales.ticket",
                    "write",
                    [self.ticket.id],
                    {name: value},
                    fragment="Only After-Sales managers correct the customer",
                )
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.partner_id, self.customer_a)
        # Customer A's portal user sees nothing of customer B's ticket.
        self.assertRefused(
            "portal",
            "aftersales.ticket",
            "read",
            [self.other_ticket.id],
            ["name"],
            fragment="access",
        )
        # A manager's correction re-targets through the ledger; penalties stay A's.
        self.rpc(
            "manager",
            "aftersales.ticket",
            "write",
            [self.ticket.id],
            {"partner_id": self.customer_b.id},
        )
        self.assertIn("ticket.retargeted", self.ticket.event_ids.mapped("event_type"))
        self.assertEqual((self.assessed | self.confirmed).partner_id, self.customer_a)

    def test_tickets_in_the_ledger_cannot_be_deleted(self):
        self.assertRefused(
            "manager",
            "aftersales.ticket",
            "unlink",
            [self.ticket.id],
            fragment="cannot be deleted: close it instead",
        )
        self.assertTrue(self.ticket.exists())

    # ------------------------------------------------------------------
    # Contracts (issue point 3)
    # ------------------------------------------------------------------

    def test_guarded_contract_fields_are_refused(self):
        cases = {
            "state": "terminated",
            "termination_date": fields.Date.to_string(date.today()),
            "penalty_total": 0.0,
            "name": "FORGED-C",
        }
        before = self.snapshot(self.contract_a, list(cases))
        events = self.events_of(self.contract_a)
        for role in ("manager", "admin"):
            for name, value in cases.items():
                with self.subTest(role=role, field=name):
                    self.assertRefused(
                        role,
                        "aftersales.contract",
                        "write",
                        [self.contract_a.id],
                        {name: value},
                    )
        self.assertEqual(self.snapshot(self.contract_a, list(cases)), before)
        self.assertEqual(self.events_of(self.contract_a), events)
        # Not a draft at creation either.
        self.assertRefused(
            "manager",
            "aftersales.contract",
            "create",
            {
                "partner_id": self.customer_a.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "state": "active",
            },
        )
        # Drafts stay editable and deletable.
        self.rpc(
            "manager",
            "aftersales.contract",
            "write",
            [self.draft_contract.id],
            {"title": "草稿"},
        )
        self.assertEqual(self.draft_contract.title, "草稿")

    # ------------------------------------------------------------------
    # Penalties (issue point 1)
    # ------------------------------------------------------------------

    def test_guarded_penalty_fields_are_refused(self):
        cases = {
            "state": "confirmed",
            "amount": 1.0,
            "currency_id": self.env.ref("base.USD").id,
            "partner_id": self.customer_b.id,
            "direction": "receivable",
            "move_line_id": False,
            "contract_id": self.contract_b.id,
            "waiver_reason": "goodwill",
            "note": "rewritten",
        }
        before = self.snapshot(self.assessed, list(cases))
        events = self.events_of(self.assessed)
        for role in ("billing", "manager", "admin"):
            for name, value in cases.items():
                with self.subTest(role=role, field=name):
                    self.assertRefused(
                        role,
                        "aftersales.penalty",
                        "write",
                        [self.assessed.id],
                        {name: value},
                        context={"aftersales_penalty_init": True},
                    )
        self.assertEqual(self.snapshot(self.assessed, list(cases)), before)
        self.assertEqual(self.events_of(self.assessed), events)
        for role in ("billing", "manager", "admin"):
            with self.subTest(role=role, case="create"):
                self.assertRefused(
                    role,
                    "aftersales.penalty",
                    "create",
                    {
                        "contract_id": self.contract_a.id,
                        "currency_id": self.contract_a.currency_id.id,
                        "partner_id": self.customer_a.id,
                        "direction": "payable",
                        "amount": 5,
                    },
                    context={"aftersales_penalty_init": True},
                    fragment="cannot be created directly",
                )
            with self.subTest(role=role, case="unlink"):
                self.assertRefused(
                    role,
                    "aftersales.penalty",
                    "unlink",
                    [self.assessed.id],
                    fragment="",
                )
        self.assertTrue(self.assessed.exists())

    def test_billing_cannot_settle_an_assessed_penalty_by_hand(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)], limit=1
        )
        if not journal:
            self.skipTest("no sales journal in this company")
        for penalty in (self.assessed, self.confirmed):
            with self.subTest(penalty=penalty.state):
                self.assertRefused(
                    "billing",
                    "account.move",
                    "create",
                    {
                        "move_type": "out_refund",
                        "partner_id": self.customer_a.id,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "forged",
                                    "quantity": 1,
                                    "price_unit": 1,
                                    "aftersales_penalty_id": penalty.id,
                                },
                            )
                        ],
                    },
                    fragment="Settle penalties from the penalties list",
                )
        self.assertEqual(self.assessed.state, "assessed")
        self.assertFalse(self.confirmed.move_line_id)

    # ------------------------------------------------------------------
    # Access (issue point 6)
    # ------------------------------------------------------------------

    def test_technicians_see_their_tickets_and_nothing_else(self):
        found = self.rpc("technician", "aftersales.ticket", "search", [])
        self.assertEqual(found, self.ticket.ids)
        contracts = self.rpc("technician", "aftersales.contract", "search", [])
        self.assertEqual(contracts, self.contract_a.ids)
        denied = {
            "ledger events": ("aftersales.event", "search_read", []),
            "chains": ("aftersales.event.chain", "search_read", []),
            "penalties": ("aftersales.penalty", "search_read", []),
            "other contract": (
                "aftersales.contract",
                "read",
                [self.contract_b.id],
                ["name"],
            ),
            "other ticket": ("aftersales.ticket", "read", [self.other_ticket.id]),
            "verify": ("aftersales.event", "verify_ledger"),
            "penalty total": (
                "aftersales.contract",
                "read",
                [self.contract_a.id],
                ["penalty_total"],
            ),
        }
        for label, (model, method, *args) in denied.items():
            with self.subTest(label):
                self.assertRefused("technician", model, method, *args, fragment="")
        # The ticket's own timeline stays readable.
        timeline = self.rpc(
            "technician",
            "aftersales.ticket",
            "web_read",
            [self.ticket.id],
            specification={"timeline_ids": {"fields": {"event_type": {}}}},
        )
        self.assertEqual(
            [line["event_type"] for line in timeline[0]["timeline_ids"]],
            ["ticket.reported"],
        )

    def test_verification_and_integrity_report_for_managers_and_auditors(self):
        chain = self.env["aftersales.event.chain"].search(
            [("company_id", "=", self.env.company.id)]
        )
        before = self.snapshot(chain, ["last_verified_at", "last_verification_state"])
        for role in ("manager", "auditor"):
            with self.subTest(role=role):
                result = self.rpc(role, "aftersales.event", "verify_ledger")
                self.assertIn("ok", result)
        for role in ("technician", "billing", "employee"):
            with self.subTest(role=role):
                self.assertRefused(
                    role, "aftersales.event", "verify_ledger", fragment=""
                )
        # Printing the integrity report verifies, and writes nothing.
        report = self.env.ref("aftersales_sla.action_report_ledger_integrity")
        html = report.with_user(self.auditor)._render_qweb_html(
            report.report_name, chain.ids
        )[0]
        self.assertIn(b"Events verified", html)
        self.assertEqual(
            self.snapshot(chain, ["last_verified_at", "last_verification_state"]),
            before,
        )
        with self.assertRaises(Exception):  # noqa: B017 - AccessError or UserError
            report.with_user(self.technician)._render_qweb_html(
                report.report_name, chain.ids
            )

    def test_other_roles_change_nothing(self):
        cases = [
            ("employee", "aftersales.ticket", "search_read", []),
            ("employee", "aftersales.contract", "search_read", []),
            (
                "portal",
                "aftersales.ticket",
                "write",
                [self.other_ticket.id],
                {"name": "x"},
            ),
            ("auditor", "aftersales.ticket", "write", [self.ticket.id], {"name": "x"}),
            (
                "auditor",
                "aftersales.contract",
                "write",
                [self.contract_a.id],
                {"title": "x"},
            ),
            ("billing", "aftersales.ticket", "write", [self.ticket.id], {"name": "x"}),
            (
                "billing",
                "aftersales.contract",
                "action_terminate",
                [self.contract_a.id],
            ),
        ]
        for role, model, method, *args in cases:
            with self.subTest(role=role, model=model, method=method):
                self.assertRefused(role, model, method, *args, fragment="")
        self.assertEqual(self.ticket.name, "门锁无法开启")
        self.assertEqual(self.contract_a.state, "active")

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------

    def call_kw(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def test_json_rpc_refuses_the_same(self):
        attempts = {
            "door_billing": {
                "penalty confirmed": (
                    "aftersales.penalty",
                    [[self.assessed.id], {"state": "confirmed"}],
                    {"context": {"aftersales_penalty_init": True}},
                ),
                "penalty invoiced": (
                    "aftersales.penalty",
                    [[self.confirmed.id], {"state": "invoiced"}],
                    {},
                ),
            },
            "door_manager": {
                "contract terminated": (
                    "aftersales.contract",
                    [[self.contract_a.id], {"state": "terminated"}],
                    {},
                ),
                "ticket closed": (
                    "aftersales.ticket",
                    [[self.ticket.id], {"state": "closed"}],
                    {"context": {"aftersales_stage_action": True}},
                ),
            },
        }
        for login, cases in attempts.items():
            self.authenticate(login, login)
            with mute_logger("odoo.http"):
                for label, (model, args, kwargs) in cases.items():
                    with self.subTest(label):
                        response = self.call_kw(model, "write", args, kwargs)
                        self.assertIn(REFUSED, response["error"]["data"]["message"])
        self.assertEqual(self.assessed.state, "assessed")
        self.assertEqual(self.confirmed.state, "confirmed")
        self.assertEqual(self.contract_a.state, "active")
        self.assertEqual(self.ticket.state, "open")


@tagged("post_install", "-at_install")
class TestOneDoorLedger(PenaltyCase):
    """The projection subscribes to the ledger; penalties stay with the contract's
    customer."""

    def test_appending_a_clock_event_reprojects_the_ticket(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        self.assertEqual(self.line(ticket, "response").state, "running")
        with freeze_time(shanghai(2026, 11, 21, 9, 0)):
            self.env["aftersales.event"]._append_events(
                [{"event_type": "ticket.responded", "subject": ticket}]
            )
        # Nobody called the projection: the ledger did.
        self.assertEqual(self.line(ticket, "response").state, "met")

    def test_a_corrected_customer_never_receives_the_old_customers_penalties(self):
        contract = self.make_contract(
            [{"name": "Late response", "rule_type": "fixed", "amount": 500}]
        )
        other = self.env["res.partner"].create(
            {"name": "另一客户 Other customer", "is_company": True}
        )
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(contract_id=contract.id)
            ticket.with_user(self.manager).write({"partner_id": other.id})
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        penalties = self.Penalty.search([("ticket_id", "=", ticket.id)])
        self.assertTrue(penalties)
        self.assertEqual(penalties.partner_id, self.customer)
