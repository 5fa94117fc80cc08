"""Storing what a crawl fetched: one FetchedPage in, one outcome in the database out.

The one path by which fetched pages reach the database: a local crawl (crawler.localcrawl),
the cluster coordinator (what workers hand back) and `scrapy crawl` (crawler.pipelines) all
record through a Recorder, and so write the same versions, suspects and events. A page not
prepared yet (decoded and extracted: crawler.prepare) is prepared here with its source's
template. Writes are grouped in transactions of up to `batch` pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from briefwatch.crawler.decode import NotText, decode_html
from briefwatch.crawler.extract import Rejected, extract, extract_template
from briefwatch.crawler.items import FetchedPage
from briefwatch.crawler.prepare import prepare_fetched
from briefwatch.storage.text.normalize import canonical_hash

BATCH = 200


def templates_of(sources) -> dict:
    """source name -> the extraction template its config gives, for a plan's sources."""
    return {s["name"]: extract_template(s["spider"], s["name"], s["options"]) for s in sources}


class Recorder:
    """`count(source, key, named=None)` is told of every outcome ("new", "not_modified", …; a
    rejected page with `named`, its URL and why); `emit` gets a progress line per page. With
    `autocommit`, a transaction is committed every `batch` pages or second; without, only by
    `commit` (the coordinator commits what it settles in Redis, no more)."""

    def __init__(self, db, run: int, *, count: Callable[..., None],
                 emit: Callable[[dict], None] | None = None,
                 templates: dict | None = None, batch: int = BATCH, autocommit: bool = True):
        self.db = db
        self.run = run
        self.count = count
        self.emit = emit
        self.templates = templates or {}  # source -> crawler.extract.Template
        self.size = batch
        self.autocommit = autocommit
        self._batch = None

    def record(self, item: FetchedPage) -> str:
        from briefwatch.storage.db import WriteBatch

        if item.transcript is None and not item.capture_known:
            prepare_fetched(item, self.templates.get(item.source))
        if self._batch is None:
            self._batch = WriteBatch(self.db, self.size if self.autocommit else 1 << 62,
                                     1.0 if self.autocommit else float("inf"))
        verb = self._record(item)
        self._batch.wrote()
        return verb

    def commit(self) -> None:
        if self._batch is not None:
            self._batch.commit()
            self._batch = None

    def rollback(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")
        self._batch = None

    def _record(self, item: FetchedPage) -> str:
        from briefwatch.storage.versions import Fetched, record, record_not_modified, record_suspect

        if item.status == 304:
            outcome = record_not_modified(self.db, self.run, item.url)
            if outcome is None:
                return "unknown"
            self.count(item.source, "not_modified")
            return self._done(item, outcome.verb, "304 Not Modified")
        if item.capture_known:
            return self._known_capture(item)
        if item.capture_url and (item.status != 200 or item.rejected):
            from briefwatch.storage.captures import record_rejected_capture, remember

            reason = item.rejected or f"HTTP {item.status}"
            record_rejected_capture(self.db, self.run, item.url, item.capture_url,
                                    item.captured_at, reason)
            # (a URL never stored too: --discover does not fetch it again)
            remember(self.db, item.source, item.url, item.capture_digest, item.captured_at,
                     "rejected")
            return self._done(item, "rejected", reason)
        if item.status != 200 or item.rejected:
            reason = item.rejected or f"HTTP {item.status}"
            outcome = record_suspect(self.db, self.run, item.url, reason,
                                     http_status=item.status, gone=item.status in (404, 410))
            # A URL never stored that is not a transcript is merely rejected.
            return self._done(item, outcome.verb if outcome else "rejected", reason)
        prepared = item.transcript
        # Every field of a Prepared page is a field of Fetched; the fetch adds the rest.
        fetched = Fetched(source=item.source, url=item.url, http_status=item.status,
                          etag=item.etag, last_modified=item.last_modified, raw_html=item.body,
                          status_line=item.status_line, headers=item.headers,
                          capture_url=item.capture_url, **vars(prepared))
        if item.capture_url:
            from briefwatch.storage.captures import record_capture, remember

            outcome = record_capture(self.db, self.run, fetched, item.captured_at)
            remember(self.db, item.source, item.url, item.capture_digest, item.captured_at,
                     outcome.verb)
        else:
            outcome = record(self.db, self.run, fetched, rehash_previous=functools.partial(
                _rehash, template=self.templates.get(item.source)))
        return self._done(item, outcome.verb, prepared.title)

    def _known_capture(self, item: FetchedPage) -> str:
        """A capture not fetched: its digest names a stored version's bytes."""
        from briefwatch.storage.captures import record_known_capture

        outcome = record_known_capture(self.db, self.run, item.url, item.capture_url,
                                       item.captured_at, item.capture_digest)
        if outcome is None:
            return self._done(item, "unknown", "no version has the capture's digest")
        return self._done(item, outcome.verb, item.capture_url)

    def _done(self, item: FetchedPage, verb: str, detail: str) -> str:
        # A rejected page is named too (`rejected_urls`), as a failed fetch is: a reader of
        # the run can see which URL was not a transcript, and why.
        self.count(item.source, verb, f"{item.url} ({detail})" if verb == "rejected" else None)
        if self.emit:
            self.emit({"event": "page", "source": item.source, "verb": verb, "url": item.url,
                       "detail": detail})
        return verb


def name_among(stats: dict, key: str, named: str | None, most: int = 20) -> None:
    """`named` (a URL and why) into the source's `KEY_urls`, the first `most` of a run: the
    stats name what they count, as for failed fetches, without growing with a bad site."""
    if named is not None:
        urls = stats.setdefault(f"{key}_urls", [])
        if len(urls) < most:
            urls.append(named)


def _rehash(raw: bytes, template=None) -> str | None:
    """The canonical hash the current extractor gives a stored page's raw HTML."""
    try:
        html, _ = decode_html(raw)
    except NotText:
        return None
    result = extract(html, "", template=template)
    return None if isinstance(result, Rejected) else canonical_hash(result.title, result.text)
