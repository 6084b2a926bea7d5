"""Browser tour (Chromium): a billing clerk reads a ticket's charges, in English
and in Chinese."""

from odoo.tests import new_test_user, tagged

from .test_repair_orders import RepairRpcCase


@tagged("post_install", "-at_install")
class TestChargesTour(RepairRpcCase):
    def paid_ticket(self):
        """The ticket's quotation (visit 80 + labour 120) approved, invoiced and
        paid with WeChat Pay."""
        order = self.quote()
        order.name = "TOURSO-0001"
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        wechat = self.env["account.journal"].search(
            [("company_id", "=", self.env.company.id), ("code", "=", "WXP")]
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": wechat.id}).action_create_payments()
        self.assertEqual(invoice.amount_total, 200.0)
        self.assertEqual(invoice.payment_state, "paid")

    def run_tour(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.paid_ticket()
        login = f"charges_billing_{lang}"
        new_test_user(
            self.env, login, groups="account.group_account_invoice", lang=lang
        )
        self.start_tour(
            f"/odoo/aftersales.ticket/{self.ticket.id}",
            "aftersales_ticket_charges",
            login=login,
        )

    def test_billing_reads_charges_en(self):
        self.run_tour("en_US")

    def test_billing_reads_charges_zh(self):
        self.run_tour("zh_CN")
