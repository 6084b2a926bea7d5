from odoo import fields, models

#: Where a complaint came in from, besides the channels every ticket has.
COMPLAINT_CHANNELS = [
    ("wechat", "WeChat"),
    ("in_person", "In Person"),
    ("consumer_association", "Consumer Association / 12315"),
]

#: Where a complaint stands with its complainant.
COMPLAINT_STATES = [
    ("open", "Open"),
    ("answered", "Answered"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
]


class AftersalesTicket(models.Model):
    """A complaint is a ticket of a complaint service type: these fields say what
    it is about and where it stands with the complainant."""

    _inherit = "aftersales.ticket"

    channel = fields.Selection(
        selection_add=COMPLAINT_CHANNELS,
        ondelete={code: "set default" for code, _label in COMPLAINT_CHANNELS},
    )
    complaint_category_id = fields.Many2one(
        "aftersales.complaint.category",
        string="Complaint Category",
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    complaint_ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="Complained Ticket",
        index=True,
        tracking=True,
        help="The earlier ticket this complaint is about.",
    )
    complaint_user_id = fields.Many2one(
        "res.users",
        string="Complained Technician",
        index=True,
        tracking=True,
    )
    complaint_partner_id = fields.Many2one(
        "res.partner",
        string="Complained Service Partner",
        index=True,
        tracking=True,
    )
    complaint_unit_id = fields.Many2one(
        "aftersales.unit",
        string="Complained Unit",
        index=True,
        tracking=True,
    )
    complaint_state = fields.Selection(
        COMPLAINT_STATES, readonly=True, index=True, copy=False
    )
    complaint_outcome = fields.Html(
        string="Outcome",
        copy=False,
        help="The answer written to the complainant, who confirms or rejects it.",
    )
    complaint_rejection_count = fields.Integer(
        string="Outcome Rejections", readonly=True, copy=False
    )
    complaint_escalation_level = fields.Integer(
        string="Escalation Level", readonly=True, copy=False
    )
