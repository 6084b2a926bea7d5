"""A service promise without a contract: the standard promise of a product or of
its category gives a consumer's ticket clocks, breaches and reports, never a
penalty; a contract, when one covers the ticket, keeps its own terms."""

import json
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.aftersales_sla.tests.common import H, TicketCase, shanghai


@tagged("post_install", "-at_install")
class TestStandardPolicy(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["aftersales.sla.policy"]
        # Counted on the service hours of whoever promises it (the category's
        # 08:00-22:00 calendar below).
        cls.every_buyer = Policy.create(
            {
                "name": "24 h response to every buyer",
                "target_ids": [
                    (0, 0, {"metric": "response", "target_hours": 24}),
                    (
                        0,
                        0,
                        {
                            "metric": "resolution",
                            "target_hours": 72,
                            "time_basis": "always",
                        },
                    ),
                ],
            }
        )
        cls.express = Policy.create(
            {
                "name": "Express: 2 h response",
                "target_ids": [(0, 0, {"metric": "response", "target_hours": 2})],
            }
        )
        Category = cls.env["product.category"]
        cls.heaters = Category.create(
            {
                "name": "Water heaters",
                "aftersales_sla_policy_id": cls.every_buyer.id,
                "aftersales_calendar_id": cls.calendar.id,
            }
        )
        cls.gas_heaters = Category.create(
            {"name": "Gas water heaters", "parent_id": cls.heaters.id}
        )
        Product = cls.env["product.product"]
        cls.jsq25 = Product.create(
            {"name": "Gas water heater JSQ25", "categ_id": cls.gas_heaters.id}
        )
        cls.e60_express = Product.create(
            {
                "name": "Electric water heater E60 Express",
                "categ_id": cls.heaters.id,
                "aftersales_sla_policy_id": cls.express.id,
            }
        )
        cls.kettle = Product.create({"name": "Kettle"})
        cls.consumer = cls.env["res.partner"].create(
            {"name": "王女士", "tz": "Asia/Shanghai"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="standard_promise_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        cls.technician = new_test_user(
            cls.env,
            login="standard_promise_technician",
            groups="aftersales_sla.group_aftersales_user",
        )

    def consumer_ticket(self, product, reported=None, **values):
        return self.report(
            reported, partner_id=self.consumer.id, product_id=product.id, **values
        )

    def events(self, ticket, event_type):
        return ticket.event_ids.filtered(lambda event: event.event_type == event_type)

    def payload(self, event):
        return json.loads(event.payload)

    def test_consumer_ticket_runs_on_the_products_promise(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.e60_express)
        self.assertFalse(ticket.contract_id)
        self.assertEqual(ticket.contract_match, "none")
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "running")
        # No service hours on the product: all the time counts.
        self.assertEqual(response.deadline, shanghai(2026, 11, 20, 23, 0))
        self.assertEqual(ticket.sla_status, "running")
        self.assertEqual(ticket.aftersales_promise_source, "product")
        self.assertEqual(ticket.aftersales_promise_policy_id, self.express)
        self.assertIn(
            "Electric water heater E60 Express", ticket.aftersales_promise_label
        )
        self.assertIn("Express: 2 h response", ticket.aftersales_promise_label)
        targets = self.payload(self.events(ticket, "ticket.reported"))["targets"]
        self.assertEqual(
            [(target["metric"], target["source"]) for target in targets],
            [("response", "product")],
        )
        # A technician sees the promise on the ticket.
        self.assertEqual(
            ticket.with_user(self.technician).aftersales_promise_label,
            ticket.aftersales_promise_label,
        )

    def test_category_promise_walks_up_and_counts_on_its_service_hours(self):
        # Friday 21:00 on an 08:00-22:00 calendar: 1 h on Friday, 14 h on
        # Saturday, the last 9 h on Sunday from 08:00.
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.jsq25)
        response = self.line(ticket, "response")
        self.assertEqual(response.target_seconds, 24 * H)
        self.assertEqual(response.calendar_id, self.calendar)
        self.assertEqual(response.deadline, shanghai(2026, 11, 22, 17, 0))
        resolution = self.line(ticket, "resolution")
        self.assertFalse(resolution.calendar_id, "its own basis: 24x7")
        self.assertEqual(resolution.deadline, shanghai(2026, 11, 23, 21, 0))
        self.assertEqual(ticket.aftersales_promise_source, "category")
        self.assertIn("Water heaters", ticket.aftersales_promise_label)
        targets = self.payload(self.events(ticket, "ticket.reported"))["targets"]
        self.assertEqual({target["source"] for target in targets}, {"category"})
        # A product without any promise (nor its category): no clock, as before.
        with freeze_time("2026-11-20 13:05:00"):
            plain = self.consumer_ticket(self.kettle)
        self.assertFalse(plain.sla_ids)
        self.assertEqual(plain.sla_status, "none")
        self.assertFalse(plain.aftersales_promise_source)
        self.assertFalse(plain.sla_unmatched)

    def test_a_ticket_the_promise_leaves_out_has_no_clock_and_no_alarm(self):
        complaint = self.env["aftersales.service.type"].create(
            {"name": "投诉", "code": "std_complaint", "is_complaint": True}
        )
        # The complaints desk (aftersales_complaint), when installed, gives
        # complaints a default promise (its own tests): switched off here.
        if "aftersales_complaint_response_hours" in self.env.company._fields:
            self.env.company.write(
                {
                    "aftersales_complaint_response_hours": 0,
                    "aftersales_complaint_feedback_hours": 0,
                }
            )
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(
                self.e60_express, service_type_id=complaint.id
            )
        self.assertFalse(ticket.sla_ids)
        self.assertFalse(ticket.sla_unmatched)
        self.assertEqual(ticket.sla_status, "none")
        self.assertFalse(ticket.activity_ids)

    def test_contract_ticket_keeps_its_contracts_terms(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(product_id=self.e60_express.id)
        self.assertEqual(ticket.contract_id, self.contract)
        response = self.line(ticket, "response")
        self.assertEqual(response.target_seconds, 12 * H, "the contract's 12 h")
        self.assertEqual(ticket.aftersales_promise_source, "contract")
        self.assertEqual(ticket.aftersales_promise_policy_id, self.policy)
        self.assertFalse(ticket.aftersales_promise_label)
        targets = self.payload(self.events(ticket, "ticket.reported"))["targets"]
        self.assertEqual({target["source"] for target in targets}, {"contract"})

    def test_breached_by_the_watch_without_any_penalty(self):
        # The customer's contract has a clause on late responses.
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Penalty contract",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 100000,
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
                "penalty_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "响应超时",
                            "rule_type": "fixed",
                            "amount": 500,
                            "metric": "response",
                        },
                    )
                ],
            }
        )
        contract.action_activate()
        self.contract.action_terminate(reason="replaced")
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.e60_express)
            contract_ticket = self.report(product_id=self.e60_express.id)
        with freeze_time(shanghai(2026, 11, 22, 9, 0)):
            self.env.ref(
                "aftersales_sla.ir_cron_aftersales_sla_watch"
            ).method_direct_trigger()
        response = self.line(ticket, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_at, shanghai(2026, 11, 20, 23, 0))
        self.assertEqual(len(self.events(ticket, "sla.breached")), 1)
        self.assertEqual(ticket.sla_status, "breached")
        Penalty = self.env["aftersales.penalty"]
        self.assertFalse(Penalty.search([("ticket_id", "=", ticket.id)]))
        # The contract's clause still applies to the contract's own ticket.
        self.assertEqual(self.line(contract_ticket, "response").state, "breached")
        self.assertTrue(Penalty.search([("ticket_id", "=", contract_ticket.id)]))

    def test_product_change_retargets(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.kettle)
            self.assertFalse(ticket.sla_ids)
            # The right product is given: the category's promise counts from the
            # reported time.
            ticket.product_id = self.jsq25
            response = self.line(ticket, "response")
            self.assertEqual(response.state, "running")
            self.assertEqual(response.deadline, shanghai(2026, 11, 22, 17, 0))
            retargeted = self.events(ticket, "ticket.retargeted")
            self.assertEqual(len(retargeted), 1)
            payload = self.payload(retargeted)
            self.assertEqual(payload["from"].get("product"), None)
            self.assertEqual(payload["to"]["product"], self.jsq25.id)
            self.assertEqual(payload["to"]["promise"], "category")
            # The product's own promise wins over the category's.
            ticket.product_id = self.e60_express
            response = self.line(ticket, "response")
            self.assertEqual(response.target_seconds, 2 * H)
            self.assertEqual(response.deadline, shanghai(2026, 11, 20, 23, 0))
            self.assertEqual(self.line(ticket, "resolution").state, "cancelled")
            self.assertEqual(len(self.events(ticket, "ticket.retargeted")), 2)
            # Between two products of the same promise nothing changes but the
            # product the snapshot names.
            ticket.product_id = self.kettle
            self.assertEqual(ticket.sla_status, "none")
            self.assertEqual(self.line(ticket, "response").state, "cancelled")
            self.assertEqual(len(self.events(ticket, "ticket.retargeted")), 3)
            # Writing the same product again records nothing.
            ticket.product_id = self.kettle
            self.assertEqual(len(self.events(ticket, "ticket.retargeted")), 3)

    def test_product_change_of_a_contract_ticket_keeps_the_contract(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report(product_id=self.kettle.id)
            ticket.product_id = self.e60_express
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertFalse(self.events(ticket, "ticket.retargeted"))
        self.assertEqual(self.line(ticket, "response").target_seconds, 12 * H)

    def test_a_contract_chosen_later_takes_over(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.jsq25)
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": self.consumer.id,
                "title": "Extended care 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 300,
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
            }
        )
        contract.action_activate()
        with freeze_time("2026-11-20 14:00:00"):
            ticket.with_user(self.manager).contract_id = contract
        self.assertEqual(ticket.aftersales_promise_source, "contract")
        response = self.line(ticket, "response")
        self.assertEqual(response.target_seconds, 12 * H)
        # Counted from the report on the contract's calendar: 1 h Friday, 11 h
        # Saturday.
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))
        payload = self.payload(self.events(ticket, "ticket.retargeted"))
        self.assertEqual(payload["from"]["promise"], "category")
        self.assertEqual(payload["to"]["contract"], contract.id)
        self.assertNotIn("promise", payload["to"])
        self.assertEqual(
            {target["source"] for target in payload["targets"]}, {"contract"}
        )

    def test_the_service_report_prints_the_promise_and_its_clocks(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.jsq25)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_sla.action_report_aftersales_ticket", ticket.ids
        )
        text = html.decode()
        self.assertIn("Water heaters", text)
        self.assertIn("24 h response to every buyer", text)
        self.assertIn('name="sla_results"', text)
        # Deadline of the response clock in the customer's time zone (Shanghai).
        self.assertIn("11/22/2026 17:00", text)

    def test_a_technician_cannot_change_a_promise(self):
        template = self.jsq25.product_tmpl_id.with_user(self.technician)
        with self.assertRaises(AccessError):
            template.write({"aftersales_sla_policy_id": self.express.id})
        with self.assertRaises(AccessError):
            self.heaters.with_user(self.technician).write(
                {"aftersales_sla_policy_id": False}
            )
        self.assertEqual(self.heaters.aftersales_sla_policy_id, self.every_buyer)

    def test_the_promise_is_per_company(self):
        other = self.env["res.company"].create({"name": "Lock Maker HK"})
        self.assertFalse(
            self.heaters.with_company(other).aftersales_sla_policy_id,
            "another company promises nothing unless it says so",
        )
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.jsq25, company_id=other.id)
        self.assertFalse(ticket.sla_ids)
        self.assertFalse(ticket.aftersales_promise_source)

    def test_the_ledger_verifies_and_replays(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.consumer_ticket(self.jsq25)
            ticket.product_id = self.e60_express
        with freeze_time("2026-11-20 13:30:00"):
            ticket.action_acknowledge()
        self.assertEqual(self.line(ticket, "response").state, "met")
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )
        Event = self.env["aftersales.event"]
        chain = self.events(ticket, "ticket.reported").chain_id
        Event._seal_chains(chain)
        self.assertTrue(Event.verify_ledger(chain)["ok"])
