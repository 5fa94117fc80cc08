"""State Council Information Office press conferences (china.org.cn, english.scio.gov.cn).

Listings `node_NNNNNNN.htm`, `node_NNNNNNN_2.htm` …; a briefing `…/YYYY-MM/DD/content_N.htm`
is often split over `content_N_2.htm` … `content_N_10.htm` (a pager `1 2 … 10 >`): all its
pages are fetched in order and stored as one transcript. "Notice of … press conference" items
announce a briefing; they are not transcripts.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import scrapy
from briefwatch.crawler.decode import NotText, decode_html
from briefwatch.crawler.extract import PAGE_SEPARATOR
from briefwatch.spiders.base import ListingSpider
from briefwatch.spiders.registry import SPIDERS

NOTICE = re.compile(r"^\s*notice\b", re.IGNORECASE)
CONTENT = re.compile(r"/content_(\d+)(?:_(\d+))?\.html?$")


class ScioSpider(ListingSpider):
    name = "scio"
    spec = SPIDERS["scio"]
    article_path = re.compile(r"/content_\d+\.html?$")
    listing_containers = ("div.columns1", "div.list", "ul.list")
    # The first page's validators say nothing of pages 2…N, where an edit may be: a revisit
    # fetches every page.
    conditional_revisits = False

    def is_article(self, url: str, title: str, listing) -> bool:
        return super().is_article(url, title, listing) and not NOTICE.match(title)

    def parse_article(self, response):
        if response.status == 304 or not isinstance(response, scrapy.http.TextResponse):
            yield from super().parse_article(response)
            return
        more = self.further_pages(response)
        page = next(iter(super().parse_article(response)))
        if not more or page.rejected:
            yield page
            return
        yield self._next_page(page, more, [(response.body, _content_type(response))])

    def further_pages(self, response) -> list[str]:
        """content_N_2.htm … of this briefing, in page order, from its pager."""
        first = CONTENT.search(urlsplit(response.url).path)
        if not first:
            return []
        pages = {}
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip())
            match = CONTENT.search(urlsplit(url).path)
            if match and match[1] == first[1] and match[2] and self._allowed(url):
                pages[int(match[2])] = url
        return [pages[k] for k in sorted(pages) if k >= 2]

    def _next_page(self, page, remaining: list[str], fetched: list) -> scrapy.Request:
        # Only plain data in meta: in cluster mode this request is stored in Redis and may be
        # taken by another worker.
        return scrapy.Request(
            remaining[0], callback=self._parse_more, errback=self.article_failed,
            dont_filter=True, priority=1,
            meta={"page": page, "remaining": remaining[1:], "fetched": fetched,
                  "transcript_url": page.url},
        )

    def _parse_more(self, response):
        fetched = [*response.meta["fetched"], (response.body, _content_type(response))]
        page = response.meta["page"]
        if response.meta["remaining"]:
            yield self._next_page(page, response.meta["remaining"], fetched)
            return
        # One transcript: the pages' HTML joined by a marker the extractor splits on again.
        try:
            page.html = PAGE_SEPARATOR.join(decode_html(body, kind)[0] for body, kind in fetched)
        except NotText as exc:
            page.rejected = str(exc)
        page.body = PAGE_SEPARATOR.encode().join(body for body, _ in fetched)
        yield page


def _content_type(response) -> bytes | None:
    return response.headers.get(b"Content-Type")
