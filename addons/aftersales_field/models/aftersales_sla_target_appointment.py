"""SLA targets: the on-site arrival promised at the agreed visit slot.

An arrival target counts hours after the report (the core's promise) or, with the
slot basis, promises the end of the visit slot agreed with the customer plus a
grace: no clock runs until a slot is agreed (see ``aftersales.ticket``'s
``_targets_payload`` in this addon).
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: The longest grace after a slot's end: one day. Longer ones are typing mistakes.
MAX_GRACE_MINUTES = 24 * 60


class AftersalesSlaTarget(models.Model):
    _inherit = "aftersales.sla.target"

    arrival_basis = fields.Selection(
        [
            ("report", "Hours after the report"),
            ("slot", "At the agreed slot"),
        ],
        string="Arrival Promised",
        required=True,
        default="report",
        help="On-site arrival only. Hours after the report: the target's hours from "
        "the reported time. At the agreed slot: on site by the end of the visit slot "
        "agreed with the customer, plus the grace; the clock starts when the slot is "
        "booked.",
    )
    slot_grace_minutes = fields.Integer(
        string="Grace after the Slot (min)",
        default=0,
        help="Minutes after the end of the agreed slot before the arrival is late "
        "(slot basis only; at most one day).",
    )

    @api.constrains("arrival_basis", "slot_grace_minutes", "metric")
    def _check_arrival_basis(self):
        for target in self:
            if target.arrival_basis == "slot" and target.metric != "arrival":
                raise ValidationError(
                    self.env._(
                        "Only an on-site arrival target can be promised at the "
                        "agreed slot."
                    )
                )
            if not 0 <= target.slot_grace_minutes <= MAX_GRACE_MINUTES:
                raise ValidationError(
                    self.env._(
                        "The grace after the agreed slot is between 0 and %s "
                        "minutes (one day).",
                        MAX_GRACE_MINUTES,
                    )
                )

    @api.constrains("target_hours", "warning_percent", "ceiling_hours", "arrival_basis")
    def _check_target_hours(self):
        # A slot-basis target promises the slot's end, not a number of hours: its
        # hours are not used (the other bounds still hold).
        slot = self.filtered(lambda target: target.arrival_basis == "slot")
        for target in slot:
            if not 0 < target.warning_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The warning threshold is a percentage between 0 and 100."
                    )
                )
        return super(AftersalesSlaTarget, self - slot)._check_target_hours()

    def _slot_arrival_target(self, appointment):
        """The target dict the ledger records for this slot-basis arrival target
        when ``appointment`` sets the promise: on site by its end plus the grace
        (an instant, see ``aftersales.ticket.sla._apply_targets``)."""
        self.ensure_one()
        due = appointment.slot_end + timedelta(minutes=self.slot_grace_minutes)
        return {
            "metric": "arrival",
            "target": self.id,
            "due": fields.Datetime.to_string(due),
            "seconds": 0,
            "calendar": None,
            "warning": self.warning_percent,
            "pause_reasons": [],
            "basis": "slot",
        }
