from odoo import api, fields, models


class AftersalesTicketSign(models.TransientModel):
    """The customer signs the service report on the technician's device (the
    ticket's Sign button): the same sign-off as on the portal."""

    _name = "aftersales.ticket.sign"
    _description = "Sign After-Sales Service Report"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    signed_by = fields.Char(
        help="The customer's representative who signs the service report.",
    )
    signature = fields.Binary(help="The customer's signature.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "aftersales.ticket":
            ticket = self.env["aftersales.ticket"].browse(
                self.env.context.get("active_id")
            )
            values.setdefault("ticket_id", ticket.id)
            if "signed_by" in fields_list and ticket.exists():
                values.setdefault("signed_by", ticket.contact_id.name or False)
        return values

    def action_sign(self):
        self.ensure_one()
        self.ticket_id._backend_sign_and_accept(self.signed_by, self.signature)
        return {"type": "ir.actions.act_window_close"}
