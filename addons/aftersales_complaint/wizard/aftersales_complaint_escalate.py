from odoo import api, fields, models


class AftersalesComplaintEscalate(models.TransientModel):
    """A manager escalates a complaint by hand, to a higher level, with a reason."""

    _name = "aftersales.complaint.escalate"
    _description = "Escalate a Complaint"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    current_level = fields.Integer(related="ticket_id.complaint_escalation_level")
    company_id = fields.Many2one(related="ticket_id.company_id")
    level_id = fields.Many2one(
        "aftersales.complaint.escalation.level",
        string="Escalate To",
        required=True,
        domain="[('level', '>', current_level), "
        "('company_id', 'in', [company_id, False])]",
    )
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ticket = self.env["aftersales.ticket"].browse(
            values.get("ticket_id") or self.env.context.get("active_id")
        )
        if ticket:
            values["ticket_id"] = ticket.id
            values["level_id"] = (
                self.env["aftersales.complaint.escalation.level"]
                .search(
                    [
                        ("level", ">", ticket.complaint_escalation_level),
                        ("company_id", "in", [ticket.company_id.id, False]),
                    ],
                    order="level",
                    limit=1,
                )
                .id
            )
        return values

    def action_escalate(self):
        self.ensure_one()
        self.ticket_id.action_complaint_escalate(self.level_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
