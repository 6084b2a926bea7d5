"""docs/reports/ has a page for every after-sales PDF report, with its first page
rendered in English and in Chinese (scripts/report-previews.sh makes the pictures)."""

import re
from pathlib import Path

from odoo.tests import TransactionCase, tagged

DOCS = Path(__file__).resolve().parent.parent / "docs" / "reports"
PNG = b"\x89PNG\r\n\x1a\n"


@tagged("post_install", "-at_install")
class TestReportDocs(TransactionCase):
    def test_every_report_has_a_page_with_both_languages(self):
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "aftersales_%")]
        )
        self.assertGreaterEqual(len(reports), 5)
        pages = {path.name: path.read_text() for path in DOCS.glob("*.md")}
        index = pages.pop("README.md")
        xmlids = reports.get_external_id()
        for report in reports:
            xmlid = xmlids[report.id]
            named = [name for name, text in pages.items() if f"`{xmlid}`" in text]
            self.assertEqual(len(named), 1, f"one page in docs/reports for {xmlid}")
            self.assertIn(f"({named[0]})", index, "listed in docs/reports/README.md")
            images = re.findall(r"\]\((img/[^)]+\.png)\)", pages[named[0]])
            for lang in ("en_US", "zh_CN"):
                pictures = [image for image in images if f"-{lang}." in image]
                self.assertEqual(len(pictures), 1, f"{named[0]}: {lang} picture")
                data = (DOCS / pictures[0]).read_bytes()
                self.assertTrue(data.startswith(PNG), pictures[0])
                self.assertGreater(len(data), 10000, f"{pictures[0]} is a real page")
