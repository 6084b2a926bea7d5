import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestContract(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Contract = cls.env["aftersales.contract"]
        cls.Event = cls.env["aftersales.event"]
        cls.company = cls.env["res.company"].create(
            {"name": "Lock Maker Contracts Ltd"}
        )
        cls.other_company = cls.env["res.company"].create(
            {"name": "Heater Maker Contracts Ltd"}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Service hours 8x5", "company_id": cls.company.id}
        )
        cls.calendar_7x24 = cls.env["resource.calendar"].create(
            {"name": "Service hours bis", "company_id": cls.company.id}
        )
        cls.policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Gold",
                "company_id": cls.company.id,
                "target_ids": [
                    (0, 0, {"metric": "response", "priority": "1", "target_hours": 4})
                ],
            }
        )
        cls.policy_platinum = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Platinum",
                "company_id": cls.company.id,
                "target_ids": [
                    (0, 0, {"metric": "response", "priority": "1", "target_hours": 2})
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "深圳市客户有限公司", "is_company": True}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "张三", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer Inc", "is_company": True}
        )
        cls.service_partner = cls.env["res.partner"].create(
            {"name": "Local Service Partner", "is_company": True}
        )
        cls.product = cls.env["product.product"].create({"name": "Smart Lock X1"})
        cls.other_product = cls.env["product.product"].create({"name": "Heater H2"})
        cls.repair = cls.env.ref("aftersales_sla.service_type_repair")
        cls.training = cls.env.ref("aftersales_sla.service_type_training")
        cls.china = cls.env.ref("base.cn")
        cls.france = cls.env.ref("base.fr")
        cls.guangdong = cls.env["res.country.state"].create(
            {"name": "Test Guangdong", "code": "TGD", "country_id": cls.china.id}
        )
        cls.beijing = cls.env["res.country.state"].create(
            {"name": "Test Beijing", "code": "TBJ", "country_id": cls.china.id}
        )
        cls.today = fields.Date.context_today(cls.Contract)
        cls.technician = new_test_user(
            cls.env,
            login="contract_technician",
            groups="aftersales_sla.group_aftersales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="contract_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def make_contract(self, activate=False, **values):
        vals = {
            "title": "Door locks maintenance",
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "amount_value": 1000.0,
            "date_start": self.today - timedelta(days=30),
            "date_end": self.today + timedelta(days=335),
            "calendar_id": self.calendar.id,
            "sla_policy_id": self.policy.id,
        }
        vals.update(values)
        contract = self.Contract.create(vals)
        if activate:
            contract.action_activate()
        return contract

    def events(self, contract, event_type):
        return self.Event.search(
            [
                ("res_model", "=", "aftersales.contract"),
                ("res_id", "=", contract.id),
                ("event_type", "=", event_type),
            ]
        )

    def amend(self, contract, **values):
        values.setdefault("reason", "Customer upgraded to Platinum")
        wizard = self.env["aftersales.contract.amend"].create(
            dict(values, contract_id=contract.id)
        )
        return wizard.action_apply()

    # ------------------------------------------------------------------

    def test_numbering(self):
        first = self.make_contract()
        second = self.make_contract()
        year = fields.Date.today().year
        self.assertRegex(first.name, rf"^SC/{year}/\d{{5}}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.state, "draft")
        copy = first.copy()
        self.assertNotEqual(copy.name, first.name)
        self.assertEqual(copy.state, "draft")

    def test_activate_requires_calendar_and_policy(self):
        contract = self.make_contract(calendar_id=False)
        with self.assertRaises(UserError):
            contract.action_activate()
        contract.calendar_id = self.calendar
        contract.sla_policy_id = False
        with self.assertRaises(UserError):
            contract.action_activate()
        self.assertEqual(contract.state, "draft")
        self.assertFalse(self.events(contract, "contract.activated"))
        contract.sla_policy_id = self.policy
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        event = self.events(contract, "contract.activated")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.subject_ref, contract)
        self.assertEqual(event.company_id, self.company)
        payload = json.loads(event.payload)
        self.assertEqual(payload["contract"], contract.name)
        self.assertEqual(payload["sla_policy_id"], self.policy.id)
        self.assertEqual(payload["calendar_id"], self.calendar.id)
        self.assertEqual(payload["amount_value"], 1000.0)
        self.assertEqual(payload["date_end"], fields.Date.to_string(contract.date_end))
        with self.assertRaises(UserError):
            contract.action_activate()

    def test_active_contract_changes_only_by_amendment(self):
        contract = self.make_contract(activate=True)
        with self.assertRaises(UserError):
            contract.write({"amount_value": 2000.0})
        with self.assertRaises(UserError):
            contract.write({"sla_policy_id": self.policy_platinum.id})
        with self.assertRaises(UserError):
            self.env["aftersales.contract.product"].create(
                {"contract_id": contract.id, "product_id": self.product.id}
            )
        self.assertEqual(contract.amount_value, 1000.0)
        # non-contractual fields stay writable
        contract.write({"title": "Renamed", "state_reason": "note"})
        contract.message_post(body="Still talking")
        # the amendment wizard, and nothing else, changes the terms
        self.amend(contract, amount_value=2000.0, sla_policy_id=self.policy_platinum.id)
        self.assertEqual(contract.amount_value, 2000.0)
        self.assertEqual(contract.sla_policy_id, self.policy_platinum)
        amendment = contract.amendment_ids
        self.assertEqual(len(amendment), 1)
        self.assertEqual(amendment.name, "Amendment 1")
        self.assertEqual(
            json.loads(amendment.changes_json),
            {
                "amount_value": [1000.0, 2000.0],
                "sla_policy_id": [self.policy.id, self.policy_platinum.id],
            },
        )
        event = self.events(contract, "contract.amended")
        self.assertEqual(len(event), 1)
        payload = json.loads(event.payload)
        self.assertEqual(payload["changes"]["amount_value"], [1000.0, 2000.0])
        self.assertEqual(
            payload["changes"]["sla_policy_id"],
            [self.policy.id, self.policy_platinum.id],
        )
        self.assertEqual(payload["amendment"], "Amendment 1")
        # nothing changed: refused
        with self.assertRaises(UserError):
            self.amend(contract, amount_value=2000.0)
        # amendments are never edited nor created directly
        with self.assertRaises(UserError):
            amendment.write({"reason": "other"})
        with self.assertRaises(UserError):
            self.env["aftersales.contract.amendment"].create(
                {
                    "contract_id": contract.id,
                    "effective_date": fields.Datetime.now(),
                    "reason": "forged",
                }
            )

    def test_amendment_effective_date_rules(self):
        contract = self.make_contract(activate=True)
        with self.assertRaises(UserError):
            self.amend(
                contract,
                amount_value=5.0,
                effective_date=fields.Datetime.now() - timedelta(days=60),
            )
        draft = self.make_contract()
        with self.assertRaises(UserError):
            self.amend(draft, amount_value=5.0)
        past = fields.Datetime.now().replace(microsecond=0) - timedelta(days=2)
        self.amend(contract, auto_accept_days=3, effective_date=past)
        event = self.events(contract, "contract.amended")
        self.assertEqual(event.occurred_at, past)
        with self.assertRaises(UserError):
            self.amend(
                contract, auto_accept_days=4, effective_date=past - timedelta(days=1)
            )
        with self.assertRaises(ValidationError):
            self.amend(contract, amount_value=-1.0)
        self.assertEqual(len(contract.amendment_ids), 1)

    def test_terms_at(self):
        contract = self.make_contract(activate=True, auto_accept_days=7)
        now = fields.Datetime.now().replace(microsecond=0)
        effective = now + timedelta(days=10)
        self.amend(
            contract,
            sla_policy_id=self.policy_platinum.id,
            auto_accept_days=2,
            effective_date=effective,
        )
        event = self.events(contract, "contract.amended")
        self.assertLessEqual(event.occurred_at, fields.Datetime.now())
        self.assertEqual(
            json.loads(event.payload)["effective_date"],
            fields.Datetime.to_string(effective),
        )
        before = contract._get_terms_at(now)
        self.assertEqual(before["sla_policy"], self.policy)
        self.assertEqual(before["calendar"], self.calendar)
        self.assertEqual(before["auto_accept_days"], 7)
        after = contract._get_terms_at(effective + timedelta(hours=1))
        self.assertEqual(after["sla_policy"], self.policy_platinum)
        self.assertEqual(after["calendar"], self.calendar)
        self.assertEqual(after["auto_accept_days"], 2)
        self.assertEqual(contract._get_terms_at(effective)["auto_accept_days"], 2)
        # a second amendment, later, changing the calendar only
        later = effective + timedelta(days=10)
        self.amend(contract, calendar_id=self.calendar_7x24.id, effective_date=later)
        self.assertEqual(contract._get_terms_at(now)["calendar"], self.calendar)
        self.assertEqual(contract._get_terms_at(now)["sla_policy"], self.policy)
        middle = contract._get_terms_at(effective + timedelta(days=1))
        self.assertEqual(middle["sla_policy"], self.policy_platinum)
        self.assertEqual(middle["calendar"], self.calendar)
        last = contract._get_terms_at(later + timedelta(days=1))
        self.assertEqual(last["calendar"], self.calendar_7x24)
        self.assertEqual(last["sla_policy"], self.policy_platinum)
        self.assertEqual(
            contract.amendment_ids.mapped("name"), ["Amendment 1", "Amendment 2"]
        )

    def test_suspend_resume_terminate(self):
        contract = self.make_contract(activate=True)
        with self.assertRaises(UserError):
            contract.action_suspend()  # no reason
        contract.with_context(
            aftersales_contract_reason="Unpaid invoice"
        ).action_suspend()
        self.assertEqual(contract.state, "suspended")
        suspended = self.events(contract, "contract.suspended")
        self.assertEqual(len(suspended), 1)
        self.assertEqual(suspended.reason_text, "Unpaid invoice")
        with self.assertRaises(UserError):
            contract.write({"date_end": self.today + timedelta(days=900)})
        contract.action_resume()
        self.assertEqual(contract.state, "active")
        self.assertEqual(len(self.events(contract, "contract.resumed")), 1)
        with self.assertRaises(UserError):
            contract.action_resume()
        contract.action_terminate(reason="Customer went bankrupt")
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(contract.termination_date, self.today)
        terminated = self.events(contract, "contract.terminated")
        self.assertEqual(len(terminated), 1)
        self.assertEqual(terminated.reason_text, "Customer went bankrupt")
        self.assertEqual(
            json.loads(terminated.payload)["termination_date"],
            fields.Date.to_string(self.today),
        )
        with self.assertRaises(UserError):
            contract.action_suspend(reason="again")
        with self.assertRaises(UserError):
            contract.unlink()

    def test_expiry_cron(self):
        past = self.make_contract(
            activate=True,
            date_start=self.today - timedelta(days=400),
            date_end=self.today - timedelta(days=1),
        )
        past_suspended = self.make_contract(
            activate=True,
            date_start=self.today - timedelta(days=400),
            date_end=self.today - timedelta(days=2),
        )
        past_suspended.action_suspend(reason="Dispute")
        current = self.make_contract(activate=True, date_end=self.today)
        past_draft = self.make_contract(
            date_start=self.today - timedelta(days=400),
            date_end=self.today - timedelta(days=1),
        )
        cron = self.env.ref("aftersales_sla.ir_cron_aftersales_expire_contracts")
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        self.assertEqual(past.state, "expired")
        self.assertEqual(past_suspended.state, "expired")
        self.assertEqual(current.state, "active")
        self.assertEqual(past_draft.state, "draft")
        self.assertEqual(len(self.events(past, "contract.expired")), 1)
        self.assertEqual(len(self.events(past_suspended, "contract.expired")), 1)
        self.assertFalse(self.events(current, "contract.expired"))
        self.assertFalse(self.events(past_draft, "contract.expired"))

    def test_match_by_customer_and_date(self):
        contract = self.make_contract(activate=True)
        self.make_contract(activate=True, partner_id=self.other_customer.id)
        self.make_contract(partner_id=self.customer.id)  # draft: never matched
        match = self.Contract._match_for_ticket(self.customer_contact)
        self.assertEqual(match, contract)
        self.assertFalse(
            self.Contract._match_for_ticket(
                self.customer,
                when=fields.Datetime.now() + timedelta(days=400),
            )
        )
        self.assertFalse(
            self.Contract._match_for_ticket(
                self.customer,
                when=fields.Datetime.now() - timedelta(days=31),
            )
        )

    def test_a_contract_of_another_company_never_serves_a_ticket(self):
        """A customer shared between two companies: a ticket reported in the
        company without a contract is not matched to the other company's."""
        contract = self.make_contract(activate=True)
        self.assertEqual(
            self.Contract._match_for_ticket(self.customer, company=self.company),
            contract,
        )
        self.assertFalse(
            self.Contract._match_for_ticket(self.customer, company=self.other_company)
        )
        Ticket = self.env["aftersales.ticket"]
        elsewhere = Ticket.with_company(self.other_company).create(
            {
                "name": "Heater does not start",
                "partner_id": self.customer.id,
                "company_id": self.other_company.id,
            }
        )
        self.assertFalse(elsewhere.contract_id)
        self.assertEqual(elsewhere.contract_match, "none")
        here = Ticket.with_company(self.company).create(
            {
                "name": "Lock jammed",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(here.contract_id, contract)

    def test_match_serial_beats_product(self):
        by_product = self.make_contract(
            activate=True,
            product_line_ids=[(0, 0, {"product_id": self.product.id})],
        )
        by_serial = self.make_contract(
            activate=True,
            product_line_ids=[
                (0, 0, {"product_id": self.product.id, "serial_number": "SN-0001"})
            ],
        )
        unrestricted = self.make_contract(activate=True)
        match = self.Contract._match_for_ticket
        self.assertEqual(
            match(self.customer, product=self.product, serial_number="SN-0001"),
            by_serial,
        )
        self.assertEqual(match(self.customer, serial_number=" sn-0001 "), by_serial)
        self.assertEqual(
            match(self.customer, product=self.product, serial_number="SN-9999"),
            by_product | by_serial | unrestricted,
        )
        self.assertEqual(match(self.customer, product=self.other_product), unrestricted)

    def test_match_region_and_scope(self):
        china = self.make_contract(activate=True, country_ids=[(6, 0, self.china.ids)])
        guangdong = self.make_contract(
            activate=True,
            country_ids=[(6, 0, self.china.ids)],
            country_state_ids=[(6, 0, self.guangdong.ids)],
        )
        match = self.Contract._match_for_ticket
        self.assertEqual(
            match(self.customer, country=self.china, state=self.guangdong),
            china | guangdong,
        )
        self.assertEqual(
            match(self.customer, country=self.china, state=self.beijing), china
        )
        self.assertFalse(match(self.customer, country=self.france))
        repair_only = self.make_contract(
            activate=True,
            partner_id=self.other_customer.id,
            service_type_ids=[(6, 0, self.repair.ids)],
        )
        self.assertEqual(
            match(self.other_customer, service_type=self.repair), repair_only
        )
        self.assertFalse(match(self.other_customer, service_type=self.training))
        self.assertEqual(match(self.other_customer), repair_only)

    def test_back_to_back(self):
        customer_contract = self.make_contract(activate=True)
        partner_contract = self.make_contract(
            contract_type="partner",
            partner_id=self.service_partner.id,
            parent_id=customer_contract.id,
        )
        self.assertEqual(customer_contract.back_to_back_ids, partner_contract)
        with self.assertRaises(ValidationError):
            self.make_contract(
                contract_type="partner",
                partner_id=self.service_partner.id,
                parent_id=partner_contract.id,
            )
        with self.assertRaises(ValidationError):
            self.make_contract(parent_id=customer_contract.id)  # a customer contract
        with self.assertRaises(ValidationError):
            partner_contract.write({"parent_id": partner_contract.id})
        self.assertEqual(partner_contract.parent_id, customer_contract)
        # partner contracts are not matched for customers' tickets
        self.assertEqual(
            self.Contract._match_for_ticket(self.service_partner), self.Contract
        )

    def test_bad_inputs_refused(self):
        count = self.Contract.search_count([])
        with self.assertRaises(ValidationError):
            self.make_contract(date_end=self.today - timedelta(days=31))
        with self.assertRaises(ValidationError):
            self.make_contract(amount_value=-1.0)
        with self.assertRaises(ValidationError):
            self.make_contract(auto_accept_days=-1)
        self.assertEqual(self.Contract.search_count([]), count)
        draft = self.make_contract(contract_type="partner")
        with self.assertRaises(ValidationError):
            draft.write({"parent_id": draft.id})
        with self.assertRaises(ValidationError):
            draft.write({"date_end": self.today - timedelta(days=400)})
        self.assertFalse(draft.parent_id)
        self.assertEqual(draft.date_end, self.today + timedelta(days=335))

    def test_access_technician_and_manager(self):
        contract = self.make_contract(activate=True)
        # Technicians read the contracts of their tickets, and no other.
        with self.assertRaises(AccessError):
            contract.with_user(self.technician).read(["name"])
        self.env["aftersales.ticket"].create(
            {
                "name": "门锁故障",
                "partner_id": contract.partner_id.id,
                "contract_id": contract.id,
                "user_id": self.technician.id,
            }
        )
        as_technician = contract.with_user(self.technician)
        self.assertEqual(as_technician.name, contract.name)
        with self.assertRaises(AccessError):
            as_technician.write({"title": "Hacked"})
        with self.assertRaises(AccessError):
            as_technician.action_suspend(reason="no")
        with self.assertRaises(AccessError):
            self.Contract.with_user(self.technician).create(
                {
                    "partner_id": self.customer.id,
                    "date_end": self.today,
                    "company_id": self.company.id,
                }
            )
        as_manager = contract.with_user(self.manager)
        as_manager.action_suspend(reason="Manager decision")
        self.assertEqual(contract.state, "suspended")
        wizard = (
            self.env["aftersales.contract.amend"]
            .with_user(self.manager)
            .create(
                {"contract_id": contract.id, "reason": "More", "amount_value": 1500.0}
            )
        )
        wizard.action_apply()
        self.assertEqual(contract.amount_value, 1500.0)
        with self.assertRaises(AccessError):
            contract.amendment_ids.with_user(self.manager).unlink()

    def test_access_portal(self):
        own = self.make_contract(activate=True)
        self.make_contract(activate=True, partner_id=self.other_customer.id)
        portal_user = new_test_user(
            self.env,
            login="contract_portal",
            groups="base.group_portal",
            partner_id=self.customer_contact.id,
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        Contract = self.Contract.with_user(portal_user)
        self.assertEqual(Contract.search([]), own)
        with self.assertRaises(AccessError):
            Contract.browse(own.id).write({"title": "Mine"})
        other = self.Contract.search([("partner_id", "=", self.other_customer.id)])
        with self.assertRaises(AccessError):
            other.with_user(portal_user).read(["name"])

    def test_multi_company(self):
        mine = self.make_contract(activate=True)
        theirs = self.make_contract(
            activate=True,
            company_id=self.other_company.id,
            currency_id=self.other_company.currency_id.id,
        )
        Contract = self.Contract.with_user(self.manager)
        self.assertIn(mine, Contract.search([]))
        self.assertNotIn(theirs, Contract.search([]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.manager).read(["name"])
        self.assertEqual(
            self.Contract.with_user(self.manager)._match_for_ticket(self.customer),
            mine,
        )
        self.assertEqual(
            self.events(theirs, "contract.activated").company_id, self.other_company
        )
