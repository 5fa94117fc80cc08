"""The Taiwan Affairs Office (国务院台湾事务办公室): press conferences and spokesperson answers.

www.gwytb.gov.cn, Chinese only, GBK pages (crawler.decode reads them as GB18030). Sections
/xwdt/xwfb/xwfbh/ (新闻发布会 实录 / 辑录) and /xwdt/xwfb/wyly/ (发言人答记者问); listings
`index.htm`, `index_1.htm` … `index_{n-1}.htm` from createPageHTML(n, …); articles
`./YYYYMM/tYYYYMMDD_<n>.htm`. The sidebar links other sections: only links under the
listing's own folder are items.
"""

from __future__ import annotations

import re

from briefwatch.spiders.base import ListingSpider
from briefwatch.spiders.registry import SPIDERS


class TaoSpider(ListingSpider):
    name = "tao"
    spec = SPIDERS["tao"]
    article_path = re.compile(r"/\d{6}/t\d{8}_\d+\.html?$")
