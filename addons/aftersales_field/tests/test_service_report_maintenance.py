"""The monthly service report's planned maintenance section."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .maintenance_common import MaintenanceCase


@tagged("post_install", "-at_install")
class TestServiceReportMaintenance(MaintenanceCase):
    def test_maintenance_done_against_due_in_the_month(self):
        self.make_plan()
        tickets = self.generate()
        done = tickets.filtered(
            lambda t: t.maintenance_due == date(2026, 11, 10)
            and t.unit_id == self.units[0]
        )
        with freeze_time("2026-11-09 08:00:00"):
            done.maintenance_check_ids.write({"done": True})
            done.action_resolve()
        with freeze_time("2026-11-12 01:00:00"):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        Report = self.env["aftersales.service.report"]
        figures = Report._service_report_figures(
            self.hotel_contract, date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertEqual(
            figures["maintenance"],
            {"planned": 2, "done": 1, "on_time": 1, "late": 0, "missed": 1, "open": 0},
        )
        with freeze_time("2026-12-01 02:00:00"):
            report = Report._generate(self.hotel_contract, date(2026, 11, 1))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_service_report",
                report.ids,
                data={"lang": "zh_CN"},
            )[0]
            .decode()
        )
        self.assertIn('o_aftersales_maintenance_due">2<', html)
        self.assertIn('o_aftersales_maintenance_done">1<', html)

    def test_no_plan_no_section(self):
        figures = self.env["aftersales.service.report"]._service_report_figures(
            self.hotel_contract, date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertIsNone(figures["maintenance"])
