"""Times as a reader reads them: stored in UTC (ISO 8601), shown in [crawl] timezone.

Only what people read is converted (the CLI's text, the web view); JSON keeps UTC.
"""

from __future__ import annotations

import datetime as dt
import functools


@functools.cache
def _zone(name: str) -> dt.tzinfo:
    if name == "UTC":
        return dt.UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def local(value: str | None, zone: str = "UTC") -> str:
    """`2026-11-29T03:26:15+00:00` as `2026-11-29 11:26:15 CST` in Asia/Shanghai; anything
    that is not a time (None, a bare date) as it is."""
    if not value or "T" not in value:
        return value or ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(zone)).strftime("%Y-%m-%d %H:%M:%S %Z")


class BadSince(ValueError):
    """A --since that is no time briefwatch reads."""


_AGO = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def since(value: str, zone: str = "UTC", now: dt.datetime | None = None, *,
          day: bool = False) -> str:
    """A --since as an ISO 8601 moment in UTC. Besides an ISO date or time (UTC unless it says
    otherwise): `30m`, `12h`, `1d`, `2w` ago; `today` and `yesterday` (from midnight in
    `zone`, the reader's [crawl] timezone); a weekday, `monday` (the latest Monday at
    midnight, today's if today is Monday). A handful of forms: no need for dateparser's
    hundreds of locales. `day`: the date (YYYY-MM-DD) it falls on in `zone`, as the filters of
    conference dates want it; an ISO date or time is taken as written."""
    import re

    text = value.strip().lower()
    now = (now or dt.datetime.now(dt.UTC)).astimezone(_zone(zone))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ago = re.fullmatch(r"(\d{1,6})\s*([mhdw])", text)
    if ago:
        moment = now - dt.timedelta(**{_AGO[ago[2]]: int(ago[1])})
    elif text in ("today", "yesterday"):
        moment = midnight - dt.timedelta(days=text == "yesterday")
    elif text in _WEEKDAYS:
        moment = midnight - dt.timedelta(days=(now.weekday() - _WEEKDAYS.index(text)) % 7)
    else:
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise BadSince("not a time: give an ISO 8601 date or time (2026-11-01, "
                           "2026-11-01T08:00), an age (30m, 12h, 1d, 2w), today, yesterday "
                           "or a weekday (monday)") from None
        if day:
            return moment.date().isoformat()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
    if day:
        return moment.date().isoformat()
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
