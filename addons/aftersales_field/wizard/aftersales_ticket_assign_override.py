from odoo import api, fields, models


class AftersalesTicketAssignOverride(models.TransientModel):
    """An After-Sales manager assigns a ticket to a technician who lacks some of
    its required qualifications, saying why (recorded in the ledger)."""

    _name = "aftersales.ticket.assign.override"
    _description = "Assign a Ticket Without the Required Qualifications"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id")
    required_qualification_type_ids = fields.Many2many(
        related="ticket_id.required_qualification_type_ids"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assign To",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    gaps = fields.Text(string="Missing Qualifications", compute="_compute_gaps")
    reason = fields.Text(
        required=True,
        help="Why this technician is assigned without the required qualifications "
        "(e.g. works under the supervision of a certified colleague).",
    )

    @api.depends("ticket_id", "user_id")
    def _compute_gaps(self):
        Ticket = self.env["aftersales.ticket"]
        for wizard in self:
            ticket = wizard.ticket_id
            if not ticket or not wizard.user_id:
                wizard.gaps = False
                continue
            wizard.gaps = (
                Ticket._qualification_gap_message(
                    wizard.user_id.partner_id,
                    ticket.required_qualification_type_ids,
                    ticket.company_id or self.env.company,
                )
                or False
            )

    def action_assign(self):
        self.ensure_one()
        self.ticket_id._assign_overriding_qualifications(self.user_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
