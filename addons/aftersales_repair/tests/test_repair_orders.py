"""Repair orders and quotations of tickets: warranty, fees, ledger events, rights."""

import base64
import json
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .common import RepairCase, make_heater

REPAIR_EVENTS = (
    "ticket.repair_created",
    "ticket.quotation_sent",
    "ticket.quotation_approved",
    "ticket.invoiced",
)
#: A 1x1 PNG: the customer's signature on the portal.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d4944415478da63f8cfc0f01f0005000201a5d9d2bd0000000049454e44ae426082"
    )
).decode()


def make_fee_products(env):
    """The test's own standard visit fee and labour (the demo's are unflagged),
    and a spare part."""
    Product = env["product.product"]
    Product.search([("aftersales_fee_kind", "!=", False)]).write(
        {"aftersales_fee_kind": False}
    )
    hour = env.ref("uom.product_uom_hour")
    visit = Product.create(
        {
            "name": "上门费 Visit",
            "type": "service",
            "list_price": 80.0,
            "aftersales_fee_kind": "visit",
            "taxes_id": [(5, 0, 0)],
        }
    )
    labour = Product.create(
        {
            "name": "工时 Labour",
            "type": "service",
            "uom_id": hour.id,
            "uom_po_id": hour.id,
            "list_price": 120.0,
            "aftersales_fee_kind": "labour",
            "taxes_id": [(5, 0, 0)],
        }
    )
    part = Product.create(
        {
            "name": "点火针 Igniter",
            "type": "consu",
            "list_price": 200.0,
            "taxes_id": [(5, 0, 0)],
        }
    )
    return visit, labour, part


class RepairOrderCase(RepairCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.visit, cls.labour, cls.part = make_fee_products(cls.env)
        # Quoting is Odoo's Repairs and Sales work: the manager has those rights.
        cls.manager.groups_id |= cls.env.ref("stock.group_stock_user") | cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )

    def repair_events(self, ticket):
        return self.coverage_events(ticket, REPAIR_EVENTS)

    def make_repair(self, ticket, user=None):
        ticket.with_user(user or self.manager).action_create_repair_order()
        repair = ticket.sudo().repair_ids
        self.assertEqual(len(repair), 1)
        return repair

    @staticmethod
    def order_lines(order):
        """{product: (quantity, unit price)} of a quotation's lines."""
        return {
            line.product_id: (line.product_uom_qty, line.price_unit)
            for line in order.order_line
        }

    def add_part(self, repair, qty=1.0):
        repair.write(
            {
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.part.id,
                            "product_uom_qty": qty,
                            "repair_line_type": "add",
                        },
                    )
                ]
            }
        )


class TestRepairOrders(RepairOrderCase):
    def test_covered_ticket_repair_under_warranty_with_value(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.assertEqual(ticket.coverage, "warranty")
        repair = self.make_repair(ticket)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.product_id, self.heater)
        self.assertEqual(repair.lot_id, self.lot_new)
        self.assertEqual(repair.partner_id, self.consumer)
        self.assertEqual(repair.ticket_id, ticket)
        self.add_part(repair, qty=2)
        # The customer pays nothing but sees what it would have cost: visit 80,
        # one hour of labour 120, two parts at 200.
        self.assertAlmostEqual(repair.aftersales_value, 600.0)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.repair_count, 1)
        self.assertAlmostEqual(ticket.repair_value, 600.0)
        event = self.repair_events(ticket)
        self.assertEqual(event.mapped("event_type"), ["ticket.repair_created"])
        payload = event.payload
        if isinstance(payload, str):
            payload = json.loads(payload)
        self.assertEqual(payload["repair"], repair.name)
        self.assertEqual(payload["coverage"], "warranty")
        self.assertIs(payload["under_warranty"], True)

    def test_covered_ticket_quotation_refused_nothing_written(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        orders_before = self.env["sale.order"].search_count([])
        with self.refused(UserError, "gets no quotation"):
            repair.with_user(self.manager).action_create_sale_order()
        self.assertFalse(repair.sale_order_id)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)
        self.assertEqual(
            self.repair_events(ticket).mapped("event_type"), ["ticket.repair_created"]
        )

    def test_overridden_to_chargeable_is_quoted_at_full_price(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        ticket.with_user(self.manager).action_override_coverage(
            "chargeable", "excluded_misuse", "外壳摔裂 Casing broken by a fall"
        )
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        self.assertTrue(order)
        self.assertFalse(repair.under_warranty)
        part_line = order.order_line.filtered(lambda line: line.product_id == self.part)
        self.assertEqual(part_line.price_unit, 200.0)
        self.assertAlmostEqual(order.amount_untaxed, 400.0)

    def test_chargeable_quotation_with_standard_fees(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(ticket.coverage, "chargeable")
        repair = self.make_repair(ticket)
        self.assertFalse(repair.under_warranty)
        repair.aftersales_labour_hours = 2.0
        self.add_part(repair)
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        self.assertEqual(order.partner_id, self.consumer)
        self.assertEqual(
            self.order_lines(order),
            {
                self.visit: (1.0, 80.0),
                self.labour: (2.0, 120.0),
                self.part: (1.0, 200.0),
            },
        )
        self.assertAlmostEqual(order.amount_untaxed, 520.0)
        self.assertAlmostEqual(repair.aftersales_value, 520.0)

    def test_chargeable_quotation_with_contract_fees(self):
        customer, contract = self.customer_contract(
            "深圳某酒店 Hotel",
            fee_line_ids=[
                (0, 0, {"product_id": self.visit.id, "price_unit": 50.0}),
                (0, 0, {"product_id": self.labour.id, "price_unit": 90.0}),
            ],
        )
        ticket = self.report(
            partner_id=customer.id, product_id=self.heater.id, late_entry_reason="phone"
        )
        self.assertEqual(ticket.contract_id, contract)
        self.assertEqual(ticket.coverage, "contract")
        repair = self.make_repair(ticket)
        self.assertTrue(repair.under_warranty)
        ticket.with_user(self.manager).action_override_coverage(
            "chargeable", "excluded_misuse", "进水损坏 Flooded by the user"
        )
        self.add_part(repair)
        repair.with_user(self.manager).action_create_sale_order()
        self.assertEqual(
            self.order_lines(repair.sale_order_id),
            {
                self.visit: (1.0, 50.0),
                self.labour: (1.0, 90.0),
                self.part: (1.0, 200.0),
            },
        )

    def test_events_in_order_once_each_and_ledger_verifies(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        order.action_quotation_sent()
        # Sent again by e-mail: no second "sent" event while it stays sent.
        order.write({"state": "sent"})
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        events = self.repair_events(ticket)
        self.assertEqual(events.mapped("event_type"), list(REPAIR_EVENTS))
        payload = events[-1].payload
        if isinstance(payload, str):
            payload = json.loads(payload)
        self.assertEqual(payload["invoice"], invoice.name)
        self.assertAlmostEqual(payload["amount_total"], invoice.amount_total)
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_repair_follows_its_ticket(self):
        """A Repairs user can neither link a repair to a ticket by hand nor make a
        chargeable ticket's parts free (or a covered one's charged)."""
        ticket = self.report_consumer(serial_number="WH-T-0002")
        repair = self.make_repair(ticket)
        Repair = self.env["repair.order"].with_user(self.manager)
        with self.refused(UserError, "cannot be changed"):
            repair.with_user(self.manager).write({"ticket_id": False})
        with self.refused(UserError, "follows the coverage"):
            repair.with_user(self.manager).write({"under_warranty": True})
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.ticket_id, ticket)
        with self.refused(UserError, "only by the ticket's Create Repair Order"):
            Repair.create(
                {
                    "product_id": self.heater.id,
                    "partner_id": self.consumer.id,
                    "ticket_id": ticket.id,
                }
            )
        self.assertEqual(ticket.sudo().repair_ids, repair)

    def test_closed_ticket_gets_no_repair(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        ticket.action_close()
        with self.refused(UserError, "is closed"):
            ticket.with_user(self.manager).action_create_repair_order()
        self.assertFalse(ticket.sudo().repair_ids)
        self.assertFalse(self.repair_events(ticket))

    def test_technician_of_other_ticket_refused(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        other = new_test_user(
            self.env, "repair_other_tech", groups="aftersales_sla.group_aftersales_user"
        )
        with self.assertRaises(AccessError):
            ticket.with_user(other).action_create_repair_order()
        self.assertFalse(ticket.sudo().repair_ids)


class RepairRpcCase(HttpCase):
    """A chargeable ticket (expired unit) of a consumer with an e-mail, assigned to
    a technician; JSON-RPC as the web client and the portal call it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.visit, cls.labour, cls.part = make_fee_products(env)
        cls.technician = new_test_user(
            env, "rep_rpc_tech", groups="aftersales_sla.group_aftersales_user"
        )
        heater = make_heater(env)
        cls.consumer = env["res.partner"].create(
            {"name": "钱女士 Ms Qian", "email": "qian@example.cn"}
        )
        lot = env["stock.lot"].create({"name": "RPC-R-0001", "product_id": heater.id})
        env["aftersales.unit"].create(
            {
                "product_id": heater.id,
                "lot_id": lot.id,
                "partner_id": cls.consumer.id,
                "installation_date": date(2020, 1, 1),
            }
        )
        cls.ticket = env["aftersales.ticket"].create(
            {
                "name": "漏水",
                "partner_id": cls.consumer.id,
                "serial_number": "RPC-R-0001",
                "user_id": cls.technician.id,
            }
        )

    def rpc(self, model, method, args, kwargs=None):
        with mute_logger("odoo.http"):
            return call_kw(self, model, method, args, kwargs)

    def events(self, event_type):
        return (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "aftersales.ticket"),
                    ("res_id", "=", self.ticket.id),
                    ("event_type", "=", event_type),
                ]
            )
        )

    def quote(self):
        """The ticket's repair quoted and sent, to be signed on the portal."""
        self.ticket.action_create_repair_order()
        repair = self.env["repair.order"].search([("ticket_id", "=", self.ticket.id)])
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.write({"require_signature": True, "require_payment": False})
        order.action_quotation_sent()
        return order

    def portal_accept(self, order, name):
        """The customer signs ``order`` on the portal: the JSON-RPC answer."""
        return self.url_open(
            f"/my/orders/{order.id}/accept",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "access_token": order._portal_ensure_token(),
                        "name": name,
                        "signature": SIGNATURE,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()


@tagged("post_install", "-at_install")
class TestRepairOrdersRpc(RepairRpcCase):
    def test_technician_creates_repair_but_cannot_quote_or_confirm(self):
        self.assertEqual(self.ticket.coverage, "chargeable")
        self.authenticate("rep_rpc_tech", "rep_rpc_tech")
        response = self.rpc(
            "aftersales.ticket", "action_create_repair_order", [[self.ticket.id]]
        )
        self.assertNotIn("error", response)
        repair = self.env["repair.order"].search([("ticket_id", "=", self.ticket.id)])
        self.assertEqual(len(repair), 1)
        self.assertFalse(repair.under_warranty)
        self.assertEqual(len(self.events("ticket.repair_created")), 1)
        # He reads the count on his ticket, without the Repairs rights.
        response = self.rpc(
            "aftersales.ticket", "read", [[self.ticket.id], ["repair_count"]]
        )
        self.assertEqual(response["result"][0]["repair_count"], 1)
        # The quotation and its confirmation are not his to make.
        response = self.rpc("repair.order", "action_create_sale_order", [repair.ids])
        self.assertEqual(
            response["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        self.assertFalse(repair.sale_order_id)
        repair.action_create_sale_order()
        order = repair.sale_order_id
        order.action_quotation_sent()
        response = self.rpc("sale.order", "action_confirm", [order.ids])
        self.assertEqual(
            response["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        self.assertEqual(order.state, "sent")
        self.assertFalse(self.events("ticket.quotation_approved"))

    def test_portal_customer_signs_quotation(self):
        order = self.quote()
        self.assertEqual(len(self.events("ticket.quotation_sent")), 1)
        response = self.portal_accept(order, "钱女士")
        self.assertNotIn("error", response.get("result", {}), response)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "钱女士")
        approved = self.events("ticket.quotation_approved")
        self.assertEqual(len(approved), 1)
        payload = approved.payload
        if isinstance(payload, str):
            payload = json.loads(payload)
        self.assertEqual(payload["sale_order"], order.name)
        self.assertEqual(payload["signed_by"], "钱女士")
