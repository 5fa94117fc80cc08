"""The notification outbox: which events each channel has accepted.

An event is owed to a channel until the channel accepted a digest holding it; a channel that
was down gets it at the next run, and nothing is delivered twice. A channel added later is owed
only what happens after it was added (channels are registered before each crawl starts), not
the whole history.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from briefwatch.storage.clock import now
from briefwatch.storage.documents import PREVIOUS_TITLE, read_summary

if TYPE_CHECKING:
    import sqlite_utils


def register_channel(db: sqlite_utils.Database, key: str, label: str) -> None:
    with db.atomic():
        exists = db.execute("SELECT 1 FROM channels WHERE key = ?", [key]).fetchone()
        if exists:
            db.execute("UPDATE channels SET label = ? WHERE key = ?", [label, key])
            return
        latest = db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        db.execute(
            "INSERT INTO channels (key, label, since_event, added) VALUES (?, ?, ?, ?)",
            [key, label, latest, now()],
        )


def pending(db: sqlite_utils.Database, key: str, sources: set[str] | None) -> list[dict]:
    """Events owed to channel `key`, oldest first, limited to `sources` (None: all)."""
    rows = list(db.query(
        f"""
        SELECT e.id, e.kind, e.run, e.detected_at, e.summary, d.source, d.url,
               COALESCE(v.title, d.title) AS title, v.n AS version, d.id AS document,
               e.edit_class, e.significance, d.published, {PREVIOUS_TITLE}
        FROM events e
        JOIN documents d ON d.id = e.document
        LEFT JOIN versions v ON v.id = e.version
        JOIN channels c ON c.key = :key
        WHERE e.id > c.since_event
          AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.event = e.id AND x.channel = :key)
        ORDER BY e.id
        """,
        {"key": key},
    ))
    result = []
    for row in rows:
        if sources is None or row["source"] in sources:
            result.append(read_summary(row))
    return result


def mark_delivered(db: sqlite_utils.Database, key: str, event_ids: list[int]) -> None:
    at = now()
    with db.atomic():
        mark_settled(db, key, event_ids, at)
        for event in event_ids:
            db.execute("UPDATE events SET notified_at = COALESCE(notified_at, ?) WHERE id = ?",
                       [at, event])
        db.execute("UPDATE channels SET last_attempt = ?, last_error = NULL WHERE key = ?",
                   [at, key])


def mark_settled(db: sqlite_utils.Database, key: str, event_ids: list[int],
                 at: str | None = None) -> None:
    """Channel `key` is done with these events: sent (mark_delivered), or not for it
    (another source's, none of its watches'), so never weighed again."""
    with db.atomic():
        for event in event_ids:
            db.execute(
                "INSERT OR IGNORE INTO deliveries (event, channel, sent_at) VALUES (?, ?, ?)",
                [event, key, at or now()],
            )


def mark_failed(db: sqlite_utils.Database, key: str, error: str) -> None:
    db.execute("UPDATE channels SET last_attempt = ?, last_error = ? WHERE key = ?",
               [now(), error, key])


def first_crawls(db: sqlite_utils.Database, run_ids: set[int]) -> set[tuple[int, str]]:
    """(run, source) pairs where the run was that source's first crawl (a backfill)."""
    found = set()
    for run in run_ids:
        row = db.execute("SELECT stats FROM runs WHERE id = ?", [run]).fetchone()
        stats = json.loads(row[0]) if row and row[0] else {}
        for source, values in stats.items():
            if isinstance(values, dict) and values.get("first_crawl"):
                found.add((run, source))
    return found


def archive_imports(db: sqlite_utils.Database, run_ids: set[int]) -> dict[tuple[int, str], dict]:
    """(run, source) -> what the import found, for the runs that were archive imports
    (`briefwatch archive`): their events are summed up, not listed."""
    found = {}
    for run in run_ids:
        row = db.execute("SELECT stats FROM runs WHERE id = ? AND "
                         "json_extract(options, '$.archive') IS NOT NULL", [run]).fetchone()
        stats = json.loads(row[0]) if row and row[0] else {}
        for source, values in stats.items():
            if isinstance(values, dict):
                found[(run, source)] = values
    return found
