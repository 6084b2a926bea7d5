"""A penalty cap of 0 is a cap of zero; "no cap" is said explicitly (issue #11,
point 7). Contracts written without the flags keep their old meaning."""

from odoo.tests import tagged

from .test_penalty import PenaltyCase

CLAUSE = {"name": "Late", "rule_type": "fixed", "amount": 3000, "metric": "response"}


@tagged("post_install", "-at_install")
class TestPenaltyCaps(PenaltyCase):
    def test_a_cap_of_zero_allows_nothing(self):
        contract = self.make_contract(
            [CLAUSE],
            has_penalty_cap_amount=True,
            penalty_cap_amount=0,
            has_penalty_cap_percent=False,
        )
        ticket = self.breach_response(name="Zero cap")
        penalty = self.Penalty.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(penalty.amount, 0.0)
        self.assertEqual(penalty.amount_clipped, 3000.0)
        self.assertEqual(self.Penalty._caps(contract), (0.0, None))
        self.assertEqual(contract.penalty_cap_left, 0.0)

    def test_no_cap_is_explicit(self):
        contract = self.make_contract(
            [dict(CLAUSE, amount=20000)],
            has_penalty_cap_percent=False,
        )
        self.assertEqual(self.Penalty._caps(contract), (None, None))
        ticket = self.breach_response(name="No cap")
        penalty = self.Penalty.search([("ticket_id", "=", ticket.id)])
        self.assertEqual(penalty.amount, 20000.0, "above 10 % of the value")
        self.assertEqual(penalty.amount_clipped, 0.0)

    def test_zero_without_a_flag_keeps_meaning_no_cap(self):
        """Data written before the flags: 0 was no cap, and stays so."""
        contract = self.make_contract([CLAUSE], penalty_cap_percent=0)
        self.assertFalse(contract.has_penalty_cap_percent)
        self.assertEqual(self.Penalty._caps(contract), (None, None))
        # The default is still 10 % of the value, as a cap that applies.
        default = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "amount_value": 100000,
                "date_end": "2026-12-31",
            }
        )
        self.assertTrue(default.has_penalty_cap_percent)
        self.assertEqual(self.Penalty._caps(default), (10000.0, None))

    def test_an_amendment_sets_a_cap_of_zero(self):
        contract = self.make_contract([CLAUSE])
        wizard = (
            self.env["aftersales.contract.amend"]
            .with_user(self.manager)
            .create(
                {
                    "contract_id": contract.id,
                    "reason": "No more penalties after the settlement",
                    "has_penalty_cap_amount": True,
                    "penalty_cap_amount": 0,
                }
            )
        )
        wizard.action_apply()
        self.assertTrue(contract.has_penalty_cap_amount)
        self.assertEqual(self.Penalty._caps(contract)[0], 0.0)
        changes = contract.amendment_ids[-1:].changes_json
        self.assertIn('"has_penalty_cap_amount":[false,true]', changes)
        # The contract document says so.
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_aftersales_contract", contract.ids
            )[0]
            .decode()
        )
        self.assertIn("No cap", html, "the period caps do not apply")
