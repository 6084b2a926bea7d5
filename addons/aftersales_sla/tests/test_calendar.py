import base64
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import file_open, mute_logger

from .common import TicketCase, shanghai

BUNDLED = "aftersales_sla/data/cn_public_holidays_2026.csv"
HEADER = "date_from,date_to,kind,name_zh,name_en\n"


def dt(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


@tagged("post_install", "-at_install")
class TestCalendar(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Calendar = cls.env["resource.calendar"]
        cls.Leave = cls.env["resource.calendar.leaves"]
        cls.ExtraDay = cls.env["aftersales.calendar.extra.day"]
        cls.company = cls.env["res.company"].create({"name": "Lock Maker Ltd"})
        # on-site service 08:00-22:00 every day
        cls.every_day = cls._calendar(
            "On-site 08-22", "Asia/Shanghai", range(7), [(8, 22, "morning")]
        )
        # office Mon-Fri 09:00-18:00 with a lunch break
        cls.office = cls._calendar(
            "Office Mon-Fri",
            "Asia/Shanghai",
            range(5),
            [(9, 12, "morning"), (12, 13, "lunch"), (13, 18, "afternoon")],
        )
        cls.berlin = cls._calendar(
            "Berlin Mon-Fri", "Europe/Berlin", range(5), [(8, 17, "morning")]
        )
        cls.manager = new_test_user(
            cls.env,
            login="calendar_manager",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.technician = new_test_user(
            cls.env,
            login="calendar_technician",
            groups="aftersales_sla.group_aftersales_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    @classmethod
    def _calendar(cls, name, tz, weekdays, hours):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "company_id": cls.company.id,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        },
                    )
                    for day in weekdays
                    for hour_from, hour_to, period in hours
                ],
            }
        )

    def _leave(self, calendar, date_from, date_to, name="Holiday"):
        return self.Leave.create(
            {
                "name": name,
                "calendar_id": calendar.id if calendar else False,
                "date_from": dt(date_from),
                "date_to": dt(date_to),
            }
        )

    def _intervals(self, calendar, start, end):
        return calendar._aftersales_work_intervals(dt(start), dt(end))

    @staticmethod
    def _deadline(intervals, hours):
        """The instant at which ``hours`` of working time have been counted."""
        remaining = timedelta(hours=hours)
        for begin, stop in intervals:
            if stop - begin >= remaining:
                return begin + remaining
            remaining -= stop - begin
        return None

    def _import(self, calendars, content, user=None):
        wizard = self.env["aftersales.holiday.import"]
        if user:
            wizard = wizard.with_user(user)
        wizard = wizard.create({"calendar_ids": [(6, 0, calendars.ids)]})
        return wizard._import_csv(content)

    def _counts(self, calendars):
        return (
            self.Leave.search_count(
                [("calendar_id", "in", calendars.ids), ("resource_id", "=", False)]
            ),
            self.ExtraDay.search_count([("calendar_id", "in", calendars.ids)]),
        )

    # ------------------------------------------------------------------
    # working intervals
    # ------------------------------------------------------------------

    def test_every_day_calendar(self):
        self.assertEqual(self.every_day.tz, "Asia/Shanghai")
        # Friday 2026-03-06 21:00 Shanghai -> Sunday 2026-03-08 21:00 Shanghai
        intervals = self._intervals(
            self.every_day, "2026-03-06 13:00:00", "2026-03-08 13:00:00"
        )
        self.assertEqual(
            intervals,
            [
                (dt("2026-03-06 13:00:00"), dt("2026-03-06 14:00:00")),
                (dt("2026-03-07 00:00:00"), dt("2026-03-07 14:00:00")),
                (dt("2026-03-08 00:00:00"), dt("2026-03-08 13:00:00")),
            ],
        )
        # 12 h target reported Friday 21:00 -> Saturday 19:00 Shanghai (11:00 UTC)
        self.assertEqual(self._deadline(intervals, 12), dt("2026-03-07 11:00:00"))
        self.assertEqual(
            self._intervals(
                self.every_day, "2026-03-07 15:00:00", "2026-03-07 15:00:00"
            ),
            [],
        )

    def test_public_holiday(self):
        # Saturday 2026-03-07 is a holiday of this calendar
        self._leave(self.every_day, "2026-03-06 16:00:00", "2026-03-07 15:59:59")
        intervals = self._intervals(
            self.every_day, "2026-03-06 13:00:00", "2026-03-08 13:00:00"
        )
        self.assertEqual(
            intervals,
            [
                (dt("2026-03-06 13:00:00"), dt("2026-03-06 14:00:00")),
                (dt("2026-03-08 00:00:00"), dt("2026-03-08 13:00:00")),
            ],
        )
        # the design's example: with Saturday a holiday -> Sunday 19:00 Shanghai
        self.assertEqual(self._deadline(intervals, 12), dt("2026-03-08 11:00:00"))
        # a leave of all calendars (no calendar) on Sunday 10:00-12:00 Shanghai
        self._leave(False, "2026-03-08 02:00:00", "2026-03-08 04:00:00")
        # a leave of another calendar changes nothing here
        self._leave(self.office, "2026-03-08 05:00:00", "2026-03-08 06:00:00")
        self.assertEqual(
            self._intervals(
                self.every_day, "2026-03-06 13:00:00", "2026-03-08 13:00:00"
            ),
            [
                (dt("2026-03-06 13:00:00"), dt("2026-03-06 14:00:00")),
                (dt("2026-03-08 00:00:00"), dt("2026-03-08 02:00:00")),
                (dt("2026-03-08 04:00:00"), dt("2026-03-08 13:00:00")),
            ],
        )

    def test_extra_working_day(self):
        # Saturday 2026-01-03 00:00 -> Tuesday 2026-01-06 00:00 Shanghai
        start, end = "2026-01-02 16:00:00", "2026-01-05 16:00:00"
        monday = [
            (dt("2026-01-05 01:00:00"), dt("2026-01-05 04:00:00")),
            (dt("2026-01-05 05:00:00"), dt("2026-01-05 10:00:00")),
        ]
        self.assertEqual(self._intervals(self.office, start, end), monday)
        self.ExtraDay.create(
            {
                "calendar_id": self.office.id,
                "date": date(2026, 1, 4),
                "name": "元旦调休上班",
                "weekday_like": "0",
            }
        )
        sunday = [
            (dt("2026-01-04 01:00:00"), dt("2026-01-04 04:00:00")),
            (dt("2026-01-04 05:00:00"), dt("2026-01-04 10:00:00")),
        ]
        self.assertEqual(self._intervals(self.office, start, end), sunday + monday)
        # clipped to the period asked
        self.assertEqual(
            self._intervals(self.office, "2026-01-04 02:00:00", "2026-01-04 06:00:00"),
            [
                (dt("2026-01-04 02:00:00"), dt("2026-01-04 04:00:00")),
                (dt("2026-01-04 05:00:00"), dt("2026-01-04 06:00:00")),
            ],
        )
        # an extra working day is worked even inside a holiday
        self._leave(self.office, "2026-01-02 16:00:00", "2026-01-04 15:59:59")
        self.assertEqual(self._intervals(self.office, start, end), sunday + monday)
        # the extra day belongs to its calendar only
        self.assertEqual(
            self._intervals(self.every_day, start, end)[0][0], dt("2026-01-03 00:00:00")
        )
        self.assertEqual(self.office.aftersales_extra_day_ids.date, date(2026, 1, 4))

    def test_extra_day_needs_worked_weekday(self):
        with self.assertRaises(ValidationError):
            self.ExtraDay.create(
                {
                    "calendar_id": self.office.id,
                    "date": date(2026, 1, 4),
                    "weekday_like": "6",
                }
            )
        self.ExtraDay.create({"calendar_id": self.office.id, "date": date(2026, 1, 4)})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.ExtraDay.create(
                {"calendar_id": self.office.id, "date": date(2026, 1, 4)}
            )
            self.env.flush_all()

    def test_daylight_saving_berlin(self):
        intervals = self._intervals(
            self.berlin, "2026-03-27 00:00:00", "2026-03-31 00:00:00"
        )
        self.assertEqual(
            intervals,
            [
                # Friday 08:00-17:00 CET (UTC+1)
                (dt("2026-03-27 07:00:00"), dt("2026-03-27 16:00:00")),
                # Monday 08:00-17:00 CEST (UTC+2), after the change of Sunday 03-29
                (dt("2026-03-30 06:00:00"), dt("2026-03-30 15:00:00")),
            ],
        )
        # an extra working day on the day of the change itself is already in CEST
        self.ExtraDay.create(
            {
                "calendar_id": self.berlin.id,
                "date": date(2026, 3, 29),
                "weekday_like": "4",
            }
        )
        self.assertEqual(
            self._intervals(self.berlin, "2026-03-27 00:00:00", "2026-03-31 00:00:00")[
                1
            ],
            (dt("2026-03-29 06:00:00"), dt("2026-03-29 15:00:00")),
        )
        # and back to CET on Sunday 2026-10-25
        self.assertEqual(
            self._intervals(self.berlin, "2026-10-23 00:00:00", "2026-10-27 00:00:00"),
            [
                (dt("2026-10-23 06:00:00"), dt("2026-10-23 15:00:00")),
                (dt("2026-10-26 07:00:00"), dt("2026-10-26 16:00:00")),
            ],
        )

    def test_round_the_clock_days_join(self):
        calendar = self._calendar(
            "7x24", "Asia/Shanghai", range(7), [(0, 24, "morning")]
        )
        self.assertEqual(
            self._intervals(calendar, "2026-03-06 10:00:00", "2026-03-09 10:00:00"),
            [(dt("2026-03-06 10:00:00"), dt("2026-03-09 10:00:00"))],
        )

    def test_years_without_holidays(self):
        calendar = self.office
        self.assertEqual(
            calendar._aftersales_years_without_holidays(
                date(2025, 7, 1), date(2027, 6, 30)
            ),
            [2025, 2026, 2027],
        )
        # a holiday of this calendar (Shanghai local days)
        self._leave(calendar, "2026-09-30 16:00:00", "2026-10-07 15:59:59")
        # a holiday of all calendars
        self._leave(False, "2025-04-03 16:00:00", "2025-04-06 15:59:59")
        # not holidays of this calendar: another calendar's, a resource's, "other"
        self._leave(self.berlin, "2027-04-04 00:00:00", "2027-04-05 00:00:00")
        resource = self.env["resource.resource"].create(
            {"name": "Technician Wang", "calendar_id": calendar.id}
        )
        self.Leave.create(
            {
                "name": "Sick",
                "calendar_id": calendar.id,
                "resource_id": resource.id,
                "date_from": dt("2027-03-09 01:00:00"),
                "date_to": dt("2027-03-09 10:00:00"),
            }
        )
        self.Leave.create(
            {
                "name": "Training",
                "calendar_id": calendar.id,
                "time_type": "other",
                "date_from": dt("2027-03-10 01:00:00"),
                "date_to": dt("2027-03-10 10:00:00"),
            }
        )
        self.assertEqual(
            calendar._aftersales_years_without_holidays(
                date(2025, 7, 1), date(2027, 6, 30)
            ),
            [2027],
        )
        # years are the calendar's: 2027-01-01 00:00-08:00 in Shanghai is in 2027
        self._leave(calendar, "2026-12-31 16:00:00", "2027-01-01 00:00:00")
        self.assertEqual(
            calendar._aftersales_years_without_holidays(
                date(2025, 7, 1), date(2027, 6, 30)
            ),
            [],
        )
        # one that ends at midnight on New Year's Day is only in the old year
        self.assertEqual(
            self.berlin._aftersales_years_without_holidays(
                date(2026, 1, 1), date(2028, 1, 1)
            ),
            [2026, 2028],
        )
        self._leave(self.berlin, "2027-12-31 08:00:00", "2027-12-31 23:00:00")
        self.assertEqual(
            self.berlin._aftersales_years_without_holidays(
                date(2026, 1, 1), date(2028, 1, 1)
            ),
            [2026, 2028],
        )
        self.assertEqual(
            calendar._aftersales_years_without_holidays(
                date(2027, 1, 1), date(2026, 1, 1)
            ),
            [],
        )

    def test_calendar_form_shows_holidays_and_extra_days(self):
        """Service Calendars opens the form our addon extends; a manager without
        debug mode (base.group_no_one) sees and edits the public holidays and the
        extra working days there."""
        action = self.env.ref("aftersales_sla.aftersales_calendar_action")
        self.assertEqual(
            self.env.ref("aftersales_sla.aftersales_calendar_menu").action, action
        )
        form_view = action.view_ids.filtered(lambda view: view.view_mode == "form")
        self.assertEqual(
            form_view.view_id, self.env.ref("resource.resource_calendar_form")
        )
        self.assertFalse(self.manager.has_group("base.group_no_one"))
        shared = self.Leave.with_company(self.company).create(
            {
                "name": "全国停电",
                "calendar_id": False,
                "date_from": dt("2026-03-08 02:00:00"),
                "date_to": dt("2026-03-08 04:00:00"),
            }
        )
        calendar = self.office.with_user(self.manager)
        with Form(calendar, view="resource.resource_calendar_form") as form:
            self.assertIn(shared, form.aftersales_shared_holiday_ids)
            with form.global_leave_ids.new() as holiday:
                holiday.name = "清明节"
                holiday.date_from = dt("2026-04-03 16:00:00")
                holiday.date_to = dt("2026-04-06 15:59:59")
            with form.aftersales_extra_day_ids.new() as day:
                day.date = date(2026, 4, 12)
                day.name = "补班"
        self.assertEqual(self.office.global_leave_ids.name, "清明节")
        self.assertEqual(self.office.global_leave_ids.create_uid, self.manager)
        self.assertEqual(self.office.aftersales_extra_day_ids.date, date(2026, 4, 12))
        self.assertNotIn(shared, self.office.global_leave_ids)

    # ------------------------------------------------------------------
    # work time check
    # ------------------------------------------------------------------

    def test_calendar_without_work_time_refused(self):
        empty = self.Calendar.create(
            {"name": "Empty", "tz": "Asia/Shanghai", "attendance_ids": []}
        )
        with self.assertRaises(ValidationError):
            empty._aftersales_check_has_work_time()
        breaks_only = self._calendar(
            "Breaks only", "Asia/Shanghai", range(5), [(12, 13, "lunch")]
        )
        with self.assertRaises(ValidationError):
            breaks_only._aftersales_check_has_work_time()
        (self.office | self.every_day)._aftersales_check_has_work_time()

    # ------------------------------------------------------------------
    # holiday import
    # ------------------------------------------------------------------

    def test_import_cn_2026(self):
        calendars = self.office | self.berlin
        wizard = (
            self.env["aftersales.holiday.import"]
            .with_user(self.manager)
            .create({"calendar_ids": [(6, 0, calendars.ids)], "source": "cn_2026"})
        )
        action = wizard.action_import()
        self.assertEqual(action["tag"], "display_notification")
        # 7 holiday lines and 6 swapped working days, on each calendar
        self.assertEqual(self._counts(self.office), (7, 6))
        self.assertEqual(self._counts(self.berlin), (7, 6))
        spring = self.Leave.search(
            [("calendar_id", "=", self.office.id), ("name", "=", "Spring Festival")]
        )
        self.assertEqual(spring.date_from, dt("2026-02-14 16:00:00"))
        self.assertEqual(spring.date_to, dt("2026-02-23 15:59:59"))
        self.assertEqual(spring.company_id, self.company)
        national = self.Leave.search(
            [("calendar_id", "=", self.berlin.id), ("name", "=", "National Day")]
        )
        self.assertEqual(national.date_from, dt("2026-09-30 22:00:00"))
        self.assertEqual(national.date_to, dt("2026-10-07 21:59:59"))
        swapped = self.office.aftersales_extra_day_ids
        self.assertEqual(
            swapped.mapped("date"),
            [
                date(2026, 1, 4),
                date(2026, 2, 14),
                date(2026, 2, 28),
                date(2026, 5, 9),
                date(2026, 9, 20),
                date(2026, 10, 10),
            ],
        )
        self.assertEqual(
            swapped.filtered(lambda d: d.date == date(2026, 2, 14)).name,
            "Spring Festival swapped working day",
        )
        self.assertEqual(set(swapped.mapped("weekday_like")), {"0"})
        # Saturday 02-14 worked (swapped), Sunday 02-15 and Monday 02-16 off
        self.assertEqual(
            self._intervals(self.office, "2026-02-13 16:00:00", "2026-02-16 16:00:00"),
            [
                (dt("2026-02-14 01:00:00"), dt("2026-02-14 04:00:00")),
                (dt("2026-02-14 05:00:00"), dt("2026-02-14 10:00:00")),
            ],
        )
        # importing again adds nothing
        with file_open(BUNDLED, "rb") as handle:
            result = self._import(calendars, handle.read(), user=self.manager)
        self.assertEqual(result, {"leaves": 0, "extra_days": 0, "skipped": 26})
        self.assertEqual(self._counts(calendars), (14, 12))

    def test_import_cn_2025(self):
        def import_2025():
            wizard = (
                self.env["aftersales.holiday.import"]
                .with_user(self.manager)
                .create(
                    {"calendar_ids": [(6, 0, self.office.ids)], "source": "cn_2025"}
                )
            )
            wizard.action_import()

        import_2025()
        # 6 holiday lines and 5 swapped working days
        self.assertEqual(self._counts(self.office), (6, 5))
        self.assertEqual(
            self.office.aftersales_extra_day_ids.mapped("date"),
            [
                date(2025, 1, 26),
                date(2025, 2, 8),
                date(2025, 4, 27),
                date(2025, 9, 28),
                date(2025, 10, 11),
            ],
        )
        national = self.Leave.search(
            [
                ("calendar_id", "=", self.office.id),
                ("name", "=", "National Day and Mid-Autumn Festival"),
            ]
        )
        self.assertEqual(national.date_from, dt("2025-09-30 16:00:00"))
        self.assertEqual(national.date_to, dt("2025-10-08 15:59:59"))
        office_day = [
            (dt("2025-01-26 01:00:00"), dt("2025-01-26 04:00:00")),
            (dt("2025-01-26 05:00:00"), dt("2025-01-26 10:00:00")),
        ]
        # Sunday 2025-01-26 is a swapped working day, worked like a Monday
        self.assertEqual(
            self._intervals(self.office, "2025-01-25 16:00:00", "2025-01-26 16:00:00"),
            office_day,
        )
        # Wednesday 2025-10-08 is the last day of the National Day holiday
        self.assertEqual(
            self._intervals(self.office, "2025-10-07 16:00:00", "2025-10-08 16:00:00"),
            [],
        )
        # and Thursday 2025-10-09 is worked again
        self.assertTrue(
            self._intervals(self.office, "2025-10-08 16:00:00", "2025-10-09 16:00:00")
        )
        # importing the same year again adds nothing
        import_2025()
        self.assertEqual(self._counts(self.office), (6, 5))

    def test_import_source(self):
        Wizard = self.env["aftersales.holiday.import"].with_user(self.manager)
        with freeze_time("2026-03-01"):
            self.assertEqual(Wizard.new({}).source, "cn_2026")
        with freeze_time("2025-03-01"):
            self.assertEqual(Wizard.new({}).source, "cn_2025")
        with freeze_time("2027-03-01"):
            self.assertEqual(Wizard.new({}).source, "file")
        wizard = Wizard.create(
            {"calendar_ids": [(6, 0, self.office.ids)], "source": "file"}
        )
        with self.assertRaises(UserError):
            wizard.action_import()
        with self.assertRaises(UserError):
            wizard._bundled_content(2024)
        wizard.file = base64.b64encode(
            (HEADER + "2027-02-06,2027-02-13,holiday,春节,Spring Festival\n").encode()
        )
        wizard.action_import()
        self.assertEqual(self._counts(self.office), (1, 0))
        self.assertEqual(
            self.office._aftersales_years_without_holidays(
                date(2026, 7, 1), date(2027, 6, 30)
            ),
            [2026],
        )

    def test_import_names_follow_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        content = (
            HEADER + "2026-02-15,2026-02-23,holiday,春节,Spring Festival\n"
        ).encode()
        wizard = (
            self.env["aftersales.holiday.import"]
            .with_context(lang="zh_CN")
            .create({"calendar_ids": [(6, 0, self.office.ids)]})
        )
        self.assertEqual(wizard._import_csv(content)["leaves"], 1)
        leave = self.Leave.search([("calendar_id", "=", self.office.id)])
        self.assertEqual(leave.with_context(lang="en_US").name, "春节")

    def test_import_rights(self):
        with self.assertRaises(AccessError):
            self._import(
                self.office,
                (HEADER + "2026-05-01,2026-05-05,holiday,劳动节,Labour Day\n").encode(),
                user=self.technician,
            )

    def test_import_bad_csv_writes_nothing(self):
        good = (
            "2026-05-01,2026-05-05,holiday,劳动节,Labour Day\n"
            "2026-05-09,2026-05-09,working_day,劳动节调休上班,"
            "Labour Day swapped working day\n"
        )
        cases = {
            "unknown kind": (
                (HEADER + good + "2026-06-01,2026-06-01,vacation,a,b\n").encode(),
                "Line 4",
            ),
            "bad date": (
                (HEADER + good + "2026-02-30,2026-03-01,holiday,a,b\n").encode(),
                "Line 4",
            ),
            "date_to before date_from": (
                (HEADER + good + "2026-06-05,2026-06-01,holiday,a,b\n").encode(),
                "Line 4",
            ),
            "missing column": (
                (
                    "date_from,date_to,kind,name_zh\n2026-05-01,2026-05-05,holiday,劳动节\n"
                ).encode(),
                "name_en",
            ),
            "not UTF-8": ((HEADER + good).encode("gbk"), "UTF-8"),
            "empty": (HEADER.encode(), "no holiday"),
        }
        before = self._counts(self.office)
        for label, (content, needle) in cases.items():
            with self.subTest(label), self.assertRaises(UserError) as caught:
                self._import(self.office, content, user=self.manager)
            self.assertIn(needle, str(caught.exception), label)
            self.assertEqual(self._counts(self.office), before, label)
        self.assertEqual(before, (0, 0))

    # ------------------------------------------------------------------
    # change notifications
    # ------------------------------------------------------------------

    def test_calendar_changed_notifications(self):
        Calendar = type(self.Calendar)
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            leave = self._leave(
                self.office, "2026-03-06 16:00:00", "2026-03-07 15:59:59"
            )
        changed.assert_called_once()
        self.assertEqual(changed.call_args.args[0], self.office)

        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            leave.name = "Renamed"
        changed.assert_not_called()
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            leave.calendar_id = self.berlin
        self.assertEqual(changed.call_args.args[0], self.office | self.berlin)
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            leave.unlink()
        self.assertEqual(changed.call_args.args[0], self.berlin)

        # a leave of all calendars: every calendar
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self._leave(False, "2026-03-08 02:00:00", "2026-03-08 04:00:00")
        notified = changed.call_args.args[0]
        self.assertLessEqual(self.office | self.berlin | self.every_day, notified)

        # a resource's own leave changes no calendar
        resource = self.env["resource.resource"].create(
            {"name": "Technician Wang", "calendar_id": self.office.id}
        )
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self.Leave.create(
                {
                    "name": "Sick",
                    "resource_id": resource.id,
                    "date_from": dt("2026-03-09 01:00:00"),
                    "date_to": dt("2026-03-09 10:00:00"),
                }
            )
        self.assertFalse(changed.call_args.args[0])

        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self.ExtraDay.create(
                {"calendar_id": self.office.id, "date": date(2026, 1, 4)}
            )
        self.assertEqual(changed.call_args.args[0], self.office)

        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self.berlin.attendance_ids[0].hour_to = 16
        self.assertEqual(changed.call_args.args[0], self.berlin)

        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self.berlin.tz = "Europe/Paris"
        changed.assert_called_once()
        self.assertEqual(changed.call_args.args[0], self.berlin)
        with patch.object(
            Calendar, "_aftersales_calendar_changed", autospec=True
        ) as changed:
            self.berlin.name = "Paris Mon-Fri"
        changed.assert_not_called()


@tagged("post_install", "-at_install")
class TestCalendarEditRights(TicketCase):
    """Whoever may edit a service calendar may change its hours, time zone, public
    holidays and extra working days while clocks run on it; the running clocks
    follow at once (SLA lines are written by the projection, as the system)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="calendar_rights_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        cls.admin = new_test_user(
            cls.env,
            login="calendar_rights_admin",
            groups="base.group_system,aftersales_sla.group_aftersales_manager",
        )
        cls.settings_user = new_test_user(
            cls.env,
            login="calendar_rights_settings",
            groups="base.group_system",
        )
        cls.technician = new_test_user(
            cls.env,
            login="calendar_rights_technician",
            groups="aftersales_sla.group_aftersales_user",
        )

    def _edit_calendar_as(self, user):
        # reported Friday 21:00 Shanghai, response 12 h -> Saturday 19:00
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        response = self.line(ticket, "response")
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))
        calendar = self.calendar.with_user(user)

        # a public holiday on Saturday, added on the calendar form
        calendar.write(
            {
                "global_leave_ids": [
                    Command.create(
                        {
                            "name": "公司年会",
                            "date_from": shanghai(2026, 11, 21, 0, 0),
                            "date_to": shanghai(2026, 11, 21, 23, 59, 59),
                        }
                    )
                ]
            }
        )
        self.assertEqual(response.deadline, shanghai(2026, 11, 22, 19, 0))
        holiday = calendar.global_leave_ids

        # Saturday an extra working day: worked even inside the holiday
        calendar.write(
            {
                "aftersales_extra_day_ids": [
                    Command.create({"date": date(2026, 11, 21), "weekday_like": "5"})
                ]
            }
        )
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))
        calendar.write(
            {
                "aftersales_extra_day_ids": [
                    Command.delete(calendar.aftersales_extra_day_ids.id)
                ]
            }
        )
        self.assertEqual(response.deadline, shanghai(2026, 11, 22, 19, 0))
        calendar.write({"global_leave_ids": [Command.delete(holiday.id)]})
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 19, 0))

        # working hours: Saturday from 10:00 -> 1 h on Friday, 11 h on Saturday
        saturday = calendar.attendance_ids.filtered(lambda att: att.dayofweek == "5")
        calendar.write(
            {"attendance_ids": [Command.update(saturday.id, {"hour_from": 10})]}
        )
        self.assertEqual(response.deadline, shanghai(2026, 11, 21, 21, 0))

        # time zone: Friday 08:00 in New York, 12 h later is Friday 20:00 there
        calendar.tz = "America/New_York"
        self.assertEqual(response.deadline, datetime(2026, 11, 21, 1, 0))
        self.assertEqual(response.state, "running")

    def test_after_sales_manager_edits_a_calendar_in_use(self):
        self._edit_calendar_as(self.manager)

    def test_administrator_edits_a_calendar_in_use(self):
        self._edit_calendar_as(self.admin)

    def test_settings_user_edits_a_calendar_in_use(self):
        """Odoo's own calendar administrators, without any after-sales right."""
        self.assertFalse(
            self.settings_user.has_group("aftersales_sla.group_aftersales_user")
        )
        self._edit_calendar_as(self.settings_user)

    def test_technician_still_cannot_edit_a_calendar(self):
        with freeze_time("2026-11-20 13:05:00"):
            ticket = self.report()
        calendar = self.calendar.with_user(self.technician)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            calendar.write(
                {
                    "global_leave_ids": [
                        Command.create(
                            {
                                "name": "公司年会",
                                "date_from": shanghai(2026, 11, 21, 0, 0),
                                "date_to": shanghai(2026, 11, 21, 23, 59, 59),
                            }
                        )
                    ]
                }
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["resource.calendar.leaves"].with_user(self.technician).create(
                {
                    "name": "公司年会",
                    "calendar_id": self.calendar.id,
                    "date_from": shanghai(2026, 11, 21, 0, 0),
                    "date_to": shanghai(2026, 11, 21, 23, 59, 59),
                }
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["aftersales.calendar.extra.day"].with_user(self.technician).create(
                {"calendar_id": self.calendar.id, "date": date(2026, 11, 21)}
            )
        self.assertEqual(
            self.line(ticket, "response").deadline, shanghai(2026, 11, 21, 19, 0)
        )
