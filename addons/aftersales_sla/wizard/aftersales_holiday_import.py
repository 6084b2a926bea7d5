import base64
import binascii
import csv
import io
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import file_open

from ..tools.inputs import check_vals

COLUMNS = ("date_from", "date_to", "kind", "name_zh", "name_en")
KINDS = ("holiday", "working_day")
# The official mainland China schedules (State Council General Office notices)
# shipped with the addon, by year; other years are imported from a CSV file.
BUNDLED_CN_YEARS = (2025, 2026)
BUNDLED_CN_PATH = "aftersales_sla/data/cn_public_holidays_%s.csv"
MAX_FILE_SIZE = 1024 * 1024
# Years a calendar may hold holidays for (time zone conversions of 0001 or 9999
# overflow, and nothing the product serves lies there).
MIN_YEAR = 1970
MAX_YEAR = 2200
# A public holiday (or a run of swapped working days) lasts days, not years.
MAX_SPAN_DAYS = 31
MAX_NAME = 200
# the last instant of a day, as Odoo's own leave form sets it (whole seconds)
END_OF_DAY = time(23, 59, 59)


class AftersalesHolidayImport(models.TransientModel):
    """Import public holidays (global leaves) and extra working days into
    calendars from a CSV file ``date_from,date_to,kind,name_zh,name_en``."""

    _name = "aftersales.holiday.import"
    _description = "Import Public Holidays"

    def _default_calendar_ids(self):
        if self.env.context.get("active_model") == "resource.calendar":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return False

    def _default_source(self):
        """The bundled schedule of the current year, when there is one."""
        year = fields.Date.context_today(self).year
        return f"cn_{year}" if year in BUNDLED_CN_YEARS else "file"

    source = fields.Selection(
        [
            ("cn_2025", "Mainland China 2025 (official schedule)"),
            ("cn_2026", "Mainland China 2026 (official schedule)"),
            ("file", "Another year: a CSV file"),
        ],
        string="Holidays",
        required=True,
        default=lambda self: self._default_source(),
        help="A bundled official schedule (public holidays and swapped working "
        "days), or a CSV file for any other year or country.",
    )
    calendar_ids = fields.Many2many(
        "resource.calendar",
        string="Calendars",
        required=True,
        default=lambda self: self._default_calendar_ids(),
        help="The holidays and extra working days are added to each of these.",
    )
    file = fields.Binary(
        string="CSV File",
        help="UTF-8 CSV with the columns date_from, date_to, kind (holiday or "
        "working_day), name_zh, name_en; dates as YYYY-MM-DD.",
    )
    filename = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)

    def action_import(self):
        self.ensure_one()
        if self.source == "file":
            if not self.file:
                raise UserError(self.env._("Choose a CSV file to import."))
            try:
                content = base64.b64decode(self.file, validate=True)
            except (binascii.Error, ValueError) as error:
                raise UserError(
                    self.env._("The file could not be read: upload it again.")
                ) from error
        else:
            content = self._bundled_content(int(self.source.removeprefix("cn_")))
        return self._action_done(self._import_csv(content))

    @api.model
    def _bundled_content(self, year):
        """The CSV bytes of the bundled official schedule of ``year``."""
        if year not in BUNDLED_CN_YEARS:
            raise UserError(
                self.env._(
                    "No official schedule for %s is bundled: import it from a CSV "
                    "file.",
                    year,
                )
            )
        with file_open(BUNDLED_CN_PATH % year, "rb") as handle:
            return handle.read()

    def _action_done(self, result):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Holidays imported"),
                "message": self.env._(
                    "%(leaves)s public holidays and %(days)s extra working days "
                    "added (%(skipped)s already there).",
                    leaves=result["leaves"],
                    days=result["extra_days"],
                    skipped=result["skipped"],
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _import_csv(self, content):
        """Validate the whole file, then add what is missing to every chosen
        calendar. Idempotent. Returns ``{'leaves', 'extra_days', 'skipped'}``."""
        self.ensure_one()
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only After-Sales managers may import public holidays.")
            )
        calendars = self.calendar_ids
        if not calendars:
            raise UserError(self.env._("Choose at least one calendar."))
        calendars.check_access("read")
        rows = self._parse_csv(content)
        if any(row["kind"] == "working_day" for row in rows):
            calendars._aftersales_check_has_work_time()
        # Global leaves are reserved to administrators by Odoo's record rules; the
        # caller's rights were checked above.
        # sudo: global leaves are administrators' by Odoo's rules; rights checked above
        return self.sudo()._apply_rows(calendars.sudo(), rows)

    def _parse_csv(self, content):
        """Return the rows as dicts with dates, or raise a UserError naming the
        first bad line. Nothing is written."""
        if len(content) > MAX_FILE_SIZE:
            raise UserError(self.env._("The file is too large (at most 1 MB)."))
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(
                self.env._(
                    "The file is not UTF-8 text (byte %s): save it as CSV UTF-8.",
                    error.start + 1,
                )
            ) from error
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise UserError(
                self.env._(
                    "Line 1: the header lacks the column(s) %(missing)s; expected "
                    "%(expected)s.",
                    missing=", ".join(missing),
                    expected=",".join(COLUMNS),
                )
            )
        reader.fieldnames = header
        rows = []
        for record in reader:
            line = reader.line_num
            values = {key: (record.get(key) or "").strip() for key in COLUMNS}
            if not any(values.values()):
                continue
            if values["kind"] not in KINDS:
                raise UserError(
                    self.env._(
                        "Line %(line)s: unknown kind %(kind)r; use holiday or "
                        "working_day.",
                        line=line,
                        kind=values["kind"],
                    )
                )
            dates = {}
            for key in ("date_from", "date_to"):
                try:
                    dates[key] = datetime.strptime(values[key], "%Y-%m-%d").date()
                except ValueError as error:
                    raise UserError(
                        self.env._(
                            "Line %(line)s: %(column)s %(value)r is not a date "
                            "(YYYY-MM-DD).",
                            line=line,
                            column=key,
                            value=values[key],
                        )
                    ) from error
            for key in ("date_from", "date_to"):
                if not MIN_YEAR <= dates[key].year <= MAX_YEAR:
                    raise UserError(
                        self.env._(
                            "Line %(line)s: %(column)s %(value)s is out of range "
                            "(years %(min)s to %(max)s).",
                            line=line,
                            column=key,
                            value=values[key],
                            min=MIN_YEAR,
                            max=MAX_YEAR,
                        )
                    )
            if (dates["date_to"] - dates["date_from"]).days + 1 > MAX_SPAN_DAYS:
                raise UserError(
                    self.env._(
                        "Line %(line)s: %(date_from)s to %(date_to)s spans more "
                        "than %(days)s days; enter each holiday or working day "
                        "period on a line of its own.",
                        line=line,
                        date_from=dates["date_from"],
                        date_to=dates["date_to"],
                        days=MAX_SPAN_DAYS,
                    )
                )
            for key in ("name_zh", "name_en"):
                if len(values[key]) > MAX_NAME:
                    raise UserError(
                        self.env._(
                            "Line %(line)s: %(column)s is too long (at most "
                            "%(max)s characters).",
                            line=line,
                            column=key,
                            max=MAX_NAME,
                        )
                    )
            if dates["date_to"] < dates["date_from"]:
                raise UserError(
                    self.env._(
                        "Line %(line)s: date_to %(date_to)s is before date_from "
                        "%(date_from)s.",
                        line=line,
                        date_to=dates["date_to"],
                        date_from=dates["date_from"],
                    )
                )
            rows.append(dict(values, **dates, line=line))
        if not rows:
            raise UserError(self.env._("The file has no holiday or working day."))
        return rows

    def _row_name(self, row):
        if (self.env.lang or "").startswith("zh"):
            return row["name_zh"] or row["name_en"]
        return row["name_en"] or row["name_zh"]

    @api.model
    def _default_weekday_like(self, calendar):
        """Monday when the calendar works on Mondays, else its first working day."""
        worked = set(calendar._aftersales_working_attendances().mapped("dayofweek"))
        return "0" if "0" in worked else min(worked)

    def _apply_rows(self, calendars, rows):
        Leave = self.env["resource.calendar.leaves"]
        ExtraDay = self.env["aftersales.calendar.extra.day"]
        leave_vals, day_vals, skipped = [], [], 0
        for calendar in calendars:
            tz = pytz.timezone(calendar.tz or "UTC")
            existing_leaves = {
                (leave.date_from, leave.date_to)
                for leave in Leave.search(
                    [("calendar_id", "=", calendar.id), ("resource_id", "=", False)]
                )
            }
            existing_days = set(calendar.aftersales_extra_day_ids.mapped("date"))
            for row in rows:
                name = self._row_name(row)
                if row["kind"] == "holiday":
                    key = (
                        self._to_utc(tz, datetime.combine(row["date_from"], time.min)),
                        self._to_utc(tz, datetime.combine(row["date_to"], END_OF_DAY)),
                    )
                    if key in existing_leaves:
                        skipped += 1
                        continue
                    existing_leaves.add(key)
                    leave_vals.append(
                        {
                            "name": name,
                            "calendar_id": calendar.id,
                            "date_from": key[0],
                            "date_to": key[1],
                            "time_type": "leave",
                        }
                    )
                    continue
                day = row["date_from"]
                while day <= row["date_to"]:
                    if day in existing_days:
                        skipped += 1
                    else:
                        existing_days.add(day)
                        day_vals.append(
                            {
                                "calendar_id": calendar.id,
                                "date": day,
                                "name": name,
                                "weekday_like": self._default_weekday_like(calendar),
                            }
                        )
                    day += timedelta(days=1)
        Leave.create(leave_vals)
        ExtraDay.create(day_vals)
        return {
            "leaves": len(leave_vals),
            "extra_days": len(day_vals),
            "skipped": skipped,
        }

    @staticmethod
    def _to_utc(tz, local):
        return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
