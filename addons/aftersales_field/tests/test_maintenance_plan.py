import json

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .maintenance_common import MaintenanceCase


@tagged("post_install", "-at_install")
class TestMaintenancePlan(MaintenanceCase):
    def test_plan_schedules_each_unit_and_is_recorded(self):
        plan = self.make_plan()
        rows = plan.schedule_ids
        self.assertEqual(rows.unit_id, self.units)
        self.assertEqual(set(rows.mapped("next_due")), {plan.date_first_due})
        self.assertEqual(
            {str(day) for day in rows.mapped("generate_on")}, {"2026-10-27"}
        )
        event = self.planned_events()
        self.assertEqual(len(event), 1)
        payload = json.loads(event.payload)
        self.assertEqual(payload["plan"], plan.id)
        self.assertEqual(payload["interval_months"], 3)
        self.assertEqual(payload["units"], sorted(self.units.ids))
        self.assertEqual(len(payload["checklist"]), 2)
        # A change is recorded again, with the new values.
        plan.interval_months = 6
        self.assertEqual(len(self.planned_events()), 2)
        self.assertEqual(
            json.loads(self.planned_events()[-1].payload)["interval_months"], 6
        )

    def test_plan_of_a_draft_contract_is_not_recorded_yet(self):
        customer, draft = self.customer_contract("Draft hotel", activate=False)
        unit = self.env["aftersales.unit"].create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-M-DRAFT").id,
                "partner_id": customer.id,
            }
        )
        self.make_plan(contract_id=draft.id, unit_ids=[(6, 0, unit.ids)])
        self.assertFalse(self.planned_events(draft))

    def test_plan_without_a_covered_unit_is_refused(self):
        with self.refused(ValidationError, "covers no unit"):
            self.make_plan(unit_ids=[(5,)])
        # Covering "all units" of a contract that covers none is refused too.
        _customer, empty = self.customer_contract("No units hotel")
        with self.refused(ValidationError, "covers no unit"):
            self.make_plan(contract_id=empty.id, unit_ids=[(5,)], all_units=True)
        self.assertFalse(self.planned_events(empty))

    def test_units_of_another_customer_are_refused(self):
        with self.refused(ValidationError, "not to the contract's customer"):
            self.make_plan(unit_ids=[(6, 0, (self.units | self.foreign_unit).ids)])

    def test_interval_out_of_range_is_refused(self):
        for months in (0, 61):
            with self.refused(ValidationError, "between 1 and 60 months"):
                self.make_plan(interval_months=months)

    def test_all_units_follows_the_installed_base(self):
        plan = self.make_plan(unit_ids=[(5,)], all_units=True)
        self.assertEqual(plan.unit_count, 2)
        self.assertEqual(plan.schedule_ids.unit_id, self.units)
        added = self.env["aftersales.unit"].create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-M-LATE").id,
                "partner_id": self.hotel.id,
                "contract_id": self.hotel_contract.id,
            }
        )
        self.assertIn(added, plan.schedule_ids.unit_id)
        added.contract_id = False
        row = plan.with_context(active_test=False).schedule_ids.filtered(
            lambda row: row.unit_id == added
        )
        self.assertFalse(row.active)

    def test_only_managers_plan_maintenance(self):
        plan = self.make_plan()
        Plan = self.env["aftersales.maintenance.plan"].with_user(self.technician)
        self.assertEqual(Plan.browse(plan.id).name, plan.name)  # may read
        with self.assertRaises(AccessError):
            Plan.browse(plan.id).write({"interval_months": 1})
        with self.assertRaises(AccessError):
            Plan.create(
                {
                    "name": "Sneaky",
                    "contract_id": self.hotel_contract.id,
                    "date_first_due": "2026-12-01",
                    "unit_ids": [(6, 0, self.units.ids)],
                }
            )
        with self.assertRaises(AccessError):
            self.env["aftersales.maintenance.checklist"].with_user(
                self.technician
            ).create({"plan_id": plan.id, "name": "x"})
        # A manager may.
        plan.with_user(self.manager).write({"lead_days": 7})
        self.assertEqual(
            {str(day) for day in plan.schedule_ids.mapped("generate_on")},
            {"2026-11-03"},
        )
