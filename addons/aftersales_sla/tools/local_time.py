"""Local calendar days as UTC instants."""

from datetime import datetime, time, timedelta

import pytz


def local_days_to_utc(tz, first_day, last_day):
    """[start, end) as naive UTC datetimes of the local days ``first_day`` to
    ``last_day`` (both included) in time zone ``tz``: from midnight of the first to
    midnight after the last."""

    def midnight(day):
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return midnight(first_day), midnight(last_day + timedelta(days=1))
