"""The evaluation report, rendered for real by wkhtmltopdf and read back as text."""

import subprocess

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .test_evaluation import EvaluationCase


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestEvaluationReport(EvaluationCase, HttpCase):
    """HttpCase: wkhtmltopdf loads the report's styles from the test server."""

    def render(self, evaluation):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "aftersales_survey.action_report_aftersales_evaluation", evaluation.ids
            )
        )
        self.assertEqual(kind, "pdf")
        return pdf_text(pdf)

    def test_report_shows_figures_trend_findings_and_snapshot(self):
        self.evaluate(2)
        march = self.evaluate(3)
        march.recommendations = "加派技术员，缩短响应时间。"
        with freeze_time("2026-04-02 09:00:00"):
            march.with_user(self.manager).action_close()
        self.env["aftersales.event"]._seal_chains()
        self.env.invalidate_all()
        text = self.render(march)
        self.assertIn("深圳安居物业管理有限公司", text)
        self.assertIn("2026-03", text)
        # The KPI table: figures, thresholds, verdicts and the previous period.
        self.assertRegex(text, r"66\.67\s+≥ 90\.00\s+Fail\s+100\.00\s+Worse")
        self.assertRegex(text, r"6\.00 h\s+≤ 4\.00 h\s+Fail\s+0\.50 h")
        # Trend over the periods: February then March.
        self.assertLess(text.index("2026-02"), text.rindex("2026-03"))
        self.assertIn("加派技术员，缩短响应时间。", text)
        # KPI penalties and their total, and the ledger snapshot's hash.
        self.assertIn("Response compliance", text)
        self.assertIn("7,750.00", text)
        self.assertIn(march.event_id.hash, text.replace("\n", "").replace(" ", ""))

    def test_report_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["aftersales_sla", "aftersales_survey"], ["zh_CN"]
        )
        self.customer.lang = "zh_CN"
        march = self.evaluate(3)
        text = self.render(march)
        # Labels, KPI names and verdicts come from the addon's zh_CN translations.
        self.assertIn("服务评估报告", text)
        self.assertIn("关键绩效指标", text)
        self.assertRegex(text, r"满意度指数\s+70\.00\s+≥ 75\.00\s+未达标")


@tagged("post_install", "-at_install")
class TestContractAnnexSatisfaction(EvaluationCase, HttpCase):
    def test_contract_prints_weights_questionnaire_and_thresholds(self):
        survey = self.evaluated.survey_id
        survey.question_and_page_ids = [
            (
                0,
                0,
                {
                    "title": "技术员的服务态度如何？",
                    "question_type": "simple_choice",
                    "aftersales_indicator_id": self.indicators["attitude"].id,
                    "suggested_answer_ids": [
                        (0, 0, {"value": "非常满意", "answer_score": 10}),
                        (0, 0, {"value": "不满意", "answer_score": 0}),
                    ],
                },
            )
        ]
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "aftersales_sla.action_report_aftersales_contract", self.evaluated.ids
            )
        )
        text = pdf_text(pdf)
        self.assertIn("Satisfaction surveys and KPIs", text)
        # Attitude weighs 2 of 3, quality 1 of 3.
        self.assertRegex(text, r"Attitude\s+2\.00\s+66\.7 %")
        self.assertRegex(text, r"Quality\s+1\.00\s+33\.3 %")
        self.assertIn("技术员的服务态度如何？", text)
        self.assertIn("非常满意 (10), 不满意 (0)", text)
        self.assertRegex(text, r"SLA compliance: response \(%\)\s+≥ 90\.00")
        self.assertRegex(text, r"Mean response \(business hours\)\s+≤ 4\.00")


@tagged("post_install", "-at_install")
class TestEvaluationOnThePortal(EvaluationCase, HttpCase):
    def test_customer_downloads_closed_evaluations_only(self):
        contact = self.env["res.partner"].create(
            {
                "name": "王经理",
                "parent_id": self.customer.id,
                "email": "wang@example.com",
            }
        )
        new_test_user(
            self.env,
            "eval_portal_wang",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        stranger = self.env["res.partner"].create({"name": "Other Estate"})
        new_test_user(
            self.env,
            "eval_portal_other",
            groups="base.group_portal",
            partner_id=stranger.id,
        )
        february = self.evaluate(2)
        march = self.evaluate(3)
        with freeze_time("2026-04-02 09:00:00"):
            march.with_user(self.manager).action_close()
        base = f"/my/aftersales/contracts/{self.evaluated.id}/evaluations"

        self.authenticate("eval_portal_wang", "eval_portal_wang")
        page = self.url_open(f"/my/aftersales/contracts/{self.evaluated.id}").text
        self.assertIn(f"{base}/{march.id}", page)
        self.assertNotIn(f"{base}/{february.id}", page, "a draft is not published")
        response = self.url_open(f"{base}/{march.id}?download=true")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(
            f"{self.evaluated.name}_2026_03".replace("/", "_"),
            response.headers["Content-Disposition"],
        )
        # Under tests Odoo serves the report's HTML unless forced to run
        # wkhtmltopdf (the rendering itself is tested above): check its figures.
        self.assertIn("Service Evaluation Report", response.text)
        self.assertIn("66.67", response.text)
        draft = self.url_open(f"{base}/{february.id}?download=true")
        self.assertNotEqual(draft.headers.get("Content-Type"), "application/pdf")

        self.authenticate("eval_portal_other", "eval_portal_other")
        refused = self.url_open(f"{base}/{march.id}?download=true")
        self.assertNotEqual(refused.headers.get("Content-Type"), "application/pdf")
