"""The Book Visit / Reschedule Visit wizard of a ticket.

It only collects the slot (and, for a reschedule, who asked and why) and calls
the business methods; it warns when the technician has another planned visit in
the slot and books anyway once the dispatcher confirmed.
"""

from datetime import timedelta

from odoo import api, fields, models

APPOINTMENT = "aftersales.appointment"


class AftersalesAppointmentBook(models.TransientModel):
    _name = "aftersales.appointment.book"
    _description = "Book or Reschedule a Visit"

    def _default_slot_start(self):
        # Tomorrow 09:00 in the user's time zone would need the tz: the next full
        # hour, a day ahead, is a neutral default the dispatcher adjusts.
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        return now + timedelta(days=1)

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    company_id = fields.Many2one(related="ticket_id.company_id")
    appointment_id = fields.Many2one(
        "aftersales.appointment",
        compute="_compute_appointment_id",
        string="Current Visit",
    )
    is_reschedule = fields.Boolean(compute="_compute_appointment_id")
    user_id = fields.Many2one(
        "res.users",
        string="Technician",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    slot_start = fields.Datetime(
        string="From", required=True, default=lambda self: self._default_slot_start()
    )
    slot_end = fields.Datetime(
        string="Until",
        required=True,
        compute="_compute_slot_end",
        store=True,
        readonly=False,
    )
    requested_by = fields.Selection(
        [("customer", "The Customer"), ("service", "The Service")],
        default="customer",
    )
    reason = fields.Char()
    overlap_warning = fields.Text(compute="_compute_overlap_warning")

    @api.depends("ticket_id")
    def _compute_appointment_id(self):
        for wizard in self:
            current = wizard.ticket_id.appointment_id
            wizard.is_reschedule = current.state in ("planned", "missed")
            wizard.appointment_id = current if wizard.is_reschedule else False

    @api.depends("ticket_id")
    def _compute_user_id(self):
        for wizard in self:
            wizard.user_id = (
                wizard.ticket_id.appointment_id.user_id
                or wizard.ticket_id.user_id
                or wizard.user_id
            )

    @api.depends("slot_start")
    def _compute_slot_end(self):
        for wizard in self:
            wizard.slot_end = (
                wizard.slot_start + timedelta(hours=2) if wizard.slot_start else False
            )

    @api.depends("user_id", "slot_start", "slot_end", "ticket_id")
    def _compute_overlap_warning(self):
        for wizard in self:
            others = self.env[APPOINTMENT]
            if wizard.user_id and wizard.slot_start and wizard.slot_end:
                others = wizard.appointment_id._overlapping(
                    wizard.user_id, wizard.slot_start, wizard.slot_end
                )
            wizard.overlap_warning = (
                self.env._(
                    "%(technician)s has another visit in this slot: %(visits)s. "
                    "Book anyway only if both fit.",
                    technician=wizard.user_id.name,
                    visits=", ".join(
                        # sudo: the number of the other ticket, whoever books.
                        f"{other.sudo().ticket_id.number} {other._slot_label()}"
                        for other in others
                    ),
                )
                if others
                else False
            )

    def action_confirm(self):
        self.ensure_one()
        if self.is_reschedule:
            self.appointment_id.action_reschedule(
                self.slot_start,
                self.slot_end,
                self.requested_by,
                self.reason,
                user=self.user_id,
            )
        else:
            self.ticket_id.action_book_appointment(
                self.user_id, self.slot_start, self.slot_end
            )
        return {"type": "ir.actions.act_window_close"}
