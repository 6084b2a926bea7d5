"""Browser tours (Chromium) of issue #13, role by role, in English and in Chinese:
a water-heater buyer without a contract reports a fault on the portal; the
technician finds the unit out of warranty and quotes; the buyer signs the quotation
on the portal; the technician records the part he used and resolves; the accountant
invoices and registers the payment (WeChat Pay); the same fault again within the
paid repair's guarantee is free. The database is checked between the tours
(static/tests/tours/aftersales_repair_tours.js)."""

import json
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_heater
from .test_repair_orders import make_fee_products

#: The tours' data (see the constants of aftersales_repair_tours.js).
SUBJECT = "Tour 热水器不出热水"
SUBJECT_AGAIN = "Tour 热水器又不出热水"
SERIAL = "TOUR-WH-0001"
PRODUCT = "Tour 燃气热水器 JSQ20"
BUYER = "Tour 张伟"
VAN = "Tour 张师傅的车"


@tagged("post_install", "-at_install")
class TestRepairTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.visit, cls.labour, cls.part = make_fee_products(env)
        cls.promise = env["aftersales.sla.policy"].create(
            {
                "name": "Tour 24 h response to every buyer",
                "target_ids": [
                    Command.create(
                        {
                            "metric": "response",
                            "target_hours": 24,
                            "time_basis": "always",
                        }
                    )
                ],
            }
        )
        cls.heater = make_heater(env, PRODUCT, aftersales_sla_policy_id=cls.promise.id)
        cls.buyer = env["res.partner"].create(
            {"name": BUYER, "email": "zhang.wei@example.cn"}
        )
        cls.portal_user = new_test_user(
            env,
            "tour_repair_buyer",
            groups="base.group_portal",
            partner_id=cls.buyer.id,
            name=BUYER,
        )
        lot = env["stock.lot"].create({"name": SERIAL, "product_id": cls.heater.id})
        # Installed in 2023 with a 24-month warranty: out of warranty since 2025.
        cls.unit = env["aftersales.unit"].create(
            {
                "product_id": cls.heater.id,
                "lot_id": lot.id,
                "partner_id": cls.buyer.id,
                "installation_date": date(2023, 6, 1),
            }
        )
        cls.technician = new_test_user(
            env,
            "tour_repair_tech",
            groups="aftersales_sla.group_aftersales_user",
        )
        # The igniter is approved for the heater; the technician carries it in
        # his van.
        cls.heater.aftersales_approved_part_ids = cls.part.product_tmpl_id
        cls.van = env["stock.location"].create(
            {
                "name": VAN,
                "usage": "internal",
                "aftersales_holder_user_ids": [Command.set(cls.technician.ids)],
            }
        )
        env.company.aftersales_repair_guarantee_days = 90
        # Odoo's Billing user, as the demo's accountant.
        cls.accountant = new_test_user(
            env, "tour_repair_accountant", groups="account.group_account_invoice"
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def set_lang(self, lang):
        (self.portal_user | self.technician | self.accountant).write({"lang": lang})

    def events(self, ticket, event_type):
        return ticket.event_ids.filtered(lambda event: event.event_type == event_type)

    def payload(self, event):
        self.assertEqual(len(event), 1, event.mapped("event_type"))
        payload = event.payload
        return json.loads(payload) if isinstance(payload, str) else payload

    def ticket_url(self, ticket):
        return f"/odoo/action-aftersales_sla.aftersales_ticket_action/{ticket.id}"

    # ------------------------------------------------------------------
    # The chain
    # ------------------------------------------------------------------

    def buyer_reports(self):
        self.start_tour(
            "/my/aftersales/tickets/new",
            "aftersales_repair_buyer_reports",
            login="tour_repair_buyer",
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", SUBJECT)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.buyer)
        # The unit is found by its serial number: out of warranty, chargeable.
        self.assertEqual(ticket.unit_id, self.unit)
        self.assertEqual(ticket.product_id, self.heater)
        self.assertEqual(ticket.coverage, "chargeable")
        self.assertEqual(ticket.coverage_reason, "expired")
        # No contract: the clocks of the product's standard promise.
        self.assertFalse(ticket.contract_id)
        self.assertEqual(ticket.aftersales_promise_source, "product")
        self.assertEqual(ticket.aftersales_promise_policy_id, self.promise)
        response = ticket.sla_ids.filtered(lambda line: line.metric == "response")
        self.assertEqual(response.state, "running")
        self.assertEqual(response.target_seconds, 24 * 3600)
        reported = self.payload(self.events(ticket, "ticket.reported"))
        self.assertEqual(reported["coverage"], "chargeable")
        return ticket

    def technician_quotes(self, ticket):
        # The service desk dispatches it to the technician.
        ticket.user_id = self.technician
        self.start_tour(
            self.ticket_url(ticket),
            "aftersales_repair_technician_quotes",
            login="tour_repair_tech",
        )
        repair = ticket.sudo().repair_ids
        self.assertEqual(len(repair), 1)
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.lot_id, self.unit.lot_id)
        order = repair.sale_order_id
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.partner_id, self.buyer)
        lines = {
            line.product_id: (line.product_uom_qty, line.price_unit)
            for line in order.order_line
        }
        self.assertEqual(lines, {self.visit: (1.0, 80.0), self.labour: (2.0, 120.0)})
        sent = self.payload(self.events(ticket, "ticket.quotation_sent"))
        self.assertEqual(sent["sale_order"], order.name)
        self.assertEqual(
            self.events(ticket, "ticket.quotation_sent").author_id, self.technician
        )
        return order

    def buyer_signs(self, ticket, order):
        self.start_tour(
            f"/my/aftersales/tickets/{ticket.id}",
            "aftersales_repair_buyer_signs",
            login="tour_repair_buyer",
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, BUYER)
        self.assertTrue(order.signature)
        approved = self.payload(self.events(ticket, "ticket.quotation_approved"))
        self.assertEqual(approved["sale_order"], order.name)
        self.assertEqual(approved["signed_by"], BUYER)

    def technician_resolves(self, ticket, order):
        self.start_tour(
            self.ticket_url(ticket),
            "aftersales_repair_technician_resolves",
            login="tour_repair_tech",
        )
        repair = ticket.sudo().repair_ids
        move = repair.move_ids.filtered(lambda m: m.repair_line_type == "add")
        self.assertEqual(move.product_id, self.part)
        self.assertEqual(move.location_id, self.van)
        # The part is charged on the signed quotation.
        part_line = order.order_line.filtered(lambda line: line.product_id == self.part)
        self.assertEqual(part_line.price_unit, 200.0)
        self.assertEqual(ticket.state, "resolved")
        resolved = self.events(ticket, "ticket.resolved")
        self.assertEqual(resolved.author_id, self.technician)
        # Resolving ended the repair order (the technician has no Repairs rights).
        self.assertEqual(repair.state, "done")
        # The parts used are in the ledger once the repair is done.
        used = self.payload(self.events(ticket, "ticket.parts_used"))
        self.assertEqual(used["repair"], repair.name)

    def accountant_invoices(self, ticket, order):
        self.start_tour(
            self.ticket_url(ticket),
            "aftersales_repair_accountant_invoices",
            login="tour_repair_accountant",
        )
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        # Visit 80, two hours of labour at 120, the igniter 200.
        self.assertAlmostEqual(invoice.amount_untaxed, 520.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        invoiced = self.payload(self.events(ticket, "ticket.invoiced"))
        self.assertEqual(invoiced["invoice"], invoice.name)
        self.assertEqual(
            self.events(ticket, "ticket.invoiced").author_id, self.accountant
        )
        paid = self.events(ticket, "ticket.paid")
        self.assertEqual(len(paid), 1)
        self.assertEqual(self.payload(paid)["journal_code"], "WXP")
        # Done and paid: the repair's guarantee runs.
        repair = ticket.sudo().repair_ids
        self.assertTrue(repair.aftersales_guarantee_end)
        self.assertEqual(len(self.events(ticket, "ticket.guarantee_started")), 1)
        return invoice

    def buyer_reports_again(self, first):
        self.start_tour(
            "/my/aftersales/tickets/new",
            "aftersales_repair_buyer_reports_again",
            login="tour_repair_buyer",
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", SUBJECT_AGAIN)])
        self.assertEqual(len(ticket), 1)
        self.assertNotEqual(ticket, first)
        self.assertEqual(ticket.unit_id, self.unit)
        self.assertEqual(ticket.coverage, "guarantee")
        self.assertEqual(ticket.coverage_reason, "repeat_fault")
        return ticket

    def technician_finds_it_free(self, ticket):
        ticket.user_id = self.technician
        self.start_tour(
            self.ticket_url(ticket),
            "aftersales_repair_technician_free",
            login="tour_repair_tech",
        )
        repair = ticket.sudo().repair_ids
        self.assertEqual(len(repair), 1)
        self.assertTrue(repair.under_warranty)
        self.assertFalse(repair.sale_order_id)
        self.assertFalse(self.events(ticket, "ticket.quotation_sent"))

    def run_chain(self, lang):
        self.set_lang(lang)
        ticket = self.buyer_reports()
        order = self.technician_quotes(ticket)
        self.buyer_signs(ticket, order)
        self.technician_resolves(ticket, order)
        self.accountant_invoices(ticket, order)
        again = self.buyer_reports_again(ticket)
        self.technician_finds_it_free(again)
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_repair_chain_in_english(self):
        self.run_chain("en_US")

    def test_repair_chain_in_chinese(self):
        self.run_chain("zh_CN")
