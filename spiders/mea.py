"""India's Ministry of External Affairs: media briefings, through the site's own endpoints.

Listing: /FrontEnd/FetchPublicationListingData?publicationId=49&…&page=N&PageSize=50&…
(49 media briefings, 50 speeches and statements, 51 press releases, 52 interviews; PLngId=1
English) answers HTML cards: `span.date` ("30 September, 2026", the posting date, maybe a day
after the briefing) and `h3.pressTitle a` → /media-briefings?dtl/<pkid>/<slug>. A transcript
is known by that public URL and fetched from /FrontEnd/FetchPublicationDetailData?pkid=<pkid>
&languageId=1. There is no page count: the next page is read while a page has cards (a later
crawl stops at the first page that brings nothing new).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from briefwatch.spiders.base import ListingItem, ListingSpider, next_by_query
from briefwatch.spiders.registry import SPIDERS

PUBLIC = re.compile(r"\?dtl/(\d+)/")
CARD_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


class MeaSpider(ListingSpider):
    name = "mea"
    spec = SPIDERS["mea"]
    article_path = PUBLIC

    def listing_items(self, response) -> list[ListingItem]:
        items = []
        for card in response.css("h3.pressTitle"):
            href = card.css("a::attr(href)").get()
            if not href:
                continue
            url = urljoin(response.url, href.strip())
            if not PUBLIC.search(url) or not self._allowed(url):
                continue
            title = " ".join(" ".join(card.css("a ::text").getall()).split())
            shown = " ".join(card.xpath("ancestor::*[.//span[@class='date']][1]"
                                        "//span[@class='date']/text()").getall()[:1])
            items.append(ListingItem(url, title, _card_date(shown)))
        return items

    def listing_links(self, response) -> list[str]:
        if not response.css("h3.pressTitle"):
            return []  # past the last card
        return [next_by_query(response.url)]

    def archived_article(self, url: str, listing_url: str) -> bool:
        return bool(PUBLIC.search(url))

    def article_request(self, url, item):
        request = super().article_request(url, item)
        match = PUBLIC.search(url)
        if request is None or not match:
            return request
        detail = urljoin(url, f"/FrontEnd/FetchPublicationDetailData?pkid={match[1]}"
                              "&languageId=1")
        return request.replace(url=detail)


def _card_date(text: str) -> str:
    match = CARD_DATE.search(text)
    if not match or match[2].lower() not in MONTHS:
        return ""
    return f"{int(match[3]):04d}-{MONTHS.index(match[2].lower()) + 1:02d}-{int(match[1]):02d}"
