"""China's Ministry of National Defense: press conferences, Chinese and English.

Over http (both hosts present another name's certificate over https, and the site's own links
are http). Chinese: /gfbw/xwfyr/lxjzh_246940/ (例行记者会: the full 文字实录 and an item per
question), /gfbw/xwfyr/fyrthhdjzw/ (statements) …; English: eng.mod.gov.cn/2025xb/P/.
Listings `index.html`, `index_1.html` … paged by createPageHTML('N', …), which announces one
page fewer than there are: index_N.html exists too. Articles `…/<6-9 digits>.html`, split over
`<id>_2.html` … when createManuscriptPageHTML('N', …) says so. Which items are full
transcripts is storage.text.kinds' business; all are stored.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from briefwatch.spiders.base import Pagination
from briefwatch.spiders.registry import SPIDERS
from briefwatch.spiders.scio import ScioSpider

MANUSCRIPT_PAGES = re.compile(r"createManuscriptPageHTML\(\s*['\"]?(\d+)")
# The collector caps an article at 30 pages; so do we.
MAX_ARTICLE_PAGES = 30


class MndSpider(ScioSpider):
    name = "mnd"
    spec = SPIDERS["mnd"]
    article_path = re.compile(r"/\d{6,9}\.html$")
    listing_containers = ()

    def pagination(self, response) -> Pagination | None:
        found = super().pagination(response)
        if found is None:
            return None
        # The pager hides its last page: index_N.html exists beyond the N announced.
        return Pagination(found.count + 1, found.current, found.stem, found.ext)

    def further_pages(self, response) -> list[str]:
        match = MANUSCRIPT_PAGES.search(response.text)
        if not match:
            return []
        path = urlsplit(response.url).path
        stem = path.rsplit(".", 1)[0]
        count = min(int(match[1]), MAX_ARTICLE_PAGES)
        return [urljoin(response.url, f"{stem}_{k}.html") for k in range(2, count + 1)]
