"""Complaint analysis: one row per complaint (a ticket of a complaint service
type), with what it is about and whether it was resolved on time, for pivots and
graphs by category, complained technician or partner, contract, channel and month.

A read-only SQL view over the tickets and their complaint feedback clock. Record
rules follow the ticket's (security/aftersales_complaint_figures_security.xml).
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .aftersales_ticket_complaint import COMPLAINT_STATES

#: Where a complaint stands with its feedback clock (its resolution promise).
FEEDBACK_STATES = [
    ("on_time", "Resolved on Time"),
    ("late", "Late"),
    ("pending", "Within Deadline"),
    ("none", "No Deadline"),
]


class AftersalesComplaintReport(models.Model):
    _name = "aftersales.complaint.report"
    _description = "After-Sales Complaint Analysis"
    _auto = False
    _order = "reported_at desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("aftersales.ticket", string="Complaint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    contract_id = fields.Many2one("aftersales.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one(
        "aftersales.complaint.category", string="Category", readonly=True
    )
    complaint_user_id = fields.Many2one(
        "res.users", string="Complained Technician", readonly=True
    )
    complaint_partner_id = fields.Many2one(
        "res.partner", string="Complained Service Partner", readonly=True
    )
    complaint_ticket_id = fields.Many2one(
        "aftersales.ticket", string="Complained Ticket", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Handled By", readonly=True)
    team_id = fields.Many2one("aftersales.team", readonly=True)
    channel = fields.Selection(selection="_selection_channel", readonly=True)
    priority = fields.Selection(selection="_selection_priority", readonly=True)
    state = fields.Selection(selection="_selection_state", readonly=True)
    complaint_state = fields.Selection(COMPLAINT_STATES, readonly=True)
    feedback_state = fields.Selection(
        FEEDBACK_STATES, string="Resolution Deadline", readonly=True
    )
    reported_at = fields.Datetime(readonly=True)
    resolved_at = fields.Datetime(readonly=True)
    complaint_total = fields.Integer(string="Complaints", readonly=True)
    on_time_count = fields.Integer(string="Resolved on Time", readonly=True)
    late_count = fields.Integer(string="Late", readonly=True)
    on_time_rate = fields.Float(
        string="On-Time Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Share of the complaints whose resolution deadline is decided (met or "
        "breached) that were resolved on time. Complaints still within their "
        "deadline, or without one, do not count.",
    )
    rejection_count = fields.Integer(string="Outcome Rejections", readonly=True)
    rejected_total = fields.Integer(
        string="Complaints Rejected",
        readonly=True,
        help="Complaints whose outcome the complainant rejected at least once.",
    )
    escalation_level = fields.Integer(readonly=True, aggregator="max")

    @api.model
    def _ticket_selection(self, name):
        return (
            self.env["aftersales.ticket"]._fields[name]._description_selection(self.env)
        )

    @api.model
    def _selection_channel(self):
        return self._ticket_selection("channel")

    @api.model
    def _selection_priority(self):
        return self._ticket_selection("priority")

    @api.model
    def _selection_state(self):
        return self._ticket_selection("state")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %(view)s AS
                SELECT t.id, t.id AS ticket_id, t.company_id, t.contract_id,
                       t.partner_id, t.complaint_category_id AS category_id,
                       t.complaint_user_id, t.complaint_partner_id,
                       t.complaint_ticket_id, t.user_id, t.team_id, t.channel,
                       t.priority, t.state, t.complaint_state, t.reported_at,
                       t.resolved_at,
                       CASE WHEN fb.id IS NULL THEN 'none'
                            WHEN fb.breached_at IS NOT NULL THEN 'late'
                            WHEN fb.state = 'met' THEN 'on_time'
                            ELSE 'pending' END AS feedback_state,
                       1 AS complaint_total,
                       CASE WHEN fb.breached_at IS NULL AND fb.state = 'met'
                            THEN 1 ELSE 0 END AS on_time_count,
                       CASE WHEN fb.breached_at IS NOT NULL
                            THEN 1 ELSE 0 END AS late_count,
                       CASE WHEN fb.breached_at IS NOT NULL THEN 0.0
                            WHEN fb.state = 'met' THEN 100.0 END AS on_time_rate,
                       COALESCE(t.complaint_rejection_count, 0) AS rejection_count,
                       CASE WHEN t.complaint_rejection_count > 0
                            THEN 1 ELSE 0 END AS rejected_total,
                       COALESCE(t.complaint_escalation_level, 0)
                           AS escalation_level
                  FROM aftersales_ticket t
                  JOIN aftersales_service_type st
                    ON st.id = t.service_type_id AND st.is_complaint
                  LEFT JOIN LATERAL (
                        SELECT s.id, s.state, s.breached_at
                          FROM aftersales_ticket_sla s
                         WHERE s.ticket_id = t.id
                           AND s.metric = 'complaint_feedback'
                           AND s.state != 'cancelled'
                         ORDER BY s.id DESC
                         LIMIT 1
                  ) fb ON TRUE""",
                view=SQL.identifier(self._table),
            )
        )
