"""The customer portal of Repairs over HTTP: the customer's units, and the
coverage, quotations and invoices on the ticket's page."""

import json
from datetime import date, timedelta

from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .test_repair_orders import RepairOrderCase


@tagged("post_install", "-at_install")
class TestPortalRepair(RepairOrderCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consumer.email = "wang@example.cn"
        cls.portal_user = new_test_user(
            cls.env,
            "portal_wang",
            groups="base.group_portal",
            partner_id=cls.consumer.id,
        )
        cls.foreign_unit = cls.Unit.create(
            {
                "product_id": cls.heater.id,
                "lot_id": cls.lot("WH-T-0009").id,
                "partner_id": cls.other_consumer.id,
                "installation_date": date(2025, 1, 1),
            }
        )

    def page(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return lxml_html.fromstring(response.text)

    @staticmethod
    def text(node):
        return " ".join("".join(node.itertext()).split())

    def test_units_list_and_unit_page(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.authenticate("portal_wang", "portal_wang")
        page = self.page("/my/units")
        rows = {
            int(row.get("data-unit-id")): self.text(row)
            for row in page.xpath("//tr[@data-unit-id]")
        }
        self.assertEqual(set(rows), {self.unit_new.id, self.unit_old.id})
        self.assertIn("WH-T-0001", rows[self.unit_new.id])
        self.assertIn("05/31/2027", rows[self.unit_new.id])
        self.assertIn("In warranty", rows[self.unit_new.id])
        self.assertIn("Warranty expired", rows[self.unit_old.id])
        # The counter on /my.
        counters = self.url_open(
            "/my/counters",
            data=json.dumps(
                {"params": {"counters": ["aftersales_unit_count"]}},
            ),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(counters["aftersales_unit_count"], 2)

        page = self.page(f"/my/units/{self.unit_new.id}")
        unit_text = self.text(page.xpath("//div[hasclass('o_aftersales_unit')]")[0])
        self.assertIn("燃气热水器 Test heater", unit_text)
        self.assertEqual(
            self.text(page.xpath("//span[hasclass('o_aftersales_unit_serial')]")[0]),
            "WH-T-0001",
        )
        self.assertIn("06/01/2025", unit_text)
        self.assertIn(
            "05/31/2027",
            self.text(
                page.xpath("//span[hasclass('o_aftersales_unit_warranty_end')]")[0]
            ),
        )
        self.assertIn("整机保修两年", unit_text)
        self.assertIn("私自拆机不保", unit_text)
        tickets = page.xpath("//table[hasclass('o_aftersales_unit_tickets')]//tbody/tr")
        self.assertEqual(len(tickets), 1)
        self.assertIn(ticket.number, self.text(tickets[0]))
        self.assertIn("Warranty", self.text(tickets[0]))
        # Reporting a problem from the unit's page gives its serial number.
        report = page.xpath("//a[hasclass('o_aftersales_unit_report')]")[0]
        form = self.page(report.get("href"))
        self.assertEqual(
            form.xpath("//input[@name='serial_number']")[0].value, "WH-T-0001"
        )

    def test_another_customers_unit_is_not_found(self):
        self.authenticate("portal_wang", "portal_wang")
        listing = self.url_open("/my/units").text
        self.assertNotIn("WH-T-0009", listing)
        with mute_logger("odoo.http"):
            self.page(f"/my/units/{self.foreign_unit.id}", status=404)
            missing = self.Unit.search([], order="id desc", limit=1).id + 1000
            self.page(f"/my/units/{missing}", status=404)
            # Nor over JSON-RPC: reading it is refused, writing even their own.
            response = call_kw(
                self, "aftersales.unit", "read", [self.foreign_unit.ids, ["lot_id"]]
            )
            self.assertEqual(
                response["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
            response = call_kw(
                self,
                "aftersales.unit",
                "search",
                [[]],
            )
            self.assertEqual(
                set(response["result"]),
                {self.unit_new.id, self.unit_old.id},
            )
            response = call_kw(
                self,
                "aftersales.unit",
                "write",
                [self.unit_new.ids, {"installation_date": "2026-01-01"}],
            )
            self.assertEqual(
                response["error"]["data"]["name"], "odoo.exceptions.AccessError"
            )
        self.assertEqual(self.unit_new.installation_date, date(2025, 6, 1))

    def test_covered_ticket_page_shows_coverage_and_unit(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.make_repair(ticket)
        self.authenticate("portal_wang", "portal_wang")
        page = self.page(f"/my/aftersales/tickets/{ticket.id}")
        coverage = page.xpath("//p[hasclass('o_aftersales_ticket_coverage')]")
        self.assertIn("Warranty (In Warranty)", self.text(coverage[0]))
        link = page.xpath("//a[hasclass('o_aftersales_ticket_unit')]")[0]
        self.assertEqual(link.get("href"), f"/my/units/{self.unit_new.id}")
        self.assertIn("WH-T-0001", self.text(link))
        # A covered repair has no quotation to approve.
        self.assertFalse(
            page.xpath("//section[hasclass('o_aftersales_ticket_quotations')]")
        )

    def test_chargeable_ticket_page_links_quotations_and_invoices(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        manager_ticket = ticket.with_user(self.manager)
        for _index in range(4):
            manager_ticket.action_create_repair_order()
        repairs = ticket.sudo().repair_ids.sorted("id")
        self.assertEqual(len(repairs), 4)
        for repair in repairs:
            repair.with_user(self.manager).action_create_sale_order()
        to_sign, expired, signed, draft = repairs.sale_order_id.sorted("id")
        (to_sign | expired | signed).action_quotation_sent()
        expired.validity_date = date.today() - timedelta(days=1)
        signed.signed_by = "王先生"
        signed.action_confirm()
        invoice = signed._create_invoices()
        invoice.action_post()

        self.authenticate("portal_wang", "portal_wang")
        page = self.page(f"/my/aftersales/tickets/{ticket.id}")
        self.assertIn(
            "Chargeable (Warranty Expired)",
            self.text(page.xpath("//p[hasclass('o_aftersales_ticket_coverage')]")[0]),
        )
        rows = page.xpath(
            "//section[hasclass('o_aftersales_ticket_quotations')]//tbody/tr"
        )
        statuses, hrefs = {}, {}
        for row in rows:
            link = row.xpath(".//a[hasclass('o_aftersales_quotation_link')]")[0]
            statuses[link.text] = (row.get("data-status"), self.text(row))
            hrefs[link.text] = link.get("href")
        self.assertEqual(
            {name: status for name, (status, _text) in statuses.items()},
            {to_sign.name: "to_sign", expired.name: "expired", signed.name: "signed"},
            "the draft quotation was never sent: not shown",
        )
        self.assertIn("To sign", statuses[to_sign.name][1])
        self.assertIn("Expired", statuses[expired.name][1])
        self.assertIn("Signed", statuses[signed.name][1])
        self.assertIn("200.00", statuses[to_sign.name][1])
        href = hrefs[to_sign.name]
        self.assertEqual(
            href, f"/my/orders/{to_sign.id}?access_token={to_sign.access_token}"
        )
        # The link opens Odoo's own quotation page, where the customer signs.
        quotation_page = self.url_open(href)
        self.assertEqual(quotation_page.status_code, 200)
        self.assertIn(to_sign.name, quotation_page.text)

        invoices = page.xpath(
            "//section[hasclass('o_aftersales_ticket_invoices')]//tbody/tr"
        )
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices[0].get("data-payment-state"), "not_paid")
        invoice_text = self.text(invoices[0])
        self.assertIn(invoice.name, invoice_text)
        self.assertIn("200.00", invoice_text)
        self.assertIn("Not Paid", invoice_text)
        self.assertEqual(
            invoices[0].xpath(".//a")[0].get("href"),
            f"/my/invoices/{invoice.id}?access_token={invoice.access_token}",
        )
