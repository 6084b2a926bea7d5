from datetime import date

from freezegun import freeze_time
from lxml import html

from odoo.tests import tagged

from .maintenance_common import TODAY, MaintenanceCase


@tagged("post_install", "-at_install")
class TestMaintenanceReports(MaintenanceCase):
    def render(self, report_ref, records, data=None):
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            report_ref, records.ids, data=data
        )
        return html.fromstring(content)

    def figures(self):
        tree = self.render(
            "aftersales_sla.action_report_sla_statement",
            self.hotel_contract,
            data={
                "contract_ids": self.hotel_contract.ids,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            },
        )
        return {
            cell.get("data-figure"): int(cell.text_content().strip())
            for cell in tree.xpath("//table[@name='maintenance_figures']//td")
        }

    def test_statement_reports_planned_and_done(self):
        self.make_plan()
        self.make_plan(
            name="Extra visit",
            unit_ids=[(6, 0, self.units[:1].ids)],
            date_first_due=date(2026, 11, 25),
            lead_days=30,
            checklist_ids=[],
        )
        tickets = self.generate()
        self.assertEqual(len(tickets), 3)
        on_time, missed, still_open = (
            tickets.filtered(
                lambda t: t.maintenance_due == date(2026, 11, 10)
                and t.unit_id == self.units[0]
            ),
            tickets.filtered(lambda t: t.unit_id == self.units[1]),
            tickets.filtered(lambda t: t.maintenance_due == date(2026, 11, 25)),
        )
        with freeze_time("2026-11-09 08:00:00"):
            on_time.maintenance_check_ids.write({"done": True})
            on_time.action_resolve()
        with freeze_time("2026-11-12 01:00:00"):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        self.assertEqual(still_open.sla_status, "running")
        self.assertEqual(
            self.figures(),
            {"planned": 3, "on_time": 1, "late": 0, "missed": 1, "open": 1},
        )
        with freeze_time("2026-11-13 08:00:00"):
            missed.maintenance_check_ids.write({"done": True})
            missed.action_resolve()
        self.assertEqual(
            self.figures(),
            {"planned": 3, "on_time": 1, "late": 1, "missed": 0, "open": 1},
        )

    def test_statement_without_plans_has_no_maintenance_section(self):
        tree = self.render(
            "aftersales_sla.action_report_sla_statement",
            self.hotel_contract,
            data={
                "contract_ids": self.hotel_contract.ids,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
            },
        )
        self.assertFalse(tree.xpath("//table[@name='maintenance_figures']"))

    def test_contract_annex_prints_the_plans(self):
        with freeze_time(TODAY):
            plan = self.make_plan()
            tree = self.render(
                "aftersales_sla.action_report_aftersales_contract", self.hotel_contract
            )
        section = tree.xpath("//div[@name='annex_maintenance']")
        self.assertEqual(len(section), 1)
        text = section[0].text_content()
        self.assertIn(plan.name, text)
        block = section[0].xpath(f".//table[@data-plan='{plan.id}']")[0]
        self.assertEqual(block.xpath(".//span[@name='interval']")[0].text, "3")
        self.assertEqual(block.xpath(".//span[@name='unit_count']")[0].text, "2")
        self.assertIn("检查燃烧器 Burner check", text)
        self.assertIn("清洗过滤网 Clean the filter", text)
        # A contract without plans prints no such section.
        _customer, other = self.customer_contract("Plain hotel")
        tree = self.render("aftersales_sla.action_report_aftersales_contract", other)
        self.assertFalse(tree.xpath("//div[@name='annex_maintenance']"))
