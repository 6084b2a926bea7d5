"""The installed base: serial numbers, warranty end, who may read and write."""

from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RepairCase


@tagged("post_install", "-at_install")
class TestUnit(RepairCase):
    def test_serial_of_another_customer_is_refused(self):
        before = self.Unit.search_count([])
        with self.refused(ValidationError, "another customer"):
            self.Unit.create(
                [
                    {
                        "product_id": self.heater.id,
                        "lot_id": self.lot("WH-T-0100").id,
                        "partner_id": self.other_consumer.id,
                    },
                    {
                        "product_id": self.heater.id,
                        "lot_id": self.lot_new.id,
                        "partner_id": self.other_consumer.id,
                    },
                ]
            )
        # Nothing of the batch was written.
        self.assertEqual(self.Unit.search_count([]), before)
        self.assertEqual(self.unit_new.partner_id, self.consumer)

    def test_serial_twice_for_the_same_customer_is_refused(self):
        with self.refused(ValidationError, "already registered"):
            self.Unit.create(
                {
                    "product_id": self.heater.id,
                    "lot_id": self.lot_new.id,
                    "partner_id": self.consumer.id,
                }
            )

    def test_tracked_product_needs_its_serial(self):
        with self.refused(ValidationError, "tracked by serial number"):
            self.Unit.create(
                {"product_id": self.heater.id, "partner_id": self.consumer.id}
            )
        other = self.env["product.product"].create(
            {"name": "Lock", "type": "consu", "is_storable": True, "tracking": "serial"}
        )
        with self.refused(ValidationError, "not of"):
            self.Unit.create(
                {
                    "product_id": other.id,
                    "lot_id": self.lot("WH-T-0101").id,
                    "partner_id": self.consumer.id,
                }
            )

    def test_warranty_end_from_product_contract_and_extensions(self):
        unit = self.unit_new
        self.assertEqual(unit.warranty_end, date(2027, 5, 31))
        self.assertEqual(unit.warranty_source, "product")
        self.assertEqual(unit.warranty_terms, "整机保修两年")
        self.assertEqual(unit.warranty_exclusions, "私自拆机不保")
        unit.extension_ids = [(0, 0, {"months": 6, "reason": "促销延保"})]
        self.assertEqual(unit.warranty_end, date(2027, 11, 30))
        self.assertEqual(unit.warranty_source, "extension")
        unit.extension_ids = [(0, 0, {"date_until": date(2028, 1, 31), "reason": "x"})]
        self.assertEqual(unit.warranty_end, date(2028, 1, 31))
        # The product's warranty changes: every unit follows.
        self.heater.aftersales_warranty_months = 36
        self.assertEqual(unit.product_warranty_end, date(2028, 5, 31))
        # ... and the months of an extension count from the product's end.
        self.assertEqual(unit.warranty_end, date(2028, 11, 30))
        unit.extension_ids.filtered("months").unlink()
        self.assertEqual(unit.warranty_end, date(2028, 5, 31))
        self.assertEqual(unit.warranty_source, "product")
        # A covering contract of the customer.
        old = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0003").id,
                "partner_id": self.customer.id,
                "installation_date": date(2020, 1, 1),
            }
        )
        self.assertEqual(old.warranty_end, date(2022, 12, 31))
        old.contract_id = self.contract
        self.assertEqual(old.warranty_end, date(2026, 12, 31))
        self.assertEqual(old.warranty_source, "contract")
        with self.refused(ValidationError, "not a contract of"):
            unit.contract_id = self.contract

    def test_extension_gives_months_or_a_date(self):
        with self.refused(ValidationError, "not both"):
            self.unit_new.extension_ids = [
                (0, 0, {"months": 6, "date_until": date(2030, 1, 1), "reason": "x"})
            ]

    def test_in_warranty_search(self):
        units = self.Unit.search(
            [
                ("id", "in", (self.unit_new | self.unit_old).ids),
                ("in_warranty", "=", True),
            ]
        )
        self.assertEqual(units, self.unit_new)

    def test_technicians_read_managers_write(self):
        self.assertEqual(
            self.unit_new.with_user(self.technician).warranty_end, date(2027, 5, 31)
        )
        with self.assertRaises(AccessError):
            self.unit_new.with_user(self.technician).write(
                {"installation_date": date(2026, 1, 1)}
            )
        with self.assertRaises(AccessError):
            self.Unit.with_user(self.technician).create(
                {
                    "product_id": self.heater.id,
                    "lot_id": self.lot("WH-T-0102").id,
                    "partner_id": self.consumer.id,
                }
            )
        self.unit_new.with_user(self.manager).installation_date = date(2025, 7, 1)
        self.assertEqual(self.unit_new.warranty_end, date(2027, 6, 30))
        self.assertEqual(
            self.consumer.with_user(self.technician).aftersales_unit_count, 2
        )

    def test_portal_customers_read_their_own_units(self):
        portal = new_test_user(
            self.env,
            "repair_portal",
            groups="base.group_portal",
            partner_id=self.env["res.partner"]
            .create({"name": "王太太", "parent_id": self.consumer.id})
            .id,
        )
        other = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0103").id,
                "partner_id": self.other_consumer.id,
            }
        )
        seen = self.Unit.with_user(portal).search([])
        self.assertEqual(seen, self.unit_new | self.unit_old)
        with self.assertRaises(AccessError):
            other.with_user(portal).read(["warranty_end"])
