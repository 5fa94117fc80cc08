"""Full-text search over every stored version, passages later removed included."""

from __future__ import annotations

import sqlite3

import sqlite_utils


class BadQuery(ValueError):
    pass


def search(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """One row per transcript, best match first, naming every version that holds the passage.

    The query is a passage matched anywhere in a title or text, case-insensitive.
    """
    passage = " ".join(query.split())
    if len(passage) < 3:
        raise BadQuery("search for at least 3 characters")
    sql = """
        SELECT d.id AS document, d.url, d.source, d.title, d.published, v.n AS version,
               snippet(versions_fts, 1, '[', ']', '…', 16) AS snippet, bm25(versions_fts) AS rank
        FROM versions_fts
        JOIN versions v ON v.id = versions_fts.rowid
        JOIN documents d ON d.id = v.document
        WHERE versions_fts MATCH ?
        ORDER BY rank, v.n
    """
    try:
        rows = list(db.query(sql, ['"' + passage.replace('"', '""') + '"']))
    except sqlite3.OperationalError as exc:
        raise BadQuery(f"cannot search for {query!r}: {exc}") from None
    results: dict[int, dict] = {}
    for row in rows:
        hit = results.get(row["document"])
        if hit is None:
            hit = results[row["document"]] = {
                "id": row["document"], "url": row["url"], "source": row["source"],
                "title": row["title"], "published": row["published"], "versions": [],
                "snippet": row["snippet"],
            }
        hit["versions"].append(row["version"])
    for hit in results.values():
        hit["versions"].sort()
    return list(results.values())[:limit]

