"""Tickets: their site address and their agreed visit slot (appointment).

``action_book_appointment`` books the visit and records
``ticket.appointment_booked``; ``aftersales.appointment.action_reschedule`` records
``ticket.appointment_rescheduled``. Both are partial-target events of the SLA
projection: under an arrival target "at the agreed slot" their ``targets`` set the
arrival promise (the end of the promised slot plus the grace) and leave the other
clocks alone.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.aftersales_sla.tools import door

APPOINTMENT = "aftersales.appointment"
TICKET = "aftersales.ticket"
USER_GROUP = "aftersales_sla.group_aftersales_user"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: Ticket fields only the appointment methods write.
APPOINTMENT_FIELDS = frozenset({"appointment_id", "appointment_needed"})


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site Address",
        compute="_compute_site_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Where the visit takes place: the unit's site address, else the "
        "customer's address (an address of the customer may be chosen).",
    )
    # Stored: the dispatch groups and filters visits by region.
    site_state_id = fields.Many2one(
        related="site_partner_id.state_id",
        string="Site Region",
        store=True,
        index="btree_not_null",
    )
    site_city = fields.Char(related="site_partner_id.city", store=True)
    appointment_ids = fields.One2many(
        "aftersales.appointment", "ticket_id", string="Visits"
    )
    appointment_id = fields.Many2one(
        "aftersales.appointment",
        string="Agreed Visit",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The current visit slot agreed with the customer.",
    )
    appointment_slot_start = fields.Datetime(
        related="appointment_id.slot_start", string="Visit From"
    )
    appointment_slot_end = fields.Datetime(
        related="appointment_id.slot_end", string="Visit Until"
    )
    appointment_user_id = fields.Many2one(
        related="appointment_id.user_id", string="Visiting Technician"
    )
    appointment_state = fields.Selection(
        related="appointment_id.state", string="Visit State"
    )
    # Stored: the dispatcher's "Visits to Book" searches it.
    appointment_needed = fields.Boolean(
        string="Visit to Book",
        compute="_compute_appointment_needed",
        store=True,
        index=True,
        help="Open, not visited yet, its arrival is promised at the agreed slot and "
        "no slot is planned: the on-site clock waits for a slot to be booked.",
    )

    @api.depends("unit_id.site_partner_id", "partner_id")
    def _compute_site_partner_id(self):
        for ticket in self:
            # sudo: the unit's site address, whoever reports the ticket.
            site = ticket.sudo().unit_id.site_partner_id.with_env(self.env)
            ticket.site_partner_id = site or ticket.partner_id

    @api.depends(
        "state",
        "arrived_at",
        "appointment_id.state",
        "contract_id",
        "priority",
        "service_type_id",
        "reported_at",
    )
    def _compute_appointment_needed(self):
        for ticket in self:
            ticket.appointment_needed = bool(
                ticket.state == "open"
                and not ticket.arrived_at
                and ticket.appointment_id.state != "planned"
                and ticket._slot_arrival_target()
            )

    # ------------------------------------------------------------------
    # The one door
    # ------------------------------------------------------------------

    @api.model
    def _check_create_door(self, vals_list):
        preset = [
            name
            for vals in vals_list
            for name in APPOINTMENT_FIELDS
            if name in vals and not door.is_empty(vals[name])
        ]
        if preset:
            door.refuse(self, preset)
        return super()._check_create_door(vals_list)

    def _check_write_door(self, vals):
        guarded = APPOINTMENT_FIELDS.intersection(vals)
        if guarded and not door.is_open(APPOINTMENT):
            door.refuse(self, guarded, hint=self.env._("Book or reschedule the visit."))
        return super()._check_write_door(vals)

    # ------------------------------------------------------------------
    # SLA targets
    # ------------------------------------------------------------------

    def _slot_arrival_target(self, terms=None):
        """The ticket's arrival target when it is promised at the agreed slot."""
        self.ensure_one()
        # sudo: the targets decide the clocks, whoever looks at the ticket.
        targets = self.sudo()._sla_targets(terms)
        arrival = targets.filtered(
            lambda target: target.metric == "arrival" and target.arrival_basis == "slot"
        )
        return arrival[:1].with_env(self.env)

    def _targets_payload(self, terms=None):
        """An arrival target at the agreed slot is an instant: the end of the
        promised slot plus the grace; without a slot agreed it has no clock."""
        terms = self._sla_terms() if terms is None else terms
        payload = super()._targets_payload(terms)
        slot_target = self._slot_arrival_target(terms)
        if not slot_target:
            return payload
        payload = [info for info in payload if info["metric"] != "arrival"]
        # sudo: the planned visit sets the arrival target, whoever reads (portal too)
        appointment = self.sudo().appointment_id
        if appointment:
            payload.append(
                self._slot_target_info(
                    slot_target, appointment._promise_appointment(), terms
                )
            )
        return payload

    def _slot_target_info(self, slot_target, appointment, terms=None):
        """The arrival target dict promising ``appointment``'s slot (saying where
        the promise came from, like the others: see aftersales_repair)."""
        info = slot_target._slot_arrival_target(appointment)
        terms = self._sla_terms() if terms is None else terms
        if terms.get("source"):
            info["source"] = terms["source"]
        return info

    def _appointment_targets(self, appointment):
        """The ``targets`` of a booking or reschedule event: the arrival promise
        when ``appointment`` sets it (a first booking, the customer's request),
        none otherwise (an hours-basis target, the service's request)."""
        self.ensure_one()
        slot_target = self._slot_arrival_target()
        if not slot_target or appointment._promise_appointment() != appointment:
            return []
        return [self._slot_target_info(slot_target, appointment)]

    def _flag_unmatched(self):
        """A ticket whose arrival is promised at the agreed slot has a matching
        target even before a slot is booked (its clock waits for the slot)."""
        waiting = self.filtered(
            lambda ticket: ticket.state != "closed" and ticket._slot_arrival_target()
        )
        result = super(AftersalesTicket, self - waiting)._flag_unmatched()
        flagged = waiting.filtered("sla_unmatched")
        if flagged:
            with door.opened(TICKET):
                flagged.write({"sla_unmatched": False})
            # sudo: the service manager's reminder goes with the flag.
            flagged.sudo().activity_unlink(
                ["aftersales_sla.mail_activity_type_sla_unmatched"]
            )
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_can_book(self):
        """After-Sales technicians (on tickets they can write) and managers book
        and reschedule visits of open, unresolved tickets."""
        user = self.env.user
        if not (user.has_group(USER_GROUP) or user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only After-Sales technicians and managers book customer visits."
                )
            )
        self.check_access("write")
        for ticket in self:
            if ticket.state != "open":
                raise UserError(
                    self.env._(
                        "Ticket %s is resolved or closed: it gets no more visits.",
                        ticket.display_name,
                    )
                )

    def action_book_appointment(self, user, slot_start, slot_end):
        """Book the visit of technician ``user`` (a record or id) for the slot
        agreed with the customer; overlapping another visit of the technician is
        allowed (the wizard warns)."""
        self.ensure_one()
        self._check_can_book()
        Appointment = self.env[APPOINTMENT]
        user = Appointment._resolve_technician(user, self)
        slot_start, slot_end = Appointment._check_slot(slot_start, slot_end)
        current = self.appointment_id
        if current.state == "planned":
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s already has a visit planned (%(slot)s): "
                    "reschedule it instead.",
                    ticket=self.display_name,
                    slot=current._slot_label(),
                )
            )
        previous = current if current.state == "missed" else Appointment
        return self._book(
            user,
            slot_start,
            slot_end,
            previous=previous,
            requested_by="service" if previous else False,
            reason=self.env._("The visit was missed.") if previous else False,
        )

    def _book(self, user, slot_start, slot_end, previous, requested_by, reason):
        """Create the appointment, make it current, put it in the technician's
        calendar and record the booking (or the reschedule) in the ledger."""
        self.ensure_one()
        # sudo: the checks are done (the caller's right on the ticket); the
        # appointment and its calendar event are written as the system, through
        # the one door.
        with door.opened(APPOINTMENT, TICKET):
            appointment = (
                self.env[APPOINTMENT]
                .sudo()
                .create(
                    {
                        "ticket_id": self.id,
                        "user_id": user.id,
                        "slot_start": slot_start,
                        "slot_end": slot_end,
                        "previous_id": previous.id or False,
                        "requested_by": requested_by or False,
                        "reason": reason or False,
                    }
                )
            )
            if previous and previous.state == "planned":
                previous.sudo()._set_state("replaced")
            self.sudo().write({"appointment_id": appointment.id})
            appointment._make_calendar_events()
        appointment = appointment.with_env(self.env)
        # sudo: the appointment's targets are derived data, read as the system
        payload = {
            "appointment": appointment.id,
            "slot_start": fields.Datetime.to_string(slot_start),
            "slot_end": fields.Datetime.to_string(slot_end),
            "technician": user.id,
            "requested_by": requested_by or None,
            "targets": self._appointment_targets(appointment.sudo()),
        }
        if previous:
            payload["previous"] = previous.id
            event_type = "ticket.appointment_rescheduled"
        else:
            event_type = "ticket.appointment_booked"
        self._append_ticket_events(event_type, payload, reason=reason or None)
        return appointment

    def action_open_appointment_book(self):
        """The Book Visit / Reschedule Visit wizard."""
        self.ensure_one()
        self._check_can_book()
        reschedule = self.appointment_id.state in ("planned", "missed")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reschedule Visit")
            if reschedule
            else self.env._("Book Visit"),
            "res_model": "aftersales.appointment.book",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_appointments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Visits"),
            "res_model": APPOINTMENT,
            "view_mode": "list,form",
            "domain": [("ticket_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_arrive(self, when=None, reason=None):
        """Arriving on site is the visit of the planned appointment done."""
        result = super().action_arrive(when=when, reason=reason)
        # sudo: the technician's arrival closes the visit the office planned
        planned = self.sudo().appointment_id.filtered(
            lambda appointment: appointment.state == "planned"
        )
        planned._set_state("done")
        return result

    def action_resolve(self, when=None, reason=None):
        result = super().action_resolve(when=when, reason=reason)
        self._cancel_planned_appointments()
        return result

    def action_close(self, when=None, reason=None):
        result = super().action_close(when=when, reason=reason)
        self._cancel_planned_appointments()
        return result

    def _cancel_planned_appointments(self):
        """A ticket resolved or closed without the visit: its slot is freed."""
        # sudo: the ticket's action was allowed; its visit follows.
        planned = self.sudo().appointment_id.filtered(
            lambda appointment: appointment.state == "planned"
        )
        planned._set_state("cancelled")
