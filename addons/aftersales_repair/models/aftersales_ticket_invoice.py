"""Tickets: the invoice of their approved repair quotations, made by the
accountant from the ticket.

Odoo lets only its Sales users invoice a sale order (the order's form and its
invoicing wizard); the accountant (Odoo's Billing group) invoices a ticket's
approved quotations from the ticket, then posts the invoice (the
``ticket.invoiced`` event) and registers its payment as usual.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

BILLING_GROUP = "account.group_account_invoice"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    can_create_invoice = fields.Boolean(
        string="Quotation to Invoice",
        compute="_compute_can_create_invoice",
        help="An approved quotation of the ticket's repairs is not invoiced yet.",
    )

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_create_invoice(self):
        for ticket in self:
            ticket.can_create_invoice = bool(ticket._orders_to_invoice())

    def _orders_to_invoice(self):
        """The ticket's approved repair quotations with something to invoice."""
        self.ensure_one()
        if not self.id:
            return self.env["sale.order"]
        # sudo: the quotations of the ticket's repairs, whoever looks.
        return (
            self.env["repair.order"]
            .sudo()
            .search([("ticket_id", "=", self.id)])
            .sale_order_id.filtered(
                lambda order: order.state == "sale"
                and order.invoice_status == "to invoice"
            )
        )

    def action_create_invoice(self):
        """Invoice the ticket's approved repair quotations: the draft invoice
        opens, to be checked and posted."""
        self.ensure_one()
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._("Only accountants (Billing) invoice a ticket's repairs.")
            )
        self.check_access("read")
        orders = self._orders_to_invoice()
        if not orders:
            raise UserError(
                self.env._(
                    "Ticket %s has no approved quotation left to invoice.",
                    self.display_name,
                )
            )
        # As the accountant (Billing users write sale orders and invoices): only
        # the search of the ticket's orders above needed sudo.
        orders = orders.with_env(self.env)
        invoices = orders._create_invoices()
        return orders.action_view_invoice(invoices=invoices)
