"""The archive import's spider: for one source, the captures of each transcript in a web
archive, fetched raw, handed over like live pages (with where and when they were captured).

Asked for `targets` (transcript URLs), it queries the CDX API for each; with `discover`, it
first lists every URL the archive holds under the source's listing folders, keeps those its
own spider takes for transcripts, and looks up those too. Captures already imported
(`imported`) are not fetched again; one that fails to download is not recorded, so the next
import tries it again. Politeness is Scrapy's: the archive's delay, retries of 429 and 5xx.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import scrapy
from briefwatch.crawler.archive import cdx
from briefwatch.crawler.context import CrawlContext
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
        self.imported = frozenset(self.options.get("imported", ()))
        self.looked_up: set[str] = set()  # transcripts whose captures were asked for
        self.schemes = {urlsplit(u).hostname: urlsplit(u).scheme for u in context.start_urls}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        own = SpiderLoader.from_settings(crawler.settings).load(spider.options["spider"])
        # The source's own spider says what a transcript URL looks like.
        spider.own = own(context=spider.context)
        return spider

    async def start(self):
        for url in self.options.get("targets", ()):
            request = self._captures_request(url)
            if request:
                yield request
        if self.options.get("discover"):
            for listing in self.context.start_urls:
                yield self._prefix_request(listing)

    # -- discovery -----------------------------------------------------------------------

    def _prefix_request(self, listing: str, resume_key: str | None = None) -> scrapy.Request:
        parts = urlsplit(listing)
        folder = parts.path.rsplit("/", 1)[0] + "/"
        prefix = f"{parts.netloc}{folder}"
        url = cdx.prefix_query(self.options["cdx_url"], prefix, since=self.options.get("since"),
                               until=self.options.get("until"), resume_key=resume_key)
        return scrapy.Request(url, callback=self.parse_prefix, errback=self.cdx_failed,
                              meta={"listing": listing}, dont_filter=True)

    def parse_prefix(self, response):
        found, resume = cdx.rows(self._json(response))
        self.crawler.stats.inc_value("briefwatch/cdx_queries")
        listing = response.meta["listing"]
        for row in found:
            url = cdx.live_url(row["original"], self.schemes)
            if urlsplit(url).hostname not in self.schemes:
                continue
            if not self.own.archived_article(url, listing):
                continue
            request = self._captures_request(url)
            if request:
                self.crawler.stats.inc_value("briefwatch/discovered")
                yield request
        if resume:
            yield self._prefix_request(listing, resume)

    # -- captures ------------------------------------------------------------------------

    def _captures_request(self, url: str) -> scrapy.Request | None:
        key = canonicalize_url(url).split("://", 1)[-1]
        if key in self.looked_up:
            return None
        self.looked_up.add(key)
        query = cdx.captures_query(self.options["cdx_url"], url, since=self.options.get("since"),
                                   until=self.options.get("until"))
        return scrapy.Request(query, callback=self.parse_captures, errback=self.cdx_failed,
                              meta={"transcript_url": url}, dont_filter=True, priority=5)

    def parse_captures(self, response):
        found, _ = cdx.rows(self._json(response))
        stats = self.crawler.stats
        stats.inc_value("briefwatch/cdx_queries")
        url = response.meta["transcript_url"]
        digests: set[str] = set()
        for row in found:
            if row.get("digest") in digests:
                continue  # identical to an earlier capture, not its neighbour
            digests.add(row.get("digest"))
            stats.inc_value("briefwatch/captures")
            capture = cdx.replay_url(self.options["replay_url"], row["timestamp"], row["original"])
            if capture in self.imported:
                stats.inc_value("briefwatch/captures_known")
                continue
            yield self._capture_request(capture, url, row["timestamp"])

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
        )
        if landed and _key(cdx.live_url(landed[1], self.schemes)) != _key(url):
            # The archive recorded a redirect elsewhere: the site's error page, most often.
            page.rejected = f"the capture redirects to {landed[1]}"
        elif not isinstance(response, scrapy.http.TextResponse):
            page.rejected = "not an HTML page"
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
            yield request
            return
        yield FetchedPage(
            source=self.context.source, url=meta["transcript_url"],
            final_url=meta["transcript_url"], status=response.status, body=b"", html="",
            capture_url=meta["capture_url"], captured_at=cdx.iso(meta["timestamp"]),
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

