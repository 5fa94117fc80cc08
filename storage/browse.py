"""Read-only queries behind the web view's pages: sources, a page of transcripts, recent events."""

from __future__ import annotations

import json

import sqlite_utils


def sources(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(
        "SELECT source, count(*) AS transcripts, sum(versions) AS versions, "
        "sum(status = 'removed') AS removed, max(published) AS newest, max(last_seen) AS last_seen "
        "FROM documents GROUP BY source ORDER BY source"
    ))


def documents(db: sqlite_utils.Database, source: str | None = None, limit: int = 100,
              offset: int = 0) -> tuple[list[dict], int]:
    """One page of transcripts, newest conference first, and how many there are in all."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    total = db.execute(f"SELECT count(*) FROM documents {where}", params).fetchone()[0]
    rows = list(db.query(
        f"SELECT id, source, url, title, published, first_seen, last_seen, status, versions "
        f"FROM documents {where} ORDER BY published DESC, id DESC LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    ))
    return rows, total


def recent_events(db: sqlite_utils.Database, limit: int = 50,
                  kind: str | None = None) -> list[dict]:
    """The newest events first, with their transcript's id, title and source."""
    where, params = ("WHERE e.kind = ?", [kind]) if kind else ("", [])
    rows = list(db.query(
        f"SELECT e.id, e.kind, d.id AS document, d.url, COALESCE(v.title, d.title) AS title, "
        f"d.source, v.n AS version, e.detected_at, e.run, e.summary "
        f"FROM events e JOIN documents d ON d.id = e.document "
        f"LEFT JOIN versions v ON v.id = e.version {where} ORDER BY e.id DESC LIMIT ?",
        [*params, int(limit)],
    ))
    for row in rows:
        row["summary"] = json.loads(row["summary"]) if row["summary"] else None
    return rows
