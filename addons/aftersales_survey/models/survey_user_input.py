from odoo import fields, models


class SurveyUserInput(models.Model):
    """An after-sales survey invitation: Odoo's personal survey link, sent for a
    contract (periodic) or a closed ticket, scored per indicator when answered."""

    _inherit = "survey.user_input"

    aftersales_contract_id = fields.Many2one(
        "aftersales.contract",
        string="Contract",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    aftersales_ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="Ticket",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    aftersales_trigger = fields.Selection(
        [
            ("ticket_closed", "Ticket closed"),
            ("periodic", "Periodic"),
            ("manual", "Sent by hand"),
        ],
        string="Sent Because",
        readonly=True,
    )
    aftersales_sent_at = fields.Datetime(string="Sent At", readonly=True, index=True)
    aftersales_reminder_count = fields.Integer(string="Reminders Sent", readonly=True)
    aftersales_reminded_at = fields.Datetime(string="Last Reminder", readonly=True)
    aftersales_scored = fields.Boolean(
        string="Scored", readonly=True, help="At least one mapped question answered."
    )
    aftersales_index = fields.Float(
        string="Satisfaction Index",
        readonly=True,
        digits=(16, 2),
        aggregator="avg",
        help="Weighted mean of the indicator scores (0-100).",
    )
    aftersales_score_ids = fields.One2many(
        "aftersales.survey.score",
        "user_input_id",
        string="Indicator Scores",
        readonly=True,
    )
    aftersales_user_id = fields.Many2one(
        related="aftersales_ticket_id.user_id", string="Technician", store=True
    )
    aftersales_team_id = fields.Many2one(
        related="aftersales_ticket_id.team_id", string="Service Team", store=True
    )
