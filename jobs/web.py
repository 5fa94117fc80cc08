"""`briefwatch serve`: a read-only web view of the database, as a small WSGI app.

Pages: / (sources, latest briefings, recent changes), /transcripts, /changes, /t/ID (a
transcript, its history and the text of a version), /t/ID/diff?from=N&to=M (two versions side
by side), /search?q=…, /feed.atom. Every request opens its own read-only SQLite connection
(`mode=ro`): the view can never write, and a crawl writing at the same time is seen at the next
request (WAL). Only GET and HEAD are answered, only for a Host this view is served as (DNS
rebinding), every answer with the security headers, a crash a 500 page like any other.
jobs/webserver.py serves it (waitress).
"""

from __future__ import annotations

import ipaddress
import re
import sqlite3
import sys
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlite_utils
from briefwatch.jobs import contract
from briefwatch.jobs.render.pages import MARK_CLOSE, MARK_OPEN, ZONE, diff_rows, render
from briefwatch.storage.db import StorageError

PAGE_SIZE = 100
# A page number times PAGE_SIZE is an SQL offset: SQLite's integers are 64-bit.
MAX_NUMBER = (2**63 - 1) // PAGE_SIZE
SEARCH_PAGE = 50
# Seconds a /t/ID/diff page may spend aligning before the rest is compared coarsely.
DIFF_SECONDS = 2.0
# Scraped text is escaped by the templates; this header is a second line of defence.
SECURITY_HEADERS = [
    ("Content-Security-Policy",
     "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
     "frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class HTTPError(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


class App:
    def __init__(self, db_path: Path, names_file: Path | None = None, timezone: str = "UTC",
                 base_url: str | None = None, hosts: Iterable[str] = ()):
        self.db_path = Path(db_path).resolve()
        # [serve] base_url: the feed's links are built from it, never from a request's Host
        self.base_url = base_url.rstrip("/") if base_url else None
        # The host names this view answers as, beside IP literals (which no DNS rebinding can
        # forge): localhost, base_url's, the address it is bound to.
        self.hosts = {h.lower().strip("[]") for h in hosts} | {"localhost"}
        if base_url:
            self.hosts.add((urllib.parse.urlsplit(base_url).hostname or "").lower())
        self.names_file = names_file  # [names] file: the user's outlets and spokespersons
        self.timezone = timezone  # times are shown in it ([crawl] timezone)
        self.routes: list[tuple[re.Pattern, Callable]] = [
            (re.compile(r"/"), self.index),
            (re.compile(r"/transcripts"), self.transcripts),
            (re.compile(r"/changes"), self.changes),
            (re.compile(r"/t/(\d+)"), self.transcript),
            (re.compile(r"/t/(\d+)/diff"), self.diff),
            (re.compile(r"/t/(\d+)/languages"), self.languages),
            (re.compile(r"/search"), self.search),
            (re.compile(r"/feed\.atom"), self.feed),
        ]

    def names(self):
        """The names table with the user's own file: every page names outlets by it."""
        from briefwatch.storage.text.names import load_names

        return load_names(self.names_file)

    def connect(self) -> sqlite_utils.Database:
        from briefwatch.storage.db import open_web_reader

        return open_web_reader(self.db_path, busy_timeout=5.0)

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        params = {k: v[-1] for k, v in query.items()}
        headers = list(SECURITY_HEADERS)
        ZONE.set(self.timezone)  # each request runs in a context (a thread) of its own
        try:
            self._check_host(environ.get("HTTP_HOST"))
            if method not in ("GET", "HEAD"):
                headers.append(("Allow", "GET, HEAD"))
                raise HTTPError("405 Method Not Allowed", "This view is read-only.")
            handler, match = self._route(path)
            db = self.connect()
            try:
                body, ctype = handler(db, environ, params, *match.groups())
            finally:
                db.close()
            status = "200 OK"
        except HTTPError as exc:
            status = exc.status
            body = render("error.html", status=exc.status, message=str(exc))
            ctype = "text/html; charset=utf-8"
        except (sqlite3.Error, StorageError) as exc:
            status = "503 Service Unavailable"
            body = render("error.html", status=status,
                          message=f"The database cannot be read: {exc}")
            ctype = "text/html; charset=utf-8"
        except Exception:  # a bug of ours: said on stderr, answered as a page with our headers
            traceback.print_exc(file=sys.stderr)
            status = "500 Internal Server Error"
            body = render("error.html", status=status,
                          message="Something went wrong on this page; the server's log says "
                                  "what.")
            ctype = "text/html; charset=utf-8"
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers += [("Content-Type", ctype), ("Content-Length", str(len(data)))]
        start_response(status, headers)
        _access_log(environ, status, len(data))
        return [b"" if method == "HEAD" else data]

    def _check_host(self, host: str | None) -> None:
        """A request whose Host is a name this view is not served as is refused: a page on
        another site could otherwise read this view through a name resolving to it."""
        if not host:
            return  # HTTP/1.0 without Host: no browser, no rebinding
        try:
            name = urllib.parse.urlsplit("//" + host).hostname if "@" not in host else None
        except ValueError:  # "[" without its "]", a port that is no number
            name = None
        try:
            ipaddress.ip_address(name or "")
            return
        except ValueError:
            pass
        if name is None or name.lower() not in self.hosts:
            raise HTTPError("400 Bad Request",
                            "This view is not served under that host name; set [serve] base_url "
                            "to the address it is reached at.")

    def _route(self, path: str) -> tuple[Callable, re.Match]:
        for pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match:
                return handler, match
        raise HTTPError("404 Not Found", "There is no such page.")

    # -- pages ---------------------------------------------------------------------------------

    def index(self, db, environ, params):
        from briefwatch.storage.documents import browse_documents, source_counts
        from briefwatch.storage.pairings import pairings
        from briefwatch.storage.runs import list_runs, suspects

        documents, _ = browse_documents(db, limit=20)
        divergent = pairings(db, divergent=True, newest=20)[::-1]
        names = self.names()
        for row in divergent:
            for key in ("missing_in_en", "missing_in_zh"):
                row[key] = [names.named_outlet(e) for e in row[key]]
        last = list_runs(db, 1)
        held = suspects(db, [last[0]["id"]])[last[0]["id"]] if last else []
        return render("index.html", sources=source_counts(db), documents=documents,
                      events=self._events(db, 20), divergent=divergent, last_run=last,
                      suspects=held), "text/html; charset=utf-8"

    def transcripts(self, db, environ, params):
        from briefwatch.storage.documents import browse_documents

        page = _int(params.get("page"), 1)
        source = params.get("source") or None
        rows, total = browse_documents(db, source, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        return render("transcripts.html", documents=rows, total=total, page=page,
                      source=source, more=page * PAGE_SIZE < total), "text/html; charset=utf-8"

    def changes(self, db, environ, params):
        kind = params.get("kind")
        if kind not in (None, "new", "edited", "removed", "restored", "divergent"):
            raise HTTPError("400 Bad Request",
                            "kind is one of new, edited, removed, restored, divergent.")
        page = max(1, _int(params.get("page"), 1))
        sort, least = _ranking(params)
        events = self._events(db, PAGE_SIZE + 1, kind, skip=(page - 1) * PAGE_SIZE,
                              min_significance=least, by_significance=sort == "significance")
        return render("changes.html", kind=kind, events=events[:PAGE_SIZE], page=page,
                      more=len(events) > PAGE_SIZE, sort=sort, least=params.get("min") or "",
                      query=_query(kind, sort, params.get("min"))), "text/html; charset=utf-8"

    def transcript(self, db, environ, params, doc_id):
        from briefwatch.storage.documents import history, removed_since, status_changes
        from briefwatch.storage.text.diff import describe, paragraphs
        from briefwatch.storage.text.turns import turns_of

        doc, versions = self._document(db, doc_id)
        statuses = status_changes(db, doc["id"])
        names = self.names()
        n = _int(params.get("v"), versions[-1]["n"])
        version = next((v for v in versions if v["n"] == n), None)
        if version is None:
            raise HTTPError("404 Not Found", f"Transcript {doc_id} has no version {n}.")
        # The records of `history --json`, the change told in words.
        rows = [{**record, "change": describe(record["change"], names) if record["change"]
                 else "first version"}
                for record in (contract.history_record(ver, names, statuses)
                               for ver in history(versions))]
        paras = paragraphs(version["text"])
        turns = [{**turn, "paragraphs": paras[turn["start"]:turn["end"]],
                  "shown": _turn_name(turn, names)} for turn in turns_of(version)]
        from briefwatch.storage.pairings import pairing_of

        pairing, language = pairing_of(db, doc["id"])
        other = None
        if pairing:
            mine, theirs = language, "zh" if language == "en" else "en"
            other = {"id": pairing[f"{theirs}_document"], "source": pairing[f"{theirs}_source"],
                     "divergent": bool(pairing["divergent"]),
                     "missing_here": len(pairing[f"missing_in_{mine}"]),
                     "missing_there": len(pairing[f"missing_in_{theirs}"])}
        removed = removed_since(statuses) if doc["status"] == "removed" else None
        return render("transcript.html", doc=doc, version=version, history=rows, other=other,
                      turns=turns, removed=removed), "text/html; charset=utf-8"

    def languages(self, db, environ, params, doc_id):
        """A conference in both languages, exchange by exchange."""
        from briefwatch.storage.pairings import conference

        doc, _ = self._document(db, doc_id)
        shown = conference(db, doc["id"], self.names())
        if shown is None:
            raise HTTPError("404 Not Found", f"Transcript {doc_id} is not paired with the "
                                             f"other language.")
        return render("conference.html", c=shown), "text/html; charset=utf-8"

    def diff(self, db, environ, params, doc_id):
        """Two versions side by side, chosen as `briefwatch diff` chooses them
        (storage.comparisons): by default the latest two."""
        from briefwatch.storage.comparisons import (
            NoSuchVersion,
            NothingToCompare,
            choose_versions,
            compare_versions,
        )
        from briefwatch.storage.text.diff import Budget

        doc, versions = self._document(db, doc_id)
        numbers = [v["n"] for v in versions]
        try:
            old, new = choose_versions(doc["id"], numbers, _int(params.get("from"), None),
                                       _int(params.get("to"), None))
        except (NothingToCompare, NoSuchVersion) as exc:
            raise HTTPError("404 Not Found", f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
        context = None if params.get("context") == "all" else _int(params.get("context"), 1)
        by_n = {v["n"]: v for v in versions}
        # A page's comparison stops aligning when its budget is spent or its client has gone
        # (a server that can tell, as waitress does, says so in the environ): the rest is
        # compared coarsely, and the page says so.
        budget = Budget(DIFF_SECONDS, gone=environ.get("waitress.client_disconnected"))
        compared = compare_versions(by_n[old], by_n[new], self.names(), budget)
        a, b, comparison = compared.old, compared.new, compared.comparison
        return render("diff.html", doc=doc, old=a, new=b, comparison=comparison,
                      rows=diff_rows(comparison, context), numbers=numbers,
                      context=context), "text/html; charset=utf-8"

    def search(self, db, environ, params):
        from briefwatch.storage.search import BadQuery, QueryTooLong, check_query, search
        from briefwatch.storage.searchindex import REBUILD, IndexDamaged

        query = params.get("q") or ""
        try:
            check_query(query)
        except QueryTooLong as exc:  # refused at once, the query not repeated
            raise HTTPError("400 Bad Request", f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
        except BadQuery:
            pass  # said on the page below, as before
        query = " ".join(query.split())
        page = max(1, _int(params.get("page"), 1))
        hits, error = [], None
        if query:
            try:
                hits = search(db, query, SEARCH_PAGE + 1, marks=(MARK_OPEN, MARK_CLOSE),
                              offset=(page - 1) * SEARCH_PAGE)
            except BadQuery as exc:
                error = str(exc)
            except IndexDamaged:
                raise HTTPError("503 Service Unavailable",
                                f"The search index is damaged; on the server, '{REBUILD}' "
                                f"rebuilds it from the stored versions.") from None
        return render("search.html", query=query, hits=hits[:SEARCH_PAGE], error=error,
                      page=page, more=len(hits) > SEARCH_PAGE), "text/html; charset=utf-8"

    def feed(self, db, environ, params):
        from wsgiref.util import application_uri

        from briefwatch.jobs.render.feed import atom
        from briefwatch.storage.documents import events

        # The Host is checked (one of self.hosts) but base_url, when set, is where readers
        # reach the view: a feed reader must not be handed links on another name.
        base = self.base_url or application_uri(environ).rstrip("/")

        def link(event: dict) -> str:
            # an edit opens on its two versions side by side; anything else on the transcript
            version = event["version"]
            if event["kind"] == "edited" and version and version > 1:
                return f"{base}/t/{event['document']}/diff?from={version - 1}&to={version}"
            return f"{base}/t/{event['document']}" + (f"?v={version}" if version else "")

        return atom(events(db, newest=50), names=self.names(),
                    feed_id="urn:briefwatch:web:changes", link=link,
                    self_url=f"{base}/feed.atom", alternate=f"{base}/changes"), \
            "application/atom+xml; charset=utf-8"

    # -- helpers -------------------------------------------------------------------------------

    def _document(self, db, doc_id: str) -> tuple[dict, list[dict]]:
        from briefwatch.storage.documents import NotFound, find, versions

        try:
            doc = find(db, doc_id)
        except NotFound:
            raise HTTPError("404 Not Found", f"There is no transcript {doc_id}.") from None
        rows = versions(db, doc["id"])
        if not rows:
            raise HTTPError("404 Not Found", f"Transcript {doc_id} has no stored version.")
        return doc, rows

    def _events(self, db, limit: int, kind: str | None = None, skip: int = 0,
                min_significance: float | None = None,
                by_significance: bool = False) -> list[dict]:
        from briefwatch.storage.documents import events as stored_events
        from briefwatch.storage.text.diff import describe

        events = stored_events(db, kind=kind, newest=limit, skip=skip,
                               min_significance=min_significance,
                               by_significance=by_significance)
        if not by_significance:
            events.reverse()
        names = self.names()
        for event in events:
            event["described"] = describe(event["summary"], names) if event["summary"] else ""
        return events


def _turn_name(turn: dict, names) -> str | None:
    """Who a turn of the text is, as the page names them: the canonical name, the written form
    beside it where it differs."""
    from briefwatch.storage.text.names import shown

    if turn["role"] == "question":
        canonical = names.outlet(turn["name"])
    elif turn["role"] in ("answer", "remarks"):
        canonical = names.spokesperson(turn["name"])
    else:
        return turn["name"]
    return shown(canonical, turn["name"])


def _int(value: str | None, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 0:
        raise HTTPError("400 Bad Request", "A version, page or context is a whole number.")
    if int(value) > MAX_NUMBER:
        raise HTTPError("400 Bad Request", f"A version, page or context is at most {MAX_NUMBER}.")
    return int(value)


def _ranking(params: dict) -> tuple[str, float | None]:
    """The timeline's `sort` (`newest`|`significance`) and `min` (a significance, 0 to 1)."""
    sort = params.get("sort") or "newest"
    if sort not in ("newest", "significance"):
        raise HTTPError("400 Bad Request", "sort is newest or significance.")
    least = params.get("min")
    if not least:
        return sort, None
    try:
        value = float(least)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:  # NaN too
        raise HTTPError("400 Bad Request", "min is a significance from 0 to 1, e.g. 0.5.")
    return sort, value


def _query(kind: str | None, sort: str, least: str | None) -> str:
    """The timeline's filters as a query string for its links (after the page number)."""
    from urllib.parse import urlencode

    chosen = {"kind": kind, "sort": None if sort == "newest" else sort, "min": least or None}
    return urlencode({k: v for k, v in chosen.items() if v})


def _access_log(environ: dict, status: str, size: int) -> None:
    """One access-log line on stderr, without the control characters a client may send."""
    line = (f"{environ.get('REMOTE_ADDR', '-')} - \"{environ.get('REQUEST_METHOD')} "
            f"{environ.get('PATH_INFO', '')}"
            f"{'?' if environ.get('QUERY_STRING') else ''}{environ.get('QUERY_STRING', '')}\" "
            f"{status.split(' ', 1)[0]} {size}")
    if len(line) > 400:  # a 64 KB query string is not a log line
        line = line[:400] + "…"
    sys.stderr.write(_CONTROL.sub("?", line) + "\n")
