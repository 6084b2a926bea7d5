"""The refund of a failed repair, walked in the browser by a billing user, in
English and in Chinese; the credit note is checked in the database afterwards."""

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_guarantee_refund import GuaranteeCase


@tagged("post_install", "-at_install")
class TestRefundTour(GuaranteeCase, HttpCase):
    def refund_tour(self, lang):
        login = f"tour_billing_{lang}"
        billing = new_test_user(
            self.env, login, groups="account.group_account_invoice", lang=lang
        )
        ticket = self.first_ticket()
        _repair, invoice = self.paid_repair(ticket)
        # The tour's first try is refused (too much): odoo.http logs that refusal.
        with mute_logger("odoo.http"):
            self.start_tour(
                f"/odoo/action-aftersales_sla.aftersales_ticket_action/{ticket.id}",
                "aftersales_repair_refund",
                login=login,
            )
        credit = self.env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id)]
        )
        # Only the second try: 150 of 400, posted, by the billing user.
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.state, "posted")
        self.assertAlmostEqual(credit.amount_total, 150.0)
        self.assertEqual(credit.create_uid, billing)
        event = self.coverage_events(ticket, "ticket.refunded")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reason_text, "点火针又坏了")

    def test_refund_in_english(self):
        self.refund_tour("en_US")

    def test_refund_in_chinese(self):
        self.refund_tour("zh_CN")
