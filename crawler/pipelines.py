"""Item pipelines: extract the transcript from a fetched page, then record it."""

from __future__ import annotations

import json
import sys

from w3lib.encoding import html_to_unicode

from crawler.extract import Rejected, extract
from crawler.items import FetchedPage
from crawler.normalize import canonical_hash, text_hash


class ExtractPipeline:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item: FetchedPage) -> FetchedPage:
        result = extract(item.html, item.final_url, listing_title=item.listing_title,
                         listing_date=item.listing_date)
        if isinstance(result, Rejected):
            item.rejected = result.reason
        else:
            item.transcript = result
        # Nothing downstream needs the decoded copy; keep memory to one copy of each page.
        item.html = ""
        return item


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.progress = crawler.settings.getbool("BRIEFWATCH_PROGRESS")
        self.db = None
        self.run = None
        self.own_run = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        from storage import runs
        from storage.db import open_db

        context = self.crawler.spider.context
        self.db = open_db(context.db_path)
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
            runs.finish(self.db, self.run, "completed", {self.crawler.spider.context.source: stats})
        self.db.close()

    def process_item(self, item: FetchedPage) -> FetchedPage:
        from storage.versions import Fetched, record

        stats = self.crawler.stats
        if item.rejected:
            stats.inc_value("briefwatch/rejected")
            self._emit(item, "rejected", item.rejected)
            return item
        transcript = item.transcript
        outcome = record(
            self.db,
            self.run,
            Fetched(
                source=item.source,
                url=item.url,
                title=transcript.title,
                published=transcript.published.isoformat() if transcript.published else None,
                text=transcript.text,
                text_hash=text_hash(transcript.text),
                canonical_hash=canonical_hash(transcript.title, transcript.text),
                extractor=transcript.extractor,
                http_status=item.status,
                etag=item.etag,
                last_modified=item.last_modified,
                raw_html=item.body,
            ),
            rehash_previous=_rehash,
        )
        stats.inc_value(f"briefwatch/{outcome.verb}")
        self._emit(item, outcome.verb, transcript.title)
        return item

    def _emit(self, item: FetchedPage, verb: str, detail: str) -> None:
        if self.progress:
            line = {"event": "page", "source": item.source, "verb": verb, "url": item.url,
                    "detail": detail}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
            sys.stdout.flush()


def _rehash(raw: bytes) -> str | None:
    """The canonical hash the current extractor gives a stored page's raw HTML."""
    _, html = html_to_unicode(None, raw)
    result = extract(html, "")
    return None if isinstance(result, Rejected) else canonical_hash(result.title, result.text)
