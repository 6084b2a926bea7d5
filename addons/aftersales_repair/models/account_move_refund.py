"""Credit notes of a ticket's repair invoices.

However it is made (the ticket's *Refund*, or Odoo's *Credit Note* on the invoice),
a customer credit note reversing a posted invoice of a ticket's repair is refused
when it would refund more than the invoice (with its earlier posted credit notes),
and once posted it is a ``ticket.refunded`` event of the ticket.
"""

import contextvars

from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

#: The reason given on the ticket's refund, for its ledger event. A context
#: variable, not a context key, so that no RPC caller can set it.
REFUND_REASON = contextvars.ContextVar("aftersales_refund_reason", default=None)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _aftersales_tickets(self):
        """The tickets whose repairs these invoices bill."""
        # sudo: the ticket of the invoiced repair, whoever refunds the invoice.
        return self.sudo().line_ids.sale_line_ids.order_id.repair_order_ids.ticket_id

    def _aftersales_refunded(self, excluding=None):
        """What the posted credit notes of this invoice (but ``excluding``)
        refund of it."""
        self.ensure_one()
        # sudo: every credit note of the invoice counts, whoever refunds
        refunds = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("reversed_entry_id", "=", self.id),
                    ("move_type", "=", "out_refund"),
                    ("state", "=", "posted"),
                    ("id", "not in", (excluding or self.browse()).ids),
                ]
            )
        )
        return self.currency_id.round(sum(refunds.mapped("amount_total")))

    def _aftersales_check_refund(self, amount, excluding=None):
        """Refuse to refund ``amount`` more of this invoice than what is left of
        it; the invoice's row stays locked until the transaction ends, so that
        two refunds of it are checked one after the other.

        :return: what was refunded before
        """
        self.ensure_one()
        # sudo: the invoice row is locked and read whoever refunds (technicians too)
        invoice = self.sudo()
        self.env.cr.execute(
            "SELECT id FROM account_move WHERE id = %s FOR UPDATE", [invoice.id]
        )
        currency = invoice.currency_id
        refunded = invoice._aftersales_refunded(excluding)
        left = currency.round(invoice.amount_total - refunded)
        if float_compare(amount, left, precision_rounding=currency.rounding) > 0:
            raise ValidationError(
                self.env._(
                    "A refund of %(amount)s is more than what is left of invoice "
                    "%(invoice)s: %(left)s (invoiced %(total)s, refunded already "
                    "%(refunded)s).",
                    amount=currency.format(amount),
                    invoice=invoice.name,
                    left=currency.format(left),
                    total=currency.format(invoice.amount_total),
                    refunded=currency.format(refunded),
                )
            )
        return refunded

    def _post(self, soft=True):
        refunds = self.filtered(
            lambda move: move.state != "posted"
            and move.move_type == "out_refund"
            and move.reversed_entry_id.move_type == "out_invoice"
            and move.reversed_entry_id._aftersales_tickets()
        )
        for refund in refunds:
            refund.reversed_entry_id._aftersales_check_refund(
                refund.amount_total, excluding=refund
            )
        posted = super()._post(soft=soft)
        for refund in refunds.filtered(lambda move: move.state == "posted"):
            # sudo: the refunded invoice's tickets get the event, whoever posts
            invoice = refund.reversed_entry_id.sudo()
            invoice._aftersales_tickets()._append_ticket_events(
                "ticket.refunded",
                {
                    "invoice": invoice.name,
                    "credit_note": refund.name,
                    "amount": refund.amount_total,
                    "currency": refund.currency_id.name,
                    "refunded_total": invoice._aftersales_refunded(),
                    "invoice_total": invoice.amount_total,
                },
                reason=REFUND_REASON.get() or refund.ref or None,
            )
        return posted
