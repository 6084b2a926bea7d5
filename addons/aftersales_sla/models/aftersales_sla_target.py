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

#: The longest target or ceiling a clock may have: one (leap) year. Longer ones are
#: typing mistakes, and a clock cannot search its deadline that far.
MAX_TARGET_HOURS = 366 * 24

#: Which "stops by default" flag of a pause reason applies to which metric.
PAUSE_DEFAULT_FIELDS = {
    "response": "stops_response",
    "complaint_response": "stops_response",
    "arrival": "stops_arrival",
    "resolution": "stops_resolution",
    "complaint_feedback": "stops_resolution",
}


class AftersalesSlaTarget(models.Model):
    """One promise of an SLA policy: reach ``metric`` within ``target_hours`` of
    business time, counted on the contract's service hours, on a calendar of its
    own, or 24x7 (``time_basis``); optionally within ``ceiling_hours`` of elapsed
    time at most, whichever comes first.

    ``priority`` and ``service_type_id`` are optional: empty means any. The most
    specific target of a metric wins (see ``aftersales.sla.policy._get_targets``).
    """

    _name = "aftersales.sla.target"
    _description = "After-Sales SLA Target"
    _order = "policy_id, metric, priority desc, id"

    policy_id = fields.Many2one(
        "aftersales.sla.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    metric = fields.Selection(METRICS, required=True)
    priority = fields.Selection(
        PRIORITIES, help="Leave empty for every priority (any)."
    )
    service_type_id = fields.Many2one(
        "aftersales.service.type",
        ondelete="restrict",
        help="Leave empty for every service type (any).",
    )
    target_hours = fields.Float(
        string="Target (hours)",
        required=True,
        help="Business hours counted on the target's hours (at most a year).",
    )
    time_basis = fields.Selection(
        [
            ("contract", "Contract Service Hours"),
            ("calendar", "Own Calendar"),
            ("always", "24x7"),
        ],
        string="Counted On",
        required=True,
        default="contract",
        help="Contract Service Hours: the service hours of the contract in force for "
        "the ticket. Own Calendar: the calendar named here. 24x7: all time counts.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Calendar",
        ondelete="restrict",
        help="Working hours and holidays the clock runs on (Counted On: Own Calendar).",
    )
    ceiling_hours = fields.Float(
        string="At Most (elapsed hours)",
        help="An upper limit in elapsed hours, whichever comes first (e.g. within 24 "
        "business hours, on site within 48 hours at most). Empty: none.",
    )
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="Warn when this share of the target has elapsed.",
    )
    pause_reason_ids = fields.Many2many(
        "aftersales.pause.reason",
        string="Pause Reasons",
        compute="_compute_pause_reason_ids",
        store=True,
        readonly=False,
        help="While the ticket is paused for one of these reasons the clock stops. "
        "New targets start with the reasons that stop their metric by default.",
    )

    @api.depends("metric")
    def _compute_pause_reason_ids(self):
        Reason = self.env["aftersales.pause.reason"]
        defaults = {}
        for target in self:
            flag = PAUSE_DEFAULT_FIELDS.get(target.metric)
            if target.pause_reason_ids or not flag:
                continue
            if flag not in defaults:
                defaults[flag] = Reason.search([(flag, "=", True)])
            target.pause_reason_ids = defaults[flag]

    @api.onchange("calendar_id")
    def _onchange_calendar_id(self):
        if self.calendar_id:
            self.time_basis = "calendar"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A calendar given without a basis means: count on that calendar.
            if vals.get("calendar_id") and "time_basis" not in vals:
                vals["time_basis"] = "calendar"
        targets = super().create(vals_list)
        targets.policy_id._retarget_unmatched_tickets()
        return targets

    def write(self, vals):
        if vals.get("calendar_id") and "time_basis" not in vals:
            vals["time_basis"] = "calendar"
        result = super().write(vals)
        self.policy_id._retarget_unmatched_tickets()
        return result

    @api.constrains("target_hours", "warning_percent", "ceiling_hours")
    def _check_target_hours(self):
        for target in self:
            if not 0 < target.target_hours <= MAX_TARGET_HOURS:
                raise ValidationError(
                    self.env._(
                        "An SLA target is a positive number of hours, at most "
                        "%(max)s (one year): %(hours)s is not.",
                        max=MAX_TARGET_HOURS,
                        hours=target.target_hours,
                    )
                )
            if not 0 <= target.ceiling_hours <= MAX_TARGET_HOURS:
                raise ValidationError(
                    self.env._(
                        "The elapsed-hours ceiling of an SLA target is empty or a "
                        "positive number of hours, at most %(max)s (one year).",
                        max=MAX_TARGET_HOURS,
                    )
                )
            if not 0 < target.warning_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The warning threshold is a percentage between 0 and 100."
                    )
                )

    @api.constrains("calendar_id", "time_basis")
    def _check_calendar_has_work_time(self):
        for target in self:
            if target.time_basis == "calendar" and not target.calendar_id:
                raise ValidationError(
                    self.env._(
                        "A target counted on its own calendar needs that calendar."
                    )
                )
        for target in self.filtered("calendar_id"):
            target.calendar_id._aftersales_check_has_work_time()

    @property
    def target_seconds(self):
        return round(self.target_hours * 3600)

    @property
    def ceiling_seconds(self):
        return round(self.ceiling_hours * 3600) or None

    def _effective_calendar(self, service_hours):
        """The calendar the clock runs on under a contract whose service hours are
        ``service_hours`` (empty recordset: 24x7)."""
        self.ensure_one()
        if self.time_basis == "calendar":
            return self.calendar_id
        if self.time_basis == "contract":
            return service_hours
        return self.env["resource.calendar"]

    def _specificity(self):
        """How specific the target is: a service type outweighs a priority."""
        self.ensure_one()
        return (bool(self.service_type_id), bool(self.priority))
