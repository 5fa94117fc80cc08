"""Any briefing archive, from configuration alone.

    [[sources]]
    name = "state"
    spider = "listing"
    start_urls = ["https://www.state.gov/department-press-briefings/"]
    article_pattern = "/briefings/[^/]+/$"      # searched in each link's absolute URL
    next_pattern = "/department-press-briefings/page/\\d+/$"
    body_selector = "div.entry-content"         # optional: title_selector, date_selector,
                                                #           date_format
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from briefwatch.crawler.extract import Template, extract_template
from briefwatch.spiders.base import ListingSpider
from briefwatch.spiders.registry import SPIDERS


class ConfiguredListingSpider(ListingSpider):
    name = "listing"
    spec = SPIDERS["listing"]

    @property
    def _options(self) -> dict:
        return self.context.options

    def is_article(self, url: str, title: str, listing) -> bool:
        return re.search(self._options["article_pattern"], url) is not None

    def archived_article(self, url: str, listing_url: str) -> bool:
        return re.search(self._options["article_pattern"], url) is not None

    def linked_pages(self, response) -> list[str]:
        pattern = self._options.get("next_pattern")
        if not pattern:
            return super().linked_pages(response)
        found = []
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.strip())
            if self._allowed(url) and re.search(pattern, url) and \
                    self._key(url) != self._key(response.url):
                found.append(url)
        return list(dict.fromkeys(found))

    def extract_template(self) -> Template | None:
        return extract_template(self.name, self.context.source, self._options)
