"""Appointments: the visit slot agreed with the customer for a ticket.

An appointment is booked (``aftersales.ticket.action_book_appointment``) and
rescheduled (:meth:`AftersalesAppointment.action_reschedule`) only by the business
methods, which record ``ticket.appointment_booked`` and
``ticket.appointment_rescheduled`` in the service ledger; every field is written
through them (the one door), never directly over RPC. Each appointment has a
calendar event in its technician's calendar, which the Calendar app cannot move
or delete (see ``calendar.event`` in this addon).

Under an arrival target "at the agreed slot" the appointment sets the on-site
promise: the end of the slot plus the target's grace. A reschedule at the
customer's request moves the promise; one at the service's request does not (see
:meth:`_promise_appointment`).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from odoo.addons.aftersales_sla.tools import door

APPOINTMENT = "aftersales.appointment"
TICKET = "aftersales.ticket"

#: The longest slot: one day (a longer one is a typing mistake, not a promise).
MAX_SLOT = timedelta(hours=24)


class AftersalesAppointment(models.Model):
    _name = "aftersales.appointment"
    _description = "After-Sales Appointment (Agreed Visit Slot)"
    _order = "slot_start, id"

    ticket_id = fields.Many2one(
        "aftersales.ticket",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="ticket_id.partner_id", string="Customer", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        index=True,
        readonly=True,
    )
    slot_start = fields.Datetime(required=True, index=True, readonly=True)
    slot_end = fields.Datetime(required=True, readonly=True)
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("done", "Done"),
            ("missed", "Missed"),
            ("replaced", "Rescheduled"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="planned",
        readonly=True,
        index=True,
        copy=False,
    )
    requested_by = fields.Selection(
        [("customer", "The Customer"), ("service", "The Service")],
        string="Rescheduled At the Request Of",
        readonly=True,
        help="Who asked to move the visit: a customer's request moves the promised "
        "arrival; the service's does not (arriving at the later slot is late).",
    )
    reason = fields.Char(string="Reschedule Reason", readonly=True)
    previous_id = fields.Many2one(
        "aftersales.appointment",
        string="Replaces",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Calendar Event",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    # Related and stored: the dispatch groups visits by region.
    site_partner_id = fields.Many2one(
        related="ticket_id.site_partner_id", string="Site Address"
    )
    site_state_id = fields.Many2one(
        related="ticket_id.site_state_id", string="Region", store=True, index=True
    )
    site_city = fields.Char(related="ticket_id.site_city", string="City", store=True)
    ticket_state = fields.Selection(related="ticket_id.state", string="Ticket State")
    slot_passed = fields.Boolean(
        string="Slot Passed Without Arrival",
        compute="_compute_slot_passed",
        search="_search_slot_passed",
        help="Still planned, but the slot has ended: the technician did not record "
        "the arrival in time.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("ticket_id.number", "slot_start", "slot_end")
    @api.depends_context("tz")
    def _compute_display_name(self):
        for appointment in self:
            if not appointment.slot_start:
                appointment.display_name = appointment.ticket_id.number or ""
                continue
            appointment.display_name = "{} {}".format(
                appointment.ticket_id.number or "", appointment._slot_label()
            )

    @api.depends("state", "slot_end")
    def _compute_slot_passed(self):
        now = fields.Datetime.now()
        for appointment in self:
            appointment.slot_passed = bool(
                appointment.state == "planned"
                and appointment.slot_end
                and appointment.slot_end < now
            )

    def _search_slot_passed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a passed slot."))
        domain = [("state", "=", "planned"), ("slot_end", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    # ------------------------------------------------------------------
    # Constraints and CRUD (the one door)
    # ------------------------------------------------------------------

    @api.constrains("slot_start", "slot_end")
    def _check_slot_order(self):
        for appointment in self:
            self._check_slot_shape(appointment.slot_start, appointment.slot_end)

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(APPOINTMENT):
            door.refuse(
                self,
                ["ticket_id", "slot_start", "slot_end", "state"],
                hint=self.env._("Book the visit from the ticket (Book Visit)."),
            )
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(APPOINTMENT):
            door.refuse(
                self,
                list(vals),
                hint=self.env._("Reschedule the visit from the ticket."),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        if not door.is_open(APPOINTMENT):
            raise UserError(
                self.env._(
                    "Appointment %s is recorded in the service ledger and cannot be "
                    "deleted: reschedule it from the ticket.",
                    self[:1].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_reschedule(self, slot_start, slot_end, requested_by, reason, user=None):
        """Move the visit to a new slot (optionally with another technician),
        at the request of the customer or of the service, for a reason.

        The appointment is replaced by a new one (this one keeps its history).
        Under an arrival target "at the agreed slot", the customer's request moves
        the promise to the new slot's end; the service's request keeps it.
        """
        self.ensure_one()
        ticket = self.ticket_id
        ticket._check_can_book()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Say why the visit of %s is rescheduled.", ticket.number)
            )
        if requested_by not in ("customer", "service"):
            raise UserError(
                self.env._(
                    "Say who asked to reschedule the visit: the customer or the "
                    "service."
                )
            )
        if self.state not in ("planned", "missed") or ticket.appointment_id != self:
            raise UserError(
                self.env._(
                    "Only the current, planned or missed visit of a ticket can be "
                    "rescheduled (%s).",
                    self.display_name,
                )
            )
        user = self._resolve_technician(user or self.user_id, ticket)
        slot_start, slot_end = self._check_slot(slot_start, slot_end)
        return ticket._book(
            user,
            slot_start,
            slot_end,
            previous=self,
            requested_by=requested_by,
            reason=reason,
        )

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.model
    def _check_slot_shape(self, slot_start, slot_end):
        if not slot_start or not slot_end:
            raise ValidationError(self.env._("A visit slot has a start and an end."))
        if slot_end <= slot_start:
            raise ValidationError(self.env._("A visit slot ends after it starts."))
        if slot_end - slot_start > MAX_SLOT:
            raise ValidationError(self.env._("A visit slot lasts at most one day."))

    @api.model
    def _check_slot(self, slot_start, slot_end):
        """Validate a slot to book: (start, end) as datetimes, in the future."""
        slot_start = fields.Datetime.to_datetime(slot_start)
        slot_end = fields.Datetime.to_datetime(slot_end)
        self._check_slot_shape(slot_start, slot_end)
        if slot_end <= fields.Datetime.now():
            tz = self.env.user.tz or "UTC"
            raise ValidationError(
                self.env._(
                    "The slot ends at %(end)s (%(tz)s), which has already passed: "
                    "book a slot to come.",
                    end=format_datetime(
                        self.env, slot_end, tz=tz, dt_format="yyyy-MM-dd HH:mm"
                    ),
                    tz=tz,
                )
            )
        return slot_start, slot_end

    @api.model
    def _resolve_technician(self, user, ticket):
        """The technician visiting ``ticket``: an active internal user of its
        company."""
        if isinstance(user, int):
            user = self.env["res.users"].browse(user)
        # sudo: the technician's companies, whoever books (partner portal too)
        user = user.sudo().exists()
        if (
            not user
            or not user.active
            or user.share
            or ticket.company_id not in user.company_ids
        ):
            raise UserError(
                self.env._(
                    "The visit of %s needs a technician: an active internal user of "
                    "the ticket's company.",
                    ticket.number,
                )
            )
        return user.with_env(self.env)

    def _overlapping(self, user, slot_start, slot_end):
        """Other planned visits of ``user`` overlapping the slot (a warning, not a
        refusal: two short jobs in one building may share a slot)."""
        # sudo: the technician's whole schedule, whichever tickets the booker sees.
        return (
            self.sudo()
            .search(
                [
                    ("user_id", "=", user.id),
                    ("state", "=", "planned"),
                    ("slot_start", "<", slot_end),
                    ("slot_end", ">", slot_start),
                    ("id", "not in", self.ids),
                ]
            )
            .with_env(self.env)
        )

    def _promise_appointment(self):
        """The appointment whose slot the arrival promise stands on: this one,
        unless it replaced another at the service's request (then that one's,
        recursively: the service moving a visit does not move the promise)."""
        self.ensure_one()
        appointment = self
        while appointment.previous_id and appointment.requested_by != "customer":
            appointment = appointment.previous_id
        return appointment

    def _slot_label(self):
        """The slot in the reader's time zone, e.g. "2026-12-01 09:00-11:00"."""
        self.ensure_one()
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        start = format_datetime(
            self.env, self.slot_start, tz=tz, dt_format="yyyy-MM-dd HH:mm"
        )
        end_format = (
            "HH:mm"
            if self.slot_end - self.slot_start < timedelta(hours=12)
            else "yyyy-MM-dd HH:mm"
        )
        end = format_datetime(self.env, self.slot_end, tz=tz, dt_format=end_format)
        return f"{start}-{end}"

    def _calendar_event_values(self):
        self.ensure_one()
        ticket = self.ticket_id
        site = ticket.site_partner_id or ticket.partner_id
        return {
            "name": f"{ticket.number} {ticket.partner_id.display_name}",
            "user_id": self.user_id.id,
            "partner_ids": [(6, 0, self.user_id.partner_id.ids)],
            "start": self.slot_start,
            "stop": self.slot_end,
            "location": site._display_address(without_company=False).replace("\n", ", ")
            or site.display_name,
            "description": ticket.name,
            "privacy": "public",
            "show_as": "busy",
        }

    def _make_calendar_events(self):
        """The technician's calendar event of each appointment."""
        Event = (
            self.env["calendar.event"]
            # sudo: the event is the technician's, whoever books it; no invitation
            # mail (the technician is the organiser, the dispatch tells him).
            .sudo()
            .with_context(no_mail_to_attendees=True, mail_create_nosubscribe=True)
        )
        with door.opened(APPOINTMENT):
            for appointment in self:
                event = Event.create(appointment._calendar_event_values())
                appointment.calendar_event_id = event.id

    def _drop_calendar_events(self):
        """Remove the calendar events of appointments no longer planned."""
        # sudo: the events sit in the technician's calendar, whoever drops the visit
        events = self.sudo().calendar_event_id
        with door.opened(APPOINTMENT):
            # sudo: the technician's event goes with his visit (see above).
            events.with_context(no_mail_to_attendees=True).unlink()

    @door.opens(APPOINTMENT)
    def _set_state(self, state):
        self.write({"state": state})
        if state in ("replaced", "cancelled"):
            # Off the technician's calendar; a visit done or missed stays on it.
            self._drop_calendar_events()
