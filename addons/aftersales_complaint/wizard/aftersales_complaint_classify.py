from odoo import api, fields, models

from ..models.aftersales_ticket_complaint import COMPLAINT_LINK_FIELDS


class AftersalesComplaintClassify(models.TransientModel):
    """Classify a complaint (or classify it again, with a reason): its category and
    what it is about, recorded in the ledger."""

    _name = "aftersales.complaint.classify"
    _description = "Classify a Complaint"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    commercial_partner_id = fields.Many2one(related="ticket_id.commercial_partner_id")
    company_id = fields.Many2one(related="ticket_id.company_id")
    is_reclassification = fields.Boolean(readonly=True)
    complaint_category_id = fields.Many2one(
        "aftersales.complaint.category", string="Category", required=True
    )
    complaint_ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="About Ticket",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('company_id', '=', company_id), ('is_complaint', '=', False)]",
    )
    complaint_user_id = fields.Many2one(
        "res.users", string="About Technician", domain="[('share', '=', False)]"
    )
    complaint_partner_id = fields.Many2one(
        "res.partner", string="About Service Partner"
    )
    complaint_unit_id = fields.Many2one(
        "aftersales.unit",
        string="About Unit",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
    )
    reason = fields.Char(help="Why the complaint is classified again.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ticket = self.env["aftersales.ticket"].browse(
            values.get("ticket_id") or self.env.context.get("active_id")
        )
        if ticket:
            values["ticket_id"] = ticket.id
            values["is_reclassification"] = bool(ticket.complaint_classified_at)
            for name in COMPLAINT_LINK_FIELDS:
                values[name] = ticket[name].id
        return values

    @api.onchange("complaint_ticket_id")
    def _onchange_complaint_ticket_id(self):
        if self.complaint_ticket_id:
            self.update(
                self.env["aftersales.ticket"]._complaint_links_of(
                    self.complaint_ticket_id
                )
            )

    def action_classify(self):
        self.ensure_one()
        self.ticket_id.action_complaint_classify(
            {name: self[name].id for name in COMPLAINT_LINK_FIELDS},
            reason=self.reason,
        )
        return {"type": "ir.actions.act_window_close"}
