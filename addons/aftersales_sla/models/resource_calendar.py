from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.resource.models.utils import Intervals

# Changing one of these fields moves every working interval of the calendar.
CLOCK_FIELDS = ("tz", "two_weeks_calendar")


def _to_naive_utc(value):
    """Aware datetime -> naive UTC datetime (Odoo's storage convention).

    Odoo represents an attendance ending at 24:00 as 23:59:59.999999; round it up to
    the next midnight so that consecutive days join without a gap."""
    value = value.astimezone(pytz.utc).replace(tzinfo=None)
    if value.microsecond == 999999:
        value += timedelta(microseconds=1)
    return value


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    aftersales_extra_day_ids = fields.One2many(
        "aftersales.calendar.extra.day",
        "calendar_id",
        string="Extra Working Days",
        copy=True,
        help="Days worked although the calendar does not normally work on them, "
        "such as swapped weekend working days. They are worked even when a public "
        "holiday covers them.",
    )

    aftersales_shared_holiday_ids = fields.Many2many(
        "resource.calendar.leaves",
        string="Public Holidays of All Calendars",
        compute="_compute_aftersales_shared_holiday_ids",
        help="Public holidays entered without a calendar: they apply to every "
        "calendar, this one included.",
    )

    def _compute_aftersales_shared_holiday_ids(self):
        shared = self.env["resource.calendar.leaves"].search(
            [("calendar_id", "=", False), ("resource_id", "=", False)]
        )
        self.aftersales_shared_holiday_ids = shared

    @api.constrains("attendance_ids")
    def _check_aftersales_used_calendar_work_time(self):
        """A calendar an SLA target runs on must keep some working time."""
        if "aftersales.sla.target" not in self.env:
            return
        # sudo: every target on the calendar, whoever edits it
        used = (
            self.env["aftersales.sla.target"]
            .sudo()
            .search([("calendar_id", "in", self.ids)])
            .calendar_id
        )
        self.filtered(
            lambda calendar: calendar in used
        )._aftersales_check_has_work_time()

    def write(self, vals):
        watched = [name for name in CLOCK_FIELDS if name in vals]
        before = (
            {cal.id: [cal[name] for name in watched] for cal in self} if watched else {}
        )
        result = super().write(vals)
        if watched:
            self.filtered(
                lambda cal: before[cal.id] != [cal[name] for name in watched]
            )._aftersales_calendar_changed()
        return result

    @api.model
    def _aftersales_all_calendars(self):
        """Every calendar, archived or of another company included: a global leave
        without a calendar applies to all of them."""
        # sudo: every calendar, archived or of another company included
        return self.browse(self.sudo().with_context(active_test=False).search([]).ids)

    def _aftersales_working_attendances(self):
        """The attendances that make working time: no section rows, no breaks, no
        resource-specific rows, no empty rows."""
        return self.attendance_ids.filtered(
            lambda att: not att.display_type
            and att.day_period != "lunch"
            and not att.resource_id
            and att.hour_to > att.hour_from
        )

    def _aftersales_check_has_work_time(self):
        """Refuse a calendar with no working time: an SLA clock on it never ends.

        Section rows (two-week calendars), breaks and empty rows are not working
        time."""
        for calendar in self:
            if not calendar._aftersales_working_attendances():
                raise ValidationError(
                    self.env._(
                        "Calendar %s has no working hours: an SLA clock on it would "
                        "never reach its target.",
                        calendar.name,
                    )
                )

    def _aftersales_calendar_changed(self):
        """The working intervals of these calendars changed: running SLA clocks on
        them must be recomputed."""
        if not self:
            return
        if "aftersales.ticket.sla" in self.env:
            # SLA lines are derived data written only by the projection: as the system.
            # sudo: SLA lines are derived data only the projection writes
            self.env["aftersales.ticket.sla"].sudo()._recompute_running_for_calendars(
                self.sudo()
            )

    def _aftersales_years_without_holidays(self, date_from, date_to):
        """The calendar years from ``date_from`` to ``date_to`` (dates, both
        included) in which this calendar has no public holiday at all: no global
        time off of this calendar or of all calendars touches the year, in the
        calendar's time zone. A contract whose term runs into such a year most
        likely lacks that year's holidays.

        :return: sorted list of years (int)
        """
        self.ensure_one()
        if not date_from or not date_to or date_to < date_from:
            return []
        years = range(date_from.year, date_to.year + 1)
        tz = pytz.timezone(self.tz or "UTC")

        def utc_new_year(year):
            return _to_naive_utc(tz.localize(datetime(year, 1, 1)))

        # the same leaves as the working time: holidays, whatever the reader sees
        # sudo: the same holidays as the working time, whatever the reader sees
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("calendar_id", "in", [False, self.id]),
                    ("resource_id", "=", False),
                    ("time_type", "=", "leave"),
                    ("date_from", "<", utc_new_year(years[-1] + 1)),
                    ("date_to", ">", utc_new_year(years[0])),
                ]
            )
        )
        covered = set()
        for leave in leaves:
            first = pytz.utc.localize(leave.date_from).astimezone(tz).year
            # a leave ending at midnight on New Year's Day ends in the old year
            end = max(leave.date_from, leave.date_to - timedelta(seconds=1))
            last = pytz.utc.localize(end).astimezone(tz).year
            covered.update(range(first, last + 1))
        return [year for year in years if year not in covered]

    def _aftersales_work_intervals(self, start, end):
        """Working time of this calendar between two naive UTC datetimes.

        Attendances in the calendar's time zone (Odoo's own computation: breaks,
        sections, two-week calendars, attendance validity dates and daylight-saving
        changes), minus the global leaves of this calendar and of all calendars,
        plus the extra working days (worked even inside a leave).

        :param datetime start: naive UTC
        :param datetime end: naive UTC
        :return: sorted, disjoint ``[(start, end), ...]`` of naive UTC datetimes,
            clipped to ``[start, end]``
        """
        self.ensure_one()
        if start >= end:
            return []
        tz = pytz.timezone(self.tz or "UTC")
        start_aware = pytz.utc.localize(start)
        end_aware = pytz.utc.localize(end)
        work = self._work_intervals_batch(start_aware, end_aware, tz=tz)[False]
        # Naive UTC from here on (Odoo's Intervals merge overlapping and touching
        # intervals, e.g. a day ending at 24:00 and the next starting at 00:00).
        none = self.env["resource.calendar.attendance"]
        intervals = Intervals(
            (_to_naive_utc(begin), _to_naive_utc(stop), none)
            for begin, stop, _att in work
        ) | Intervals(
            (begin, stop, none)
            for begin, stop in self._aftersales_extra_day_intervals(
                start_aware, end_aware, tz
            )
        )
        intervals &= Intervals([(start, end, none)])
        return [(begin, stop) for begin, stop, _recs in intervals]

    def _aftersales_extra_day_intervals(self, start_aware, end_aware, tz):
        """Naive UTC intervals of the extra working days touching the period: the
        attendances of ``weekday_like`` (taken from the same week, so that two-week
        calendars keep their week type) placed on the day, in the calendar's tz."""
        self.ensure_one()
        days = self.env["aftersales.calendar.extra.day"].search(
            [
                ("calendar_id", "=", self.id),
                ("date", ">=", start_aware.astimezone(tz).date()),
                ("date", "<=", end_aware.astimezone(tz).date()),
            ]
        )
        result = []
        for day in days:
            reference = day.date + timedelta(
                days=int(day.weekday_like) - day.date.weekday()
            )
            shift = day.date - reference
            reference_start = tz.localize(datetime.combine(reference, time.min))
            reference_end = tz.localize(
                datetime.combine(reference + timedelta(days=1), time.min)
            )
            attendances = self._attendance_intervals_batch(
                reference_start, reference_end, tz=tz
            )[False]
            for begin, stop, _att in attendances:
                local_begin = begin.replace(tzinfo=None) + shift
                local_stop = stop.replace(tzinfo=None) + shift
                result.append(
                    (
                        _to_naive_utc(tz.localize(local_begin)),
                        _to_naive_utc(tz.localize(local_stop)),
                    )
                )
        return result
