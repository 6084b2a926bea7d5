"""The technicians' calendar events of the erased tickets' visits: their title
(ticket number and customer name), description (the ticket's summary line) and
location (the site address) are neutralised, attendees other than staff removed,
their chatter erased. The slot and the technician stay: they are the service
facts the arrival clock was measured against."""

from odoo import models

from odoo.addons.aftersales_sla.tools import door

APPOINTMENT = "aftersales.appointment"
EVENT = "calendar.event"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_extra(self):
        counts = super()._erase_personal_extra()
        # sudo: the erasure (checked by its caller) reaches every visit's event.
        tickets = self.sudo()
        events = tickets.appointment_ids.calendar_event_id.with_context(
            no_mail_to_attendees=True, dont_notify=True, tracking_disable=True
        )
        if not events:
            return counts
        with door.opened(APPOINTMENT):
            for event in events:
                appointments = tickets.appointment_ids.filtered(
                    lambda appointment, event=event: appointment.calendar_event_id
                    == event
                )
                staff = event.partner_ids.filtered(
                    lambda partner: partner.user_ids.filtered(
                        lambda user: not user.share
                    )
                )
                event.write(
                    {
                        "name": self.env._(
                            "%s (erased)", appointments[:1].ticket_id.number or ""
                        ),
                        "description": False,
                        "location": False,
                        "partner_ids": [(6, 0, staff.ids)],
                    }
                )
        chatter = self._erase_chatter(EVENT, events.ids, ["name", "location"])
        counts["messages"] = counts.get("messages", 0) + chatter["messages"]
        counts["attachments"] = (
            counts.get("attachments", 0)
            + chatter["attachments"]
            + self._erase_attachments(EVENT, events.ids)
        )
        return counts
