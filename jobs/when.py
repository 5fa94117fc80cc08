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
