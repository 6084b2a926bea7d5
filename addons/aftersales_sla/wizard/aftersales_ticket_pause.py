from odoo import api, fields, models


class AftersalesTicketPause(models.TransientModel):
    _name = "aftersales.ticket.pause"
    _description = "Pause After-Sales Tickets"

    ticket_ids = fields.Many2many("aftersales.ticket", required=True)
    reason_id = fields.Many2one(
        "aftersales.pause.reason", string="Reason", required=True
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "aftersales.ticket":
            values["ticket_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_pause(self):
        self.ensure_one()
        self.ticket_ids.action_pause(self.reason_id)
        return {"type": "ir.actions.act_window_close"}
