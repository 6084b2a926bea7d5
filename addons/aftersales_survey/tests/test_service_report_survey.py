"""The monthly service report's satisfaction section."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai


@tagged("post_install", "-at_install")
class TestServiceReportSatisfaction(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        survey = cls.env["survey.survey"].create({"title": "门锁服务满意度"})
        Input = cls.env["survey.user_input"]
        answers = (
            # (index, state, answered, test entry)
            (90.0, "done", shanghai(2026, 11, 5, 10, 0), False),
            (70.0, "done", shanghai(2026, 11, 28, 10, 0), False),
            (10.0, "done", shanghai(2026, 11, 28, 11, 0), True),
            (50.0, "done", shanghai(2026, 10, 28, 11, 0), False),
            (0.0, "new", False, False),
        )
        for index, state, answered, test_entry in answers:
            Input.create(
                {
                    "survey_id": survey.id,
                    "partner_id": cls.customer.id,
                    "state": state,
                    "test_entry": test_entry,
                    "aftersales_contract_id": cls.contract.id,
                    "aftersales_sent_at": shanghai(2026, 11, 2, 9, 0),
                    "end_datetime": answered,
                    "aftersales_scored": state == "done",
                    "aftersales_index": index,
                }
            )
        cls.Report = cls.env["aftersales.service.report"]

    def test_satisfaction_of_the_month_in_figures_and_print(self):
        figures = self.Report._service_report_figures(
            self.contract, date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertEqual(
            figures["satisfaction"],
            # October's answer and the test entry do not count.
            {"responses": 2, "scored": 2, "index": 80.0, "invited": 4},
        )
        with freeze_time("2026-12-01 02:00:00"):
            report = self.Report._generate(self.contract, date(2026, 11, 1))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_service_report",
                report.ids,
                data={"lang": "zh_CN"},
            )[0]
            .decode()
        )
        self.assertIn('o_aftersales_satisfaction_index">', html)
        self.assertIn("80.0", html)

    def test_no_answer_is_no_index(self):
        figures = self.Report._service_report_figures(
            self.contract, date(2026, 9, 1), date(2026, 9, 30)
        )
        self.assertEqual(figures["satisfaction"]["responses"], 0)
        self.assertIsNone(figures["satisfaction"]["index"])
