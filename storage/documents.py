"""Read-only queries of the transcripts: behind list, show, history, changes and export, the
web view's pages (sources, a page of transcripts), and the URLs an archive import looks up."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


class NotFound(LookupError):
    """No transcript matches what the user named; the message says what was looked for."""


class NoSuchID(NotFound):
    """What the user named is an ID no transcript can have (past SQLite's 64-bit integers):
    bad input, not a transcript missing."""


def find(db: sqlite_utils.Database, ref: str) -> dict:
    """A transcript by its URL or numeric ID. A URL is also found as people copy it: without
    its scheme (`www.fmprc.gov.cn/…`), with a trailing slash or without one."""
    row = None
    if ref.isdigit() and int(ref) >= 2**63:  # an OverflowError in the query otherwise
        raise NoSuchID(f"{ref} is not a transcript ID (IDs are below 2**63): "
                       f"'briefwatch list' shows the stored ones")
    if ref.isdigit():
        row = next(db.query("SELECT * FROM documents WHERE id = ?", [int(ref)]), None)
    if row is None:
        row = next(db.query("SELECT * FROM documents WHERE url = ?", [ref]), None)
    if row is None:
        forms = _url_forms(ref)
        rows = list(db.query(f"SELECT * FROM documents WHERE url IN "
                             f"({', '.join('?' * len(forms))}) ORDER BY id", forms))
        if len(rows) > 1:
            raise NotFound(f"{ref!r} may be any of {', '.join(r['url'] for r in rows)}: give "
                           f"the whole URL or the ID")
        row = rows[0] if rows else None
    if row is None:
        raise NotFound(
            f"no transcript with URL or ID {ref!r}: 'briefwatch list' shows the stored ones"
        )
    return row


def _url_forms(ref: str) -> list[str]:
    bare = ref.strip().rstrip("/")
    with_scheme = [bare] if "://" in bare else [f"https://{bare}", f"http://{bare}"]
    return [form + slash for form in with_scheme for slash in ("", "/")]


def list_documents(db: sqlite_utils.Database, source: str | None = None, *,
                   since: str | None = None, status: str | None = None,
                   limit: int | None = None) -> list[dict]:
    """Transcripts, newest conference first: of `source`, with a conference on or after
    `since` (YYYY-MM-DD), of `status`, the `limit` newest."""
    clauses, params = [], []
    for clause, value in (("source = ?", source), ("published >= ?", since),
                          ("status = ?", status)):
        if value:
            clauses.append(clause)
            params.append(value)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return list(db.query(
        f"SELECT id, source, url, title, published, first_seen, last_seen, status, versions "
        f"FROM documents {where} ORDER BY published DESC, id DESC"
        + (" LIMIT ?" if limit else ""),
        params + ([int(limit)] if limit else []),
    ))


def browse_documents(db: sqlite_utils.Database, source: str | None = None, limit: int = 100,
                     offset: int = 0) -> tuple[list[dict], int]:
    """One page of transcripts (the web view's), newest conference first, and how many there
    are in all."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    total = db.execute(f"SELECT count(*) FROM documents {where}", params).fetchone()[0]
    rows = list(db.query(
        f"SELECT id, source, url, title, published, first_seen, last_seen, status, versions "
        f"FROM documents {where} ORDER BY published DESC, id DESC LIMIT ? OFFSET ?",
        [*params, int(limit), int(offset)],
    ))
    return rows, total


def source_counts(db: sqlite_utils.Database) -> list[dict]:
    """Each source with stored transcripts: how many, their versions, how many removed, the
    newest conference and the last time one was seen."""
    return list(db.query(
        "SELECT source, count(*) AS transcripts, sum(versions) AS versions, "
        "sum(status = 'removed') AS removed, max(published) AS newest, max(last_seen) AS last_seen "
        "FROM documents GROUP BY source ORDER BY source"
    ))


def has_source(db: sqlite_utils.Database, name: str) -> bool:
    """Whether any transcript of source `name` is stored (a source since dropped from the
    config is still one)."""
    return next(db.query("SELECT 1 FROM documents WHERE source = ? LIMIT 1", [name]),
                None) is not None


def source_urls(db: sqlite_utils.Database, source: str, *, since: str | None = None,
                until: str | None = None) -> list[str]:
    """The URLs of every stored transcript of `source`, newest conference first; with
    `since`/`until` (YYYY-MM-DD), those whose conference date is in the period, or unknown."""
    return [row[0] for row in db.execute(
        "SELECT url FROM documents WHERE source = ? AND (published IS NULL OR "
        "(published >= coalesce(?, '') AND published <= coalesce(?, '9999'))) "
        "ORDER BY published DESC, id DESC", [source, since, until])]


def versions(db: sqlite_utils.Database, document: int) -> list[dict]:
    """Every version, oldest first; `turns` is None where it was not recorded."""
    from briefwatch.storage.text.turns import unpack_turns

    rows = list(db.query(
        "SELECT id, n, run, fetched_at, title, published, text, canonical_hash, extractor, "
        "http_status, turns, meta, sha256, origin, capture_url FROM versions "
        "WHERE document = ? ORDER BY n",
        [document],
    ))
    for row in rows:
        row["turns"] = unpack_turns(row["turns"])
        row["meta"] = json.loads(row["meta"]) if row["meta"] else None
    return rows


def version(db: sqlite_utils.Database, document: int, n: int | None = None) -> dict:
    rows = versions(db, document)
    if not rows:
        raise NotFound(f"transcript {document} has no stored version")
    if n is None:
        return rows[-1]
    for row in rows:
        if row["n"] == n:
            return row
    raise NotFound(f"transcript {document} has no version {n} (it has 1 to {rows[-1]['n']})")


def events(db: sqlite_utils.Database, *, since: str | None = None, kind: str | None = None,
           source: str | None = None, run: int | None = None,
           newest: int | None = None, skip: int = 0, min_significance: float | None = None,
           by_significance: bool = False) -> list[dict]:
    """Events oldest first; with `newest`, only that many of the latest (after skipping the
    `skip` latest: the pages of a timeline). `min_significance`: only events at least that
    significant (storage.text.editclass); `by_significance`: the most significant first (the
    latest first among equals), `newest` then counting from the top."""
    clauses, params = [], []
    if min_significance is not None:
        clauses.append("e.significance >= ?")
        params.append(min_significance)
    if run is not None:
        clauses.append("e.run = ?")
        params.append(run)
    if since:
        clauses.append("e.detected_at >= ?")
        params.append(since)
    if kind:
        clauses.append("e.kind = ?")
        params.append(kind)
    if source:
        clauses.append("d.source = ?")
        params.append(source)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = (f"SELECT e.id, e.kind, d.url, COALESCE(v.title, d.title) AS title, d.source, "
           f"v.n AS version, e.detected_at, e.run, e.summary, d.id AS document, "
           f"e.edit_class, e.significance, {PREVIOUS_TITLE} "
           f"FROM events e JOIN documents d ON d.id = e.document "
           f"LEFT JOIN versions v ON v.id = e.version {where}")
    if by_significance:
        sql += " ORDER BY e.significance DESC, e.id DESC"
        if newest is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(newest), int(skip)]
    elif newest is None:
        sql += " ORDER BY e.id"
    else:
        sql = f"SELECT * FROM ({sql} ORDER BY e.id DESC LIMIT ? OFFSET ?) ORDER BY id"
        params += [int(newest), int(skip)]
    return [read_summary(row) for row in db.query(sql, params)]


# The title of the version before an event's (events joined with versions as `v`): an edit's
# summary says when the title changed, also for the summaries stored before it did.
PREVIOUS_TITLE = ("(SELECT p.title FROM versions p WHERE p.document = v.document "
                  "AND p.n = v.n - 1) AS previous_title")


def read_summary(row: dict) -> dict:
    """An event row as read (with PREVIOUS_TITLE): its summary decoded, the title change in
    an edit's summary."""
    from briefwatch.storage.text.diff import with_title_change

    summary = json.loads(row["summary"]) if row["summary"] else None
    previous = row.pop("previous_title", None)
    if summary and "paragraphs_changed" in summary and "title_changed" not in summary:
        summary = with_title_change(summary, previous, row["title"])
    row["summary"] = summary
    return row


def export_rows(db: sqlite_utils.Database, source: str | None = None):
    where, params = ("WHERE d.source = ?", [source]) if source else ("", [])
    yield from db.query(
        f"SELECT d.url, d.source, v.title, d.published, d.first_seen, d.last_seen, "
        f"d.versions, d.status, v.text FROM documents d "
        f"JOIN versions v ON v.document = d.id AND v.n = d.versions {where} "
        f"ORDER BY d.published, d.id",
        params,
    )


def evidence(db: sqlite_utils.Database, *, source: str | None = None,
             document: int | None = None):
    """Every stored version with its raw bytes and the response it came in, oldest first
    per transcript, one at a time (a WARC export streams them)."""
    from briefwatch.storage.rawstore import unpack

    clauses, params = [], []
    if source:
        clauses.append("d.source = ?")
        params.append(source)
    if document is not None:
        clauses.append("d.id = ?")
        params.append(document)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    for row in db.query(
            f"SELECT d.id AS document, d.url, d.source, v.n, v.run, v.fetched_at, v.http_status, "
            f"v.etag, v.last_modified, v.raw_html, v.sha256, v.status_line, v.headers, v.origin, "
            f"v.capture_url, v.raw_base FROM versions v JOIN documents d ON d.id = v.document "
            f"{where} "
            f"ORDER BY d.id, v.n", params):
        row["raw_html"] = unpack(db, row["raw_html"], row.pop("raw_base"))
        row["headers"] = json.loads(row["headers"]) if row["headers"] is not None else None
        yield row


def source_summaries(db: sqlite_utils.Database, names: list[str]) -> list[dict]:
    """For each source: how many transcripts, its last run and its newest transcript."""
    rows = []
    for name in names:
        count, removed = db.execute(
            "SELECT count(*), COALESCE(sum(status = 'removed'), 0) FROM documents "
            "WHERE source = ?", [name]).fetchone()
        newest = next(db.query(
            "SELECT id, url, title, published FROM documents WHERE source = ? "
            "ORDER BY published DESC, id DESC LIMIT 1", [name]), None)
        last_run = next(db.query(
            "SELECT r.id, r.started, r.finished, r.status FROM runs r, json_each(r.sources) s "
            "WHERE s.value = ? ORDER BY r.id DESC LIMIT 1", [name]), None)
        rows.append({"source": name, "transcripts": count, "removed": removed,
                     "last_run": last_run, "newest": newest, "listing": _listing_reach(db, name)})
    return rows


def _listing_reach(db: sqlite_utils.Database, name: str) -> dict | None:
    """How far back the site's listing reached when a crawl last read its last page: its
    page count and oldest date (listings are capped; older transcripts are for `archive`)."""
    row = db.execute("SELECT run, pages, reaches_back_to FROM listing_reach WHERE source = ?",
                     [name]).fetchone()
    if row is None:
        return None
    return {"pages": row[1], "reaches_back_to": row[2], "run": row[0]}


def copies(db: sqlite_utils.Database, document: dict) -> list[dict]:
    """Other URLs carrying the same conference (same date and title): re-publications and
    mirrors, from any source."""
    if not document.get("conference"):
        return []
    return list(db.query(
        "SELECT id, source, url, title, published, versions, status FROM documents "
        "WHERE conference = ? AND id != ? ORDER BY id",
        [document["conference"], document["id"]],
    ))


def status_changes(db: sqlite_utils.Database, document: int) -> dict[int, list[dict]]:
    """Version number -> the removals and restorations detected while it was the latest
    (a restoration that brought back another text is on the version it brought), oldest
    first: `kind`, `detected_at`, `run`, `reason` (why it was taken for removed, else None)."""
    out: dict[int, list[dict]] = {}
    for row in db.query(
            "SELECT e.kind, e.detected_at, e.run, e.summary, v.n FROM events e "
            "JOIN versions v ON v.id = e.version WHERE e.document = ? "
            "AND e.kind IN ('removed', 'restored') ORDER BY e.id", [document]):
        summary = json.loads(row["summary"]) if row["summary"] else {}
        out.setdefault(row["n"], []).append({
            "kind": row["kind"], "detected_at": row["detected_at"], "run": row["run"],
            "reason": summary.get("reason") if row["kind"] == "removed" else None})
    return out


def removed_since(changes: dict[int, list[dict]]) -> dict | None:
    """The removal a transcript flagged removed is in (status_changes' latest), or None."""
    latest = [c for n in sorted(changes) for c in changes[n]]
    return latest[-1] if latest and latest[-1]["kind"] == "removed" else None


def history(versions_: list[dict]) -> list[dict]:
    """Each version (as `versions` gives them) with what `history` shows of it: `paragraphs`,
    `characters`, and `change`, the change summary from the version before (None for the
    first)."""
    from briefwatch.storage.text.diff import change_summary, paragraphs
    from briefwatch.storage.text.turns import turns_of

    out, previous = [], None
    for ver in versions_:
        summary = (change_summary(previous["text"], ver["text"], turns_of(previous),
                                  turns_of(ver), previous["title"], ver["title"])
                   if previous is not None else None)
        out.append({**ver, "paragraphs": len(paragraphs(ver["text"])),
                    "characters": len(ver["text"]), "change": summary})
        previous = ver
    return out
