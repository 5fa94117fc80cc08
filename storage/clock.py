"""One time format for every stored timestamp: ISO 8601, UTC, seconds."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
