"""Read-only queries behind the web view's pages: sources, a page of transcripts, recent events."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
