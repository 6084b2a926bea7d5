"""Calendar events of agreed visits: the Calendar app shows them in the
technician's calendar, but moving or deleting one there would silently change
what was promised to the customer. Their times, organiser and existence change
only through the appointment's business methods (reschedule from the ticket)."""

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.aftersales_sla.tools import door

APPOINTMENT = "aftersales.appointment"

#: Calendar event fields that make the promise (the slot and whose calendar).
PROMISE_FIELDS = frozenset(
    {"start", "stop", "start_date", "stop_date", "allday", "duration", "user_id"}
)


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def _appointments(self):
        # sudo: whether an event is a visit, whoever opens the calendar.
        return (
            self.env[APPOINTMENT]
            .sudo()
            .search([("calendar_event_id", "in", self.ids)], limit=1)
        )

    def _refuse_promised(self):
        appointment = self._appointments()
        if appointment:
            raise UserError(
                self.env._(
                    "This event is the visit agreed with the customer of ticket %s: "
                    "reschedule it from the ticket.",
                    appointment.ticket_id.number,
                )
            )

    def write(self, vals):
        if (
            self.ids
            and PROMISE_FIELDS.intersection(vals)
            and not door.is_open(APPOINTMENT)
        ):
            self._refuse_promised()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed_visit(self):
        if not door.is_open(APPOINTMENT):
            self._refuse_promised()
