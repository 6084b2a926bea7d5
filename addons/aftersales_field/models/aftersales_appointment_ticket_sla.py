from odoo import api, models

from .aftersales_event_appointment import APPOINTMENT_EVENT_TYPES


class AftersalesTicketSla(models.Model):
    _inherit = "aftersales.ticket.sla"

    @api.model
    def _partial_target_event_types(self):
        # Booking or rescheduling a visit sets the arrival promise (at the agreed
        # slot) and leaves the other clocks alone.
        return tuple(super()._partial_target_event_types()) + APPOINTMENT_EVENT_TYPES
