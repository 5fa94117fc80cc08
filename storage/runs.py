"""Crawl runs: started, finished, status and the counts of what each found."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from briefwatch.storage.clock import now

if TYPE_CHECKING:
    import sqlite_utils


def start(db: sqlite_utils.Database, sources: list[str], options: dict) -> int:
    return db.execute(
        "INSERT INTO runs (started, status, pid, sources, options) VALUES (?, 'running', ?, ?, ?)",
        [now(), os.getpid(), json.dumps(sources), json.dumps(options, sort_keys=True)],
    ).lastrowid


def finish(db: sqlite_utils.Database, run: int, status: str, stats: dict) -> None:
    stats_json = json.dumps(stats, sort_keys=True)
    db.execute("UPDATE runs SET finished = ?, status = ?, stats = ? WHERE id = ?",
               [now(), status, stats_json, run])
    note_listing_reach(db, run, stats_json)


def note_listing_reach(db, run: int, stats_json: str) -> None:
    """Keep, per source, how far back its listing reached, when this run read its last page
    (`listing_page_count` in the source's stats)."""
    for source, values in (json.loads(stats_json) if stats_json else {}).items():
        if isinstance(values, dict) and values.get("listing_page_count") is not None:
            db.execute("INSERT OR REPLACE INTO listing_reach (source, run, pages, "
                       "reaches_back_to) VALUES (?, ?, ?, ?)",
                       [source, run, values["listing_page_count"],
                        values.get("listing_reaches_back_to")])


def mark_abandoned(db: sqlite_utils.Database) -> int:
    """Runs left 'running' by a process that no longer exists were interrupted; their counts
    are those of the events they recorded."""
    stale = [
        row for row in db.query("SELECT id, pid, sources, stats FROM runs "
                                "WHERE status = 'running'")
        if not _alive(row["pid"])
    ]
    for row in stale:
        stats = _with_event_counts(db, row["id"],
                                   json.loads(row["stats"]) if row["stats"] else {})
        db.execute("UPDATE runs SET status = 'interrupted', stats = ? WHERE id = ?",
                   [json.dumps(stats, sort_keys=True), row["id"]])
    return len(stale)


# What a run's events say it found; a run that died before recording its counts (kill -9, a
# full disk) holds them in its events alone.
EVENT_COUNTS = ("new", "edited", "removed", "restored")


def _with_event_counts(db, run: int, stats: dict) -> dict:
    """`stats` with each source's counts of EVENT_COUNTS at least what its events hold."""
    stats = {name: dict(values) for name, values in stats.items()}
    for row in db.query("SELECT d.source, e.kind, count(*) AS n FROM events e JOIN documents d "
                        "ON d.id = e.document WHERE e.run = ? GROUP BY d.source, e.kind", [run]):
        if row["kind"] in EVENT_COUNTS:
            counts = stats.setdefault(row["source"], {})
            counts[row["kind"]] = max(int(counts.get(row["kind"]) or 0), row["n"])
    return stats


def is_abandoned(db: sqlite_utils.Database, run: int) -> bool:
    """Whether `run` is marked running but the process that ran it is gone."""
    for row in db.query("SELECT status, pid FROM runs WHERE id = ?", [run]):
        return row["status"] == "running" and not _alive(row["pid"])
    return False


def adopt(db: sqlite_utils.Database, run: int) -> None:
    """This process carries on `run` (a cluster run whose coordinator died)."""
    db.execute("UPDATE runs SET pid = ? WHERE id = ?", [os.getpid(), run])


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def list_runs(db: sqlite_utils.Database, limit: int | None = None) -> list[dict]:
    sql = "SELECT * FROM runs ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    rows = list(db.query(sql))
    for row in rows:
        row["sources"] = json.loads(row["sources"])
        row["options"] = json.loads(row["options"])
        row["stats"] = json.loads(row["stats"]) if row["stats"] else {}
        # Told as it is, whoever looks (a reader cannot write): a run whose process died is
        # interrupted, and one that did not complete found what its events hold.
        if row["status"] == "running" and not _alive(row["pid"]):
            row["status"] = "interrupted"
        if row["status"] != "completed":
            row["stats"] = _with_event_counts(db, row["id"], row["stats"])
    return rows[::-1]


def needs_full_walk(db: sqlite_utils.Database, source: str) -> bool:
    """Whether the next crawl of `source` must read every listing page, not stop at the first
    page with nothing new: its last run did not complete, or left pages it could not fetch.

    An incremental crawl trusts that everything behind the first known page was seen before;
    after an interrupted or failing run that is not so, and a transcript published deep in the
    listing would be missed for good."""
    for row in db.query(
        "SELECT r.status, r.stats FROM runs r, json_each(r.sources) s "
        "WHERE s.value = ? AND r.status != 'running' "
        # an archive import reads no listing: it says nothing of what the listings hold
        "AND json_extract(r.options, '$.archive') IS NULL ORDER BY r.id DESC LIMIT 1", [source]
    ):
        stats = (json.loads(row["stats"]) if row["stats"] else {}).get(source) or {}
        return (row["status"] != "completed"
                or bool(stats.get("failed") or stats.get("listing_failed")))
    return True


def never_crawled(db: sqlite_utils.Database, sources: list[str]) -> set[str]:
    """The sources no run has crawled to its end yet: a first backfill that was stopped
    (SIGTERM, kill -9) or failed has not crawled them; an archive import crawls no listing."""
    crawled = {row["value"] for row in db.query(
        "SELECT DISTINCT s.value FROM runs r, json_each(r.sources) s "
        "WHERE r.status = 'completed' AND json_extract(r.options, '$.archive') IS NULL")}
    return set(sources) - crawled


def suspects(db: sqlite_utils.Database, run_ids: list[int]) -> dict[int, list[dict]]:
    """run -> the fetches it held back as not the transcript (storage.versions: soft 404s,
    error pages, a text suddenly shrunk or retitled), each with its URL and reason."""
    out: dict[int, list[dict]] = {run: [] for run in run_ids}
    if not run_ids:
        return out
    marks = ", ".join("?" * len(run_ids))
    for row in db.query(
            f"SELECT s.run, d.url, d.source, d.title, s.reason, s.http_status, s.detected_at "
            f"FROM suspects s JOIN documents d ON d.id = s.document "
            f"WHERE s.run IN ({marks}) ORDER BY s.id", list(run_ids)):
        run = row.pop("run")
        out[run].append(row)
    return out


def edits_and_removals(db: sqlite_utils.Database, run: int, source: str) -> tuple[int, int]:
    """How many `edited` and how many `removed` events `run` recorded for the transcripts of
    `source`."""
    return tuple(db.execute(
        "SELECT COALESCE(sum(e.kind = 'edited'), 0), COALESCE(sum(e.kind = 'removed'), 0) "
        "FROM events e JOIN documents d ON d.id = e.document "
        "WHERE e.run = ? AND d.source = ?", [run, source]).fetchone())
