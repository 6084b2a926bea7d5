from odoo import api, fields, models


class AftersalesTicketRefund(models.TransientModel):
    """A manager or a billing user refunds (part of) a posted invoice of a
    ticket's repair that failed: a credit note linked to it."""

    _name = "aftersales.ticket.refund"
    _description = "Refund a Ticket's Repair"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        compute="_compute_invoice_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_invoice_ids)]",
    )
    allowed_invoice_ids = fields.Many2many(
        "account.move", compute="_compute_allowed_invoice_ids"
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    invoice_total = fields.Monetary(related="invoice_id.amount_total")
    amount_left = fields.Monetary(
        string="Left to Refund", compute="_compute_amount_left"
    )
    amount = fields.Monetary(
        string="Refund Amount",
        required=True,
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="Taxes included; proposed: what is left of the invoice.",
    )
    reason = fields.Text(
        required=True, help="What failed: the ledger and the credit note record it."
    )

    @api.depends("ticket_id")
    def _compute_allowed_invoice_ids(self):
        for wizard in self:
            wizard.allowed_invoice_ids = (
                wizard.ticket_id._repair_invoices() if wizard.ticket_id else False
            )

    @api.depends("invoice_id")
    def _compute_amount_left(self):
        for wizard in self:
            # sudo: the invoice's amounts, for a refunder without accounting rights
            invoice = wizard.invoice_id.sudo()
            wizard.amount_left = (
                invoice.amount_total - invoice._aftersales_refunded()
                if invoice
                else 0.0
            )

    @api.depends("ticket_id")
    def _compute_invoice_id(self):
        for wizard in self:
            wizard.invoice_id = wizard.invoice_id or (
                wizard.ticket_id._repair_invoices()[-1:] if wizard.ticket_id else False
            )

    @api.depends("invoice_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.amount_left

    def action_apply(self):
        self.ensure_one()
        self.ticket_id.action_refund(self.invoice_id, self.amount, self.reason)
        return {"type": "ir.actions.act_window_close"}
