from odoo import api, fields, models


class AftersalesTicketQuotationSend(models.TransientModel):
    """The technician sends the quotation of his ticket's repair: the hours of
    labour it charges, then the quotation goes to the customer's portal."""

    _name = "aftersales.ticket.quotation.send"
    _description = "Send a Ticket's Repair Quotation"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_partner_id"
    )
    labour_hours = fields.Float(
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
        help="The hours of labour the quotation charges (at the labour fee).",
    )

    @api.depends("ticket_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.ticket_id.partner_id

    def action_send(self):
        self.ensure_one()
        return self.ticket_id.action_send_quotation(self.labour_hours)
