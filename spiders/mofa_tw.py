"""Taiwan's Ministry of Foreign Affairs: press releases and statements, English and Chinese.

www.mofa.gov.tw (Chinese: 新聞稿 n=96&sms=74, 聲明及回應 n=97&sms=75) and en.mofa.gov.tw
(Press Releases n=1329&sms=272, Statements and Responses n=1330&sms=274). Listings
`News.aspx?n=…&sms=…&page=N&PageSize=100`: table rows with a `td[data-title]` date
(`<span>YYYY-MM-DD</span>`) and a link `News_Content.aspx?n=…&s=<id>`. The listing's date is
the item's date (the dateline in the body is not). Rows are only roughly in date order; there
is no page count: the next page is read while a page has rows.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from briefwatch.spiders.base import LISTING_DATE, ListingItem, ListingSpider, next_by_query
from briefwatch.spiders.registry import SPIDERS

ARTICLE = re.compile(r"/News_Content\.aspx\?(?:.*&)?s=[0-9A-Fa-f]+")


class MofaTwSpider(ListingSpider):
    name = "mofa-tw"
    spec = SPIDERS["mofa-tw"]
    article_path = ARTICLE

    def listing_items(self, response) -> list[ListingItem]:
        items = []
        for row in response.css("tr"):
            link = row.css("a[href*='News_Content.aspx']")
            if not link:
                continue
            url = urljoin(response.url, link[0].attrib["href"].strip())
            if not self._allowed(url):
                continue
            title = link[0].attrib.get("title") or " ".join(
                " ".join(link[0].css("::text").getall()).split())
            shown = " ".join(row.css("td[data-title] span::text").getall())
            date = LISTING_DATE.search(shown)
            items.append(ListingItem(url, title, f"{int(date[1]):04d}-{int(date[2]):02d}-"
                                                 f"{int(date[3]):02d}" if date else ""))
        return items

    def listing_links(self, response) -> list[str]:
        if not response.css("a[href*='News_Content.aspx']"):
            return []  # past the last row
        return [next_by_query(response.url)]

    def archived_article(self, url: str, listing_url: str) -> bool:
        return bool(ARTICLE.search(url))
