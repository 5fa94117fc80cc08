"""Chinese embassies and consulates: the spokesperson's remarks they mirror (/eng/fyrth/).

Old hosts (*.china-consulate.org, *.chineseembassy.org) and new ones (*.china-embassy.gov.cn,
*.china-consulate.gov.cn); table, TRS and new layouts; listings paged by a countPage or
createPageHTML script, a "Next" link or numbered links. Articles:
  /eng/fyrth/t903048.htm   /eng/fyrth/202305/t20230512_11076213.htm
"""

from __future__ import annotations

import re

from briefwatch.spiders.base import ListingSpider
from briefwatch.spiders.registry import SPIDERS


class MissionSpider(ListingSpider):
    name = "mission"
    spec = SPIDERS["mission"]
    article_path = re.compile(r"/(?:\d{6}/)?t\d+(?:_\d+)?\.s?html?$")
    listing_containers = ("#docMore", "div.news-list", "div.newsList", "ul.list1", "div.list")
