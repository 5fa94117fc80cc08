"""The published database (`briefwatch publish`): what briefwatch keeps, as a database made to be
read by people in Datasette: transcripts, every version's text, every exchange of every
version, the events and the pairs, linked by foreign keys, searchable, without the internal
tables or the raw pages (the WARC export is the evidence).

Search: each table's FTS5 index is an external-content table (`content=[versions]`, as
sqlite-utils' `enable_fts` makes it), so Datasette finds it by itself; it is filled with the
text in the form `briefwatch search` indexes (storage.searchindex.index_form: each Chinese
character a word), because a reader types Chinese words without spaces and FTS5 has no
tokenizer that splits them (jobs/datasetteplugin.py turns a typed `香港` into the phrase of its
characters). Rebuilding the index from its content (`sqlite-utils rebuild-fts`) would index
Chinese runs as single words: publish again instead.

The file is written beside OUT under a temporary name and renamed over it when complete: an
interrupted publish leaves the last one whole.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from briefwatch.storage.errors import disk_trouble
from briefwatch.storage.searchindex import index_form
from briefwatch.storage.text.diff import describe
from briefwatch.storage.text.kinds import kind_of

# PRAGMA application_id of a published database ('bwpb'): it says what the file is without a
# table of ours beside the data, and marks a file `publish` may replace.
APPLICATION_ID = 0x62777062

SCHEMA = """
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, conference TEXT,
    title TEXT, url TEXT NOT NULL, status TEXT NOT NULL, versions INTEGER NOT NULL,
    first_seen TEXT, last_seen TEXT, last_seen_in TEXT, text TEXT);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY, transcript INTEGER NOT NULL REFERENCES transcripts(id),
    version INTEGER NOT NULL, fetched_at TEXT NOT NULL, origin TEXT NOT NULL,
    capture_url TEXT, sha256 TEXT, title TEXT, conference TEXT, text TEXT);
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY, transcript INTEGER NOT NULL REFERENCES transcripts(id),
    conference TEXT, source TEXT NOT NULL, language TEXT, number INTEGER NOT NULL,
    outlet TEXT, outlet_as_written TEXT, spokesperson TEXT, spokesperson_as_written TEXT,
    question TEXT, answer TEXT, version INTEGER NOT NULL, first_version INTEGER NOT NULL,
    last_version INTEGER, removed_at TEXT, status TEXT,
    paired_transcript INTEGER REFERENCES transcripts(id), paired_number INTEGER,
    paired_exchange INTEGER REFERENCES exchanges(id));
CREATE TABLE events (
    id INTEGER PRIMARY KEY, transcript INTEGER NOT NULL REFERENCES transcripts(id),
    version INTEGER REFERENCES versions(id), kind TEXT NOT NULL, detected_at TEXT NOT NULL,
    description TEXT, summary TEXT);
CREATE TABLE pairs (
    id INTEGER PRIMARY KEY, conference TEXT NOT NULL,
    en_transcript INTEGER NOT NULL REFERENCES transcripts(id), en_version INTEGER,
    en_exchanges INTEGER, zh_transcript INTEGER NOT NULL REFERENCES transcripts(id),
    zh_version INTEGER, zh_exchanges INTEGER, divergent INTEGER NOT NULL, uncertain TEXT,
    missing_in_en TEXT, missing_in_zh TEXT, matched TEXT, merged TEXT);
CREATE INDEX versions_transcript ON versions(transcript, version);
CREATE INDEX exchanges_transcript ON exchanges(transcript, number);
CREATE INDEX exchanges_outlet ON exchanges(outlet);
CREATE INDEX exchanges_removed ON exchanges(removed_at);
CREATE INDEX events_transcript ON events(transcript);
CREATE INDEX pairs_conference ON pairs(conference);
"""
# The columns each table's search box looks in.
SEARCHED = {"transcripts": ("title", "text"), "versions": ("title", "text"),
            "exchanges": ("outlet_as_written", "spokesperson_as_written", "question", "answer")}
BATCH = 500


class PublishError(Exception):
    """OUT cannot be written or replaced; the message is one line meant for the user."""


def is_published(path: Path) -> bool:
    """Whether `path` is a database `publish` wrote (so that it may be replaced)."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def check_target(out: Path, database: Path) -> None:
    """OUT may be a new file or an earlier publish, never the briefwatch database itself nor a
    file of anything else."""
    out = Path(out)
    if out.exists() and out.resolve() == Path(database).resolve():
        raise PublishError(f"{out} is the briefwatch database itself: publish to another file")
    if out.is_dir():
        raise PublishError(f"{out} is a folder: name the database file to write")
    if out.exists() and not is_published(out):
        raise PublishError(f"{out} exists and is not a database briefwatch published; it was "
                           f"left untouched: remove it or choose another name")
    if not out.parent.is_dir():
        raise PublishError(f"cannot write {out}: its folder {out.parent} does not exist")


def publish(db, out: Path, *, names, exchanges: Iterable[dict],
            sources: list[str] | None = None, since: str | None = None) -> dict:
    """Write the published database to `out` from the briefwatch database `db`: the
    transcripts of `sources` (all when None) with a conference on or after `since`, and
    `exchanges`, the exchange records (jobs.contract.exchange_record) of those transcripts.
    Returns how many rows each table got."""
    out = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise PublishError(f"cannot write {out}: {exc.strerror or exc} (in {out.parent})"
                           ) from None
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            # A file nobody reads until it is renamed: no journal, no syncs until the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.executescript(SCHEMA)
            counts = _fill(conn, db, names, exchanges, sources, since)
            for table, columns in SEARCHED.items():
                _index(conn, table, columns)
            conn.commit()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("VACUUM")
        finally:
            conn.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) or disk_trouble(exc):
            kept = "the earlier publish is left as it was" if out.exists() else \
                "nothing was written"
            raise PublishError(f"cannot write {out}: {getattr(exc, 'strerror', None) or exc}; "
                               f"{kept}") from None
        raise
    return counts


def _fill(conn, db, names, exchanges, sources, since) -> dict:
    clauses, params = [], []
    if sources:
        clauses.append(f"d.source IN ({', '.join('?' * len(sources))})")
        params += list(sources)
    if since:
        clauses.append("d.published >= ?")
        params.append(since)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    conn.execute("CREATE TEMP TABLE chosen (id INTEGER PRIMARY KEY)")
    counts = {}
    counts["transcripts"] = _insert(conn, "transcripts", (
        (d["id"], d["source"], kind_of(d["title"] or "", d["url"]), d["published"], d["title"],
         d["url"], d["status"], d["versions"], d["first_seen"], d["last_seen"],
         d["last_seen_in"], d["text"])
        for d in db.query(
            f"SELECT d.id, d.source, d.url, v.title, d.published, d.status, d.versions, "
            f"d.first_seen, d.last_seen, d.last_seen_in, v.text FROM documents d "
            f"LEFT JOIN versions v ON v.document = d.id AND v.n = d.versions {where} "
            f"ORDER BY d.published, d.id", params)))
    conn.execute("INSERT INTO chosen SELECT id FROM transcripts")
    chosen = {row[0] for row in conn.execute("SELECT id FROM chosen")}
    counts["versions"] = _insert(conn, "versions", (
        (v["id"], v["document"], v["n"], v["fetched_at"], v["origin"], v["capture_url"],
         v["sha256"], v["title"], v["published"], v["text"])
        for v in db.query(
            f"SELECT v.id, v.document, v.n, v.fetched_at, v.origin, v.capture_url, v.sha256, "
            f"v.title, v.published, v.text FROM versions v JOIN documents d "
            f"ON d.id = v.document {where} ORDER BY v.document, v.n", params)))
    counts["events"] = _insert(conn, "events", (
        (e["id"], e["document"], e["version"], e["kind"], e["detected_at"],
         describe(_summary(e["summary"]), names) or None, e["summary"])
        for e in db.query(
            f"SELECT e.id, e.document, e.version, e.kind, e.detected_at, e.summary "
            f"FROM events e JOIN documents d ON d.id = e.document {where} ORDER BY e.id",
            params)))
    counts["pairs"] = _insert(conn, "pairs", (
        (p["id"], p["conference"], p["en_document"], p["en_version"], p["en_exchanges"],
         p["zh_document"], p["zh_version"], p["zh_exchanges"], p["divergent"], p["uncertain"],
         _named(p["missing_in_en"], names), _named(p["missing_in_zh"], names), p["matched"],
         p["merged"])
        for p in db.query("SELECT * FROM pairings ORDER BY conference, id")
        if p["en_document"] in chosen and p["zh_document"] in chosen))
    urls = dict(conn.execute("SELECT url, id FROM transcripts"))
    counts["exchanges"] = _insert(conn, "exchanges", (
        (r["id"], r["conference"], r["source"], r["language"], r["index"], r["outlet"],
         r["outlet_as_written"], r["spokesperson"], r["spokesperson_as_written"],
         r["question"], r["answer"], r["version"], r["first_version"], r["last_version"],
         r["removed_at"], r["status"],
         urls.get((r["paired"] or {}).get("url")), (r["paired"] or {}).get("index"))
        for r in exchanges if r["id"] in chosen),
        columns="transcript, conference, source, language, number, outlet, outlet_as_written, "
                "spokesperson, spokesperson_as_written, question, answer, version, "
                "first_version, last_version, removed_at, status, paired_transcript, "
                "paired_number")
    # The paired exchange is the one of the other transcript's latest version at that number.
    conn.execute("""
        UPDATE exchanges SET paired_exchange = (
            SELECT o.id FROM exchanges o WHERE o.transcript = exchanges.paired_transcript
            AND o.number = exchanges.paired_number AND o.last_version IS NULL)
        WHERE paired_transcript IS NOT NULL""")
    return counts


def _named(missing: str, names) -> str:
    """A pairing's missing exchanges, their outlets named as every output names them."""
    return json.dumps([names.named_outlet(e) for e in json.loads(missing)], ensure_ascii=False)


def _summary(text: str | None) -> dict | None:
    return json.loads(text) if text else None


def _insert(conn, table: str, rows, columns: str | None = None) -> int:
    count = 0
    while batch := list(islice(rows, BATCH)):
        marks = ", ".join("?" * len(batch[0]))
        names = f" ({columns})" if columns else ""
        conn.executemany(f"INSERT INTO {table}{names} VALUES ({marks})", batch)
        count += len(batch)
    return count


def _index(conn, table: str, columns: tuple[str, ...]) -> None:
    """The table's FTS5 index as sqlite-utils names and declares it (`{table}_fts`,
    `content=[{table}]`), filled with each column's index form."""
    listed = ", ".join(f"[{c}]" for c in columns)
    conn.execute(f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 ({listed}, "
                 f"tokenize='unicode61 remove_diacritics 2', content=[{table}])")
    selected = ", ".join(columns)
    rows = conn.execute(f"SELECT rowid, {selected} FROM {table} ORDER BY rowid")
    marks = ", ".join("?" * (len(columns) + 1))
    while batch := rows.fetchmany(BATCH):
        conn.executemany(f"INSERT INTO [{table}_fts] (rowid, {listed}) VALUES ({marks})",
                         [(row[0], *(index_form(v) for v in row[1:])) for row in batch])
