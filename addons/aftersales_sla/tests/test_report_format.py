"""How the PDF reports read in Chinese and in English: dates and times to the minute
(never the seconds), lists joined with the language's punctuation, status and date
cells kept on one line, and the document's reference with the page number on every
page (wkhtmltopdf on unpatched Qt prints no header or footer)."""

import io
import re
import subprocess
from datetime import date
from unittest import skipIf

from lxml import html as lxml_html

from odoo.tests import TransactionCase, tagged
from odoo.tools.pdf import PdfReader

from ..report.report_aftersales_contract import EXCLUSION_REASONS
from ..tools import door
from ..tools.report_format import join_list, list_punctuation
from .test_reports import PDFTOTEXT, ReportCase, pdf_text

SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
STATEMENT = "aftersales_sla.action_report_sla_statement"
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@skipIf(not PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
@tagged("post_install", "-at_install")
class TestReportFormat(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The disputed penalty settled on a credit note: its status is the longest
        # in Chinese (已开具发票), the one that used to wrap a character a line.
        with door.opened("aftersales.penalty"):
            cls.penalty.sudo().write({"state": "invoiced"})

    def pdf(self, report_ref, records, data=None):
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids, data=data)
        )
        return pdf

    def pages(self, pdf):
        """The text of each page of ``pdf``."""
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        return [
            subprocess.run(
                [PDFTOTEXT, "-layout", "-f", str(page), "-l", str(page), "-", "-"],
                input=pdf,
                capture_output=True,
                check=True,
            ).stdout.decode()
            for page in range(1, count + 1)
        ]

    def statement_data(self):
        return dict(NOVEMBER, contract_ids=self.contract.ids)

    def set_customer_lang(self, lang):
        self.customer.write({"lang": lang})
        self.contact.write({"lang": lang})

    # ------------------------------------------------------------------
    # Dates and times
    # ------------------------------------------------------------------

    def test_dates_and_times_without_seconds_in_chinese(self):
        texts = {
            "ticket": self.render(
                "aftersales_sla.action_report_aftersales_ticket", self.ticket
            ),
            "statement": self.render(
                STATEMENT, self.contract, data=self.statement_data()
            ),
        }
        for name, text in texts.items():
            with self.subTest(report=name):
                self.assertNotIn("秒", text)
                self.assertNotRegex(text, r"\d时\d{2}分")
                self.assertFalse(SECONDS.search(text), SECONDS.search(text))
        # The urgent ticket reported at 09:00 breached its 2 h response at 11:00.
        self.assertIn("2026年11月20日 11:00", texts["statement"])
        self.assertIn("2026年11月20日 09:00", texts["ticket"])

    def test_dates_and_times_without_seconds_in_english(self):
        self.set_customer_lang("en_US")
        text = self.render(
            "aftersales_sla.action_report_aftersales_ticket", self.ticket
        )
        self.assertIn("Ticket reported", text)
        self.assertIn("11/20/2026 09:00", text)
        self.assertFalse(SECONDS.search(text), SECONDS.search(text))

    # ------------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------------

    def test_list_punctuation_by_language(self):
        self.assertEqual(list_punctuation("zh_CN"), ("、", "。"))
        self.assertEqual(list_punctuation("zh_TW"), ("、", "。"))
        self.assertEqual(list_punctuation("en_US"), (", ", "."))
        self.assertEqual(join_list(["甲", "", "乙"], "zh_TW", end=True), "甲、乙。")
        self.assertEqual(join_list(["a", "b"], "fr_FR"), "a, b")
        self.assertEqual(join_list([], "zh_CN", end=True), "")

    def exclusions(self, lang):
        env = self.env(context=dict(self.env.context, lang=lang))
        labels = dict(
            env["aftersales.penalty"]
            ._fields["waiver_reason"]
            ._description_selection(env)
        )
        return [labels[code] for code in EXCLUSION_REASONS]

    def test_exclusions_line_in_chinese(self):
        text = self.render(
            "aftersales_sla.action_report_aftersales_contract", self.contract
        )
        flat = re.sub(r"\s+", "", text)
        labels = self.exclusions("zh_CN")
        self.assertNotEqual(labels[0], self.exclusions("en_US")[0])
        self.assertIn("不计违约金：" + "、".join(labels) + "。", flat)
        self.assertNotIn(", ".join(labels), text)

    def test_exclusions_line_in_english(self):
        self.set_customer_lang("en_US")
        text = self.render(
            "aftersales_sla.action_report_aftersales_contract", self.contract
        )
        flat = " ".join(text.split())
        labels = self.exclusions("en_US")
        self.assertIn("caused by: " + ", ".join(labels) + ".", flat)
        self.assertNotIn("、".join(labels), flat)

    # ------------------------------------------------------------------
    # Cells kept on one line
    # ------------------------------------------------------------------

    def test_status_and_date_cells_do_not_wrap(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                STATEMENT, self.contract.ids, data=self.statement_data()
            )[0]
            .decode()
        )
        tree = lxml_html.fromstring(html)
        penalty_rows = tree.xpath("//table[@name='penalties']/tbody/tr")
        self.assertTrue(penalty_rows)
        statuses = [row.xpath("./td")[5] for row in penalty_rows]
        self.assertIn("已开具发票", [cell.text_content().strip() for cell in statuses])
        for cell in statuses:
            self.assertIn("text-nowrap", cell.get("class", "").split())
        breach_rows = tree.xpath("//table[@name='breaches']/tbody/tr")
        self.assertTrue(breach_rows)
        for row in breach_rows:
            for cell in row.xpath("./td")[2:5]:
                self.assertIn("text-nowrap", cell.get("class", "").split())
        # In the PDF, the status reads on one line.
        text = pdf_text(self.pdf(STATEMENT, self.contract, data=self.statement_data()))
        self.assertIn("已开具发票", text)

    # ------------------------------------------------------------------
    # Reference and page number on every page
    # ------------------------------------------------------------------

    def test_reference_and_page_number_on_every_page(self):
        long_contract = self.contract.copy(
            {
                "annex_ids": [
                    (
                        0,
                        0,
                        {
                            "title": f"附件 {number}",
                            "body": "".join(
                                f"<p>第 {line} 条：乙方负责门锁的维修与保养。</p>"
                                for line in range(40)
                            ),
                        },
                    )
                    for number in range(4)
                ]
            }
        )
        self.assertTrue(long_contract.name)
        pages = self.pages(
            self.pdf("aftersales_sla.action_report_aftersales_contract", long_contract)
        )
        self.assertGreaterEqual(len(pages), 3)
        for number, text in enumerate(pages, start=1):
            with self.subTest(page=number):
                self.assertRegex(
                    text,
                    rf"{re.escape(long_contract.name)} · {number} / {len(pages)}\s*$",
                )

    def test_several_documents_each_count_their_own_pages(self):
        tickets = self.ticket | self.late
        pages = self.pages(
            self.pdf("aftersales_sla.action_report_aftersales_ticket", tickets)
        )
        stamps = [re.search(r"(\S+) · (\d+) / (\d+)\s*$", text) for text in pages]
        self.assertTrue(all(stamps), pages)
        self.assertEqual(
            [stamp.group(1) for stamp in stamps if stamp.group(2) == "1"],
            [self.ticket.number, self.late.number],
        )
        for stamp in stamps:
            same = [other for other in stamps if other.group(1) == stamp.group(1)]
            self.assertEqual(int(stamp.group(3)), len(same))
        self.assertIn("门锁无法开启", pages[0])
        self.assertIn("大门门禁完全失灵", "".join(pages))


@tagged("post_install", "-at_install")
class TestFirstPrint(TransactionCase):
    """The first print from a server button prints: never "Configure your document
    layout" (Odoo asks an administrator for it while the company has none)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "No Layout Yet Ltd"})
        cls.env.user.write(
            {"company_ids": [(4, cls.company.id)], "company_id": cls.company.id}
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.partner = cls.env["res.partner"].create({"name": "Layout Customer"})
        cls.contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.partner.id,
                "company_id": cls.company.id,
                "title": "First print",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
            }
        )

    def test_server_buttons_print_on_a_company_without_layout(self):
        self.assertTrue(self.env.is_admin())
        self.assertEqual(self.env.company, self.company)
        self.assertFalse(self.company.external_report_layout_id)
        # Odoo's own reports still ask once, on such a company.
        odoo_report = self.env.ref("account.account_invoices").report_action([])
        self.assertEqual(odoo_report["res_model"], "base.document.layout")
        statement = self.env["aftersales.sla.statement"].create(
            {
                "contract_id": self.contract.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        )
        verify = self.env["aftersales.event.verify"].create({})
        for action in (statement.action_print(), verify.action_print_report()):
            with self.subTest(report=action.get("report_name")):
                self.assertEqual(action["type"], "ir.actions.report")

    def test_demo_company_has_a_document_layout(self):
        demo = self.env.ref(
            "aftersales_sla.demo_contract_lock_shenzhen", raise_if_not_found=False
        )
        if not demo:
            self.skipTest("no demo data")
        main = self.env.ref("base.main_company")
        self.assertEqual(
            main.external_report_layout_id,
            self.env.ref("web.external_layout_standard"),
        )
        self.env.user.company_id = main
        env = self.env(context=dict(self.env.context, allowed_company_ids=main.ids))
        action = env.ref("account.account_invoices").report_action([])
        self.assertEqual(action["type"], "ir.actions.report")
