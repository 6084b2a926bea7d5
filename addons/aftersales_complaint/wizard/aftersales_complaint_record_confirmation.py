from odoo import api, fields, models


class AftersalesComplaintRecordConfirmation(models.TransientModel):
    """A manager records the complainant's confirmation given another way (by
    phone, in person), saying so in the reason."""

    _name = "aftersales.complaint.record.confirmation"
    _description = "Record a Complainant's Confirmation"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    reason = fields.Char(
        required=True,
        help="How and when the complainant confirmed (e.g. by phone on 3 May).",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if not values.get("ticket_id") and self.env.context.get("active_id"):
            values["ticket_id"] = self.env.context["active_id"]
        return values

    def action_record(self):
        self.ensure_one()
        self.ticket_id.action_complaint_record_confirmation(self.reason)
        return {"type": "ir.actions.act_window_close"}
