from odoo import api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class AftersalesCalendarExtraDay(models.Model):
    """A day that is worked although the calendar does not normally work on it,
    such as mainland China's swapped weekend working days (调休上班). The day is
    worked with the attendances of ``weekday_like``, even when a public holiday
    covers it."""

    _name = "aftersales.calendar.extra.day"
    _inherit = ["aftersales.calendar.change.mixin"]
    _description = "Extra Working Day"
    _order = "calendar_id, date"

    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Calendar",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    name = fields.Char(
        string="Reason",
        translate=False,
        help="For example 春节调休上班 (Spring Festival swapped working day).",
    )
    weekday_like = fields.Selection(
        WEEKDAYS,
        string="Worked Like",
        required=True,
        default="0",
        help="The day is worked with the working hours of this day of the week.",
    )

    _sql_constraints = [
        (
            "calendar_date_unique",
            "UNIQUE(calendar_id, date)",
            "A calendar has at most one extra working day per date.",
        ),
    ]

    @api.constrains("calendar_id", "weekday_like")
    def _check_weekday_like(self):
        labels = dict(self._fields["weekday_like"]._description_selection(self.env))
        for day in self:
            worked = day.calendar_id._aftersales_working_attendances().mapped(
                "dayofweek"
            )
            if day.weekday_like not in worked:
                raise ValidationError(
                    self.env._(
                        "Calendar %(calendar)s has no working hours on %(weekday)s: "
                        "the extra working day of %(date)s cannot be worked like it.",
                        calendar=day.calendar_id.name,
                        weekday=labels[day.weekday_like],
                        date=day.date,
                    )
                )
