"""The coverage of a unit's open tickets follows the unit's warranty: an
extension granted or withdrawn, an installation date or a product's warranty
corrected, a covering contract activated."""

import json
from datetime import date

from odoo.tests import tagged

from odoo.addons.aftersales_sla.tests.common import shanghai

from .common import RepairCase


@tagged("post_install", "-at_install")
class TestCoverageFollowsWarranty(RepairCase):
    def assertCoverage(self, ticket, coverage, reason):
        self.assertEqual((ticket.coverage, ticket.coverage_reason), (coverage, reason))

    def decided(self, ticket):
        return [json.loads(event.payload) for event in self.coverage_events(ticket)]

    def test_extension_granted_then_withdrawn(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        self.assertCoverage(ticket, "chargeable", "expired")
        # A goodwill extension until after the reported day: under warranty.
        extension = self.env["aftersales.unit.warranty.extension"].create(
            {
                "unit_id": self.unit_old.id,
                "date_until": date(2027, 1, 31),
                "reason": "Goodwill",
            }
        )
        self.assertCoverage(ticket, "warranty", "in_warranty")
        decided = self.decided(ticket)
        self.assertEqual(len(decided), 1)
        self.assertEqual(decided[0]["coverage"], "warranty")
        self.assertEqual(decided[0]["warranty_end"], "2027-01-31")
        # Moved to before the reported day, then withdrawn: chargeable again,
        # each change recorded once.
        extension.date_until = date(2026, 10, 31)
        self.assertCoverage(ticket, "chargeable", "expired")
        extension.unlink()
        self.assertCoverage(ticket, "chargeable", "expired")
        self.assertEqual(
            [payload["coverage"] for payload in self.decided(ticket)],
            ["warranty", "chargeable"],
        )

    def test_installation_date_and_product_warranty_corrected(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.assertCoverage(ticket, "warranty", "in_warranty")
        # Installed a year earlier than recorded: the warranty ended 2026-05-31.
        self.unit_new.installation_date = date(2024, 6, 1)
        self.assertCoverage(ticket, "chargeable", "expired")
        # The maker gives three years: in warranty again.
        self.heater.product_tmpl_id.aftersales_warranty_months = 36
        self.assertCoverage(ticket, "warranty", "in_warranty")
        self.assertEqual(self.decided(ticket)[-1]["warranty_end"], "2027-05-31")

    def test_overridden_and_closed_tickets_keep_their_coverage(self):
        overridden = self.report_consumer(serial_number="WH-T-0001")
        overridden.with_user(self.manager).action_override_coverage(
            "chargeable", "excluded_misuse", "Dropped during the move"
        )
        self.unit_new.extension_ids = [
            (0, 0, {"months": 12, "reason": "Extended warranty sold"})
        ]
        self.assertCoverage(overridden, "chargeable", "excluded_misuse")
        self.assertFalse(self.decided(overridden))

    def test_contract_activated_covers_the_unit(self):
        hotel, contract = self.customer_contract(
            "海景酒店 Seaview Hotel", activate=False, date_end=date(2027, 6, 30)
        )
        unit = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0100").id,
                "partner_id": hotel.id,
                "installation_date": date(2020, 1, 1),
                "contract_id": contract.id,
            }
        )
        ticket = self.report(
            reported=shanghai(2026, 11, 20, 10, 0),
            partner_id=hotel.id,
            serial_number="WH-T-0100",
            late_entry_reason="phone",
        )
        # The contract is a draft: it covers nothing yet.
        self.assertEqual(ticket.unit_id, unit)
        self.assertCoverage(ticket, "chargeable", "expired")
        contract.action_activate()
        self.assertEqual(unit.warranty_end, date(2027, 6, 30))
        # The ticket reported before keeps its clocks (no contract attached after
        # the fact), but its work is free now: the unit is under warranty.
        self.assertFalse(ticket.contract_id)
        self.assertCoverage(ticket, "warranty", "in_warranty")
