"""A ticket's timeline: its ledger events, as those who may see the ticket see them.

A read-only SQL view over the ledger (``aftersales_event``) restricted to events
about tickets. Technicians have no access to the ledger itself; they read the
timeline of the tickets they may see (record rules follow the ticket), which shows
what happened and when, not the payloads or the hashes.
"""

from odoo import api, fields, models, tools
from odoo.tools import SQL


class AftersalesTicketTimeline(models.Model):
    _name = "aftersales.ticket.timeline"
    _description = "After-Sales Ticket Timeline"
    _auto = False
    _order = "occurred_at, id"

    ticket_id = fields.Many2one("aftersales.ticket", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    event_type = fields.Selection(selection="_selection_event_type", readonly=True)
    occurred_at = fields.Datetime(readonly=True)
    recorded_at = fields.Datetime(readonly=True)
    author_id = fields.Many2one("res.users", string="Author", readonly=True)
    reason = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    is_sealed = fields.Boolean(string="Sealed", readonly=True)

    @api.model
    def _selection_event_type(self):
        return self.env["aftersales.event"]._get_event_types()

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %(view)s AS
                SELECT e.id, e.res_id AS ticket_id, e.company_id, e.event_type,
                       e.occurred_at, e.recorded_at, e.author_id, e.reason,
                       e.sequence, e.hash IS NOT NULL AS is_sealed
                  FROM aftersales_event e
                 WHERE e.res_model = 'aftersales.ticket'""",
                view=SQL.identifier(self._table),
            )
        )
