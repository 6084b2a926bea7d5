import json

from odoo import api, models

APPOINTMENT_EVENT_TYPES = (
    "ticket.appointment_booked",
    "ticket.appointment_rescheduled",
)


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("ticket.appointment_booked", self.env._("Visit booked")),
            ("ticket.appointment_rescheduled", self.env._("Visit rescheduled")),
        ]

    @api.model
    def _append_events(self, entries):
        events = super()._append_events(entries)
        self._mark_missed_appointments(events)
        return events

    @api.model
    def _mark_missed_appointments(self, events):
        """An arrival breach booked after the end of the ticket's planned visit:
        that visit was missed (a breach of an earlier promise, e.g. the slot the
        service moved, leaves the later visit planned)."""
        # sudo: the breach was booked by the SLA watch or a business method; the
        # visit's state follows it.
        breaches = events.sudo().filtered(
            lambda event: event.event_type == "sla.breached"
            and event.res_model == "aftersales.ticket"
            and json.loads(event.payload or "{}").get("metric") == "arrival"
        )
        if not breaches:
            return
        # sudo: the breach events are the system's; their tickets are read as it
        tickets = self.env["aftersales.ticket"].sudo().browse(breaches.mapped("res_id"))
        breached_at = {event.res_id: event.occurred_at for event in breaches}
        missed = tickets.appointment_id.filtered(
            lambda appointment: appointment.state == "planned"
            and appointment.slot_end <= breached_at[appointment.ticket_id.id]
        )
        missed._set_state("missed")
