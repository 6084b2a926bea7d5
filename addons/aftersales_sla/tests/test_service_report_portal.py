"""Monthly service reports on the portal (the customer's, the service
partner's, never another customer's), over RPC, and one real PDF in Chinese."""

import shutil
import subprocess
import xmlrpc.client
from datetime import date
from unittest import skipIf

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw
from .test_service_report_common import ServiceReportCase

PDFTOTEXT = shutil.which("pdftotext")


@tagged("post_install", "-at_install")
class TestServiceReportPortal(ServiceReportCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.estate_user = new_test_user(
            cls.env,
            "sr_portal_chen",
            groups="base.group_portal",
            partner_id=cls.contact_zh.id,
        )
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "李安居", "parent_id": cls.customer.id, "email": "li@anju.example"}
        )
        cls.other_user = new_test_user(
            cls.env,
            "sr_portal_li",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )
        cls.shunde = cls.env["res.partner"].create(
            {"name": "佛山顺德安装服务部", "is_company": True}
        )
        cls.shunde_contact = cls.env["res.partner"].create(
            {
                "name": "Mr. Ho",
                "parent_id": cls.shunde.id,
                "email": "ho@shunde.example",
                "lang": "en_US",
            }
        )
        cls.shunde_user = new_test_user(
            cls.env,
            "sr_portal_ho",
            groups="base.group_portal",
            partner_id=cls.shunde_contact.id,
        )
        cls.partner_contract = cls.env["aftersales.contract"].create(
            {
                "contract_type": "partner",
                "partner_id": cls.shunde.id,
                "parent_id": cls.estate_contract.id,
                "title": "顺德背靠背维保",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "service_report_partner_ids": [(6, 0, cls.shunde_contact.ids)],
            }
        )
        cls.partner_contract.action_activate()
        cls.other_contract = cls.contract  # the other customer's (TicketCase)
        with freeze_time("2026-12-01 02:00:00"):
            cls.estate_report = cls.Report._generate(
                cls.estate_contract, date(2026, 11, 1)
            )
            cls.partner_report = cls.Report._generate(
                cls.partner_contract, date(2026, 11, 1)
            )
            cls.other_report = cls.Report._generate(
                cls.other_contract, date(2026, 11, 1)
            )

    def test_portal_lists_the_users_own_reports(self):
        self.authenticate("sr_portal_chen", "sr_portal_chen")
        page = self.url_open("/my/service-reports").text
        self.assertIn(self.estate_report.name, page)
        self.assertNotIn(self.other_report.name, page)
        self.assertNotIn(self.partner_report.name, page)
        self.assertIn(
            f"/my/service-reports/{self.estate_report.id}/pdf?lang=zh_CN", page
        )
        self.assertIn("中文", page)
        home = self.url_open("/my/home").text
        self.assertIn("/my/service-reports", home)

    def test_partner_contract_reports_for_the_service_partner(self):
        self.authenticate("sr_portal_ho", "sr_portal_ho")
        page = self.url_open("/my/service-reports").text
        self.assertIn(self.partner_report.name, page)
        self.assertNotIn(self.estate_report.name, page)
        response = self.url_open(f"/my/service-reports/{self.partner_report.id}/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertIn("佛山顺德安装服务部", response.text)

    def test_pdf_in_the_language_asked_and_never_another_customers(self):
        self.authenticate("sr_portal_chen", "sr_portal_chen")
        for lang in ("en_US", "zh_CN"):
            response = self.url_open(
                f"/my/service-reports/{self.estate_report.id}/pdf?lang={lang}"
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("深圳华侨城物业服务有限公司", response.text)
            self.assertIn(lang, self.estate_report.attachment_ids.mapped("description"))
        # The same kept PDF is served again.
        self.assertEqual(len(self.estate_report.attachment_ids), 2)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/service-reports/{self.other_report.id}/pdf?lang=zh_CN"
            )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.other_report.attachment_ids, "nothing rendered for it")

    def test_rpc_reads_only_own_reports_and_writes_nothing(self):
        self.authenticate("sr_portal_chen", "sr_portal_chen")
        answer = call_kw(
            self,
            "aftersales.service.report",
            "search_read",
            [[]],
            {"fields": ["name"]},
        )
        self.assertEqual(
            [row["id"] for row in answer["result"]], self.estate_report.ids
        )
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.service.report",
                "read",
                [self.other_report.ids, ["figures"]],
            )
        self.assertIn("error", answer)
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.service.report",
                "read",
                [self.estate_report.ids, ["error"]],
            )
        self.assertIn("error", answer, "internal errors are not the customer's")

    def test_technician_cannot_generate_over_rpc(self):
        self.authenticate("sr_tech", "sr_tech")
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.service.report.generate",
                "create",
                [{"contract_ids": [[6, 0, self.estate_contract.ids]]}],
            )
        self.assertIn("error", answer)
        self.authenticate("sr_manager", "sr_manager")
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.service.report",
                "write",
                [self.estate_report.ids, {"state": "sent"}],
            )
        self.assertIn("error", answer)
        self.assertEqual(self.estate_report.state, "generated")
        with mute_logger("odoo.http", "odoo.addons.base.controllers.rpc"):
            with self.assertRaises(xmlrpc.client.Fault):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    self.manager.id,
                    "sr_manager",
                    "aftersales.service.report",
                    "create",
                    [
                        {
                            "name": "forged",
                            "contract_id": self.estate_contract.id,
                            "date_from": "2026-10-01",
                            "date_to": "2026-10-31",
                        }
                    ],
                )


@skipIf(not PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
@tagged("post_install", "-at_install")
class TestServiceReportPdf(ServiceReportCase, HttpCase):
    """wkhtmltopdf fetches the report's assets from the test server."""

    def test_a_real_pdf_in_chinese(self):
        self.env["aftersales.event"]._seal_chains()
        with freeze_time("2026-12-01 02:00:00"):
            report = self.Report._generate(self.estate_contract, date(2026, 11, 1))
        attachment = report.with_context(force_report_rendering=True)._pdf("zh_CN")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        text = subprocess.run(
            [PDFTOTEXT, "-layout", "-", "-"],
            input=attachment.raw,
            capture_output=True,
            check=True,
        ).stdout.decode()
        self.assertIn("深圳华侨城物业服务有限公司", text)
        self.assertIn("9,500.00", text)
        self.assertIn(str(report.chain_sequence), text)
        self.assertIn(report.chain_token[:16], text.replace("\n", "").replace(" ", ""))
