"""The service report of a ticket in Repairs: coverage, parts, work and charges."""

from unittest import skipIf

from lxml import html as lxml_html

from odoo.tests import HttpCase, tagged

from odoo.addons.aftersales_sla.tests.test_reports import PDFTOTEXT, pdf_text

from .test_repair_orders import RepairOrderCase

REPORT = "aftersales_sla.action_report_aftersales_ticket"


@tagged("post_install", "-at_install")
class TestServiceReport(RepairOrderCase, HttpCase):
    """An HttpCase: wkhtmltopdf reads the report's assets from the server."""

    def render(self, ticket, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, _kind = Report._render_qweb_html(REPORT, ticket.ids)
        return lxml_html.fromstring(content)

    @staticmethod
    def text(node):
        return " ".join(" ".join(node.itertext()).split())

    def charge(self, page):
        """What the charged row says: (kind, text)."""
        row = page.xpath("//tr[@name='charged']")[0]
        return row.get("data-charge"), self.text(row)

    def rows(self, page, name):
        """The text of each body row of the table named ``name``."""
        table = page.xpath(f"//table[@name='{name}']")
        self.assertEqual(len(table), 1, f"one table {name}")
        return [self.text(row) for row in table[0].xpath("./tbody/tr")]

    def test_covered_ticket_shows_the_value_and_charges_nothing(self):
        ticket = self.report_consumer(
            serial_number="WH-T-0001", user_id=self.technician.id
        )
        self.assertEqual(ticket.coverage, "warranty")
        repair = self.make_repair(ticket)
        repair.aftersales_labour_hours = 2.0
        self.add_part(repair, qty=2.0)
        # The technician prints it without the Repairs rights.
        page = self.render(ticket, user=self.technician)
        coverage = self.text(page.xpath("//table[@name='coverage']")[0])
        self.assertIn("Warranty", coverage)
        self.assertIn("In Warranty", coverage)
        self.assertIn("燃气热水器 Test heater", coverage)
        self.assertIn("WH-T-0001", coverage)
        # 2025-06-01 plus 24 months.
        self.assertIn("05/31/2027", coverage)
        parts = self.rows(page, "repair_parts")
        self.assertEqual(len(parts), 1)
        self.assertIn(repair.name, parts[0])
        self.assertIn("点火针 Igniter", parts[0])
        self.assertIn("2.00", parts[0])
        work = self.rows(page, "repair_work")
        self.assertEqual(len(work), 5)
        self.assertIn("上门费 Visit", work[0])
        self.assertIn("80.00", work[0])
        self.assertIn("工时 Labour", work[1])
        self.assertIn("2.00", work[1])
        self.assertIn("120.00", work[1])
        self.assertIn("240.00", work[1])
        self.assertIn("400.00", work[2])
        # Value of the work 80 + 2 x 120 + 2 x 200, charged nothing.
        self.assertIn("Value of the work", work[3])
        self.assertIn("720.00", work[3])
        self.assertIn("Charged to the customer", work[4])
        self.assertIn("0.00", work[4])
        self.assertNotIn("720.00", work[4])
        self.assertIn("free of charge", work[4])
        self.assertEqual(self.charge(page)[0], "covered")
        self.assertFalse(page.xpath("//table[@name='repair_documents']"))

    def test_chargeable_ticket_shows_quotation_and_invoice(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(ticket.coverage, "chargeable")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        # Not quoted yet: nothing is said to be charged (not 0).
        kind, text = self.charge(self.render(ticket))
        self.assertEqual(kind, "not_quoted")
        self.assertNotIn("0.00", text)
        self.assertIn("the quotation is not made yet", text)
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id
        order.action_quotation_sent()
        page = self.render(ticket)
        self.assertEqual(self.charge(page)[0], "quoted")
        coverage = self.text(page.xpath("//table[@name='coverage']")[0])
        self.assertIn("Chargeable", coverage)
        self.assertIn("Warranty Expired", coverage)
        self.assertIn("05/31/2025", coverage)
        work = self.rows(page, "repair_work")
        self.assertIn("400.00", work[-2])  # 80 + 120 + 200
        self.assertIn("400.00", work[-1])  # charged: the quotation
        self.assertNotIn("free of charge", work[-1])
        documents = self.rows(page, "repair_documents")
        self.assertEqual(len(documents), 1)
        self.assertIn(order.name, documents[0])
        self.assertIn("Quotation Sent", documents[0])

        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        page = self.render(ticket)
        documents = self.rows(page, "repair_documents")
        self.assertEqual(len(documents), 2)
        self.assertIn("Sales Order", documents[0])
        self.assertIn(invoice.name, documents[1])
        self.assertIn("Not Paid", documents[1])
        self.assertIn("400.00", documents[1])
        work = self.rows(page, "repair_work")
        self.assertIn("400.00", work[-1])
        self.assertEqual(self.charge(page)[0], "invoiced")

    def test_customer_language(self):
        self.consumer.lang = "zh_CN"
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.make_repair(ticket)
        page = self.render(ticket)
        coverage = self.text(page.xpath("//table[@name='coverage']")[0])
        self.assertIn("保修期内", coverage)
        self.assertIn("2027年05月31日", coverage)

    @skipIf(not PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
    def test_pdf_prints_the_charges(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        repair = self.make_repair(ticket)
        self.add_part(repair)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, ticket.ids)
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(pdf_text(pdf).split())
        self.assertIn("点火针 Igniter", text)
        self.assertIn("WH-T-0001", text)
        self.assertIn("400.00", text)
        self.assertIn("Charged to the customer", text)

    def test_ticket_without_repair_shows_its_coverage_only(self):
        ticket = self.report_consumer(serial_number="NO-SUCH-SERIAL")
        page = self.render(ticket)
        coverage = self.text(page.xpath("//table[@name='coverage']")[0])
        self.assertIn("No Unit / Unknown", coverage)
        self.assertFalse(page.xpath("//table[@name='repair_work']"))
