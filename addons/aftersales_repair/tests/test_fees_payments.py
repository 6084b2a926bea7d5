"""Visit fees by zone and distance, payment journals, charges and payments of a
ticket, expired quotations."""

import json
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.payment_journals import ensure_payment_journals
from .test_repair_orders import SIGNATURE, RepairOrderCase, RepairRpcCase


def payload_of(event):
    payload = event.payload
    return json.loads(payload) if isinstance(payload, str) else payload


class FeeCase(RepairOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Zone = cls.env["aftersales.service.zone"]
        cls.centre = Zone.create({"name": "市区 Centre"})
        cls.suburbs = Zone.create({"name": "郊区 Suburbs"})

    def quote_unit(self, unit, serial):
        """A chargeable ticket of ``unit`` quoted: the quotation's visit line."""
        ticket = self.report_consumer(serial_number=serial)
        self.assertEqual(ticket.unit_id, unit)
        repair = self.make_repair(ticket)
        repair.with_user(self.manager).action_create_sale_order()
        return repair, repair.sale_order_id.order_line.filtered(
            lambda line: line.product_id == self.visit
        )

    def locate(self, unit, zone=None, km=0.0):
        unit.write({"zone_id": zone.id if zone else False, "distance_km": km})


class TestVisitFeeBands(FeeCase):
    def add_bands(self, *bands):
        self.visit.product_tmpl_id.write(
            {
                "aftersales_visit_band_ids": [
                    (
                        0,
                        0,
                        {
                            "zone_id": zone.id if zone else False,
                            "distance_from_km": start,
                            "distance_to_km": end,
                            "price_unit": price,
                        },
                    )
                    for zone, start, end, price in bands
                ]
            }
        )

    def test_standard_visit_fee_by_zone_then_band_then_sales_price(self):
        self.add_bands(
            (self.centre, 0, 0, 60.0),
            (None, 0, 30, 90.0),
            (None, 30, 80, 130.0),
            (None, 80, 0, 200.0),
        )
        # The expired unit (chargeable): in the centre, the zone's fee wins over
        # the band its distance falls in.
        self.locate(self.unit_old, self.centre, 12)
        repair, line = self.quote_unit(self.unit_old, "WH-T-0002")
        self.assertEqual(line.price_unit, 60.0)
        self.assertEqual(repair.aftersales_zone_id, self.centre)
        self.assertIn("市区 Centre", repair.aftersales_visit_pricing)
        self.assertAlmostEqual(repair.aftersales_value, 60.0 + 120.0)
        cases = [
            (self.suburbs, 35, 130.0, "30-80 km"),
            (None, 80, 200.0, "from 80 km"),
            (None, 79.9, 130.0, "30-80 km"),
            (None, 0, 80.0, "sales price"),  # distance unknown: no band
        ]
        for zone, km, price, label in cases:
            with self.subTest(zone=zone and zone.name, km=km):
                self.locate(self.unit_old, zone, km)
                repair.invalidate_recordset()
                self.assertEqual(repair._aftersales_fees()["visit"][1], price)
                self.assertIn(label, repair.aftersales_visit_pricing)

    def test_contract_visit_fee_most_specific_line_wins(self):
        customer = self.env["res.partner"].create(
            {
                "name": "深圳某酒店 Hotel",
                "is_company": True,
                "aftersales_zone_id": self.suburbs.id,
                "aftersales_distance_km": 45,
            }
        )
        visit_line = {"product_id": self.visit.id}
        contract = self.env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": "Heater service 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 5000,
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
                "fee_line_ids": [
                    (0, 0, dict(visit_line, price_unit=50.0)),
                    (0, 0, dict(visit_line, price_unit=70.0, zone_id=self.suburbs.id)),
                    (
                        0,
                        0,
                        dict(
                            visit_line,
                            price_unit=110.0,
                            zone_id=self.suburbs.id,
                            distance_from_km=40,
                        ),
                    ),
                    (0, 0, dict(visit_line, price_unit=95.0, distance_from_km=40)),
                    (0, 0, {"product_id": self.labour.id, "price_unit": 90.0}),
                ],
            }
        )
        contract.action_activate()
        ticket = self.report(
            partner_id=customer.id, product_id=self.heater.id, late_entry_reason="phone"
        )
        ticket.with_user(self.manager).action_override_coverage(
            "chargeable", "excluded_misuse", "进水损坏 Flooded by the user"
        )
        repair = self.make_repair(ticket)
        repair.with_user(self.manager).action_create_sale_order()
        visit = repair.sale_order_id.order_line.filtered(
            lambda line: line.product_id == self.visit
        )
        # Zone and band beat zone only, band only and the plain line.
        self.assertEqual(visit.price_unit, 110.0)
        self.assertIn(contract.display_name, repair.aftersales_visit_pricing)
        self.assertIn("from 40 km", repair.aftersales_visit_pricing)
        customer.aftersales_distance_km = 10
        self.assertEqual(repair._aftersales_fees()["visit"][1], 70.0)
        customer.aftersales_zone_id = self.centre
        self.assertEqual(repair._aftersales_fees()["visit"][1], 50.0)
        customer.aftersales_distance_km = 60
        self.assertEqual(repair._aftersales_fees()["visit"][1], 95.0)

    def test_overlapping_bands_and_negative_distances_refused(self):
        self.add_bands((self.centre, 0, 30, 60.0), (self.centre, 30, 0, 90.0))
        bands = self.visit.product_tmpl_id.aftersales_visit_band_ids
        with self.refused(ValidationError, "overlap"):
            self.add_bands((self.centre, 20, 40, 70.0))
        with self.refused(ValidationError, "overlap"):
            self.add_bands((self.centre, 100, 0, 70.0))
        # Another zone (or none) has bands of its own.
        self.add_bands((None, 20, 40, 70.0), (self.suburbs, 0, 0, 75.0))
        with self.refused(ValidationError, "ends before it starts"):
            bands[0].distance_to_km = 0.5
            bands[0].distance_from_km = 1
            bands.flush_recordset()
        with self.refused(ValidationError, "below 0 km"):
            self.add_bands((self.suburbs, -5, 10, 70.0))
        with self.refused(ValidationError, "below 0 km"):
            self.unit_old.distance_km = -1
        with self.refused(ValidationError, "below 0 km"):
            self.consumer.aftersales_distance_km = -1
        self.assertEqual(
            sorted(
                self.visit.product_tmpl_id.aftersales_visit_band_ids.mapped(
                    "price_unit"
                )
            ),
            [60.0, 70.0, 75.0, 90.0],
        )

    def test_unit_located_at_its_site_by_default(self):
        self.consumer.write(
            {"aftersales_zone_id": self.centre.id, "aftersales_distance_km": 8}
        )
        site = self.env["res.partner"].create(
            {
                "name": "王先生 别墅 Villa",
                "parent_id": self.consumer.id,
                "type": "delivery",
                "aftersales_zone_id": self.suburbs.id,
                "aftersales_distance_km": 55,
            }
        )
        unit = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0003").id,
                "partner_id": self.consumer.id,
                "installation_date": date(2025, 6, 1),
            }
        )
        self.assertEqual((unit.zone_id, unit.distance_km), (self.centre, 8.0))
        unit.site_partner_id = site
        self.assertEqual((unit.zone_id, unit.distance_km), (self.suburbs, 55.0))
        unit.distance_km = 57
        self.assertEqual(unit.distance_km, 57.0)

    def test_only_managers_edit_zones_and_standard_bands(self):
        with self.assertRaises(AccessError):
            self.env["aftersales.service.zone"].with_user(self.technician).create(
                {"name": "Elsewhere"}
            )
        with self.assertRaises(AccessError):
            self.env["aftersales.visit.fee.band"].with_user(self.technician).create(
                {"product_tmpl_id": self.visit.product_tmpl_id.id, "price_unit": 1.0}
            )
        # The technician neither reads the standard prices.
        band = self.env["aftersales.visit.fee.band"].create(
            {"product_tmpl_id": self.visit.product_tmpl_id.id, "price_unit": 66.0}
        )
        with self.assertRaises(AccessError):
            band.with_user(self.technician).read(["price_unit"])
        self.assertEqual(band.with_user(self.manager).price_unit, 66.0)

    def test_only_managers_locate_addresses(self):
        """The zone and distance of an address price its visits: a technician
        who may edit contacts (Contact Creation) changes neither; a manager does."""
        technician = new_test_user(
            self.env,
            "repair_tech_contacts",
            groups="aftersales_sla.group_aftersales_user,base.group_partner_manager",
        )
        for values in (
            {"aftersales_distance_km": 1.0},
            {"aftersales_zone_id": self.centre.id},
        ):
            with self.refused(AccessError, "price its visits"):
                self.consumer.with_user(technician).write(values)
            with self.refused(AccessError, "price its visits"):
                self.env["res.partner"].with_user(technician).create(
                    dict(values, name="Nearby")
                )
        self.consumer.with_user(technician).write({"phone": "13800000000"})
        manager = new_test_user(
            self.env,
            "repair_manager_contacts",
            groups="aftersales_sla.group_aftersales_manager,base.group_partner_manager",
        )
        self.consumer.with_user(manager).write(
            {"aftersales_zone_id": self.centre.id, "aftersales_distance_km": 12}
        )
        self.assertEqual(self.consumer.aftersales_distance_km, 12.0)


class TestPaymentJournals(FeeCase):
    def test_journals_made_once_cash_and_bank_reused(self):
        Journal = self.env["account.journal"]
        company = self.env.company
        domain = [("company_id", "=", company.id)]
        wallets = Journal.search(domain + [("code", "in", ("WXP", "ALP"))])
        self.assertEqual(
            sorted(wallets.with_context(lang="en_US").mapped("name")),
            ["Alipay", "WeChat Pay"],
        )
        self.assertEqual(set(wallets.mapped("type")), {"bank"})
        cash = Journal.search(domain + [("type", "=", "cash")])
        self.assertEqual(len(cash), 1, "the chart's cash journal is reused")
        banks = Journal.search_count(domain + [("type", "=", "bank")])
        self.assertFalse(ensure_payment_journals(self.env))
        self.assertEqual(Journal.search_count(domain + [("type", "=", "bank")]), banks)
        self.assertEqual(Journal.search(domain + [("type", "=", "cash")]), cash)

    def test_journals_of_a_company_given_a_chart_later(self):
        company = self.env["res.company"].create(
            {
                "name": "售后服务二公司 Service Co 2",
                "currency_id": self.env.company.currency_id.id,
            }
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
        journals = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "in", ("cash", "bank"))]
        )
        codes = journals.mapped("code")
        self.assertEqual((codes.count("WXP"), codes.count("ALP")), (1, 1))
        self.assertEqual(len(journals.filtered(lambda j: j.type == "cash")), 1)
        self.assertTrue(
            journals.filtered(
                lambda j: j.type == "bank" and j.code not in ("WXP", "ALP")
            )
        )
        self.assertFalse(ensure_payment_journals(self.env, company))


class TestTicketPayments(FeeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env, "fee_billing", groups="account.group_account_invoice"
        )
        cls.wechat = cls.env["account.journal"].search(
            [("company_id", "=", cls.env.company.id), ("code", "=", "WXP")]
        )

    def invoiced_ticket(self):
        """A chargeable ticket quoted (visit 80 + labour 120 + part 200),
        approved and invoiced."""
        ticket = self.report_consumer(serial_number="WH-T-0002")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return ticket, order, invoice

    def pay(self, invoice, amount, journal):
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.billing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": journal.id, "amount": amount})
        )
        wizard.action_create_payments()

    def test_partial_then_full_payment_with_wechat_pay(self):
        ticket, order, invoice = self.invoiced_ticket()
        self.assertAlmostEqual(invoice.amount_total, 400.0)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.charges_payment_state, "not_paid")
        self.assertAlmostEqual(ticket.amount_due, 400.0)
        self.pay(invoice, 150.0, self.wechat)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.charges_payment_state, "partial")
        self.assertAlmostEqual(ticket.amount_due, 250.0)
        self.pay(invoice, 250.0, self.wechat)
        paid = self.coverage_events(ticket, "ticket.paid")
        self.assertEqual(len(paid), 2)
        first, second = (payload_of(event) for event in paid)
        self.assertEqual(
            (first["invoice"], first["amount"], first["journal_code"]),
            (invoice.name, 150.0, "WXP"),
        )
        self.assertEqual(first["payment_state"], "partial")
        self.assertEqual(first["currency"], invoice.currency_id.name)
        self.assertEqual(second["amount"], 250.0)
        self.assertIn(second["payment_state"], ("paid", "in_payment"))
        self.assertEqual(second["journal"], self.wechat.name)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.charges_payment_state, "paid")
        self.assertAlmostEqual(ticket.amount_due, 0.0)
        self.assertAlmostEqual(ticket.amount_invoiced, 400.0)
        self.assertEqual(ticket.with_user(self.billing).invoice_ids, invoice)
        self.assertEqual(ticket.with_user(self.billing).sale_order_ids, order)
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_credit_note_is_not_a_payment(self):
        ticket, _order, invoice = self.invoiced_ticket()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"journal_id": invoice.journal_id.id, "reason": "客户取消 Cancelled"}
            )
        )
        reversal.refund_moves()
        credit_note = invoice.reversal_move_ids
        credit_note.action_post()
        receivable = (invoice + credit_note).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if receivable:
            receivable.reconcile()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(self.coverage_events(ticket, "ticket.paid"))

    def test_technician_reads_no_charges(self):
        ticket, _order, _invoice = self.invoiced_ticket()
        ticket.user_id = self.technician
        for field in ("amount_due", "charges_payment_state", "invoice_ids"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                ticket.with_user(self.technician).read([field])
        with self.assertRaises(AccessError):
            ticket.with_user(self.technician).action_view_invoices()
        # The auditor reads the amounts, not the invoices (no Invoicing rights).
        auditor = new_test_user(
            self.env, "fee_auditor", groups="aftersales_sla.group_aftersales_auditor"
        )
        self.assertEqual(
            ticket.with_user(auditor).read(["charges_payment_state"])[0][
                "charges_payment_state"
            ],
            "not_paid",
        )
        with self.assertRaises(AccessError):
            ticket.with_user(auditor).read(["invoice_ids"])


class TestExpiredQuotation(FeeCase):
    def test_expired_ticket_quotation_not_confirmed(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        repair = self.make_repair(ticket)
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        order.validity_date = fields.Date.today() - timedelta(days=1)
        order.action_quotation_sent()
        with self.refused(UserError, f"Quotation {order.name} expired on"):
            order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sent")
        with self.refused(UserError, "ask for a new one"):
            order.write({"signature": SIGNATURE, "signed_by": "王先生"})
        self.assertFalse(order.signature)
        self.assertFalse(self.coverage_events(ticket, "ticket.quotation_approved"))
        # Renewed: confirmed.
        order.validity_date = fields.Date.today()
        order.with_user(self.manager).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_other_expired_quotation_unchanged(self):
        """A quotation not of a ticket follows Odoo's rules."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.consumer.id,
                "validity_date": fields.Date.today() - timedelta(days=1),
                "order_line": [(0, 0, {"product_id": self.part.id})],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestExpiredQuotationPortal(RepairRpcCase):
    def test_portal_customer_cannot_sign_expired_quotation(self):
        order = self.quote()
        order.validity_date = fields.Date.today() - timedelta(days=3)
        new_test_user(
            self.env,
            "fee_portal",
            groups="base.group_portal",
            partner_id=self.consumer.id,
        )
        self.authenticate("fee_portal", "fee_portal")
        with mute_logger("odoo.http"):
            response = self.portal_accept(order, "钱女士")
        error = response["result"]["error"]
        self.assertIn(f"Quotation {order.name} expired on", error)
        self.assertIn("ask for a new one", error)
        order.invalidate_recordset()
        self.assertFalse(order.signature)
        self.assertFalse(order.signed_by)
        self.assertEqual(order.state, "sent")
        self.assertFalse(self.events("ticket.quotation_approved"))
