"""The listing → transcript pattern shared by every briefing archive.

A listing page links transcripts and says (in a script) how many listing pages there are.
The first crawl, or --backfill, walks every page; later crawls read page after page only while
each brings a transcript not seen before. Known transcripts are re-fetched only when the
context says so (recent ones, to catch edits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import scrapy
from briefwatch.crawler.claims import Claims
from briefwatch.crawler.context import CrawlContext
from briefwatch.crawler.items import FetchedPage
from briefwatch.crawler.responses import count_failure, header, header_pairs, status_line
from scrapy.http import Response
from scrapy.utils.misc import load_object
from w3lib.url import canonicalize_url

COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
CURRENT_PAGE = re.compile(r"\bcurrentPage\s*=\s*(\d+)")
CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,"
    r"\s*['\"](\w+)['\"]"
)
SCRIPT_STEM = re.compile(r"['\"](\w+)['\"]\s*\+\s*['\"]_['\"]")
SCRIPT_EXT = re.compile(r"['\"]\.['\"]\s*\+\s*['\"](\w+)['\"]")
FILE_STEM = re.compile(r"([A-Za-z]\w*?)(?:_\d+)?\.(\w+)$")
LISTING_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# An injected bot trap on fmprc.gov.cn: following it gets a crawler banned.
TRAP = re.compile(r"pepp4_", re.IGNORECASE)
GONE = (404, 410)
# A listing page is tens of KB; parsed, a 16 MB one took 200 MB of lxml's memory. Past this,
# its download is cancelled and the listing counted as failed, saying why (Scrapy's
# per-request download_maxsize; transcripts keep DOWNLOAD_MAXSIZE).
MAX_LISTING_BYTES = 4 * 1024 * 1024
# Transcripts read from one listing page: the briefing rooms' pages list tens. A page listing
# 100,000 (a hostile or broken one) took the crawl process to 583 MB, each link a request
# queued; past this, the rest of the page is left and the crawl says so.
MAX_LISTING_ITEMS = 2000
NEXT_TEXT = re.compile(r"^(?:next(?: page)?|下一页|下页|>|»|›|next\s*[>»›])$", re.IGNORECASE)


@dataclass(frozen=True)
class ListingItem:
    url: str
    title: str
    date: str  # YYYY-MM-DD or ""


@dataclass(frozen=True)
class Pagination:
    count: int
    current: int
    stem: str
    ext: str

    def url(self, base: str, page: int) -> str:
        name = f"{self.stem}.{self.ext}" if page == 0 else f"{self.stem}_{page}.{self.ext}"
        return urljoin(base, name)


class ListingSpider(scrapy.Spider):
    """Subclasses set `article_path` and, optionally, `listing_containers` and
    `series_title`."""

    article_path: re.Pattern = re.compile(r"$^")
    listing_containers: tuple[str, ...] = ()
    # The titles of the family's transcripts. A listing may link a transcript kept in another
    # folder of the same site (a site that moved its columns and links both, as the Foreign
    # Ministry's 2021-10-19 conference): such a link is followed when it is one of the
    # listing's items (inside a listing container, never the page's navigation), with the
    # family's article URL pattern and a title of the series. None: only the listing's folder.
    series_title: re.Pattern | None = None
    conditional_revisits = True

    def __init__(self, *args, context: CrawlContext | None = None, source: str | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        self.source_name = source
        self.claims = self.make_claims()

    def make_claims(self) -> Claims:
        return Claims()

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        standalone = settings.get("BRIEFWATCH_STANDALONE")
        if standalone:
            # Plain `scrapy crawl NAME`: the config file's [crawl] table still applies.
            load_object(f"{standalone}.apply_crawl_settings")(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.context is None:
            # Started by plain `scrapy crawl NAME`: take the source from the config file.
            standalone = crawler.settings.get("BRIEFWATCH_STANDALONE")
            if not standalone:
                raise ValueError(f"spider {cls.name!r} needs a crawl context (crawler.plan)")
            spider.context = load_object(f"{standalone}.context_for")(
                crawler.settings, cls.name, spider.source_name)
        spider.hosts = {urlsplit(u).hostname for u in spider.context.start_urls}
        spider.allowed_domains = sorted(spider.hosts)
        return spider

    async def start(self):
        for url in self.context.start_urls if self.context.walk_listings else ():
            request = scrapy.Request(url, callback=self.parse_listing,
                                     errback=self.listing_failed, priority=10,
                                     meta={"listing_root": url,
                                           "download_maxsize": MAX_LISTING_BYTES},
                                     dont_filter=True)
            self.claims.claim("listing", self._key(url), request)
            yield request
        for url in self.context.revisit:
            request = self.article_request(url, ListingItem(url, "", ""))
            if request:
                yield self.conditional(request)

    # -- listing pages -------------------------------------------------------------------------

    def parse_listing(self, response: Response):
        if not isinstance(response, scrapy.http.TextResponse):
            return
        self.crawler.stats.inc_value("briefwatch/listing_pages")
        self.claims.claim("listing", self._key(response.url))
        items = self.listing_items(response)
        self.note_reach(response, items)
        fresh = [item for item in items if self._key(item.url) not in self._known_keys]
        for item in fresh:
            request = self.article_request(item.url, item)
            if request:
                yield request
        further = [u for u in self.listing_links(response)
                   if not self.claims.claimed("listing", self._key(u))]
        if not self.context.backfill:
            # Later crawls read on only while a page brings something new.
            further = further[:1] if fresh else []
        for url in further:
            request = scrapy.Request(url, callback=self.parse_listing,
                                     errback=self.listing_failed, priority=5,
                                     meta={"download_maxsize": MAX_LISTING_BYTES})
            if self._listing_budget_left() and self.claims.claim("listing", self._key(url),
                                                                  request):
                yield request

    def note_reach(self, response: Response, items: list[ListingItem]) -> None:
        """On the last page of a listing the CMS still serves: how far back the listing
        reaches (sites cap their listings; what lies before is for the archive import)."""
        pagination = self.pagination(response)
        if pagination is None or pagination.current + 1 < pagination.count:
            return
        dates = [d for d in (item.date or _date_in(item) for item in items) if d]
        stats = self.crawler.stats
        stats.max_value("briefwatch/listing_page_count", pagination.count)
        if dates:
            stats.min_value("briefwatch/listing_reaches_back_to", min(dates))

    def _listing_budget_left(self) -> bool:
        max_pages = self.context.options.get("max_pages")
        return not max_pages or self.claims.count("listing") < max_pages

    def listing_links(self, response: Response) -> list[str]:
        """The further listing pages this page leads to, in reading order."""
        pagination = self.pagination(response)
        if pagination is not None:
            if self.context.backfill:
                # Every page is known from the first; later pages repeat the same script.
                pages = range(1, pagination.count) if pagination.current == 0 else []
            else:
                pages = [pagination.current + 1] if pagination.current + 1 < pagination.count \
                    else []
            return [pagination.url(response.url, page) for page in pages]
        return self.linked_pages(response)

    def linked_pages(self, response: Response) -> list[str]:
        """Pages reached by a "Next" link or numbered links, for listings without a script."""
        nexts, numbered = [], []
        folder = _folder(response.url)
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            if href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = urljoin(response.url, href)
            if not self._allowed(url) or self._key(url) == self._key(response.url):
                continue
            text = " ".join(" ".join(link.css("::text").getall()).split())
            rel = link.attrib.get("rel", "") + " " + link.attrib.get("class", "")
            if NEXT_TEXT.match(text) or re.search(r"\bnext\b", rel, re.IGNORECASE):
                nexts.append(url)
            elif text.isdigit() and urlsplit(url).path.startswith(folder):
                numbered.append((int(text), url))
        return list(dict.fromkeys(nexts + [url for _, url in sorted(numbered)]))

    def listing_items(self, response: Response) -> list[ListingItem]:
        """The transcripts a listing page links, in its order: at most MAX_LISTING_ITEMS.
        Links are read from lxml's elements as they come (parsel's selectors, one object per
        link, cost 100 MB on a page of 100,000 links)."""
        scope, contained = [response.selector.root], False
        for css in self.listing_containers:
            found = response.css(css)
            if found:
                scope, contained = [s.root for s in found], True
                break
        seen: set[str] = set()
        items = []
        for root in scope:
            for link in root.iter("a"):
                href = link.get("href")
                if href is None:
                    continue
                url = urljoin(response.url, href.strip())
                title = " ".join(" ".join(link.itertext()).split())  # as parsel's ::text
                if url in seen or not self._allowed(url):
                    continue
                if not self.is_article(url, title, response) and not (
                        contained and self.moved_article(url, title)):
                    continue
                seen.add(url)
                if len(items) == MAX_LISTING_ITEMS:
                    self.warn(f"listing page {response.url} links more than "
                              f"{MAX_LISTING_ITEMS:,} transcripts; only the first "
                              f"{MAX_LISTING_ITEMS:,} were read (a listing page lists tens)")
                    return items
                around = " ".join(link.xpath("ancestor::li[1]//text()")) or \
                    " ".join(link.xpath("..//text()"))
                date = LISTING_DATE.search(around)
                items.append(ListingItem(
                    url, title,
                    f"{int(date[1]):04d}-{int(date[2]):02d}-{int(date[3]):02d}" if date else "",
                ))
        return items

    def warn(self, message: str) -> None:
        """Said at the end of the crawl (`briefwatch crawl` prints a source's warnings)."""
        said = self.crawler.stats.get_value("briefwatch/warnings") or []
        if message not in said:
            self.crawler.stats.set_value("briefwatch/warnings", [*said, message])

    def is_article(self, url: str, title: str, listing: Response) -> bool:
        """A transcript link: under the listing's folder, with the family's URL pattern."""
        return self.archived_article(url, listing.url)

    def moved_article(self, url: str, title: str) -> bool:
        """A listed transcript in another folder of the same site (the caller checked the host
        and that the link is one of the listing's items): the family's article URL pattern and
        a title of the series (`series_title`)."""
        return (self.series_title is not None and bool(self.series_title.search(title))
                and bool(self.article_path.search(urlsplit(url).path)))

    def archived_article(self, url: str, listing_url: str) -> bool:
        """A transcript URL found without its link text (in a web archive's index): under
        the listing's folder, with the family's URL pattern."""
        path = urlsplit(url).path
        return path.startswith(_folder(listing_url)) and bool(self.article_path.search(path))

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme in ("http", "https") and parts.hostname in self.hosts
                and not TRAP.search(url))

    def pagination(self, response: Response) -> Pagination | None:
        text = response.text
        match = CREATE_PAGE_HTML.search(text)
        if match:
            return Pagination(int(match[1]), int(match[2]), match[3], match[4])
        count, current = COUNT_PAGE.search(text), CURRENT_PAGE.search(text)
        if not count:
            return None
        stem, ext = SCRIPT_STEM.search(text), SCRIPT_EXT.search(text)
        from_url = FILE_STEM.search(urlsplit(response.url).path.rsplit("/", 1)[-1])
        return Pagination(
            count=int(count[1]),
            current=int(current[1]) if current else 0,
            stem=stem[1] if stem else (from_url[1] if from_url else "index"),
            ext=ext[1] if ext else (from_url[2] if from_url else "html"),
        )

    # -- transcripts -------------------------------------------------------------------------

    def article_request(self, url: str, item: ListingItem) -> scrapy.Request | None:
        # dont_filter: removed transcripts all redirect to one error page, and Scrapy's
        # duplicate filter would silently drop every redirect after the first; this spider
        # de-duplicates transcript URLs itself.
        request = scrapy.Request(
            url, callback=self.parse_article, errback=self.article_failed, dont_filter=True,
            meta={"listing_title": item.title, "listing_date": item.date, "transcript_url": url,
                  # a transcript that is gone is news, not a failure
                  "handle_httpstatus_list": list(GONE)},
        )
        return request if self.claims.claim("article", self._key(url), request) else None

    def conditional(self, request: scrapy.Request) -> scrapy.Request:
        """A revisit asks "changed since?": a 304 answer costs no body and no extraction."""
        # Validators are stored by the transcript's URL, which a spider may fetch from
        # elsewhere (MEA: its detail endpoint).
        etag, modified = self.context.validators.get(
            request.meta.get("transcript_url", request.url), (None, None))
        if not self.conditional_revisits:
            return request
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        if not headers:
            return request
        request.headers.update(headers)
        request.meta["handle_httpstatus_list"] = [*request.meta["handle_httpstatus_list"], 304]
        return request

    def parse_article(self, response: Response):
        if response.status == 304 or response.status in GONE:
            yield FetchedPage(source=self.context.source, url=response.meta["transcript_url"],
                              final_url=response.url, status=response.status, body=b"", html="")
            return
        page = FetchedPage(
            source=self.context.source,
            url=response.meta["transcript_url"],
            final_url=response.url,
            status=response.status,
            body=response.body,
            html="",
            etag=header(response, b"ETag"),
            last_modified=header(response, b"Last-Modified"),
            listing_title=response.meta.get("listing_title", ""),
            listing_date=response.meta.get("listing_date", ""),
            content_type=header(response, b"Content-Type"),
            status_line=status_line(response),
            headers=header_pairs(response),
        )
        if not isinstance(response, scrapy.http.TextResponse):
            page.rejected = "not an HTML page"
        yield page

    def article_failed(self, failure):
        self._failed("failed", failure)

    def listing_failed(self, failure):
        self._failed("listing_failed", failure)

    def _failed(self, kind: str, failure) -> None:
        count_failure(self, kind, failure)

    # -- helpers -----------------------------------------------------------------------------

    @property
    def _known_keys(self) -> frozenset[str]:
        keys = getattr(self, "_known_key_cache", None)
        if keys is None:
            keys = self._known_key_cache = frozenset(self._key(u) for u in self.context.known)
        return keys

    @staticmethod
    def _key(url: str) -> str:
        # http and https links to the same page are one transcript.
        return canonicalize_url(url).split("://", 1)[-1]


def next_by_query(url: str, key: str = "page") -> str:
    """The next page of a listing paged by a query parameter (`…&page=2&…`), the other
    parameters kept in their order."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    page = next((int(v) for k, v in query if k == key and v.isdigit()), 1)
    if not any(k == key for k, _ in query):
        query.append((key, "1"))
    query = [(k, str(page + 1) if k == key else v) for k, v in query]
    return urlunsplit(parts._replace(query=urlencode(query)))


URL_DATE = re.compile(r"/t(\d{4})(\d{2})(\d{2})_\d+")


def _date_in(item: ListingItem) -> str:
    """A listed item's date from its title, else from its URL (tYYYYMMDD_N)."""
    from briefwatch.crawler.extract import date_from_text

    found = date_from_text(item.title)
    if found:
        return found.isoformat()
    match = URL_DATE.search(item.url)
    return f"{match[1]}-{match[2]}-{match[3]}" if match else ""


def _folder(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[0] + "/"
