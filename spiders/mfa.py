"""China's Foreign Ministry: regular press conferences, English and Chinese, 2014 to now.

Host and folder come from the start URLs, so the same spider crawls fmprc.gov.cn, mfa.gov.cn
or a local copy. Article URLs across the three site generations:
  ./t1794629.shtml  ./202402/t20240207_11240863.html  ./202402/t20240207_11240863.shtml
The current site's listings are capped (English 143 pages, back to 2022-07; Chinese 29 pages);
a deleted transcript redirects to its "system" page (crawler.extract: a soft 404).
"""

from __future__ import annotations

import re

from spiders.base import ListingSpider
from spiders.registry import SPIDERS

ENGLISH = re.compile(r"[\x00-\u024f\u2000-\u206f]+")
SERIES = re.compile(r"Press Conference|Remarks on|Daily Briefing", re.IGNORECASE)


class MfaSpider(ListingSpider):
    name = "mfa"
    spec = SPIDERS["mfa"]
    article_path = re.compile(r"/(?:\d{6}/)?t\d+(?:_\d+)?\.s?html?$")
    listing_containers = ("div.newsLst_mod", "div.rebox_news", "ul.list1", "div.list1",
                          "div.newsBd")

    def is_article(self, url: str, title: str, listing) -> bool:
        # The current English listing mixes in other items; only conferences and the
        # spokesperson's remarks during recesses are the series.
        return super().is_article(url, title, listing) and (
            not ENGLISH.fullmatch(title) or bool(SERIES.search(title)))
