"""Full-text search over every stored version, passages later removed included."""

from __future__ import annotations

import re
import sqlite3

import sqlite_utils

# Characters of context on each side of the match in a snippet.
SNIPPET_CONTEXT = 90


class BadQuery(ValueError):
    pass


def search(db: sqlite_utils.Database, query: str, limit: int = 50,
           marks: tuple[str, str] = ("[", "]")) -> list[dict]:
    """One row per transcript, best match first, naming every version that holds the passage
    (`versions`) and the transcript's newest version (`latest`): a passage missing from the
    latest version was removed by an edit.

    The query is a passage matched anywhere in a title or text, case-insensitive. The match in
    the snippet is wrapped in `marks`.
    """
    passage = " ".join(query.split())
    if len(passage) < 3:
        raise BadQuery("search for at least 3 characters")
    sql = """
        SELECT d.id AS document, d.url, d.source, d.title, d.published, v.n AS version,
               v.id AS version_id, d.versions AS latest,
               snippet(versions_fts, 1, ?, ?, '…', 64) AS snippet, bm25(versions_fts) AS rank
        FROM versions_fts
        JOIN versions v ON v.id = versions_fts.rowid
        JOIN documents d ON d.id = v.document
        WHERE versions_fts MATCH ?
        ORDER BY rank, v.n
    """
    try:
        rows = list(db.query(sql, [*marks, '"' + passage.replace('"', '""') + '"']))
    except sqlite3.OperationalError as exc:
        raise BadQuery(f"cannot search for {query!r}: {exc}") from None
    results: dict[int, dict] = {}
    for row in rows:
        hit = results.get(row["document"])
        if hit is None:
            hit = results[row["document"]] = {
                "id": row["document"], "url": row["url"], "source": row["source"],
                "title": row["title"], "published": row["published"], "versions": [],
                "latest": row["latest"],
                "snippet": _snippet(db, row["version_id"], passage, marks) or row["snippet"],
            }
        hit["versions"].append(row["version"])
    for hit in results.values():
        hit["versions"].sort()
    return list(results.values())[:limit]



def _snippet(db: sqlite_utils.Database, version_id: int, passage: str,
             marks: tuple[str, str]) -> str | None:
    """The match with a sentence or so around it: FTS5's own snippet counts trigrams, which
    leaves a few characters on either side. None when the match is not in the text (a title)."""
    text = db.execute("SELECT text FROM versions WHERE id = ?", [version_id]).fetchone()[0]
    pattern = r"\s+".join(re.escape(word) for word in passage.split())
    match = re.search(pattern, text, re.IGNORECASE)
    if match is None:
        return None
    start = max(0, match.start() - SNIPPET_CONTEXT)
    end = min(len(text), match.end() + SNIPPET_CONTEXT)
    # Cut at a space where there is one near, not inside a word.
    if start > 0:
        space = text.find(" ", start, match.start())
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space > end - 20 else end
    before = text[start:match.start()].replace("\n", " ")
    after = text[match.end():end].replace("\n", " ")
    return ("…" if start > 0 else "") + before + marks[0] + match[0].replace("\n", " ") + \
        marks[1] + after + ("…" if end < len(text) else "")
