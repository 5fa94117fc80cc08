"""Recording a web archive's capture of a transcript: history from before briefwatch watched.

A capture is placed among the stored versions by its time. Version numbers follow time: v1 is
the earliest text known, so a capture older than stored versions becomes a version of its own
and renumbers the later ones (their `id`, `fetched_at` and `sha256` never change). A capture
whose text is the text of the version just before it, or just after it, adds nothing: the same
text was there then. Every capture imported is noted in `captures`, whatever became of it, so
that an import run again fetches only what it has not seen.

An edit found this way is an `edited` event dated when the edit was first visible: the
capture's time, or the fetch time of the live version that first shows it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from briefwatch.storage.text.diff import change_summary
from briefwatch.storage.text.editclass import classify
from briefwatch.storage.text.turns import split_turns, turns_of, unpack_turns
from briefwatch.storage.versions import (
    Fetched,
    Outcome,
    _doubt,
    _insert_event,
    _insert_version,
    raw_html,
)

if TYPE_CHECKING:
    import sqlite_utils


def record_capture(db: sqlite_utils.Database, run: int | None, page: Fetched,
                   captured_at: str) -> Outcome:
    """Store a capture (`page.capture_url` set) of `page.url`. Verbs: `new` (a transcript
    known only from the archive so far), `earlier` (a version inserted in time order),
    `same` (its text is a stored version's), `doubtful` (it does not look like the
    transcript next to it: most of the text gone, another title)."""
    if page.turns is None:
        page = dataclasses.replace(page, turns=split_turns(page.text, page.title))
    with db.atomic():
        doc = next(db.query("SELECT id, conference FROM documents WHERE url = ?", [page.url]),
                   None)
        if doc is None:
            doc_id = db.execute(
                "INSERT INTO documents (source, url, title, published, first_seen, last_seen, "
                "last_seen_in, conference) VALUES (?, ?, ?, ?, ?, ?, 'archive', ?)",
                [page.source, page.url, page.title, page.published, captured_at, captured_at,
                 page.conference]).lastrowid
            version_id = _insert_version(db, doc_id, 1, run, captured_at, page)
            _noted(db, doc_id, page, captured_at, run, "version", version_id)
            event = _insert_event(db, run, doc_id, version_id, "new", captured_at, None)
            return Outcome("new", doc_id, 1, event)
        before, after = _neighbours(db, doc["id"], captured_at)
        for near in (before, after):
            if near is not None and near["canonical_hash"] == page.canonical_hash:
                _noted(db, doc["id"], page, captured_at, run, "same", near["id"])
                if near is after:
                    # The later text was there already: its edit happened by this capture.
                    db.execute("UPDATE events SET detected_at = ? WHERE version = ? AND "
                               "kind = 'edited' AND detected_at > ?",
                               [captured_at, after["id"], captured_at])
                _seen_in_archive(db, doc["id"], captured_at)
                return Outcome("same", doc["id"], near["n"])
        near = before or after
        doubt = _doubt(near["text"], doc["conference"], page) if near else None
        if doubt:
            _noted(db, doc["id"], page, captured_at, run, "rejected", None, doubt)
            return Outcome("doubtful", doc["id"], near["n"])
        n = before["n"] + 1 if before else 1
        _make_room(db, doc["id"], n)
        before_raw = raw_html(db, before["id"]) if before is not None else b""
        base = (before["id"], before_raw) if before_raw else None
        version_id = _insert_version(db, doc["id"], n, run, captured_at, page, base)
        # (which set the count to n, as it does for a version stored last)
        db.execute("UPDATE documents SET versions = (SELECT max(n) FROM versions WHERE "
                   "document = ?) WHERE id = ?", [doc["id"], doc["id"]])
        _noted(db, doc["id"], page, captured_at, run, "version", version_id)
        event = None
        if before is None:
            _first_known(db, doc["id"], version_id, captured_at)
        if before is not None:
            event = _insert_event(db, run, doc["id"], version_id, "edited", captured_at,
                                  change_summary(before["text"], page.text, turns_of(before),
                                                 page.turns))
        if after is not None:
            _edit_before(db, run, doc["id"], after, page, captured_at)
        else:
            db.execute("UPDATE documents SET title = ?, published = COALESCE(?, published) "
                       "WHERE id = ?", [page.title, page.published, doc["id"]])
        _seen_in_archive(db, doc["id"], captured_at)
        return Outcome("earlier", doc["id"], n, event)


def record_rejected_capture(db: sqlite_utils.Database, run: int | None, url: str,
                            capture_url: str, captured_at: str, reason: str) -> bool:
    """A capture that is not the transcript (the site's error page, a soft 404, a redirect
    elsewhere): noted, never a version. False when `url` is not stored (nothing to note it
    on)."""
    with db.atomic():
        row = db.execute("SELECT id FROM documents WHERE url = ?", [url]).fetchone()
        if row is None:
            return False
        _note(db, row[0], capture_url, captured_at, run, "rejected", None, reason)
        return True


def imported(db: sqlite_utils.Database, source: str) -> list[str]:
    """The capture URLs of `source` already imported: an import skips them."""
    return [row[0] for row in db.execute(
        "SELECT c.capture_url FROM captures c JOIN documents d ON d.id = c.document "
        "WHERE d.source = ?", [source])]


def archive_only(db: sqlite_utils.Database, source: str) -> list[str]:
    """The URLs of the transcripts of `source` known only from the archive and not flagged
    removed: an import asks the live site for each once."""
    return [row[0] for row in db.execute(
        "SELECT url FROM documents WHERE source = ? AND last_seen_in = 'archive' AND "
        "status = 'active'", [source])]


def _neighbours(db, doc_id: int, at: str) -> tuple[dict | None, dict | None]:
    """The versions just before (at or before `at`) and just after it in time."""
    columns = "id, n, fetched_at, canonical_hash, text, title, turns"
    before = next(db.query(f"SELECT {columns} FROM versions WHERE document = ? AND "
                           f"fetched_at <= ? ORDER BY fetched_at DESC, n DESC LIMIT 1",
                           [doc_id, at]), None)
    after = next(db.query(f"SELECT {columns} FROM versions WHERE document = ? AND "
                          f"fetched_at > ? ORDER BY fetched_at, n LIMIT 1", [doc_id, at]), None)
    for row in (before, after):
        if row is not None:
            row["turns"] = unpack_turns(row["turns"])
    return before, after


def _make_room(db, doc_id: int, n: int) -> None:
    """Versions n and later move one up, and the pairings that name them with them. In two
    steps: UNIQUE (document, n) is checked row by row."""
    db.execute("UPDATE versions SET n = -n - 1 WHERE document = ? AND n >= ?", [doc_id, n])
    db.execute("UPDATE versions SET n = -n WHERE document = ? AND n < 0", [doc_id])
    db.execute("UPDATE pairings SET en_version = en_version + 1 WHERE en_document = ? AND "
               "en_version >= ?", [doc_id, n])
    db.execute("UPDATE pairings SET zh_version = zh_version + 1 WHERE zh_document = ? AND "
               "zh_version >= ?", [doc_id, n])


def _edit_before(db, run, doc_id: int, after: dict, page: Fetched, captured_at: str) -> None:
    """The version after the capture now follows it: its edit event says what changed from
    the capture, or, if it had none (it was the first version known), gets one dated when it
    was first seen: fetched, or captured by the archive with the same text."""
    summary = json.dumps(change_summary(page.text, after["text"], page.turns,
                                        turns_of(after)))
    event = db.execute("SELECT id FROM events WHERE version = ? AND kind IN ('edited', "
                       "'restored') AND summary IS NOT NULL", [after["id"]]).fetchone()
    if event is not None:
        edit_class, significance = classify("edited", json.loads(summary))
        db.execute("UPDATE events SET summary = ?, edit_class = ?, significance = ? "
                   "WHERE id = ?", [summary, edit_class, significance, event[0]])
    else:
        first = db.execute("SELECT min(captured_at) FROM captures WHERE version = ? AND "
                           "outcome = 'same' AND captured_at > ?",
                           [after["id"], captured_at]).fetchone()[0]
        _insert_event(db, run, doc_id, after["id"], "edited",
                      min(first or after["fetched_at"], after["fetched_at"]),
                      json.loads(summary))


def _first_known(db, doc_id: int, version_id: int, at: str) -> None:
    """A capture older than every version of a transcript found in the archive: the
    transcript was there at `at`, and its `new` event says so."""
    db.execute("UPDATE events SET version = ?, detected_at = ? WHERE document = ? AND "
               "kind = 'new' AND detected_at > ? AND version IN (SELECT id FROM versions "
               "WHERE document = ? AND origin = 'archive')",
               [version_id, at, doc_id, at, doc_id])
    db.execute("UPDATE documents SET first_seen = ? WHERE id = ? AND last_seen_in = 'archive' "
               "AND first_seen > ?", [at, doc_id, at])


def _seen_in_archive(db, doc_id: int, at: str) -> None:
    """A transcript known only from captures was last seen at its latest capture."""
    db.execute("UPDATE documents SET last_seen = max(last_seen, ?) WHERE id = ? AND "
               "last_seen_in = 'archive'", [at, doc_id])


def _noted(db, doc_id: int, page: Fetched, captured_at: str, run, outcome: str,
           version: int | None, reason: str | None = None) -> None:
    _note(db, doc_id, page.capture_url, captured_at, run, outcome, version, reason)


def _note(db, doc_id: int, capture_url: str, captured_at: str, run, outcome: str,
          version: int | None, reason: str | None) -> None:
    db.execute("INSERT OR IGNORE INTO captures (document, capture_url, captured_at, run, outcome, "
               "version, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
               [doc_id, capture_url, captured_at, run, outcome, version, reason])
