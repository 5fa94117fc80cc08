"""China's Foreign Ministry: regular press conferences, English and Chinese, 2014 to now.

Host and folder come from the start URLs, so the same spider crawls fmprc.gov.cn, mfa.gov.cn
or a local copy. Article URLs across the three site generations:
  ./t1794629.shtml  ./202402/t20240207_11240863.html  ./202402/t20240207_11240863.shtml
The current site's listings are capped (crawler/rooms.py says how far back they reach);
a deleted transcript redirects to its "system" page (crawler.extract: a soft 404).
"""

from __future__ import annotations

import re

from briefwatch.spiders.base import ListingSpider
from briefwatch.spiders.registry import SPIDERS

ENGLISH = re.compile(r"[\x00-\u024f\u2000-\u206f]+")
SERIES = re.compile(r"Press Conference|Remarks on|Daily Briefing", re.IGNORECASE)
# Both languages' titles of the series: `…Regular Press Conference on …`, `…Remarks on …`,
# `2021年10月19日外交部发言人汪文斌主持例行记者会`, `…外交部发言人毛宁答记者问`.
SERIES_TITLE = re.compile(r"Press Conference|Remarks on|Daily Briefing|"
                          r"外交部发言人.{1,8}(?:主持例行记者会|答记者问)", re.IGNORECASE)


class MfaSpider(ListingSpider):
    name = "mfa"
    spec = SPIDERS["mfa"]
    article_path = re.compile(r"/(?:\d{6}/)?t\d+(?:_\d+)?\.s?html?$")
    listing_containers = ("div.newsLst_mod", "div.rebox_news", "ul.list1", "div.list1",
                          "div.newsBd")
    # The ministry moved its columns and its listing links conferences of both: the Chinese
    # one of 2021-10-19 lives under /web/fyrbt_673021/jzhsl_673025/202110/.
    series_title = SERIES_TITLE

    def is_article(self, url: str, title: str, listing) -> bool:
        # The current English listing mixes in other items; only conferences and the
        # spokesperson's remarks during recesses are the series.
        return super().is_article(url, title, listing) and (
            not ENGLISH.fullmatch(title) or bool(SERIES.search(title)))
