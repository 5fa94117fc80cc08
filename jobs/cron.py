"""Cron expressions from the config file, as APScheduler triggers.

Five fields as in crontab (minute hour day month weekday), or six with a leading seconds
field, which lets a test or an impatient user schedule a crawl every few seconds.
"""

from __future__ import annotations

import re

# crontab counts weekdays from Sunday (0 or 7); APScheduler 3 from Monday. Names mean the same
# to both.
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class CronError(ValueError):
    pass


def cron_trigger(expression: str, timezone: str = "UTC"):
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    try:
        if len(fields) == 6:
            second, minute, hour, day, month, day_of_week = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=_weekday_names(day_of_week), timezone=timezone)
    except (ValueError, TypeError) as exc:
        raise CronError(f"{expression!r} is not a valid cron expression: {exc}") from None
    raise CronError(
        f"{expression!r} is not a valid cron expression: give 5 fields "
        f"(minute hour day month weekday, e.g. \"0 2 * * *\") or 6 with leading seconds"
    )


def _weekday_names(field: str) -> str:
    """'0', '1-5', '6,0', '*/2' in crontab's numbering, as names (the step stays a number)."""

    def name(match: re.Match) -> str:
        number = int(match[0])
        if number > 7:
            raise CronError(f"day of week {number} is out of range (0-7)")
        return _WEEKDAYS[number % 7]

    parts = []
    for part in field.split(","):
        values, _, step = part.partition("/")
        parts.append(re.sub(r"\d+", name, values) + (f"/{step}" if step else ""))
    return ",".join(parts)
