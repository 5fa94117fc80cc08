"""The US State Department's press briefings.

The live site (www.state.gov/department-press-briefings/, WordPress: `page/N/` listings,
items `a.collection-result__link`) answers bots 403: a source on it is reported blocked, and
not retried in a loop. The 2021-2025 archive (2021-2025.state.gov) is read through its
sitemap, `state_briefing-sitemap.xml`: every `<loc>` whose slug says "press-briefing". Both
sites share the article template (crawler.rooms: "state").
"""

from __future__ import annotations

import re

from briefwatch.spiders.base import ListingItem, ListingSpider
from briefwatch.spiders.registry import SPIDERS

BRIEFING_SLUG = re.compile(r"/[^/]*press-briefing[^/]*/?$")


class StateSpider(ListingSpider):
    name = "state"
    spec = SPIDERS["state"]
    article_path = re.compile(r"/briefings/[^/]+/$")
    listing_containers = ("ul.collection-results",)

    def listing_items(self, response) -> list[ListingItem]:
        if not _sitemap(response):
            return super().listing_items(response)
        response.selector.remove_namespaces()
        urls = [u.strip() for u in response.xpath("//url/loc/text()").getall()]
        return [ListingItem(u, "", "") for u in dict.fromkeys(urls)
                if BRIEFING_SLUG.search(u) and self._allowed(u)]

    def listing_links(self, response) -> list[str]:
        return [] if _sitemap(response) else super().listing_links(response)

    def is_article(self, url: str, title: str, listing) -> bool:
        return bool(self.article_path.search(url)) and self._allowed(url)

    def archived_article(self, url: str, listing_url: str) -> bool:
        return bool(BRIEFING_SLUG.search(url))


def _sitemap(response) -> bool:
    return response.url.split("?", 1)[0].endswith(".xml")
