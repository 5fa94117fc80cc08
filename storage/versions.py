"""Recording a fetched transcript: a new version only when its canonical form changed.

A version and its event are written in one transaction, so a crash leaves either both or
neither. The caller computes the hashes (storage.text.normalize); storage only compares them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefwatch.storage.clock import now
from briefwatch.storage.rawstore import pack, unpack
from briefwatch.storage.searchindex import index_form
from briefwatch.storage.text.diff import change_summary
from briefwatch.storage.text.editclass import classify
from briefwatch.storage.text.turns import pack_turns, split_turns, unpack_turns

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class Fetched:
    """One successful fetch of a transcript page, extracted."""

    source: str
    url: str
    title: str
    published: str | None  # YYYY-MM-DD
    text: str
    text_hash: str
    canonical_hash: str
    extractor: str
    http_status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    raw_html: bytes = b""
    # Speaker turns (storage.text.turns.split_turns); None: split when stored.
    turns: list[dict] | None = None
    conference: str | None = None  # "date|normalised title", relating copies of a conference
    meta: dict | None = None  # header lines the template knows (speakers, chairperson, …)
    # The response as served: "HTTP/1.1 200 OK" and its headers as (name, value) pairs.
    status_line: str | None = None
    headers: list | None = None
    # A web archive's capture (storage.captures): where it came from; fetched_at is its time.
    capture_url: str | None = None


@dataclass(frozen=True)
class Outcome:
    verb: str  # new | edited | unchanged | restored | suspect | removed
    document: int
    version: int  # the version number (n) now latest
    event: int | None = None


# An edit that leaves less than this share of the text, or retitles the transcript, is held as
# suspect until a later run fetches the same text again: maintenance pages and half-loaded
# templates look like that, real edits rarely do.
SHRINK_LIMIT = 0.5
# A URL answering a soft 404 on this many runs in a row is flagged removed (404/410: at once).
REMOVAL_RUNS = 2


def record(
    db: sqlite_utils.Database,
    run: int | None,
    page: Fetched,
    *,
    rehash_previous: Callable[[bytes], str | None] | None = None,
) -> Outcome:
    """Store `page` if it is a new version of its URL.

    `rehash_previous` re-extracts a stored version's raw HTML with the current extractor and
    returns its canonical hash; it is used only when the extractor changed since the latest
    version, so that a better extractor is not reported as an edit of every transcript.
    A stored version with no turns recorded is split into turns here, so that an edit's
    summary can say which turns changed.
    """
    at = now()
    if page.turns is None:
        page = dataclasses.replace(page, turns=split_turns(page.text, page.title))
    with db.atomic():
        doc = _document(db, page.url)
        if doc is None:
            doc_id = db.execute(
                "INSERT INTO documents (source, url, title, published, first_seen, last_seen, "
                "etag, last_modified, conference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [page.source, page.url, page.title, page.published, at, at, page.etag,
                 page.last_modified, page.conference],
            ).lastrowid
            version_id = _insert_version(db, doc_id, 1, run, at, page)
            event = _insert_event(db, run, doc_id, version_id, "new", at, None)
            return Outcome("new", doc_id, 1, event)

        latest = db.execute(
            "SELECT id, n, canonical_hash, extractor, raw_html, text, turns, title, raw_base "
            "FROM versions WHERE document = ? ORDER BY n DESC LIMIT 1",
            [doc["id"]],
        ).fetchone()
        unchanged = latest[2] == page.canonical_hash
        if not unchanged and latest[3] != page.extractor and rehash_previous and latest[4]:
            unchanged = rehash_previous(unpack(db, latest[4], latest[8])) == page.canonical_hash
        restored = doc["status"] == "removed"
        if unchanged:
            _seen(db, doc["id"], at, page)
            if restored:
                event = _insert_event(db, run, doc["id"], latest[0], "restored", at, None)
                return Outcome("restored", doc["id"], latest[1], event)
            return Outcome("unchanged", doc["id"], latest[1])

        doubt = _doubt(latest[5], doc["conference"], page)
        if doubt and not _suspected_before(db, doc["id"], page.canonical_hash, run):
            return _suspect(db, run, doc, doubt, at, page.http_status, page.canonical_hash)

        n = latest[1] + 1
        base = (latest[0], unpack(db, latest[4], latest[8])) if latest[4] else None
        version_id = _insert_version(db, doc["id"], n, run, at, page, base)
        old_turns = unpack_turns(latest[6]) or split_turns(latest[5], latest[7])
        summary = change_summary(latest[5], page.text, old_turns, page.turns, latest[7],
                                 page.title)
        kind = "restored" if restored else "edited"
        event = _insert_event(db, run, doc["id"], version_id, kind, at, summary)
        db.execute(
            "UPDATE documents SET title = ?, published = COALESCE(?, published), "
            "conference = COALESCE(?, conference) WHERE id = ?",
            [page.title, page.published, page.conference, doc["id"]],
        )
        _seen(db, doc["id"], at, page)
        return Outcome(kind, doc["id"], n, event)


def record_suspect(db: sqlite_utils.Database, run: int | None, url: str, reason: str, *,
                   http_status: int | None = None, gone: bool = False) -> Outcome | None:
    """A stored transcript's URL answered with something that is not the transcript.

    Nothing of the stored versions changes. `gone` (404 / 410) flags it removed at once;
    a soft 404 does on its second run in a row. A transcript already removed that is still
    not there is `still_removed`: no new suspect, nothing to report. None for a URL never
    stored."""
    with db.atomic():
        doc = _document(db, url)
        if doc is None:
            return None
        if doc["status"] == "removed":
            latest = db.execute("SELECT n FROM versions WHERE document = ? ORDER BY n DESC "
                                "LIMIT 1", [doc["id"]]).fetchone()
            return Outcome("still_removed", doc["id"], latest[0])
        # Known only from a web archive's captures: a live URL that does not serve it now
        # has no transcript to come back to.
        gone = gone or doc["last_seen_in"] == "archive"
        return _suspect(db, run, doc, reason, now(), http_status, None, gone=gone)


def _suspect(db, run, doc: dict, reason: str, at: str, http_status: int | None,
             canonical: str | None, *, gone: bool = False) -> Outcome:
    db.execute(
        "INSERT INTO suspects (run, document, detected_at, reason, http_status, canonical_hash) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [run, doc["id"], at, reason, http_status, canonical],
    )
    streak = doc["suspect_runs"]
    if run is None or doc["suspect_last_run"] != run:
        streak += 1
    db.execute("UPDATE documents SET suspect_runs = ?, suspect_last_run = ? WHERE id = ?",
               [streak, run, doc["id"]])
    latest = db.execute("SELECT id, n FROM versions WHERE document = ? ORDER BY n DESC LIMIT 1",
                        [doc["id"]]).fetchone()
    soft_404 = canonical is None
    if doc["status"] != "removed" and (gone or (soft_404 and streak >= REMOVAL_RUNS)):
        db.execute("UPDATE documents SET status = 'removed' WHERE id = ?", [doc["id"]])
        event = _insert_event(db, run, doc["id"], latest[0], "removed", at, {"reason": reason})
        return Outcome("removed", doc["id"], latest[1], event)
    return Outcome("suspect", doc["id"], latest[1])


def _seen(db, doc_id: int, at: str, page: Fetched) -> None:
    """A good fetch: the transcript is there, any streak of suspect fetches ends."""
    db.execute(
        "UPDATE documents SET last_seen = ?, last_seen_in = 'live', etag = ?, last_modified = ?, "
        "status = 'active', suspect_runs = 0, suspect_last_run = NULL WHERE id = ?",
        [at, page.etag, page.last_modified, doc_id],
    )


def _doubt(old_text: str, old_conference: str | None, page: Fetched) -> str | None:
    """Why a changed fetch may not be the transcript at all, or None."""
    old_size, new_size = len("".join(old_text.split())), len("".join(page.text.split()))
    if old_size and new_size < SHRINK_LIMIT * old_size:
        return f"most of the text is gone ({new_size} of {old_size} characters left)"
    old_title = (old_conference or "").partition("|")[2]
    new_title = (page.conference or "").partition("|")[2]
    if old_title and new_title and old_title != new_title:
        return "the page carries another title"
    return None


def _suspected_before(db, doc_id: int, canonical: str, run: int | None) -> bool:
    """The same doubtful text was fetched in an earlier run: it is what the site now says."""
    return db.execute(
        "SELECT 1 FROM suspects WHERE document = ? AND canonical_hash = ? AND run IS NOT ? "
        "LIMIT 1",
        [doc_id, canonical, run],
    ).fetchone() is not None


def record_not_modified(db: sqlite_utils.Database, run: int | None, url: str) -> Outcome | None:
    """A conditional revisit answered 304: the stored latest version still stands (and a
    transcript flagged removed is back)."""
    at = now()
    with db.atomic():
        row = db.execute("SELECT id, versions, status FROM documents WHERE url = ?",
                         [url]).fetchone()
        if row is None:
            return None
        db.execute("UPDATE documents SET last_seen = ?, last_seen_in = 'live', status = 'active', "
                   "suspect_runs = 0, suspect_last_run = NULL WHERE id = ?", [at, row[0]])
        if row[2] == "removed":
            latest = db.execute("SELECT id FROM versions WHERE document = ? AND n = ?",
                                [row[0], row[1]]).fetchone()
            event = _insert_event(db, run, row[0], latest[0], "restored", at, None)
            return Outcome("restored", row[0], row[1], event)
        return Outcome("unchanged", row[0], row[1])


def _document(db: sqlite_utils.Database, url: str) -> dict | None:
    return next(db.query(
        "SELECT id, status, conference, suspect_runs, suspect_last_run, last_seen_in "
        "FROM documents WHERE url = ?", [url]), None)


def _insert_version(db, doc_id: int, n: int, run: int | None, at: str, page: Fetched,
                    base: tuple[int, bytes] | None = None) -> int:
    """`base`: (id, raw bytes) of the version the raw page is compressed against."""
    blob, raw_base = pack(db, page.source, page.raw_html, base) if page.raw_html else (None, None)
    version_id = db.execute(
        "INSERT INTO versions (document, n, run, fetched_at, title, published, text, text_hash, "
        "canonical_hash, extractor, http_status, etag, last_modified, raw_html, turns, meta, "
        "sha256, status_line, headers, origin, capture_url, raw_base, sha1) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [doc_id, n, run, at, page.title, page.published, page.text, page.text_hash,
         page.canonical_hash, page.extractor, page.http_status, page.etag, page.last_modified,
         blob,
         pack_turns(page.turns),
         json.dumps(page.meta, ensure_ascii=False) if page.meta else None,
         hashlib.sha256(page.raw_html).hexdigest() if page.raw_html else None,
         page.status_line,
         json.dumps(page.headers, ensure_ascii=False) if page.headers is not None else None,
         "archive" if page.capture_url else "live", page.capture_url, raw_base,
         # beside the SHA-256: the CDX digest is a SHA-1 (an archive import matches it)
         hashlib.sha1(page.raw_html).hexdigest() if page.raw_html else None],
    ).lastrowid
    db.execute("INSERT INTO versions_fts (rowid, title, text) VALUES (?, ?, ?)",
               [version_id, index_form(page.title), index_form(page.text)])
    db.execute("UPDATE documents SET versions = ? WHERE id = ?", [n, doc_id])
    return version_id


def _insert_event(db, run, doc_id, version_id, kind, at, summary) -> int:
    edit_class, significance = classify(kind, summary)
    return db.execute(
        "INSERT INTO events (run, document, version, kind, detected_at, summary, edit_class, "
        "significance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [run, doc_id, version_id, kind, at, json.dumps(summary) if summary else None,
         edit_class, significance],
    ).lastrowid


def known_documents(db: sqlite_utils.Database, source: str) -> list[dict]:
    """What a crawl of `source` is handed: every URL it has stored, with its conference date."""
    return list(db.query(
        "SELECT url, published, first_seen, status, etag, last_modified FROM documents "
        "WHERE source = ?", [source]
    ))


def raw_html(db: sqlite_utils.Database, version_id: int) -> bytes:
    row = db.execute("SELECT raw_html, raw_base FROM versions WHERE id = ?",
                     [version_id]).fetchone()
    return unpack(db, row[0], row[1]) if row else b""
