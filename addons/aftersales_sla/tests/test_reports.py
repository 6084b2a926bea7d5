"""QWeb PDF reports rendered for real by wkhtmltopdf, read back with pdftotext:
the contract with its annexes, the service report of a ticket, the SLA statement,
the ledger integrity report; and the customer's sign-off on the portal."""

import base64
import io
import json
import shutil
import subprocess
from datetime import date, datetime
from unittest import skipIf
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from PIL import Image, ImageDraw

from odoo.tests import HttpCase, new_test_user, tagged

PDFTOTEXT = shutil.which("pdftotext")


def local(*args):
    """Naive UTC datetime of a Shanghai wall-clock time."""
    moment = datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def signature_png():
    """A small signature image, base64."""
    image = Image.new("RGB", (300, 90), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(10, 70), (80, 20), (150, 65), (220, 15), (290, 60)], "navy", 4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue())


def build_report_data(env):
    """A smart-lock maker's customer contract with everything the reports show, a
    resolved ticket with a full timeline and a breached, disputed ticket.

    The customer reads Simplified Chinese (zh_CN) in Asia/Shanghai.
    """
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        ["resource", "uom", "aftersales_sla"], ["zh_CN"]
    )
    cny = env.ref("base.CNY")
    cny.active = True
    company = env["res.company"].create(
        {
            "name": "深圳智锁科技有限公司",
            "currency_id": cny.id,
            "vat": "91440300MA5FTEST01",
            "street": "南山区科技园南区 88 号",
            "city": "深圳",
            "country_id": env.ref("base.cn").id,
        }
    )
    company.partner_id.tz = "Asia/Shanghai"
    env.user.write({"company_ids": [(4, company.id)], "company_id": company.id})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    calendar = env["resource.calendar"].create(
        {
            "name": "上门服务 08:00-22:00",
            "tz": "Asia/Shanghai",
            "company_id": company.id,
            "attendance_ids": [(5, 0, 0)]
            + [
                (
                    0,
                    0,
                    {
                        "name": f"Day {day}",
                        "dayofweek": str(day),
                        "hour_from": 8,
                        "hour_to": 22,
                    },
                )
                for day in range(6)
            ],
        }
    )
    env["resource.calendar.leaves"].create(
        {
            "name": "国庆节",
            "calendar_id": calendar.id,
            "date_from": local(2026, 10, 1, 0, 0),
            "date_to": local(2026, 10, 8, 0, 0),
        }
    )
    env["aftersales.calendar.extra.day"].create(
        {
            "calendar_id": calendar.id,
            "date": date(2026, 10, 10),
            "name": "国庆节调休上班",
            "weekday_like": "0",
        }
    )
    waiting = env.ref("aftersales_sla.pause_reason_waiting_customer")
    policy = env["aftersales.sla.policy"].create(
        {
            "name": "智能门锁服务水平",
            "company_id": company.id,
            "target_ids": [
                (
                    0,
                    0,
                    {
                        "metric": "response",
                        "priority": "1",
                        "target_hours": 12,
                        "calendar_id": calendar.id,
                        "pause_reason_ids": [(6, 0, waiting.ids)],
                    },
                ),
                (
                    0,
                    0,
                    {
                        "metric": "response",
                        "priority": "3",
                        "target_hours": 2,
                        "warning_percent": 50,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "metric": "resolution",
                        "priority": "1",
                        "target_hours": 48,
                        "calendar_id": calendar.id,
                    },
                ),
                (
                    0,
                    0,
                    {
                        "metric": "resolution",
                        "priority": "3",
                        "target_hours": 7.5,
                        "calendar_id": calendar.id,
                    },
                ),
            ],
        }
    )
    customer = env["res.partner"].create(
        {
            "name": "深圳安居物业管理有限公司",
            "is_company": True,
            "lang": "zh_CN",
            "tz": "Asia/Shanghai",
            "street": "福田区福华路 1 号",
            "city": "深圳",
            "country_id": env.ref("base.cn").id,
        }
    )
    contact = env["res.partner"].create(
        {
            "name": "李女士",
            "parent_id": customer.id,
            "email": "li.reports@example.com",
            "lang": "zh_CN",
            "tz": "Asia/Shanghai",
        }
    )
    lock = env["product.product"].create({"name": "智能门锁 S1", "type": "consu"})
    visit = env["product.product"].create({"name": "上门服务费", "type": "service"})
    contract = env["aftersales.contract"].create(
        {
            "partner_id": customer.id,
            "company_id": company.id,
            "currency_id": cny.id,
            "title": "智能门锁维保服务 2026",
            "date_start": date(2026, 1, 1),
            "date_end": date(2026, 12, 31),
            "amount_value": 100000,
            "calendar_id": calendar.id,
            "sla_policy_id": policy.id,
            "service_type_ids": [
                (6, 0, env.ref("aftersales_sla.service_type_repair").ids)
            ],
            "country_ids": [(6, 0, env.ref("base.cn").ids)],
            "product_line_ids": [
                (0, 0, {"product_id": lock.id, "serial_number": "SL-2026-000123"}),
                (0, 0, {"product_id": lock.id, "serial_number": "SL-2026-000124"}),
            ],
            "fee_line_ids": [
                (0, 0, {"product_id": visit.id, "price_unit": 200}),
                (0, 0, {"name": "工时费", "price_unit": 150}),
            ],
            "penalty_rule_ids": [
                (
                    0,
                    0,
                    {
                        "name": "响应超时违约金",
                        "rule_type": "fixed",
                        "amount": 500,
                        "metric": "response",
                    },
                ),
                (
                    0,
                    0,
                    {
                        "name": "修复超时按小时计",
                        "rule_type": "per_hour",
                        "amount": 100,
                        "max_per_ticket": 1000,
                        "metric": "resolution",
                    },
                ),
            ],
            "penalty_cap_percent": 10,
            "penalty_period": "month",
            "penalty_period_cap_amount": 3000,
            "annex_ids": [
                (
                    0,
                    0,
                    {
                        "title": "服务内容说明",
                        "body": "<p>乙方负责门锁的维修、保养与技术支持。</p>",
                    },
                )
            ],
        }
    )
    contract.action_activate()
    technician = new_test_user(
        env,
        "report_tech",
        name="王师傅",
        groups="aftersales_sla.group_aftersales_user",
        company_id=company.id,
        company_ids=[(6, 0, company.ids)],
    )
    manager = new_test_user(
        env,
        "report_manager",
        name="陈经理",
        groups="aftersales_sla.group_aftersales_manager",
        company_id=company.id,
        company_ids=[(6, 0, company.ids)],
    )
    Ticket = env["aftersales.ticket"]
    with freeze_time(local(2026, 11, 20, 9, 0)):
        ticket = Ticket.create(
            {
                "name": "门锁无法开启",
                "partner_id": customer.id,
                "contact_id": contact.id,
                "company_id": company.id,
                "product_id": lock.id,
                "serial_number": "SL-2026-000123",
                "description": "<p>3号楼1单元门锁指纹识别失败。</p>",
            }
        )
    with freeze_time(local(2026, 11, 20, 9, 10)):
        ticket.user_id = technician
    with freeze_time(local(2026, 11, 20, 10, 0)):
        ticket.action_acknowledge()
    with freeze_time(local(2026, 11, 20, 11, 30)):
        ticket.action_arrive()
    with freeze_time(local(2026, 11, 20, 12, 0)):
        ticket.work_notes = "<p>更换锁体电机, 测试指纹开锁正常。</p>"
        # An internal note stays internal: the customer signs this report.
        ticket.message_post(
            body="客户曾拖欠维修费 (internal)",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
    with freeze_time(local(2026, 11, 20, 15, 0)):
        ticket.action_resolve()
    # An urgent ticket nobody answers: its response clock breaches.
    with freeze_time(local(2026, 11, 20, 9, 0)):
        late = Ticket.create(
            {
                "name": "大门门禁完全失灵",
                "partner_id": customer.id,
                "company_id": company.id,
                "priority": "3",
            }
        )
    with freeze_time(local(2026, 11, 21, 9, 0)):
        env["aftersales.ticket.sla"]._cron_sla_watch()
    penalty = env["aftersales.penalty"].search([("ticket_id", "=", late.id)])
    # Disputed and reduced in November too: the statement of November shows both
    # (whatever day the tests run).
    with freeze_time(local(2026, 11, 23, 10, 0)):
        penalty.with_user(manager).action_dispute("当天小区停电")
    with freeze_time(local(2026, 11, 24, 10, 0)):
        penalty.with_user(manager).action_resolve_dispute(
            "reduce", amount=200, opinion="停电属实, 减免 200"
        )
    return {
        "env": env,
        "company": company,
        "customer": customer,
        "contact": contact,
        "contract": contract,
        "ticket": ticket,
        "late": late,
        "penalty": penalty,
        "technician": technician,
        "manager": manager,
    }


def pdf_text(pdf):
    """The text of a PDF, page layout kept."""
    return (
        subprocess.run(
            [PDFTOTEXT, "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .replace("\u200b", "")
    )


class ReportCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = build_report_data(cls.env)
        cls.env = data.pop("env")
        for key, value in data.items():
            setattr(cls, key, value.with_env(cls.env))

    def render(self, report_ref, records, data=None):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids, data=data)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(pdf)

    def assertInOrder(self, needles, text):
        position = -1
        for needle in needles:
            found = text.find(needle, position + 1)
            self.assertGreater(found, position, f"{needle!r} missing or out of order")
            position = found


@skipIf(not PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
@tagged("post_install", "-at_install")
class TestReports(ReportCase):
    def test_contract_with_annexes(self):
        text = self.render(
            "aftersales_sla.action_report_aftersales_contract", self.contract
        )
        # Company block and parties, in Chinese.
        self.assertIn("深圳智锁科技有限公司", text)
        self.assertIn("91440300MA5FTEST01", text)
        self.assertIn("深圳安居物业管理有限公司", text)
        self.assertIn("智能门锁维保服务 2026", text)
        # Scope and covered serial numbers.
        self.assertIn("SL-2026-000123", text)
        self.assertIn("SL-2026-000124", text)
        # Service hours, holidays and the swapped working day.
        self.assertIn("上门服务 08:00-22:00", text)
        self.assertIn("Asia/Shanghai", text)
        self.assertIn("8:00-22:00", text)
        self.assertIn("国庆节", text)
        self.assertIn("国庆节调休上班", text)
        # SLA schedule: metric (translated) x priority with target hours.
        self.assertIn("响应", text)
        self.assertIn("紧急", text)
        self.assertIn("48:00", text)
        self.assertIn("7:30", text)
        self.assertIn("12:00", text)
        # Fees, clauses and caps: 10 % of 100,000 over the term, 3,000 a month.
        self.assertIn("上门服务费", text)
        self.assertIn("响应超时违约金", text)
        self.assertIn("修复超时按小时计", text)
        self.assertIn("1,000.00", text)
        self.assertIn("10,000.00", text)
        self.assertIn("3,000.00", text)
        # Annex.
        self.assertIn("服务内容说明", text)
        self.assertIn("乙方负责门锁的维修", text)
        self.assertInOrder(["响应超时违约金", "服务内容说明"], text)

    def test_service_report_timeline_and_sla(self):
        text = self.render(
            "aftersales_sla.action_report_aftersales_ticket", self.ticket
        )
        self.assertIn(self.ticket.number, text)
        self.assertIn("门锁无法开启", text)
        self.assertIn("深圳安居物业管理有限公司", text)
        self.assertIn("李女士", text)
        self.assertIn("SL-2026-000123", text)
        self.assertIn("王师傅", text)
        # The timeline, in the customer's time zone and in order; event labels in
        # Chinese ("Ticket reported" -> 工单已提交).
        self.assertIn("工单已提交", text)
        self.assertInOrder(
            [
                "工单已提交",
                "工单已分派",
                "工单已响应",
                "技术员已到达现场",
                "工单已解决",
            ],
            text,
        )
        # The customer's date format, the time to the minute (never the seconds).
        self.assertInOrder(
            [
                "2026年11月20日 09:00",
                "2026年11月20日 09:10",
                "2026年11月20日 10:00",
                "2026年11月20日 11:30",
                "2026年11月20日 15:00",
            ],
            text,
        )
        self.assertNotIn("秒", text)
        # SLA results: response met after 1 h of 12 h, resolution within 48 h.
        self.assertIn("12:00", text)
        self.assertIn("48:00", text)
        self.assertIn("1:00", text)
        # The problem reported and the work performed; never internal notes.
        self.assertIn("3号楼1单元门锁指纹识别失败", text)
        self.assertIn("更换锁体电机", text)
        self.assertNotIn("拖欠", text)
        # Not signed yet: an empty signature box, no signer.
        self.assertFalse(self.ticket.signed_by)

    def test_sla_statement_of_a_period(self):
        text = self.render(
            "aftersales_sla.action_report_sla_statement",
            self.contract,
            data={
                "contract_ids": self.contract.ids,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            },
        )
        self.assertIn("深圳安居物业管理有限公司", text)
        # The breach of the urgent ticket's response clock and its penalty.
        self.assertIn(self.late.number, text)
        self.assertIn(self.penalty.name, text)
        self.assertIn("响应超时违约金", text)
        self.assertIn("500.00", text)
        self.assertIn("-200.00", text)
        # Caps: 300 used; 10,000 - 300 left over the term, 3,000 - 300 this month.
        self.assertIn("300.00", text)
        self.assertIn("9,700.00", text)
        self.assertIn("2,700.00", text)
        # The dispute and its outcome.
        self.assertIn("当天小区停电", text)
        self.assertIn("停电属实", text)

    def test_sla_statement_defaults_to_the_previous_month(self):
        # The print menu and the wizard both default to the previous complete
        # calendar month (issue #12).
        Report = self.env["report.aftersales_sla.report_sla_statement"]
        with freeze_time("2026-12-02 08:00:00"):
            values = Report._get_report_values(self.contract.ids)
            statement = values["statement_values"](self.contract)
        self.assertEqual(statement["date_from"], date(2026, 11, 1))
        self.assertEqual(statement["date_to"], date(2026, 11, 30))
        self.assertEqual(
            statement["penalties"], self.penalty | self.penalty.adjustment_ids
        )
        wizard = self.env["aftersales.sla.statement"].create(
            {
                "contract_id": self.contract.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        )
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "aftersales_sla.report_sla_statement")
        self.assertEqual(
            action["data"],
            {
                "contract_ids": self.contract.ids,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            },
        )

    def test_ledger_integrity_report(self):
        self.env["aftersales.event"]._seal_chains()
        chain = self.env["aftersales.event.chain"].search(
            [("company_id", "=", self.company.id)]
        )
        text = self.render("aftersales_sla.action_report_ledger_integrity", chain)
        self.assertIn("深圳智锁科技有限公司", text)
        self.assertIn("Service Ledger Integrity Report", text)
        self.assertIn("Intact", text)


@skipIf(not PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
@tagged("post_install", "-at_install")
class TestPortalSignOff(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            "report_portal_li",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        stranger = cls.env["res.partner"].create(
            {"name": "Other Estate", "is_company": True}
        )
        stranger_contact = cls.env["res.partner"].create(
            {"name": "Mr Other", "parent_id": stranger.id}
        )
        new_test_user(
            cls.env,
            "report_portal_other",
            groups="base.group_portal",
            partner_id=stranger_contact.id,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def test_customer_downloads_service_report_and_others_cannot(self):
        # No access token: the portal rules alone decide (a link with the token is
        # a share, open to whoever holds it).
        url = f"/my/aftersales/tickets/{self.ticket.id}?report_type=pdf&download=true"
        self.authenticate("report_portal_li", "report_portal_li")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # The customer reads Chinese: the buttons, by their translated labels.
        page = self.url_open(self.ticket.get_portal_url()).text
        self.assertIn("o_aftersales_report_download", page)
        self.assertIn("下载服务报告", page)
        self.assertIn("o_aftersales_sign", page)
        contract_page = self.url_open(self.contract.get_portal_url()).text
        self.assertIn("o_aftersales_contract_download", contract_page)
        response = self.url_open(
            self.contract.get_portal_url(report_type="pdf", download=True)
        )
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        response = self.url_open(
            f"/my/aftersales/contracts/{self.contract.id}/statement?period=previous"
        )
        self.assertEqual(response.headers["Content-Type"], "application/pdf")

        self.authenticate("report_portal_other", "report_portal_other")
        response = self.url_open(url)
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertTrue(response.url.endswith("/my"), response.url)
        response = self.url_open(
            f"/my/aftersales/contracts/{self.contract.id}/statement"
        )
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")

    def test_customer_signs_and_accepts_a_resolved_ticket(self):
        accept = f"/my/aftersales/tickets/{self.ticket.id}/accept"
        # Someone else cannot sign it.
        self.authenticate("report_portal_other", "report_portal_other")
        result = self.make_jsonrpc_request(
            accept, {"name": "Mr Other", "signature": signature_png().decode()}
        )
        self.assertIn("error", result)
        self.assertFalse(self.ticket.signature)
        # An open ticket cannot be signed.
        self.authenticate("report_portal_li", "report_portal_li")
        result = self.make_jsonrpc_request(
            f"/my/aftersales/tickets/{self.late.id}/accept",
            {"name": "李女士", "signature": signature_png().decode()},
        )
        self.assertIn("error", result)
        self.assertEqual(self.late.state, "open")
        # The customer signs the resolved one: stored, accepted, closed.
        result = self.make_jsonrpc_request(
            accept, {"name": "李女士", "signature": signature_png().decode()}
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.assertIn(
            f"/my/aftersales/tickets/{self.ticket.id}", result["redirect_url"]
        )
        self.assertTrue(self.ticket.signature)
        self.assertEqual(self.ticket.signed_by, "李女士")
        self.assertTrue(self.ticket.signed_on)
        self.assertEqual(self.ticket.state, "closed")
        self.assertEqual(self.ticket.acceptance, "customer")
        accepted = self.ticket.event_ids.filtered(
            lambda event: event.event_type == "ticket.accepted"
        )
        self.assertEqual(accepted.author_id, self.portal_user)
        payload = json.loads(accepted.payload)
        self.assertEqual(payload["signed_in"], "portal")
        self.assertEqual(payload["signed_by"], "李女士")
        self.assertNotIn("collected_by", payload)
        self.assertEqual(
            self.ticket.event_ids.mapped("event_type")[-2:],
            ["ticket.accepted", "ticket.closed"],
        )
        # The signed service report was posted on the ticket.
        self.assertTrue(
            self.ticket.message_ids.filtered(
                lambda message: message.attachment_ids
                and "李女士" in (message.body or "")
            )
        )
        # Signing twice is refused: the ticket is closed.
        result = self.make_jsonrpc_request(
            accept, {"name": "李女士", "signature": signature_png().decode()}
        )
        self.assertIn("error", result)
        # The service report now shows who signed, and when.
        text = self.render(
            "aftersales_sla.action_report_aftersales_ticket", self.ticket
        )
        self.assertIn("李女士", text)
        self.assertInOrder(["门锁无法开启", "李女士"], text)
