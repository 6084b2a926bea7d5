"""Every term of a contract in force changes through an amendment: the wizard
offers it, the amendment and the ledger keep its before and after, tickets reported
before the effective date keep the old terms, and nothing else can change it."""

import hashlib
import json
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import shanghai
from .test_penalty import PenaltyCase

#: Before, at and after the amendments of these tests (naive UTC).
EFFECTIVE = datetime(2026, 11, 20, 12, 0)
BEFORE = shanghai(2026, 11, 20, 19, 0)  # 11:00 UTC
AFTER = shanghai(2026, 11, 20, 21, 0)  # 13:00 UTC


@tagged("post_install", "-at_install")
class TestContractAmend(PenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lock = cls.env["product.product"].create({"name": "Smart Lock X1"})
        cls.heater = cls.env["product.product"].create({"name": "Heater H2"})
        cls.visit = cls.env["product.product"].create(
            {"name": "On-site visit", "type": "service"}
        )
        cls.china = cls.env.ref("base.cn")
        cls.france = cls.env.ref("base.fr")
        cls.customer.country_id = cls.china
        cls.customer_fr = cls.env["res.partner"].create(
            {
                "name": "Lyon site",
                "parent_id": cls.customer.id,
                "type": "other",
                "country_id": cls.france.id,
            }
        )
        cls.repair = cls.env.ref("aftersales_sla.service_type_repair")
        cls.training = cls.env.ref("aftersales_sla.service_type_training")

    def make_amendable(self, **values):
        return self.make_contract(
            [
                {
                    "name": "响应超时",
                    "rule_type": "fixed",
                    "amount": 500,
                    "metric": "response",
                },
            ],
            **dict(
                {
                    "product_line_ids": [
                        (0, 0, {"product_id": self.lock.id, "serial_number": "SN-1"})
                    ],
                    "country_ids": [(6, 0, self.china.ids)],
                    "service_type_ids": [(6, 0, self.repair.ids)],
                    "fee_line_ids": [
                        (0, 0, {"product_id": self.visit.id, "price_unit": 200})
                    ],
                    "annex_ids": [
                        (0, 0, {"title": "Service description", "body": "<p>v1</p>"})
                    ],
                    "penalty_cap_amount": 0,
                    "penalty_cap_percent": 10,
                },
                **values,
            ),
        )

    def wizard_form(self, contract):
        """The amendment wizard as a manager opens it from the contract."""
        action = contract.with_user(self.manager).action_open_amend_wizard()
        return Form(
            self.env["aftersales.contract.amend"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )

    def apply(self, form):
        wizard = form.save()
        with freeze_time(EFFECTIVE):
            wizard.action_apply()

    def amended_event(self, contract):
        event = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", "contract.amended"),
            ]
        )
        self.assertEqual(len(event), 1)
        return json.loads(event.payload)["changes"]

    def test_wizard_offers_every_term_prefilled(self):
        contract = self.make_amendable()
        form = self.wizard_form(contract)
        self.assertEqual(form.penalty_cap_percent, 10)
        self.assertEqual(form.penalty_period, "month")
        self.assertEqual(form.country_ids[:], self.china)
        self.assertEqual(form.service_type_ids[:], self.repair)
        self.assertEqual(len(form.product_line_ids), 1)
        with form.product_line_ids.edit(0) as line:
            self.assertEqual(line.product_id, self.lock)
            self.assertEqual(line.serial_number, "SN-1")
        with form.fee_line_ids.edit(0) as fee:
            self.assertEqual(fee.price_unit, 200)
        with form.penalty_rule_ids.edit(0) as rule:
            self.assertEqual(rule.amount, 500)
        self.assertEqual(len(form.annex_ids), 1)
        # Opened and applied unchanged: refused, nothing recorded.
        form.effective_date = EFFECTIVE
        form.reason = "Nothing really"
        with self.assertRaises(UserError):
            self.apply(form)
        self.assertFalse(contract.amendment_ids)

    def test_scope_products_region_services(self):
        contract = self.make_amendable()
        form = self.wizard_form(contract)
        form.effective_date = EFFECTIVE
        form.reason = "Heaters and the Lyon site join the contract"
        with form.product_line_ids.new() as line:
            line.product_id = self.heater
            line.serial_number = "HT-9"
        form.country_ids.add(self.france)
        form.service_type_ids.add(self.training)
        self.apply(form)
        self.assertEqual(
            sorted(contract.product_line_ids.mapped("serial_number")), ["HT-9", "SN-1"]
        )
        self.assertEqual(contract.country_ids, self.china | self.france)
        old_lines = [
            {"note": None, "product_id": self.lock.id, "serial_number": "SN-1"}
        ]
        new_lines = sorted(
            old_lines
            + [{"note": None, "product_id": self.heater.id, "serial_number": "HT-9"}],
            key=lambda line: json.dumps(line, sort_keys=True),
        )
        changes = json.loads(contract.amendment_ids.changes_json)
        self.assertEqual(changes["product_line_ids"], [old_lines, new_lines])
        self.assertEqual(
            changes["country_ids"],
            [self.china.ids, sorted((self.china | self.france).ids)],
        )
        self.assertEqual(
            changes["service_type_ids"],
            [self.repair.ids, sorted((self.repair | self.training).ids)],
        )
        event_changes = self.amended_event(contract)
        for name in ("product_line_ids", "country_ids", "service_type_ids"):
            self.assertEqual(event_changes[name], changes[name])
        self.assertIn("HT-9", contract.amendment_ids.changes_summary)
        # Terms in force before and after the effective date.
        before = contract._get_terms_at(BEFORE)
        self.assertEqual(before["product_lines"], [(self.lock, "SN-1")])
        self.assertEqual(before["countries"], self.china)
        self.assertEqual(before["service_types"], self.repair)
        after = contract._get_terms_at(AFTER)
        self.assertEqual(len(after["product_lines"]), 2)
        self.assertEqual(after["countries"], self.china | self.france)
        self.assertEqual(before["sla_policy"], self.policy)
        # Tickets: the heater, in Lyon, for training, is covered only when
        # reported after the amendment.
        with freeze_time("2026-11-20 13:05:00"):
            for partner, product, serial, service in (
                (self.customer, self.heater, "HT-9", self.repair),
                (self.customer_fr, self.lock, "SN-1", self.repair),
                (self.customer, self.lock, "SN-1", self.training),
            ):
                values = {
                    "partner_id": partner.id,
                    "product_id": product.id,
                    "serial_number": serial,
                    "service_type_id": service.id,
                }
                old = self.report(
                    reported=BEFORE, late_entry_reason="Phoned in", **values
                )
                new = self.report(reported=AFTER, **values)
                self.assertFalse(old.contract_id, (product.name, partner.name))
                self.assertEqual(new.contract_id, contract)

    def test_penalty_clauses_apply_by_reported_time(self):
        contract = self.make_amendable()
        old_rule = contract.penalty_rule_ids
        form = self.wizard_form(contract)
        form.effective_date = EFFECTIVE
        form.reason = "Response penalty raised to 800"
        with form.penalty_rule_ids.edit(0) as rule:
            rule.amount = 800
        with form.penalty_rule_ids.new() as rule:
            rule.name = "Resolution late"
            rule.rule_type = "fixed"
            rule.amount = 50
            rule.metric = "resolution"
        self.apply(form)
        new_rules = contract.penalty_rule_ids
        self.assertEqual(sorted(new_rules.mapped("amount")), [50, 800])
        self.assertEqual(set(new_rules.mapped("date_from")), {EFFECTIVE})
        self.assertFalse(old_rule.active)
        self.assertEqual(old_rule.date_to, EFFECTIVE)
        self.assertEqual(old_rule.amount, 500, "a clause is never edited in place")
        self.assertEqual(contract._penalty_rules_at(BEFORE), old_rule)
        self.assertEqual(contract._penalty_rules_at(AFTER), new_rules)
        changes = json.loads(contract.amendment_ids.changes_json)
        old, new = changes["penalty_rule_ids"]
        self.assertEqual([(r["rule_type"], r["amount"]) for r in old], [("fixed", 500)])
        self.assertEqual(
            sorted((r["rule_type"], r["amount"], r["metric"]) for r in new),
            [("fixed", 50.0, "resolution"), ("fixed", 800.0, "response")],
        )
        self.assertEqual(self.amended_event(contract)["penalty_rule_ids"], [old, new])
        # A breach of a ticket reported before: the old clause; after: the new one.
        with freeze_time("2026-11-20 13:05:00"):
            before = self.report(reported=BEFORE, late_entry_reason="Phoned in")
            after = self.report(reported=AFTER)
        self.assertEqual(before.contract_id, contract)
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        penalties = self.Penalty.search([("ticket_id", "=", before.id)])
        self.assertEqual(penalties.rule_id, old_rule)
        self.assertEqual(penalties.mapped("amount"), [500])
        penalties = self.Penalty.search(
            [("ticket_id", "=", after.id), ("sla_line_id.metric", "=", "response")]
        )
        self.assertEqual(penalties.mapped("amount"), [800])
        self.assertIn(penalties.rule_id, new_rules)

    def test_caps_fees_annexes(self):
        contract = self.make_amendable()
        old_fee = contract.fee_line_ids
        form = self.wizard_form(contract)
        form.effective_date = EFFECTIVE
        form.reason = "New price list and caps"
        form.penalty_cap_amount = 3000
        form.penalty_period = "quarter"
        form.penalty_period_cap_percent = 1
        with form.fee_line_ids.edit(0) as fee:
            fee.price_unit = 250
        with form.fee_line_ids.new() as fee:
            fee.name = "Labour hour"
            fee.price_unit = 120
        with form.annex_ids.edit(0) as annex:
            annex.body = "<p>v2</p>"
        self.apply(form)
        self.assertEqual(contract.penalty_cap_amount, 3000)
        self.assertEqual(contract.penalty_period, "quarter")
        self.assertEqual(contract.penalty_period_cap_percent, 1)
        self.assertEqual(sorted(contract.fee_line_ids.mapped("price_unit")), [120, 250])
        self.assertIn(old_fee, contract.fee_line_ids, "amended in place")
        self.assertIn("v2", contract.annex_ids.body)
        changes = json.loads(contract.amendment_ids.changes_json)
        self.assertEqual(changes["penalty_cap_amount"], [0.0, 3000.0])
        self.assertEqual(changes["penalty_period"], ["month", "quarter"])
        self.assertEqual(changes["penalty_period_cap_percent"], [0.0, 1.0])
        self.assertNotIn("penalty_cap_percent", changes)
        old_fees, new_fees = changes["fee_line_ids"]
        self.assertEqual([fee["price_unit"] for fee in old_fees], [200.0])
        self.assertEqual(sorted(fee["price_unit"] for fee in new_fees), [120.0, 250.0])
        old_annexes, new_annexes = changes["annex_ids"]
        self.assertIn("v1", old_annexes[0]["body"])
        self.assertIn("v2", new_annexes[0]["body"])
        event_changes = self.amended_event(contract)
        self.assertEqual(event_changes["penalty_cap_amount"], [0.0, 3000.0])
        self.assertEqual(event_changes["fee_line_ids"], changes["fee_line_ids"])
        self.assertEqual(
            event_changes["annex_ids"][1][0]["body_sha256"],
            hashlib.sha256(new_annexes[0]["body"].encode()).hexdigest(),
        )
        self.assertNotIn("body", event_changes["annex_ids"][0][0])
        # Caps in force at the assessment apply: 1 % of 100,000 per quarter.
        self.assertEqual(self.Penalty._caps(contract), (3000.0, 1000.0))

    def test_direct_changes_refused_for_a_manager(self):
        contract = self.make_amendable()
        as_manager = contract.with_user(self.manager)
        for values in (
            {"penalty_cap_amount": 1},
            {"penalty_cap_percent": 5},
            {"penalty_period": "year"},
            {"penalty_period_cap_amount": 1},
            {"penalty_period_cap_percent": 1},
            {"country_ids": [(4, self.france.id)]},
            {"country_state_ids": [(5,)]},
            {"service_type_ids": [(5,)]},
            {"date_end": "2027-01-31"},
            {"partner_id": self.customer_fr.id},
            {"date_start": "2026-02-01"},
            {"product_line_ids": [(0, 0, {"product_id": self.heater.id})]},
            {"fee_line_ids": [(5,)]},
            {"annex_ids": [(1, contract.annex_ids.id, {"title": "Other"})]},
            {"penalty_rule_ids": [(1, contract.penalty_rule_ids.id, {"amount": 1})]},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                as_manager.write(values)
        for lines in (
            as_manager.penalty_rule_ids,
            as_manager.fee_line_ids,
            as_manager.product_line_ids,
            as_manager.annex_ids,
        ):
            with self.assertRaises(UserError):
                lines.unlink()
        with self.assertRaises(UserError):
            as_manager.penalty_rule_ids.write({"active": False})
        self.assertEqual(contract.penalty_cap_percent, 10)
        self.assertEqual(contract.penalty_rule_ids.amount, 500)

    def test_errors_write_nothing(self):
        contract = self.make_amendable()
        rule = contract.penalty_rule_ids

        def attempt(**values):
            form = self.wizard_form(contract)
            form.reason = values.pop("reason", "Try")
            form.effective_date = values.pop("effective_date", EFFECTIVE)
            form.penalty_cap_amount = 4000
            with form.product_line_ids.new() as line:
                line.product_id = self.heater
            for name, value in values.items():
                setattr(form, name, value)
            return form

        # A clause without its amount, beside valid changes: nothing written.
        form = attempt()
        with form.penalty_rule_ids.edit(0) as line:
            line.amount = 0
        with self.assertRaises(ValidationError):
            self.apply(form)
        # A percentage cap over 100 %.
        with self.assertRaises(ValidationError):
            self.apply(attempt(penalty_period_cap_percent=150))
        # Before the contract starts.
        with self.assertRaises(UserError):
            self.apply(attempt(effective_date=datetime(2025, 12, 1)))
        # Twice the same serial number.
        form = attempt()
        for _index in range(2):
            with form.product_line_ids.new() as line:
                line.product_id = self.lock
                line.serial_number = "sn-2"
        with self.assertRaises(ValidationError):
            self.apply(form)
        self.assertFalse(contract.amendment_ids)
        self.assertEqual(contract.penalty_cap_amount, 0)
        self.assertEqual(len(contract.product_line_ids), 1)
        self.assertEqual(contract.penalty_rule_ids, rule)
        self.assertTrue(rule.active)
        self.assertFalse(rule.date_to)
        self.assertFalse(
            self.env["aftersales.event"].search_count(
                [("res_id", "=", contract.id), ("event_type", "=", "contract.amended")]
            )
        )
        # A valid one, then one dated before it.
        self.apply(attempt())
        with self.assertRaises(UserError):
            self.apply(
                attempt(
                    effective_date=datetime(2026, 11, 1),
                    penalty_period="year",
                )
            )
        self.assertEqual(len(contract.amendment_ids), 1)
        self.assertEqual(contract.penalty_period, "month")

    def test_form_shows_terms_read_only_in_force(self):
        Contract = self.env["aftersales.contract"].with_user(self.manager)
        arch = etree.fromstring(
            Contract.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        terms = set(Contract._amendable_fields()) | {
            "contract_type",
            "partner_id",
            "company_id",
            "currency_id",
            "date_start",
            "parent_id",
        }
        for name in sorted(terms):
            nodes = arch.xpath(f"//field[@name='{name}'][not(ancestor::field)]")
            if not nodes:
                continue  # e.g. a group the manager is not in
            for node in nodes:
                self.assertIn(
                    "state != 'draft'", node.get("readonly", ""), f"{name} editable"
                )
        self.assertTrue(arch.xpath("//button[@name='action_open_amend_wizard']"))
