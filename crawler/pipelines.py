"""Item pipelines: extract the transcript from a fetched page, then record it."""

from __future__ import annotations

import functools
import json
import sys

from crawler.decode import NotText, decode_html
from crawler.extract import Rejected, extract
from crawler.items import FetchedPage
from crawler.normalize import canonical_hash
from crawler.prepare import prepare
from crawler.turns import split_turns


class ExtractPipeline:
    """Prepares each page in the crawl process. Measured twice on a 1,000-page backfill of
    15–60 KB pages: handing pages to worker processes (one per core, forkserver) saved 3% of
    the wall time with the trigram index, and cost 8% with the word index (8.6 s inline,
    9.3 s pooled): preparing a page takes a few milliseconds, about what shipping it to a
    worker and back costs."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.template = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.template = configured_template(self.crawler.spider)

    def process_item(self, item: FetchedPage) -> FetchedPage:
        if item.status != 200 or item.rejected:
            return item  # not modified, gone, or not text: nothing to extract
        result = prepare(item.html, item.final_url, item.listing_title, item.listing_date,
                         self.template)
        # Nothing downstream needs the decoded copy; keep memory to one copy of each page.
        item.html = ""
        if isinstance(result, Rejected):
            item.rejected = result.reason
        else:
            item.transcript = result
        return item


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.progress = crawler.settings.getbool("BRIEFWATCH_PROGRESS")
        self.db = None
        self.template = None
        self.batch = None
        self.run = None
        self.own_run = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        from storage import runs

        context = self.crawler.spider.context
        self.template = configured_template(self.crawler.spider)
        self.db, self.batch = _shared_database(context.db_path)
        self.run = context.run
        if self.run is None:
            # Plain `scrapy crawl`: no briefwatch run wraps this crawl, so it is its own run.
            self.own_run = True
            self.run = runs.start(self.db, [context.source], {"backfill": context.backfill})

    def close_spider(self) -> None:
        from storage import runs

        if self.own_run:
            stats = {k.split("/", 1)[1]: v for k, v in self.crawler.stats.get_stats().items()
                     if k.startswith("briefwatch/")}
            stats["first_crawl"] = self.crawler.spider.context.first_crawl
            runs.finish(self.db, self.run, "completed", {self.crawler.spider.context.source: stats})
        _release_database(self.crawler.spider.context.db_path)

    def process_item(self, item: FetchedPage) -> FetchedPage:
        self._store(item)
        self.batch.wrote()
        return item

    def _store(self, item: FetchedPage) -> None:
        from storage.versions import Fetched, record, record_not_modified, record_suspect

        stats = self.crawler.stats
        if item.status == 304:
            outcome = record_not_modified(self.db, self.run, item.url)
            if outcome is not None:
                stats.inc_value("briefwatch/not_modified")
                stats.inc_value(f"briefwatch/{outcome.verb}")
                self._emit(item, outcome.verb, "304 Not Modified")
            return
        if item.status != 200 or item.rejected:
            reason = item.rejected or f"HTTP {item.status}"
            outcome = record_suspect(self.db, self.run, item.url, reason,
                                     http_status=item.status, gone=item.status in (404, 410))
            # A URL never stored that is not a transcript is merely rejected.
            verb = outcome.verb if outcome else "rejected"
            stats.inc_value(f"briefwatch/{verb}")
            self._emit(item, verb, reason)
            return
        prepared = item.transcript
        outcome = record(
            self.db,
            self.run,
            # Every field of a Prepared page is a field of Fetched; the fetch adds the rest.
            Fetched(source=item.source, url=item.url, http_status=item.status, etag=item.etag,
                    last_modified=item.last_modified, raw_html=item.body, **vars(prepared)),
            rehash_previous=functools.partial(_rehash, template=self.template),
            split_turns=split_turns,
        )
        stats.inc_value(f"briefwatch/{outcome.verb}")
        self._emit(item, outcome.verb, prepared.title)
        return

    def _emit(self, item: FetchedPage, verb: str, detail: str) -> None:
        if self.progress:
            line = {"event": "page", "source": item.source, "verb": verb, "url": item.url,
                    "detail": detail}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stdout.flush()


# One connection and one write batch per database for every spider of the crawl process: the
# spiders share the reactor's thread, and a second connection waiting for the first one's
# write lock would block that thread, and with it the commit it waits for.
_DATABASES: dict = {}


def _shared_database(path):
    from storage.db import WriteBatch, open_db

    if path not in _DATABASES:
        db = open_db(path)
        _DATABASES[path] = [db, WriteBatch(db), 0]
    entry = _DATABASES[path]
    entry[2] += 1
    return entry[0], entry[1]


def _release_database(path) -> None:
    entry = _DATABASES[path]
    entry[2] -= 1
    if entry[2] == 0:
        entry[1].commit()
        entry[0].close()
        del _DATABASES[path]


def configured_template(spider):
    """A source configured with its own selectors (the `listing` spider) brings a template."""
    hints = getattr(spider, "extract_template", None)
    return hints() if hints else None


def _rehash(raw: bytes, template=None) -> str | None:
    """The canonical hash the current extractor gives a stored page's raw HTML."""
    try:
        html, _ = decode_html(raw)
    except NotText:
        return None
    result = extract(html, "", template=template)
    return None if isinstance(result, Rejected) else canonical_hash(result.title, result.text)
