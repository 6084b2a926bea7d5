"""Tickets find their unit by serial number; their coverage is decided by rule,
recorded in the ledger, and overridden only by managers."""

import json
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RepairCase

REFUSED = "they cannot be written directly"


@tagged("post_install", "-at_install")
class TestTicketCoverage(RepairCase):
    def test_ticket_finds_its_unit_by_serial(self):
        ticket = self.report_consumer(serial_number="  wh-t-0001 ")
        self.assertEqual(ticket.unit_id, self.unit_new)
        self.assertEqual(ticket.product_id, self.heater)
        self.assertEqual(ticket.unit_warranty_end, date(2027, 5, 31))
        # Another customer's serial number is not theirs: no unit.
        ticket = self.report_consumer(
            partner_id=self.other_consumer.id, serial_number="WH-T-0001"
        )
        self.assertFalse(ticket.unit_id)
        self.assertEqual(
            (ticket.coverage, ticket.coverage_reason), ("chargeable", "no_unit")
        )

    def test_ticket_finds_the_only_unit_of_the_product(self):
        lock = self.env["product.product"].create({"name": "Lock", "type": "consu"})
        unit = self.Unit.create(
            {
                "product_id": lock.id,
                "partner_id": self.other_consumer.id,
                "installation_date": date(2026, 1, 1),
            }
        )
        self.env["product.template"].browse(
            lock.product_tmpl_id.id
        ).aftersales_warranty_months = 12
        ticket = self.report_consumer(
            partner_id=self.other_consumer.id, product_id=lock.id
        )
        self.assertEqual(ticket.unit_id, unit)
        self.assertEqual(ticket.coverage, "warranty")
        # Two units of the heater: the product alone does not tell which.
        ticket = self.report_consumer(product_id=self.heater.id)
        self.assertFalse(ticket.unit_id)

    def test_coverage_decided_and_recorded(self):
        in_warranty = self.report_consumer(serial_number="WH-T-0001")
        expired = self.report_consumer(serial_number="WH-T-0002")
        under_contract = self.report(late_entry_reason="phone")
        self.assertEqual(
            (in_warranty.coverage, in_warranty.coverage_reason),
            ("warranty", "in_warranty"),
        )
        self.assertEqual(
            (expired.coverage, expired.coverage_reason), ("chargeable", "expired")
        )
        self.assertEqual(
            (under_contract.coverage, under_contract.coverage_reason),
            ("contract", "under_contract"),
        )
        # Recorded with the report: the decision and what it rests on.
        event = self.coverage_events(in_warranty, "ticket.reported")
        self.assertEqual(len(event), 1)
        payload = json.loads(event.payload)
        self.assertEqual(payload["coverage"], "warranty")
        self.assertEqual(payload["coverage_reason"], "in_warranty")
        self.assertEqual(payload["unit"], self.unit_new.id)
        self.assertEqual(payload["serial"], "WH-T-0001")
        self.assertEqual(payload["warranty_end"], "2027-05-31")
        payload = json.loads(
            self.coverage_events(under_contract, "ticket.reported").payload
        )
        self.assertEqual(
            (payload["coverage"], payload["contract"]), ("contract", self.contract.id)
        )
        result = self.env["aftersales.event"].verify_ledger()
        self.assertTrue(result["ok"], result)

    def recorded(self, ticket):
        """The coverages the ledger recorded for ``ticket``, in order: with its
        report, its re-targetings, its decisions and overrides."""
        coverages = []
        for event in ticket.sudo().event_ids:
            payload = json.loads(event.payload)
            if event.event_type == "ticket.retargeted":
                payload = payload["to"]
            if "coverage" in payload and (
                not coverages or coverages[-1] != payload["coverage_reason"]
            ):
                coverages.append(payload["coverage_reason"])
        return coverages

    def test_coverage_decided_again_when_the_serial_changes(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(ticket.coverage, "chargeable")
        ticket.write({"serial_number": "WH-T-0001"})
        self.assertEqual(ticket.unit_id, self.unit_new)
        self.assertEqual(ticket.coverage, "warranty")
        self.assertEqual(self.recorded(ticket), ["expired", "in_warranty"])
        # No contract was found again, so no re-targeting: the new decision is an
        # event of its own.
        self.assertEqual(len(self.coverage_events(ticket)), 1)
        # The coverage stays: no new decision is recorded.
        ticket.write({"name": "热水器不出热水"})
        ticket.write({"serial_number": "WH-T-0001 "})
        self.assertEqual(self.recorded(ticket), ["expired", "in_warranty"])
        self.assertEqual(len(self.coverage_events(ticket)), 1)
        # A unit chosen by hand brings its serial number.
        ticket.write({"unit_id": self.unit_old.id, "serial_number": False})
        self.assertEqual(ticket.unit_id, self.unit_old)
        self.assertEqual(ticket.serial_number, "WH-T-0002")
        self.assertEqual(ticket.coverage_reason, "expired")
        self.assertEqual(self.recorded(ticket), ["expired", "in_warranty", "expired"])

    def test_unit_chosen_by_hand_records_the_decision(self):
        lock = self.env["product.product"].create({"name": "Lock", "type": "consu"})
        lock.product_tmpl_id.aftersales_warranty_months = 12
        unit = self.Unit.create(
            {
                "product_id": lock.id,
                "partner_id": self.consumer.id,
                "installation_date": date(2026, 1, 1),
            }
        )
        ticket = self.report_consumer(product_id=lock.id, unit_id=False)
        self.assertEqual(ticket.unit_id, unit)
        ticket.write({"unit_id": False})
        self.assertEqual(ticket.coverage_reason, "no_unit")
        ticket.write({"unit_id": unit.id})
        self.assertEqual(ticket.coverage_reason, "in_warranty")
        events = self.coverage_events(ticket)
        self.assertEqual(
            [json.loads(e.payload)["coverage_reason"] for e in events],
            ["no_unit", "in_warranty"],
        )
        self.assertEqual(json.loads(events[-1].payload)["unit"], unit.id)

    def test_unit_of_another_customer_refused(self):
        other = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0200").id,
                "partner_id": self.other_consumer.id,
            }
        )
        with self.refused(ValidationError, "belongs to"):
            self.report_consumer(unit_id=other.id)

    def test_coverage_fields_only_through_the_door(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        for user in (self.technician, self.manager):
            with self.refused(UserError, REFUSED):
                ticket.with_user(user).sudo().write({"coverage": "warranty"})
        with self.refused(UserError, REFUSED):
            self.report_consumer(coverage="warranty", coverage_reason="in_warranty")
        self.assertEqual(ticket.coverage, "chargeable")

    def test_manager_overrides_with_a_reason(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        wizard = (
            self.env["aftersales.ticket.coverage.override"]
            .with_user(self.manager)
            .create(
                {
                    "ticket_id": ticket.id,
                    "coverage": "chargeable",
                    "coverage_reason": "excluded_self_disassembly",
                    "note": "外壳被打开，点火器被用户自行更换",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(
            (ticket.coverage, ticket.coverage_reason, ticket.coverage_overridden),
            ("chargeable", "excluded_self_disassembly", True),
        )
        event = self.coverage_events(ticket, "ticket.coverage_overridden")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reason_text, "外壳被打开，点火器被用户自行更换")
        self.assertEqual(event.author_id, self.manager)
        payload = json.loads(event.payload)
        self.assertEqual(
            payload["previous"], {"coverage": "warranty", "reason": "in_warranty"}
        )
        self.assertEqual(payload["coverage_reason"], "excluded_self_disassembly")
        # The override sticks: a later correction does not decide by rule again.
        ticket.write({"serial_number": "WH-T-0002"})
        self.assertEqual(ticket.coverage_reason, "excluded_self_disassembly")
        self.assertTrue(self.env["aftersales.event"].verify_ledger()["ok"])

    def test_override_refuses_bad_input(self):
        ticket = self.report_consumer(serial_number="WH-T-0001").with_user(self.manager)
        with self.refused(ValidationError, "does not go with"):
            ticket.action_override_coverage("warranty", "expired", "note")
        with self.refused(ValidationError, "is required"):
            ticket.action_override_coverage("chargeable", "excluded_misuse", "  ")
        with self.refused(ValidationError, "Unknown coverage"):
            ticket.action_override_coverage("free", "in_warranty", "note")
        self.assertEqual(ticket.coverage, "warranty")
        self.assertFalse(self.coverage_events(ticket, "ticket.coverage_overridden"))

    def test_technician_cannot_override(self):
        ticket = self.report_consumer(
            serial_number="WH-T-0001", user_id=self.technician.id
        )
        with self.refused(AccessError, "Only After-Sales managers"):
            ticket.with_user(self.technician).action_override_coverage(
                "chargeable", "excluded_misuse", "摔坏"
            )
        with self.assertRaises(AccessError):
            self.env["aftersales.ticket.coverage.override"].with_user(
                self.technician
            ).create(
                {
                    "ticket_id": ticket.id,
                    "coverage": "chargeable",
                    "coverage_reason": "excluded_misuse",
                    "note": "摔坏",
                }
            )
        self.assertEqual(ticket.coverage, "warranty")

    def test_contract_given_afterwards_recorded_with_the_retargeting(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        contract = self.contract.copy({"partner_id": self.consumer.id})
        contract.action_activate()
        ticket.write({"contract_id": contract.id})
        self.assertEqual(
            (ticket.coverage, ticket.coverage_reason), ("contract", "under_contract")
        )
        event = self.coverage_events(ticket, "ticket.retargeted")
        payload = json.loads(event.payload)
        self.assertEqual(
            (payload["from"]["coverage"], payload["to"]["coverage"]),
            ("chargeable", "contract"),
        )
        self.assertFalse(self.coverage_events(ticket))

    def test_customer_corrected_finds_the_new_customers_unit(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        other = self.Unit.create(
            {
                "product_id": self.heater.id,
                "lot_id": self.lot("WH-T-0300").id,
                "partner_id": self.other_consumer.id,
            }
        )
        ticket.with_user(self.manager).write(
            {"partner_id": self.other_consumer.id, "serial_number": "WH-T-0300"}
        )
        self.assertEqual(ticket.unit_id, other)
        self.assertEqual(ticket.coverage, "warranty")
        ticket.with_user(self.manager).write({"partner_id": self.consumer.id})
        self.assertFalse(ticket.unit_id)
        self.assertEqual(ticket.coverage_reason, "no_unit")
