from odoo import api, fields, models
from odoo.exceptions import ValidationError

METRICS = [
    ("response", "Response"),
    ("arrival", "On-site Arrival"),
    ("resolution", "Resolution"),
    ("complaint_response", "Complaint Response"),
    ("complaint_feedback", "Complaint Feedback"),
]

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]


class AftersalesSlaTarget(models.Model):
    """One promise of an SLA policy: reach ``metric`` within ``target_hours`` of
    business time on ``calendar_id`` (all time when empty: 24x7)."""

    _name = "aftersales.sla.target"
    _description = "After-Sales SLA Target"
    _order = "policy_id, metric, priority desc, id"

    policy_id = fields.Many2one(
        "aftersales.sla.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    metric = fields.Selection(METRICS, required=True)
    priority = fields.Selection(PRIORITIES, required=True, default="1")
    service_type_id = fields.Many2one(
        "aftersales.service.type",
        ondelete="restrict",
        help="Leave empty for every service type.",
    )
    target_hours = fields.Float(
        string="Target (hours)", required=True, help="Business hours on the calendar."
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Calendar",
        ondelete="restrict",
        help="Working hours and holidays the clock runs on. Empty: 24x7.",
    )
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="Warn when this share of the target has elapsed.",
    )
    pause_reason_ids = fields.Many2many(
        "aftersales.pause.reason",
        string="Pause Reasons",
        help="While the ticket is paused for one of these reasons the clock stops.",
    )

    @api.constrains("target_hours", "warning_percent")
    def _check_target_hours(self):
        for target in self:
            if target.target_hours <= 0:
                raise ValidationError(
                    self.env._("An SLA target must be a positive number of hours.")
                )
            if not 0 < target.warning_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The warning threshold is a percentage between 0 and 100."
                    )
                )

    @api.constrains("calendar_id")
    def _check_calendar_has_work_time(self):
        for target in self.filtered("calendar_id"):
            target.calendar_id._aftersales_check_has_work_time()

    @property
    def target_seconds(self):
        return round(self.target_hours * 3600)
