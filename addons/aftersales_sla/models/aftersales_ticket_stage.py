from odoo import fields, models


class AftersalesTicketStage(models.Model):
    """A column of the ticket kanban. Flags tie stages to the SLA milestones."""

    _name = "aftersales.ticket.stage"
    _description = "After-Sales Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_resolved = fields.Boolean(
        string="Resolved",
        help="Moving a ticket here resolves it (resolution milestone).",
    )
    is_closed = fields.Boolean(string="Closed", help="Moving a ticket here closes it.")
    pause_reason_id = fields.Many2one(
        "aftersales.pause.reason",
        string="Pauses With",
        ondelete="restrict",
        help="Moving a ticket here pauses it for this reason.",
    )
