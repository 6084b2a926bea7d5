"""Tickets: refunds of their paid repairs.

When a paid repair failed, an After-Sales manager or a billing user refunds (part
of) a posted customer invoice of the ticket's repairs: a credit note linked to the
invoice (``reversed_entry_id``), posted at once so that the ledger event names
its number; posting it is the ``ticket.refunded`` event (see ``account.move``). An
invoice is never refunded beyond what is left of it after its earlier credit
notes.
"""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.aftersales_sla.tools import inputs

from .account_move_refund import REFUND_REASON

#: Who refunds a ticket's repair: After-Sales managers and billing users.
REFUNDERS = ("aftersales_sla.group_aftersales_manager", "account.group_account_invoice")


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    refundable_invoice_count = fields.Integer(
        compute="_compute_refundable_invoice_count",
        groups=",".join(REFUNDERS),
        help="Posted customer invoices of the ticket's repairs.",
    )

    def _compute_refundable_invoice_count(self):
        for ticket in self:
            ticket.refundable_invoice_count = len(ticket._repair_invoices())

    def _repair_invoices(self):
        """The posted customer invoices of the ticket's repairs."""
        self.ensure_one()
        # sudo: the invoices of the ticket's repairs, whoever refunds them.
        repairs = self.env["repair.order"].sudo().search([("ticket_id", "=", self.id)])
        return repairs.sale_order_id.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )

    def action_refund(self, invoice, amount, reason):
        """Refund ``amount`` of ``invoice`` (a posted customer invoice of this
        ticket's repairs) because ``reason``: a posted credit note linked to it.

        :param invoice: an ``account.move`` record or id
        :param amount: the amount refunded (taxes included), in the invoice's
            currency, at most what is left of the invoice
        :param reason: why (required text: what failed)
        :return: the credit note
        """
        self.ensure_one()
        if not any(self.env.user.has_group(group) for group in REFUNDERS):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers and billing users refund a repair."
                )
            )
        self.check_access("read")
        # sudo: the invoice is checked to be one of the ticket's just below
        invoice = inputs.to_record(
            self.env, "account.move", invoice, self.env._("Invoice")
        ).sudo()
        if invoice not in self._repair_invoices():
            raise UserError(
                self.env._(
                    "%(invoice)s is not a posted customer invoice of the repairs of "
                    "ticket %(ticket)s: only those are refunded here.",
                    invoice=invoice.display_name,
                    ticket=self.display_name,
                )
            )
        amount = inputs.to_number(self.env, amount, self.env._("Refund amount"))
        reason = inputs.to_text(
            self.env, reason, self.env._("Refund reason"), required=True
        )
        currency = invoice.currency_id
        amount = currency.round(amount)
        if float_is_zero(amount, precision_rounding=currency.rounding) or amount < 0:
            raise ValidationError(
                self.env._("The refund amount must be more than zero.")
            )
        # Checked before anything is made (and again when the credit note is
        # posted, see account.move).
        refunded = invoice._aftersales_check_refund(amount)
        # Posting the credit note records the ticket.refunded event, with the
        # reason given here.
        token = REFUND_REASON.set(reason)
        try:
            return self._create_refund(invoice, amount, reason, refunded)
        finally:
            REFUND_REASON.reset(token)

    def _create_refund(self, invoice, amount, reason, refunded):
        """The posted credit note of ``amount`` for ``invoice``: Odoo's reversal
        of the whole invoice (its lines and taxes) when all of it is refunded at
        once, else one line of the amount, on the income account of the invoice's
        first line, without taxes."""
        # sudo: a manager refunds without the Invoicing rights; the caller checked
        # the role, the invoice and the amount.
        invoice = invoice.sudo().with_company(invoice.company_id)
        ref = self.env._(
            "Refund of %(invoice)s (ticket %(ticket)s): %(reason)s",
            invoice=invoice.name,
            ticket=self.number,
            reason=reason,
        )
        whole = not refunded and not float_compare(
            amount,
            invoice.amount_total,
            precision_rounding=invoice.currency_id.rounding,
        )
        if whole:
            credit_note = invoice._reverse_moves(
                [{"ref": ref, "invoice_date": fields.Date.context_today(self)}]
            )
        else:
            line = invoice.invoice_line_ids.filtered(
                lambda aml: aml.display_type == "product"
            )[:1]
            # sudo: the credit note is made for whoever refunds, checks done above
            credit_note = (
                self.env["account.move"]
                .sudo()
                .with_company(invoice.company_id)
                .create(
                    {
                        "move_type": "out_refund",
                        "partner_id": invoice.partner_id.id,
                        "journal_id": invoice.journal_id.id,
                        "currency_id": invoice.currency_id.id,
                        "reversed_entry_id": invoice.id,
                        "invoice_origin": invoice.invoice_origin or invoice.name,
                        "invoice_date": fields.Date.context_today(self),
                        "ref": ref,
                        "invoice_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": ref,
                                    "quantity": 1.0,
                                    "price_unit": amount,
                                    "account_id": line.account_id.id,
                                    "tax_ids": [(5, 0, 0)],
                                },
                            )
                        ],
                    }
                )
            )
        credit_note.action_post()
        return credit_note

    def action_open_refund(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund a Repair"),
            "res_model": "aftersales.ticket.refund",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
