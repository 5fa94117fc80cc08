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
from urllib.parse import urljoin, urlsplit

from briefwatch.spiders.base import ListingItem, ListingSpider
from briefwatch.spiders.registry import SPIDERS


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

    async def start(self):
        secure = [u for u in self.context.start_urls if u.startswith("https://")]
        if secure and not self.context.options.get("ca_bundle"):
            self.warn(f"{urlsplit(secure[0]).hostname}'s certificate chains to a CA that common "
                      "trust stores lack (mid.ru: a Russian state CA); its pages are fetched "
                      "without verifying it. To verify it, set ca_bundle = \"FILE.pem\" on "
                      "the source (a PEM file holding that CA)")
        async for request in super().start():
            yield request

    def _failed(self, kind: str, failure) -> None:
        super()._failed(kind, failure)
        bundle = self.context.options.get("ca_bundle")
        if bundle and "certificate verify failed" in repr(failure.value):
            self.warn(f"{urlsplit(failure.request.url).hostname}'s certificate did not verify "
                      f"against ca_bundle {bundle}: not fetched. Check that the file holds the "
                      "CA the site's chain ends in")
