import json
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .maintenance_common import TODAY, MaintenanceCase

#: 10 November 2026, 23:59:59 in Shanghai (the contract's service hours), in UTC.
DUE = datetime(2026, 11, 10, 15, 59, 59)


@tagged("post_install", "-at_install")
class TestMaintenanceGenerate(MaintenanceCase):
    def test_nothing_is_generated_before_the_lead_days(self):
        self.make_plan()
        self.assertFalse(self.generate("2026-10-26 10:00:00"))

    def test_generation_creates_the_visits_once_and_advances(self):
        plan = self.make_plan()
        tickets = self.generate()
        self.assertEqual(len(tickets), 2)
        self.assertEqual(tickets.unit_id, self.units)
        for ticket in tickets:
            self.assertEqual(ticket.contract_id, self.hotel_contract)
            self.assertEqual(ticket.service_type_id, self.maintenance_type)
            self.assertEqual(ticket.maintenance_plan_id, plan)
            self.assertEqual(ticket.maintenance_due, date(2026, 11, 10))
            self.assertEqual(ticket.product_id, self.heater)
            self.assertEqual(ticket.serial_number, ticket.unit_id.lot_id.name)
            self.assertIn("Burner check", ticket.description)
            self.assertEqual(
                ticket.maintenance_check_ids.mapped("name"),
                ["检查燃烧器 Burner check", "清洗过滤网 Clean the filter"],
            )
            # One clock: done by the end of the due day, in the contract's zone.
            self.assertEqual(ticket.sla_ids.mapped("metric"), ["resolution"])
            self.assertEqual(ticket.sla_ids.deadline, DUE)
            self.assertEqual(ticket.sla_ids.state, "running")
            reported = (
                self.env["aftersales.event"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "aftersales.ticket"),
                        ("res_id", "=", ticket.id),
                        ("event_type", "=", "ticket.reported"),
                    ]
                )
            )
            payload = json.loads(reported.payload)
            self.assertEqual(payload["maintenance"]["due"], "2026-11-10")
            self.assertEqual(payload["targets"][0]["due"], "2026-11-10 15:59:59")
        rows = plan.schedule_ids
        self.assertEqual(set(rows.mapped("next_due")), {date(2027, 2, 10)})
        self.assertEqual(rows.last_ticket_id, tickets)
        # Idempotent: a second run the same day generates nothing more.
        self.assertFalse(self.generate())
        self.assertEqual(plan.ticket_count, 2)

    def test_next_visit_after_the_contract_end_is_not_generated(self):
        plan = self.make_plan()
        self.generate()
        # The next one (10 February 2027) falls after the contract's end.
        self.assertFalse(self.generate("2026-12-31 10:00:00"))
        with freeze_time("2027-01-28 10:00:00"):
            self.assertFalse(
                self.env["aftersales.maintenance.schedule"]._generate_due()
            )
        self.assertFalse(plan.schedule_ids, "rows beyond the contract are retired")

    def test_visit_done_on_time_is_met(self):
        self.make_plan()
        ticket = self.generate()[0]
        with freeze_time("2026-11-09 08:00:00"):
            with self.refused(UserError, "Burner check"):
                ticket.action_resolve()
            ticket.maintenance_check_ids[0].done = True
            ticket.action_resolve()
        clock = ticket.sla_ids
        self.assertEqual(clock.state, "met")
        self.assertEqual(ticket.sla_status, "met")
        self.assertFalse(
            self.env["aftersales.penalty"].search([("ticket_id", "=", ticket.id)])
        )
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )

    def test_missed_visit_breaches_at_the_due_and_is_penalised(self):
        self.make_plan()
        ticket = self.generate()[0]
        with freeze_time("2026-11-12 01:00:00"):
            self.env.ref(
                "aftersales_sla.ir_cron_aftersales_sla_watch"
            ).method_direct_trigger()
        clock = ticket.sla_ids
        self.assertEqual(clock.state, "breached")
        self.assertEqual(clock.breached_at, DUE)
        self.assertEqual(clock.breach_event_id.occurred_at, DUE)
        penalty = self.env["aftersales.penalty"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(penalty), 1)
        self.assertEqual(penalty.amount, 500)
        self.assertEqual(penalty.contract_id, self.hotel_contract)
        self.assertEqual(
            self.env["aftersales.ticket.sla"]._rebuild_from_ledger(ticket), []
        )

    def test_maintenance_fields_are_written_by_the_generation_only(self):
        self.make_plan()
        ticket = self.generate()[0]
        with self.refused(UserError, "cannot be written directly"):
            ticket.write({"maintenance_due": "2026-12-31"})
        with self.refused(UserError, "cannot be written directly"):
            self.env["aftersales.ticket"].create(
                {
                    "name": "Fake visit",
                    "partner_id": self.hotel.id,
                    "maintenance_plan_id": ticket.maintenance_plan_id.id,
                    "maintenance_due": "2026-12-31",
                }
            )
        # A technician ticks the checks of his ticket, nothing else.
        ticket.user_id = self.technician
        check = ticket.maintenance_check_ids[0].with_user(self.technician)
        check.done = True
        self.assertEqual(check.done_by_id, self.technician)
        with self.assertRaises(AccessError):
            check.write({"name": "Skip the burner"})
        with self.assertRaises(AccessError):
            self.env["aftersales.maintenance.check"].with_user(self.technician).create(
                {"ticket_id": ticket.id, "name": "extra"}
            )

    def test_cron_generates_in_batches(self):
        plan = self.make_plan()
        cron = self.env.ref("aftersales_field.ir_cron_aftersales_maintenance_generate")
        self.assertEqual(cron.code, "model._cron_generate()")
        Schedule = self.env["aftersales.maintenance.schedule"]
        with freeze_time(TODAY):
            first = Schedule._cron_generate(batch_size=1)
            self.assertEqual(len(first), 1)
            self.assertEqual(Schedule._count_due(date(2026, 11, 2)), 1)
            second = Schedule._cron_generate(batch_size=1)
        self.assertEqual(len(second), 1)
        self.assertEqual(plan.ticket_count, 2)
