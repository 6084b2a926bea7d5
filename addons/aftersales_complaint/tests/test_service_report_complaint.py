"""The monthly service report's complaints section."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai


@tagged("post_install", "-at_install")
class TestServiceReportComplaints(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Only the contract's clock: complaints acknowledged within 2 hours (the
        # company's default complaint deadlines switched off).
        cls.contract.company_id.write(
            {
                "aftersales_complaint_response_hours": 0,
                "aftersales_complaint_feedback_hours": 0,
            }
        )
        cls.policy.write(
            {
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": "complaint_response",
                            "priority": "1",
                            "target_hours": 2,
                            "calendar_id": cls.calendar.id,
                        },
                    )
                ]
            }
        )
        complaint = cls.env.ref("aftersales_sla.service_type_complaint")

        def ticket(reported, **values):
            return cls.Ticket.create(
                dict(
                    {"name": "门锁无法开启", "partner_id": cls.customer.id},
                    reported_at=reported,
                    **values,
                )
            )

        def category(code):
            return cls.env.ref(f"aftersales_complaint.complaint_category_{code}")

        with freeze_time(shanghai(2026, 11, 3, 9, 0)):
            cls.answered = ticket(
                shanghai(2026, 11, 3, 9, 0),
                name="上门收费与合同不符",
                service_type_id=complaint.id,
                complaint_category_id=category("charges").id,
            )
        with freeze_time(shanghai(2026, 11, 3, 10, 0)):
            cls.answered.action_acknowledge()
        with freeze_time(shanghai(2026, 11, 10, 9, 0)):
            cls.ignored = ticket(
                shanghai(2026, 11, 10, 9, 0),
                name="师傅态度差",
                service_type_id=complaint.id,
                complaint_category_id=category("service_attitude").id,
            )
        with freeze_time(shanghai(2026, 11, 10, 9, 0)):
            cls.repair = ticket(shanghai(2026, 11, 10, 9, 0))
        with freeze_time(shanghai(2026, 11, 12, 9, 0)):
            cls.env["aftersales.ticket.sla"]._cron_sla_watch()
        cls.Report = cls.env["aftersales.service.report"]

    def test_complaints_of_the_month_by_category_and_timeliness(self):
        figures = self.Report._service_report_figures(
            self.contract, date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertEqual(
            figures["complaints"],
            {
                "count": 2,
                "by_category": {"charges": 1, "service_attitude": 1},
                "by_state": {"open": 2},
                "on_time": 1,
                "late": 1,
            },
        )
        self.assertEqual(
            self.Report._service_report_figures(
                self.contract, date(2026, 10, 1), date(2026, 10, 31)
            )["complaints"]["count"],
            0,
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
        charges_zh = (
            self.env.ref("aftersales_complaint.complaint_category_charges")
            .with_context(lang="zh_CN")
            .name
        )
        self.assertIn('data-category="charges"', html)
        self.assertIn(charges_zh, html)
        self.assertIn('o_aftersales_complaints_on_time">1<', html)
