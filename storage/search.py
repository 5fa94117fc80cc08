"""Full-text search over every stored version, passages later removed included."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

from briefwatch.storage.searchindex import IndexDamaged, index_form, is_damage
from briefwatch.storage.text import cjk

if TYPE_CHECKING:
    import sqlite_utils

# Characters of context on each side of the match in a snippet.
SNIPPET_CONTEXT = 90
_WORD = re.compile(r"\w", re.UNICODE)


# The longest query searched: a phrase is matched word by word in the index and in the text of
# every version found, so a 16,000-word query cost minutes (issue 27). A quoted passage of a
# few sentences fits.
MAX_QUERY_WORDS = 100
MAX_QUERY_CHARS = 1000
# The longest match a snippet shows whole: past it, its start and end around an ellipsis (a
# word of a megabyte matched by its first letters would otherwise be the snippet).
SNIPPET_MATCH = 200


# Of a longer query, only this many characters are read to say how long it is.
_COUNTED = 1_000_000
_INDEX_WORD = re.compile(r"[^\W_]+")


class BadQuery(ValueError):
    pass


class QueryTooLong(BadQuery):
    """A query past MAX_QUERY_WORDS or MAX_QUERY_CHARS: refused before any search."""


def shortened(text: str, limit: int = 60) -> str:
    """A query as an error message or a page repeats it: its first `limit` characters."""
    text = " ".join(text.split()) if len(text) <= 4 * limit else " ".join(
        text[:4 * limit].split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def check_query(query: str) -> str:
    """The passage a query searches for (spaces folded, a final `*` dropped), or BadQuery:
    QueryTooLong past MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words (each Chinese
    character a word), checked before anything else is done with it."""
    passage = " ".join(query[:_COUNTED].split()).rstrip("*").strip()
    words = len(_INDEX_WORD.findall(index_form(passage)))
    if words > MAX_QUERY_WORDS or len(passage) > MAX_QUERY_CHARS:
        counted = "" if len(query) <= _COUNTED else "over "
        plural = "s" if words != 1 else ""
        raise QueryTooLong(f"the query has {counted}{words:,} word{plural} and {counted}"
                           f"{len(passage):,} characters: search takes at most "
                           f"{MAX_QUERY_WORDS} words and {MAX_QUERY_CHARS:,} characters; "
                           f"search for a shorter passage")
    if not _WORD.search(passage):
        raise BadQuery("search for a word or a phrase (letters or digits)")
    return passage


# A passage found in more versions than this is ranked among the newest this many: ranking
# every version of a decade that says "cooperation" costs a third of a second (bench/DECADE.md).
CANDIDATES = 2000


def search(db: sqlite_utils.Database, query: str, limit: int = 50,
           marks: tuple[str, str] = ("[", "]"), *, outlet: str | None = None,
           spokesperson: str | None = None, names=None, offset: int = 0) -> list[dict]:
    """One row per transcript, best match first, naming every version that holds the passage
    (`versions`) and the transcript's newest version (`latest`): a passage missing from the
    latest version was removed by an edit. `offset` skips that many transcripts (pages).

    The query is a phrase: its words in this order, in a title or text, case- and
    accent-insensitive; Chinese characters count as words. The last word may be the start of a
    word (a passage copied up to the middle of one still matches). The match in the snippet is
    wrapped in `marks`. With `outlet` or `spokesperson` (canonical names of `names`), only
    versions where the passage lies in an exchange asked by that outlet or answered by that
    person count. Best match: SQLite's bm25 over the newest CANDIDATES versions holding the
    passage.
    """
    passage = check_query(query)
    phrase = '"' + index_form(passage).replace('"', '""') + '"*'
    try:
        rows = list(db.query(
            "SELECT f.rowid AS version_id, f.rank AS rank, v.document FROM "
            "(SELECT rowid, rank FROM versions_fts WHERE versions_fts MATCH ? "
            " ORDER BY rowid DESC LIMIT ?) f JOIN versions v ON v.id = f.rowid",
            [phrase, CANDIDATES]))
    except sqlite3.OperationalError as exc:
        raise BadQuery(f"cannot search for {shortened(query)!r}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise IndexDamaged(str(exc)) from None
        raise
    best: dict[int, tuple[float, int]] = {}  # document -> (rank, version id) of its best match
    for row in rows:
        if row["document"] not in best or row["rank"] < best[row["document"]][0]:
            best[row["document"]] = (row["rank"], row["version_id"])
    ranked = sorted(best, key=lambda d: (best[d][0], -d))
    if outlet or spokesperson:
        # Only versions whose passage lies in such an exchange count: checked in rank order,
        # until the page is full.
        held: dict[int, list[int]] = {}
        for row in rows:
            held.setdefault(row["document"], []).append(row["version_id"])
        chosen = []
        for document in ranked:
            if len(chosen) >= offset + limit:
                break
            if any(_in_exchange(db, v, passage, outlet, spokesperson, names)
                   for v in held[document]):
                chosen.append(document)
        ranked = chosen
    page = ranked[offset:offset + limit]
    if not page:
        return []
    marks_ = ", ".join("?" * len(page))
    # Which versions of these transcripts hold the passage: read from their text (the index
    # answers "does version X match" no faster than "which versions match", a third of a
    # second for a common word), by the pattern that reads text as the index does.
    pattern = _pattern(passage)
    # document -> (n, origin, text) of its versions holding the passage; the best-ranked
    # version is always among them.
    holding: dict[int, list[tuple[int, str, str]]] = {}
    for row in db.query(f"SELECT id, document, n, origin, title, text FROM versions "
                        f"WHERE document IN ({marks_})", page):
        found = pattern and (re.search(pattern, row["title"] or "", re.IGNORECASE)
                             or re.search(pattern, row["text"], re.IGNORECASE))
        if found or row["id"] == best[row["document"]][1]:
            holding.setdefault(row["document"], []).append((row["n"], row["origin"],
                                                            row["text"]))
    docs = {row["id"]: row for row in db.query(
        f"SELECT id, url, source, title, published, versions FROM documents "
        f"WHERE id IN ({marks_})", page)}
    results = []
    for document in page:
        doc, found = docs[document], sorted(holding[document])
        # The snippet is the newest version's that holds the passage: the words a reader finds
        # when following the result there.
        newest = found[-1]
        results.append({
            "id": document, "url": doc["url"], "source": doc["source"], "title": doc["title"],
            "published": doc["published"], "versions": [n for n, _, _ in found],
            "archived": [n for n, origin, _ in found if origin == "archive"],
            "latest": doc["versions"],
            "snippet": _snippet(newest[2], pattern, marks),
            "snippet_version": newest[0],
        })
    return results


def passage_pattern(passage: str) -> str | None:
    """The regular expression (to match case-insensitively) that finds `passage` in a text
    as search finds it; None when it holds no word."""
    return _pattern(" ".join(passage.split()))


def mentioning(db: sqlite_utils.Database, passage: str) -> set[int]:
    """The transcripts any version of which holds `passage` (as search finds it)."""
    phrase = '"' + index_form(" ".join(passage.split())).replace('"', '""') + '"*'
    return {row[0] for row in db.execute(
        "SELECT DISTINCT v.document FROM versions_fts JOIN versions v "
        "ON v.id = versions_fts.rowid WHERE versions_fts MATCH ?", [phrase])}


def excerpt(text: str, start: int, end: int, marks: tuple[str, str] = ("", ""),
            context: int = SNIPPET_CONTEXT) -> str:
    """text[start:end] with about `context` characters each side, cut at spaces where there
    are some near, on one line; the match wrapped in `marks`."""
    match_start, match_end = start, end
    start, end = max(0, start - context), min(len(text), end + context)
    if start > 0:
        space = text.find(" ", start, match_start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(text):
        space = text.rfind(" ", match_end, end)
        end = space if space > end - 20 else end
    before = text[start:match_start].replace("\n", " ")
    after = text[match_end:end].replace("\n", " ")
    match = text[match_start:match_end]
    if len(match) > SNIPPET_MATCH:  # a snippet stays a snippet, however long the match
        match = match[:SNIPPET_MATCH // 2] + "…" + match[-SNIPPET_MATCH // 2:]
    return ("…" if start > 0 else "") + before + marks[0] + match.replace("\n", " ") + \
        marks[1] + after + ("…" if end < len(text) else "")


def _pattern(passage: str) -> str | None:
    """The passage as the index reads it: whole words in order, punctuation and case between
    them ignored, the last word possibly cut short. Each Chinese character is a word of its
    own, so a Chinese passage starts and ends where its characters do."""
    words = [w for w in re.split(r"[\W_]+", index_form(passage)) if w]
    if not words:
        return None
    body = r"[\W_]*".join(re.escape(w) for w in words)
    start = "" if cjk.LETTER.match(words[0][0]) else r"(?<![^\W_])"
    end = "" if cjk.LETTER.match(words[-1][-1]) else rf"(?:(?![{cjk.LETTERS}])[^\W_])*"
    return start + body + end


def _in_exchange(db, version_id: int, passage: str, outlet: str | None,
                 spokesperson: str | None, names) -> bool:
    from briefwatch.storage.pairings import exchanges_of
    from briefwatch.storage.text.turns import unpack_turns

    version = dict(zip(("text", "title", "turns"), db.execute(
        "SELECT text, title, turns FROM versions WHERE id = ?", [version_id]).fetchone(),
        strict=True))
    version["turns"] = unpack_turns(version["turns"])
    pattern = _pattern(passage)
    for exchange in exchanges_of(version, names):
        if outlet and exchange["outlet"] != outlet:
            continue
        if spokesperson and exchange["spokesperson"] != spokesperson:
            continue
        said = exchange["question"] + "\n" + exchange["answer"]
        if pattern and re.search(pattern, said, re.IGNORECASE):
            return True
    return False


def _snippet(text: str, pattern: str | None, marks: tuple[str, str]) -> str:
    """The match of `pattern` (_pattern: the index ignores punctuation and case between
    words, so does the snippet) with a sentence or so around it; the start of the text when
    the match is in the title only."""
    match = re.search(pattern, text, re.IGNORECASE) if pattern else None
    if match is None:
        return text[: 2 * SNIPPET_CONTEXT].replace("\n", " ") + "…"
    return excerpt(text, match.start(), match.end(), marks)
