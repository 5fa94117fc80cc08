"""Russia's Ministry of Foreign Affairs (mid.ru): the spokesperson's briefings, Russian and
English.

/ru/press_service/spokesman/briefings/ and /en/press_service/spokesman/briefings/ (also
answers/, kommentarii/ or comments/, official_statement/). robots.txt forbids the pager
(`Disallow: /*?PAGEN`): only page 1 of each listing is read, items `a.announce__link` →
`…/<6-8 digit id>/`; older briefings come from a web archive (`briefwatch archive`).
mid.ru's certificate chains to a Russian state CA that common trust stores lack: give the
source `ca_bundle` (a PEM file) and its certificates are verified against it
(crawler.tls); without it, a warning says they are not verified.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from spiders.base import ListingItem, ListingSpider
from spiders.registry import SPIDERS


class MidSpider(ListingSpider):
    name = "mid"
    spec = SPIDERS["mid"]
    article_path = re.compile(r"/\d{6,8}/$")

    def listing_items(self, response) -> list[ListingItem]:
        items = {}
        for link in response.css("a.announce__link[href]"):
            url = urljoin(response.url, link.attrib["href"].strip())
            if self._allowed(url) and self.is_article(url, "", response):
                title = " ".join(" ".join(link.css("::text").getall()).split())
                items.setdefault(url, ListingItem(url, title, ""))
        return list(items.values())

    def listing_links(self, response) -> list[str]:
        return []  # robots.txt forbids ?PAGEN_1=N: page 1 only
