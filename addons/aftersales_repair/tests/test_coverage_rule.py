"""The coverage rule of tools/coverage.py, directly."""

from datetime import date

from odoo.tests import BaseCase

from ..tools import coverage as rule

DAY = date(2026, 11, 30)


class TestCoverageRule(BaseCase):
    def test_contract_wins_over_warranty(self):
        self.assertEqual(
            rule.decide(True, True, date(2027, 1, 1), DAY),
            ("contract", "under_contract"),
        )
        # A contract covers the ticket even when its unit is unknown.
        self.assertEqual(
            rule.decide(True, False, None, DAY), ("contract", "under_contract")
        )

    def test_warranty_to_its_last_day(self):
        self.assertEqual(
            rule.decide(False, True, DAY, DAY), ("warranty", "in_warranty")
        )
        self.assertEqual(
            rule.decide(False, True, date(2026, 11, 29), DAY),
            ("chargeable", "expired"),
        )

    def test_unit_without_warranty_is_chargeable(self):
        self.assertEqual(rule.decide(False, True, None, DAY), ("chargeable", "expired"))

    def test_unknown_unit_is_chargeable(self):
        self.assertEqual(
            rule.decide(False, False, None, DAY), ("chargeable", "no_unit")
        )

    def test_repeat_fault_under_repair_guarantee_to_its_last_day(self):
        expired = date(2025, 6, 1)
        self.assertEqual(
            rule.decide(False, True, expired, DAY, guarantee_end=DAY),
            ("guarantee", "repeat_fault"),
        )
        self.assertEqual(
            rule.decide(False, True, expired, DAY, guarantee_end=date(2026, 11, 29)),
            ("chargeable", "expired"),
        )
        # A unit without warranty at all is still under its repair's guarantee.
        self.assertEqual(
            rule.decide(False, True, None, DAY, guarantee_end=date(2027, 1, 1)),
            ("guarantee", "repeat_fault"),
        )

    def test_contract_and_warranty_win_over_repair_guarantee(self):
        later = date(2027, 2, 1)
        self.assertEqual(
            rule.decide(True, True, None, DAY, guarantee_end=later),
            ("contract", "under_contract"),
        )
        self.assertEqual(
            rule.decide(False, True, later, DAY, guarantee_end=later),
            ("warranty", "in_warranty"),
        )

    def test_override_pairs(self):
        self.assertTrue(rule.check_override("chargeable", "excluded_misuse"))
        self.assertTrue(rule.check_override("warranty", "in_warranty"))
        self.assertFalse(rule.check_override("warranty", "expired"))
        self.assertFalse(rule.check_override("contract", "excluded_misuse"))
        self.assertFalse(rule.check_override("free", "in_warranty"))
        self.assertTrue(rule.check_override("guarantee", "repeat_fault"))
        self.assertTrue(rule.check_override("chargeable", "different_fault"))
        self.assertFalse(rule.check_override("guarantee", "different_fault"))

    def test_every_reason_goes_with_one_coverage(self):
        reasons = [code for code, _label in rule.REASONS]
        paired = [r for codes in rule.REASONS_BY_COVERAGE.values() for r in codes]
        self.assertCountEqual(reasons, paired)
