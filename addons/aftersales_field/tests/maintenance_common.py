from datetime import date

from freezegun import freeze_time

from odoo.addons.aftersales_repair.tests.common import RepairCase

#: "Today" of the generation in these tests (UTC and Shanghai alike).
TODAY = "2026-11-02 02:00:00"


class MaintenanceCase(RepairCase):
    """A hotel's active 2026 contract (fixed 500 per missed planned visit) covering
    two heaters at the hotel, a third heater of another customer; a quarterly plan
    first due on 10 November 2026 with a two-point checklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Only the visits of these tests come due (not those of other plans).
        cls.env.cr.execute("UPDATE aftersales_maintenance_schedule SET active = false")
        maintenance = cls.env.ref("aftersales_sla.service_type_maintenance")
        cls.maintenance_type = maintenance
        cls.hotel, cls.hotel_contract = cls.customer_contract(
            "广州白云宾馆 Baiyun Hotel",
            activate=False,
            penalty_rule_ids=[
                (
                    0,
                    0,
                    {
                        "name": "Missed planned visit",
                        "rule_type": "fixed",
                        "amount": 500,
                        "metric": "resolution",
                        "service_type_id": maintenance.id,
                    },
                )
            ],
        )
        cls.hotel_contract.action_activate()
        cls.units = cls.env["aftersales.unit"].create(
            [
                {
                    "product_id": cls.heater.id,
                    "lot_id": cls.lot(f"WH-M-{number:04d}").id,
                    "partner_id": cls.hotel.id,
                    "installation_date": date(2025, 3, 1),
                    "contract_id": cls.hotel_contract.id,
                }
                for number in range(2)
            ]
        )
        cls.foreign_unit = cls.unit_new  # the consumer's

    def make_plan(self, **values):
        with freeze_time(TODAY):
            return self.env["aftersales.maintenance.plan"].create(
                {
                    "name": "季度保养 Quarterly service",
                    "contract_id": self.hotel_contract.id,
                    "interval_months": 3,
                    "lead_days": 14,
                    "date_first_due": date(2026, 11, 10),
                    "unit_ids": [(6, 0, self.units.ids)],
                    "checklist_ids": [
                        (0, 0, {"sequence": 1, "name": "检查燃烧器 Burner check"}),
                        (
                            0,
                            0,
                            {
                                "sequence": 2,
                                "name": "清洗过滤网 Clean the filter",
                                "required": False,
                            },
                        ),
                    ],
                    **values,
                }
            )

    def generate(self, when=TODAY):
        with freeze_time(when):
            return self.env["aftersales.maintenance.schedule"]._generate_due()

    def planned_events(self, contract=None):
        return (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "aftersales.contract"),
                    ("res_id", "=", (contract or self.hotel_contract).id),
                    ("event_type", "=", "contract.maintenance_planned"),
                ],
                order="id",
            )
        )
