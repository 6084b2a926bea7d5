"""Local days as UTC instants (tools/local_time.py), directly."""

from datetime import date, datetime

import pytz

from odoo.tests import BaseCase

from ..tools.local_time import local_days_to_utc


class TestLocalDays(BaseCase):
    def test_month_in_shanghai(self):
        self.assertEqual(
            local_days_to_utc(
                pytz.timezone("Asia/Shanghai"), date(2026, 3, 1), date(2026, 3, 31)
            ),
            (datetime(2026, 2, 28, 16, 0), datetime(2026, 3, 31, 16, 0)),
        )

    def test_daylight_saving_change_inside(self):
        # Berlin moves to summer time on 29 March 2026: the period's end is at UTC+2.
        self.assertEqual(
            local_days_to_utc(
                pytz.timezone("Europe/Berlin"), date(2026, 3, 1), date(2026, 3, 31)
            ),
            (datetime(2026, 2, 28, 23, 0), datetime(2026, 3, 31, 22, 0)),
        )

    def test_one_day(self):
        self.assertEqual(
            local_days_to_utc(pytz.utc, date(2026, 1, 1), date(2026, 1, 1)),
            (datetime(2026, 1, 1), datetime(2026, 1, 2)),
        )
