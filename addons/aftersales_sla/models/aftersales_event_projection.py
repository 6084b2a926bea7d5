"""The SLA projection subscribes to the ledger.

Appending events of the clock event types (``_clock_event_types``) about tickets
re-projects those tickets' SLA lines, once per append call and batched, so that no
business method has to remember to project after recording a milestone.
"""

from odoo import api, models

from .aftersales_ticket_sla import _BOOKING


# The model is split along its seams on purpose (see the module docstring).
class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _append_events(self, entries):
        events = super()._append_events(entries)
        self._project_clock_events(events)
        return events

    @api.model
    def _project_clock_events(self, events):
        """Re-project the tickets that ``events`` (just appended) are about."""
        # sudo: the caller's business method appended these events; the SLA lines
        # they project are derived data, written as the system.
        events = events.sudo()
        tickets = {
            event.res_id for event in events if event.res_model == "aftersales.ticket"
        }
        if not tickets:
            return
        clock_types = self.env["aftersales.ticket.sla"]._clock_event_types()
        clocks = sorted(
            {
                event.res_id
                for event in events
                if event.res_model == "aftersales.ticket"
                and event.event_type in clock_types
            }
        )
        Ticket = self.env["aftersales.ticket"]
        if clocks:
            # sudo: SLA lines are derived data only the projection writes
            self.env["aftersales.ticket.sla"].sudo()._project_tickets(
                Ticket.sudo().browse(clocks), book=not _BOOKING.get()
            )
        # New events: the tickets' timelines (computed, cached) are stale.
        Ticket.browse(sorted(tickets)).invalidate_recordset(
            ["event_ids", "timeline_ids"]
        )
