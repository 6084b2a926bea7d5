"""The technician's first hour (issue #12): the customer signs on his device, the
acceptance comes from the customer only, and he sees no money.

Tried over JSON-RPC as the web client calls it, as the technician (and the manager
where the rule is theirs too)."""

import json
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw
from .test_reports import signature_png
from .test_tours import make_policy

MONEY = "aftersales_sla.group_aftersales_auditor,account.group_account_invoice"


@tagged("post_install", "-at_install")
class TestTechnician(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.technician = new_test_user(
            env, "tech_wang", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "tech_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.billing = new_test_user(
            env, "tech_billing", groups="account.group_account_invoice"
        )
        cls.customer = env["res.partner"].create(
            {"name": "深圳安居物业", "is_company": True}
        )
        cls.contact = env["res.partner"].create(
            {"name": "李女士", "parent_id": cls.customer.id}
        )
        cls.contract = env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "Lock care",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 12, 31),
                "calendar_id": env.ref("resource.resource_calendar_std").id,
                "sla_policy_id": make_policy(env, "Lock SLA").id,
                "amount_value": 120000,
                "penalty_cap_amount": 9000,
                "fee_line_ids": [(0, 0, {"name": "Visit", "price_unit": 180})],
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {"name": "Late", "rule_type": "fixed", "amount": 300},
                    )
                ],
            }
        )
        cls.contract.action_activate()

    def ticket(self, resolved=True, **values):
        ticket = self.env["aftersales.ticket"].create(
            dict(
                {
                    "name": "门锁无法开启",
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "contract_id": self.contract.id,
                    "user_id": self.technician.id,
                },
                **values,
            )
        )
        if resolved:
            ticket.action_resolve()
        return ticket

    def sign(self, ticket, name, signature, login="tech_wang"):
        """The Sign button's wizard, over JSON-RPC: create it, press Sign."""
        self.authenticate(login, login)
        context = {"active_model": "aftersales.ticket", "active_id": ticket.id}
        created = call_kw(
            self,
            "aftersales.ticket.sign",
            "create",
            [{"ticket_id": ticket.id, "signed_by": name, "signature": signature}],
            {"context": context},
        )
        self.assertIn("result", created, created)
        return call_kw(
            self,
            "aftersales.ticket.sign",
            "action_sign",
            [created["result"]],
            {"context": context},
        )

    # ------------------------------------------------------------------
    # The Sign button
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_customer_signs_on_the_technicians_device(self):
        ticket = self.ticket()
        result = self.sign(ticket, "李女士", signature_png().decode())
        self.assertNotIn("error", result, result)
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.acceptance, "customer")
        self.assertEqual(ticket.signed_by, "李女士")
        self.assertTrue(ticket.signature)
        self.assertTrue(ticket.signed_on)
        accepted = ticket.event_ids.filtered(
            lambda event: event.event_type == "ticket.accepted"
        )
        payload = json.loads(accepted.payload)
        # The customer signed, in the back-end, on the technician's device.
        self.assertEqual(payload["acceptance"], "customer")
        self.assertEqual(payload["signed_by"], "李女士")
        self.assertEqual(payload["signed_in"], "backend")
        self.assertEqual(payload["signer"], self.customer.id)
        self.assertEqual(payload["collected_by"], self.technician.id)
        self.assertEqual(payload["collected_by_name"], self.technician.name)
        self.assertEqual(accepted.author_id, self.technician)
        self.assertEqual(
            ticket.event_ids.mapped("event_type")[-2:],
            ["ticket.accepted", "ticket.closed"],
        )
        # The signed service report is attached to the ticket, as on the portal.
        posted = ticket.message_ids.filtered(
            lambda message: message.attachment_ids and "李女士" in (message.body or "")
        )
        self.assertEqual(len(posted), 1)
        self.assertEqual(posted.attachment_ids.name, f"{ticket.number}.pdf")
        self.assertEqual(posted.attachment_ids.mimetype, "application/pdf")
        self.assertIn(self.technician.name, posted.body)
        # Signing twice is refused, with a clear message, and changes nothing.
        again = self.sign(ticket, "王先生", signature_png().decode())
        self.assertIn("already signed by 李女士", again["error"]["data"]["message"])
        self.assertEqual(ticket.signed_by, "李女士")

    @mute_logger("odoo.http")
    def test_bad_signatures_are_refused_and_nothing_is_written(self):
        ticket = self.ticket()
        events = len(ticket.event_ids)
        for name, signature, message in (
            ("", signature_png().decode(), "Say who signs the service report."),
            ("   ", signature_png().decode(), "Say who signs the service report."),
            ("李女士", False, "The signature is missing."),
            ("李女士", "", "The signature is missing."),
        ):
            with self.subTest(name=name, signature=bool(signature)):
                result = self.sign(ticket, name, signature)
                self.assertEqual(result["error"]["data"]["message"], message)
                ticket.invalidate_recordset()
                self.assertEqual(ticket.state, "resolved")
                self.assertFalse(ticket.signature)
                self.assertFalse(ticket.signed_by)
                self.assertEqual(len(ticket.event_ids), events)

    @mute_logger("odoo.http")
    def test_an_open_ticket_cannot_be_signed(self):
        ticket = self.ticket(resolved=False)
        result = self.sign(ticket, "李女士", signature_png().decode())
        self.assertIn(
            "Only a resolved ticket can be signed", result["error"]["data"]["message"]
        )
        self.assertEqual(ticket.state, "open")
        self.assertFalse(ticket.signature)

    @mute_logger("odoo.http")
    def test_another_technicians_ticket_cannot_be_signed(self):
        other = new_test_user(
            self.env, "tech_zhao", groups="aftersales_sla.group_aftersales_user"
        )
        ticket = self.ticket(user_id=other.id)
        result = self.sign(ticket, "李女士", signature_png().decode())
        self.assertIn("error", result)
        self.assertEqual(ticket.state, "resolved")
        self.assertFalse(ticket.signature)

    def test_the_form_offers_sign_and_no_accept(self):
        self.authenticate("tech_wang", "tech_wang")
        views = call_kw(
            self,
            "aftersales.ticket",
            "get_views",
            [[[False, "form"]]],
        )["result"]
        arch = views["views"]["form"]["arch"]
        self.assertIn("o_aftersales_sign_button", arch)
        self.assertNotIn("action_accept", arch)

    # ------------------------------------------------------------------
    # Acceptance comes from the customer or the auto-accept rule
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_back_end_users_cannot_accept_on_the_customers_behalf(self):
        ticket = self.ticket()
        for login in ("tech_wang", "tech_manager"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                result = call_kw(
                    self, "aftersales.ticket", "action_accept", [ticket.ids]
                )
                self.assertEqual(
                    result["error"]["data"]["name"], "odoo.exceptions.AccessError"
                )
                self.assertIn(
                    "Acceptance comes from the customer",
                    result["error"]["data"]["message"],
                )
                ticket.invalidate_recordset()
                self.assertEqual(ticket.state, "resolved")
                self.assertFalse(ticket.acceptance)
        # The private method behind it is not reachable over RPC either.
        result = call_kw(
            self,
            "aftersales.ticket",
            "_accept",
            [ticket.ids],
            {"acceptance": "customer"},
        )
        self.assertIn("error", result)
        self.assertEqual(ticket.state, "resolved")

    def test_an_unknown_kind_of_acceptance_is_refused(self):
        ticket = self.ticket()
        with self.assertRaisesRegex(ValidationError, "Unknown kind of acceptance"):
            ticket.action_accept(acceptance="bogus")
        self.assertEqual(ticket.state, "resolved")

    def test_the_auto_accept_rule_still_accepts(self):
        ticket = self.ticket(
            resolved=False,
            reported_at=fields.Datetime.now() - timedelta(days=10),
            late_entry_reason="Reported by phone",
        )
        ticket.action_resolve(
            when=fields.Datetime.now() - timedelta(days=8), reason="Entered later"
        )
        self.env.ref(
            "aftersales_sla.ir_cron_aftersales_auto_accept"
        ).method_direct_trigger()
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.acceptance, "automatic")

    # ------------------------------------------------------------------
    # No money for technicians
    # ------------------------------------------------------------------

    def rpc_read(self, model, ids, fields):
        return call_kw(self, model, "read", [ids, fields])

    @mute_logger("odoo.http")
    def test_technician_reads_no_money(self):
        # He sees the contracts of his tickets.
        self.ticket(resolved=False)
        self.authenticate("tech_wang", "tech_wang")
        contract = self.contract
        for model, ids, field in (
            ("aftersales.contract", contract.ids, "amount_value"),
            ("aftersales.contract", contract.ids, "penalty_cap_amount"),
            ("aftersales.contract", contract.ids, "penalty_cap_percent"),
            ("aftersales.contract", contract.ids, "penalty_period_cap_amount"),
            ("aftersales.contract", contract.ids, "penalty_total"),
            ("aftersales.contract.fee", contract.fee_line_ids.ids, "price_unit"),
            ("aftersales.penalty.rule", contract.penalty_rule_ids.ids, "amount"),
            (
                "aftersales.penalty.rule",
                contract.penalty_rule_ids.ids,
                "max_per_ticket",
            ),
        ):
            with self.subTest(model=model, field=field):
                result = self.rpc_read(model, ids, [field])
                self.assertIn("error", result, (model, field, result))
                self.assertEqual(
                    result["error"]["data"]["name"], "odoo.exceptions.AccessError"
                )
        # The fields he may read leave the money out; the rest reads.
        for model in ("aftersales.contract", "aftersales.contract.fee"):
            described = call_kw(self, model, "fields_get", [], {"attributes": ["type"]})
            for field in ("amount_value", "penalty_cap_amount", "price_unit"):
                self.assertNotIn(field, described["result"], model)
        record = self.rpc_read(
            "aftersales.contract",
            contract.ids,
            ["name", "title", "partner_id", "date_end", "auto_accept_days"],
        )["result"][0]
        self.assertEqual(record["title"], "Lock care")
        self.assertEqual(record["partner_id"][0], self.customer.id)
        fee = self.rpc_read(
            "aftersales.contract.fee", contract.fee_line_ids.ids, ["name", "uom_id"]
        )
        self.assertEqual(fee["result"][0]["name"], "Visit")
        # The contract's and the ticket's forms open without the money.
        for model in ("aftersales.contract", "aftersales.ticket"):
            views = call_kw(
                self, model, "get_views", [[[False, "form"], [False, "list"]]]
            )["result"]
            for view_type in ("form", "list"):
                arch = views["views"][view_type]["arch"]
                for field in (
                    "amount_value",
                    "price_unit",
                    "penalty_cap_amount",
                    "penalty_rule_ids",
                    "penalty_accrued",
                ):
                    self.assertNotIn(f'name="{field}"', arch, (model, view_type))
        contract_form = call_kw(
            self, "aftersales.contract", "get_views", [[[False, "form"]]]
        )["result"]["views"]["form"]["arch"]
        self.assertIn('name="title"', contract_form)
        self.assertIn('name="fee_line_ids"', contract_form)
        # The contract's printout (value, fees, clauses, caps) is not in his
        # print menu.
        bindings = call_kw(
            self, "ir.actions.actions", "get_bindings", ["aftersales.contract"]
        )["result"]
        self.assertNotIn(
            "aftersales_sla.report_aftersales_contract",
            [action.get("report_name") for action in bindings.get("report", [])],
        )

    def test_money_readers_still_read_it(self):
        for login in ("tech_manager", "tech_billing"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                record = self.rpc_read(
                    "aftersales.contract",
                    self.contract.ids,
                    ["amount_value", "penalty_cap_amount"],
                )["result"][0]
                self.assertEqual(record["amount_value"], 120000)
                self.assertEqual(record["penalty_cap_amount"], 9000)
                rule = self.rpc_read(
                    "aftersales.penalty.rule",
                    self.contract.penalty_rule_ids.ids,
                    ["amount"],
                )
                self.assertIn("result", rule, rule)
                rule = rule["result"][0]
                self.assertEqual(rule["amount"], 300)
        self.authenticate("tech_manager", "tech_manager")
        fee = self.rpc_read(
            "aftersales.contract.fee", self.contract.fee_line_ids.ids, ["price_unit"]
        )["result"][0]
        self.assertEqual(fee["price_unit"], 180)
