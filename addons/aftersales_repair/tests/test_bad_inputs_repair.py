"""Malformed values over RPC on what decides the coverage and prices the work:
a clear, translated error naming the field, nothing written."""

import math

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RepairCase


@tagged("post_install", "-at_install")
class TestBadInputsRepair(RepairCase):
    def test_not_finite_numbers_refused(self):
        Band = self.env["aftersales.visit.fee.band"]
        visit = self.env["product.product"].create(
            {"name": "Visit", "type": "service", "aftersales_fee_kind": "visit"}
        )
        bands = Band.search_count([])
        for value in (math.nan, math.inf, -math.inf):
            with self.refused(ValidationError, "must be a finite number"):
                Band.create(
                    {
                        "product_tmpl_id": visit.product_tmpl_id.id,
                        "price_unit": 50.0,
                        "distance_to_km": value,
                    }
                )
            with self.refused(ValidationError, "must be a finite number"):
                self.unit_new.write({"distance_km": value})
            with self.refused(ValidationError, "must be a finite number"):
                self.consumer.write({"aftersales_distance_km": value})
        self.assertEqual(Band.search_count([]), bands)
        self.assertEqual(self.unit_new.distance_km, 0.0)

    def test_malformed_unit_values_refused(self):
        with self.refused(ValidationError, "no field"):
            self.unit_new.write({"warranty_until": "2030-01-01"})
        with self.refused(ValidationError, "Installation Date"):
            self.unit_new.write({"installation_date": "31/12/2026"})
        with self.refused(ValidationError, "Months"):
            self.env["aftersales.unit.warranty.extension"].create(
                {"unit_id": self.unit_new.id, "months": "twelve", "reason": "x"}
            )
        self.assertFalse(self.unit_new.extension_ids)
