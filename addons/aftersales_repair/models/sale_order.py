from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.aftersales_sla.tools import door

#: The door of a ticket quotation's approval: only its confirmation opens it.
APPROVAL = "sale.order.approval"


class SaleOrder(models.Model):
    """The quotation of a ticket's repair order: sent to the customer and
    approved (signed on the portal) are ledger events of the ticket."""

    _inherit = "sale.order"

    def _aftersales_tickets(self):
        """The tickets of these orders' repair orders."""
        # sudo: the ticket of the repair, whoever (the portal customer) acts.
        return self.sudo().repair_order_ids.ticket_id

    def _aftersales_record(self, event_type):
        for order in self:
            tickets = order._aftersales_tickets()
            if not tickets:
                continue
            # sudo: the order's repairs, whoever confirms it (no Repairs rights needed)
            tickets._append_ticket_events(
                event_type,
                {
                    "sale_order": order.name,
                    "repairs": order.sudo().repair_order_ids.mapped("name"),
                    "amount_total": order.amount_total,
                    "currency": order.currency_id.name,
                    "signed_by": order.signed_by or None,
                },
            )

    def _aftersales_check_not_expired(self):
        """A ticket's quotation past its validity date is neither signed nor
        confirmed: the customer asks for a new one (prices may have changed)."""
        for order in self:
            if order.is_expired and order._aftersales_tickets():
                raise UserError(
                    self.env._(
                        "Quotation %(order)s expired on %(date)s: ask for a new one.",
                        order=order.name,
                        date=format_date(self.env, order.validity_date),
                    )
                )

    def write(self, vals):
        if vals.get("signature"):
            self._aftersales_check_not_expired()
        if vals.get("state") == "sale" and not door.is_open(APPROVAL):
            approved = self.filtered(
                lambda order: order.state != "sale" and order._aftersales_tickets()
            )
            if approved:
                raise UserError(
                    self.env._(
                        "Quotation %s of an after-sales ticket is approved only by its "
                        "confirmation (the customer's signature on the portal, or "
                        "Confirm), which the ledger records; its state cannot be "
                        "written directly.",
                        approved[0].name,
                    )
                )
        # A draft quotation marked as sent (by e-mail or by hand): once per sending.
        sent = self.browse()
        if vals.get("state") == "sent":
            sent = self.filtered(lambda order: order.state == "draft")
        result = super().write(vals)
        sent.filtered(lambda order: order.state == "sent")._aftersales_record(
            "ticket.quotation_sent"
        )
        return result

    def action_confirm(self):
        pending = self.filtered(lambda order: order.state in ("draft", "sent"))
        pending._aftersales_check_not_expired()
        with door.opened(APPROVAL):
            result = super().action_confirm()
        pending.filtered(lambda order: order.state == "sale")._aftersales_record(
            "ticket.quotation_approved"
        )
        return result
