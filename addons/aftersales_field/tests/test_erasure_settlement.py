from odoo.tests import tagged

from .test_settlement_flow import SettlementCase


@tagged("post_install", "-at_install")
class TestErasureSettlement(SettlementCase):
    def test_a_disputed_settlement_line_refuses_the_partners_erasure(self):
        self.job()
        settlement = self.settle()
        settlement.action_compute()
        settlement.action_confirm()
        labour = settlement.line_ids.filtered(lambda line: line.kind == "labour")
        labour.with_user(self.portal_user).action_dispute("工时只有1小时 Only 1 hour")
        request = (
            self.env["aftersales.erasure.request"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.partner_contract.partner_id.id,
                    "request_ref": "ERASE-PARTNER-1",
                }
            )
        )
        request.action_execute()
        self.assertEqual(request.state, "refused")
        self.assertIn(settlement.display_name, request.refusal_reason)
        self.assertEqual(labour.dispute_reason, "工时只有1小时 Only 1 hour")
