from collections import defaultdict

from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment matched with the customer invoice of a ticket's repair (Odoo's
    Register Payment reconciles them, as does matching a bank statement line) is a
    ``ticket.paid`` event of the ticket: once per payment and invoice, with the
    amount it pays off and the invoice's payment state after it. Credit notes
    and other entries reducing what is due are not payments."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._aftersales_record_payments()
        return partials

    def _aftersales_record_payments(self):
        # (invoice, paying entry) -> amount in the invoice's currency
        paid = defaultdict(float)
        # sudo: whoever registers the payment, the ticket records it.
        for partial in self.sudo():
            for line, counterpart, amount in (
                (
                    partial.debit_move_id,
                    partial.credit_move_id,
                    partial.debit_amount_currency,
                ),
                (
                    partial.credit_move_id,
                    partial.debit_move_id,
                    partial.credit_amount_currency,
                ),
            ):
                invoice = line.move_id
                payment_entry = counterpart.move_id
                if (
                    invoice.move_type == "out_invoice"
                    and line.account_type == "asset_receivable"
                    and (
                        payment_entry.origin_payment_id
                        or payment_entry.statement_line_id
                    )
                ):
                    paid[invoice, payment_entry] += amount
        for (invoice, payment_entry), amount in paid.items():
            tickets = invoice.line_ids.sale_line_ids.order_id.repair_order_ids.ticket_id
            if not tickets:
                continue
            payment = payment_entry.origin_payment_id
            tickets._append_ticket_events(
                "ticket.paid",
                {
                    "invoice": invoice.name,
                    "payment": payment.name or payment_entry.name,
                    "amount": invoice.currency_id.round(amount),
                    "currency": invoice.currency_id.name,
                    "journal": payment_entry.journal_id.name,
                    "journal_code": payment_entry.journal_id.code,
                    "payment_state": invoice.payment_state,
                    "amount_residual": invoice.amount_residual,
                },
            )
