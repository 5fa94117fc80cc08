"""The archive import's spider: for one source, the captures of each transcript in a web
archive, fetched raw, handed over like live pages (with where and when they were captured).

The archive answers about one request a second, so requests are what an import costs. It
lists every capture under the folders that hold the transcripts asked for (`prefixes`: CDX
prefix queries, paged with resumeKey, each row with its digest) and matches them here
(crawler.archive.matching); only a transcript at a host's root, or the one `--url` names, is
asked about alone. With `discover`, the URLs under a listing's folder or a room's old trees
that look like transcripts are taken too. A capture whose digest is the SHA-1 of a stored
version's bytes is handed over without being fetched (the recorder takes the version's);
one imported or fetched before is not fetched again; one that fails to download is not
recorded, so the next import tries it again. A SCIO briefing's later pages are fetched
with its first. Politeness is Scrapy's: the archive's delay, retries of 429 and 5xx.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import scrapy
from briefwatch.crawler.archive import cdx
from briefwatch.crawler.archive.matching import (
    KNOWN,
    MATCHED,
    SKIP,
    CaptureIndex,
    Prefix,
    discovered,
)
from briefwatch.crawler.context import CrawlContext
from briefwatch.crawler.extract import PAGE_SEPARATOR
from briefwatch.crawler.items import FetchedPage
from briefwatch.crawler.responses import count_failure, header, header_pairs, status_line
from scrapy.spiderloader import SpiderLoader
from w3lib.url import canonicalize_url


class ArchiveSpider(scrapy.Spider):
    name = "archive"
    custom_settings = {
        # The archive rate-limits: answers 429 and 5xx are retried ([archive] retries times).
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        # Captures in the order the archive lists them, oldest first: each then finds the
        # versions before it already stored (Scrapy's default queue is last in, first out).
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    }

    def __init__(self, *args, context: CrawlContext | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if context is None:
            raise ValueError("the archive spider needs a crawl context (crawler.plan)")
        self.context = context
        self.options = context.archive
        self.index = CaptureIndex(self.options.get("targets", []),
                                  self.options.get("digests", {}),
                                  self.options.get("remembered", {}),
                                  self.options.get("imported", []))
        self.prefixes = [Prefix(**p) for p in self.options.get("prefixes", [])]
        self.looked_up: set[str] = set()  # transcripts whose captures were asked for
        self.found: set[str] = set()  # transcripts discovered
        # Of a family that splits a transcript over pages: url key -> the capture times of
        # URLs listed that are not transcripts (later pages among them), so that a later page
        # is asked for at a time the archive has it (no redirect to the nearest).
        self.page_times: dict[str, list[str]] = {}
        self.fetched = 0
        self.schemes = {urlsplit(u).hostname: urlsplit(u).scheme for u in context.start_urls}
        for p in self.prefixes:  # a room's old hosts
            self.schemes.setdefault(urlsplit(f"http://{p.prefix}").hostname, p.scheme)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        own = SpiderLoader.from_settings(crawler.settings).load(spider.options["spider"])
        # The source's own spider says what a transcript URL looks like.
        spider.own = own(context=spider.context)
        # (as its from_crawler would: the hosts its URLs may be on, a room's old ones too)
        spider.own.hosts = set(spider.schemes)
        spider.splits_pages = hasattr(spider.own, "further_pages")
        return spider

    async def start(self):
        for url in self.options.get("one_by_one", ()):
            request = self._captures_request(url)
            if request:
                yield request
        for number, _ in enumerate(self.prefixes):
            yield self._prefix_request(number)

    # -- prefixes: every capture under a folder, matched here --------------------------------

    def _prefix_request(self, number: int, resume_key: str | None = None) -> scrapy.Request:
        url = cdx.prefix_captures_query(
            self.options["cdx_url"], self.prefixes[number].prefix,
            since=self.options.get("since"), until=self.options.get("until"),
            resume_key=resume_key)
        return scrapy.Request(url, callback=self.parse_prefix, errback=self.cdx_failed,
                              meta={"prefix": number}, dont_filter=True)

    def parse_prefix(self, response):
        found, resume = cdx.rows(self._json(response))
        self.crawler.stats.inc_value("briefwatch/cdx_queries")
        prefix = self.prefixes[response.meta["prefix"]]
        for row in found:
            url = cdx.live_url(row["original"], self.schemes)
            if self.index.wanted(url):
                yield from self._capture(url, row)
            elif prefix.discovers and urlsplit(url).hostname in self.schemes \
                    and discovered(prefix, url, self.own):
                if _key(url) not in self.found:
                    self.found.add(_key(url))
                    self.crawler.stats.inc_value("briefwatch/discovered")
                yield from self._capture(url, row)
            elif self.splits_pages:
                self.page_times.setdefault(_key(url), []).append(row["timestamp"])
        self._progress(f"{len(found)} captures listed under {prefix.prefix}")
        if resume:
            yield self._prefix_request(response.meta["prefix"], resume)

    # -- one transcript's captures (one --url, or a transcript at a host's root) --------------

    def _captures_request(self, url: str) -> scrapy.Request | None:
        key = _key(url)
        if key in self.looked_up:
            return None
        self.looked_up.add(key)
        query = cdx.captures_query(self.options["cdx_url"], url, since=self.options.get("since"),
                                   until=self.options.get("until"))
        return scrapy.Request(query, callback=self.parse_captures, errback=self.cdx_failed,
                              meta={"transcript_url": url}, dont_filter=True, priority=5)

    def parse_captures(self, response):
        found, _ = cdx.rows(self._json(response))
        self.crawler.stats.inc_value("briefwatch/cdx_queries")
        for row in found:
            yield from self._capture(response.meta["transcript_url"], row)

    def _capture(self, url: str, row: dict):
        """A listed capture of `url`: skipped, counted as known, recorded from the version
        whose bytes it has, or fetched."""
        stats = self.crawler.stats
        verdict = self.index.decide(url, row["timestamp"], row["original"], row.get("digest"))
        if verdict == SKIP:
            return
        stats.inc_value("briefwatch/captures")
        capture = cdx.replay_url(self.options["replay_url"], row["timestamp"], row["original"])
        if verdict == KNOWN:
            stats.inc_value("briefwatch/captures_known")
        elif verdict == MATCHED:
            stats.inc_value("briefwatch/skipped_by_digest")
            yield FetchedPage(source=self.context.source, url=url, final_url=url, status=200,
                              body=b"", html="", capture_url=capture,
                              captured_at=cdx.iso(row["timestamp"]),
                              capture_digest=cdx.digest_hex(row.get("digest")),
                              capture_known=True)
        else:
            request = self._capture_request(capture, url, row["timestamp"])
            request.meta["digest"] = cdx.digest_hex(row.get("digest"))
            yield request

    def _progress(self, what: str) -> None:
        stats = self.crawler.stats
        self.logger.info("%s: %s; %d captures, %d skipped by digest, %d known, %d requests",
                         self.context.source, what, stats.get_value("briefwatch/captures", 0),
                         stats.get_value("briefwatch/skipped_by_digest", 0),
                         stats.get_value("briefwatch/captures_known", 0),
                         stats.get_value("downloader/request_count", 0))

    def _capture_request(self, capture: str, url: str, timestamp: str) -> scrapy.Request:
        # Redirects are looked at, not followed: the archive redirects to the nearest capture
        # of the same URL (followed here), or replays a redirect the site served (rejected).
        return scrapy.Request(capture, callback=self.parse_capture, errback=self.capture_failed,
                              dont_filter=True, priority=10,
                              meta={"transcript_url": url, "capture_url": capture,
                                    "timestamp": timestamp, "dont_redirect": True,
                                    "handle_httpstatus_list": [301, 302, 303, 307, 308]})

    def parse_capture(self, response):
        meta = response.meta
        url = meta["transcript_url"]
        if 300 <= response.status < 400:
            yield from self._redirected(response)
            return
        landed = cdx.from_replay(response.url)
        timestamp = landed[0] if landed else meta["timestamp"]
        page = FetchedPage(
            source=self.context.source, url=url,
            final_url=url, status=response.status, body=cdx.ungzip(response.body), html="",
            content_type=header(response, b"Content-Type"),
            status_line=status_line(response),
            headers=cdx.original_headers(header_pairs(response)),
            capture_url=meta["capture_url"], captured_at=cdx.iso(timestamp),
            capture_digest=meta.get("digest"),
        )
        if landed and _key(cdx.live_url(landed[1], self.schemes)) != _key(url):
            # The archive recorded a redirect elsewhere: the site's error page, most often.
            page.rejected = f"the capture redirects to {landed[1]}"
        elif not isinstance(response, scrapy.http.TextResponse):
            page.rejected = "not an HTML page"
        self.fetched += 1
        if self.fetched % 25 == 0:
            self._progress(f"{self.fetched} captures fetched")
        more = self._later_pages(response, url) if not page.rejected else []
        if more:
            yield self._later_page(page, timestamp, more, [(page.body, page.content_type)])
            return
        yield page

    # -- a briefing over several pages (SCIO) ---------------------------------------------

    def _later_pages(self, response, url: str) -> list[str]:
        """The later pages of a briefing split over several (the source's spider knows how
        to find them, from the first page as the site served it)."""
        further = getattr(self.own, "further_pages", None)
        if further is None or response.status != 200:
            return []
        return further(response.replace(url=url))

    def _later_page(self, page: FetchedPage, timestamp: str, remaining: list[str],
                    fetched: list) -> scrapy.Request:
        # The capture of the later page nearest the first page's (listed under the prefix, or
        # else the archive redirects there).
        times = self.page_times.get(_key(remaining[0]))
        at = min(times, key=lambda t: abs(int(t) - int(timestamp))) if times else timestamp
        return scrapy.Request(
            cdx.replay_url(self.options["replay_url"], at, remaining[0]),
            callback=self._parse_later, errback=self.capture_failed, dont_filter=True,
            priority=11, meta={"page": page, "timestamp": timestamp,
                               "remaining": remaining[1:], "fetched": fetched,
                               "handle_httpstatus_list": [404]})

    def _parse_later(self, response):
        meta = response.meta
        page = meta["page"]
        if response.status == 404 or not isinstance(response, scrapy.http.TextResponse):
            # The archive lacks a later page: the capture is not the whole briefing.
            page.rejected = f"page {len(meta['fetched']) + 1} of the briefing is not archived"
            page.body = b""
            yield page
            return
        fetched = [*meta["fetched"], (cdx.ungzip(response.body),
                                      header(response, b"Content-Type"))]
        if meta["remaining"]:
            yield self._later_page(page, meta["timestamp"], meta["remaining"], fetched)
            return
        # One transcript: the pages' HTML joined as the live spider joins them.
        page.body = PAGE_SEPARATOR.encode().join(body for body, _ in fetched)
        yield page

    def _redirected(self, response):
        meta = response.meta
        location = response.urljoin(header(response, b"Location") or "")
        target = cdx.from_replay(location)
        if target and _key(cdx.live_url(target[1], self.schemes)) == _key(meta["transcript_url"]) \
                and meta.get("hops", 0) < 3:
            request = self._capture_request(location, meta["transcript_url"], target[0])
            request.meta["hops"] = meta.get("hops", 0) + 1
            request.meta["capture_url"] = meta["capture_url"]
            request.meta["digest"] = meta.get("digest")
            yield request
            return
        yield FetchedPage(
            source=self.context.source, url=meta["transcript_url"],
            final_url=meta["transcript_url"], status=response.status, body=b"", html="",
            capture_url=meta["capture_url"], captured_at=cdx.iso(meta["timestamp"]),
            capture_digest=meta.get("digest"),
            rejected=f"the capture is a redirect to {target[1] if target else location}")

    # -- failures ------------------------------------------------------------------------

    def cdx_failed(self, failure):
        self._failed("cdx_failed", failure)

    def capture_failed(self, failure):
        self._failed("failed", failure)

    def _failed(self, kind: str, failure) -> None:
        count_failure(self, kind, failure)

    @staticmethod
    def _json(response):
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError):
            return []


def _key(url: str) -> str:
    return canonicalize_url(url).split("://", 1)[-1]

