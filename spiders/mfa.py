"""China's Foreign Ministry: regular press conferences, English and Chinese, 2014 to now.

Host and folder come from the start URLs, so the same spider crawls fmprc.gov.cn, mfa.gov.cn
or a local copy. Article URLs across the three site generations:
  ./t1794629.shtml  ./202402/t20240207_11240863.html  ./202402/t20240207_11240863.shtml
"""

from __future__ import annotations

import re

from spiders.base import ListingSpider
from spiders.registry import SPIDERS


class MfaSpider(ListingSpider):
    name = "mfa"
    spec = SPIDERS["mfa"]
    article_path = re.compile(r"/(?:\d{6}/)?t\d+(?:_\d+)?\.s?html?$")
    listing_containers = ("div.newsLst_mod", "div.rebox_news", "ul.list1", "div.list1",
                          "div.newsBd")
