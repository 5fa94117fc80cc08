"""robots.txt as government sites really serve it.

fmprc.gov.cn answers /robots.txt with a 302 to an HTML "page not found" page, and mission sites
with a redirect to their home page. An HTML page is not a robots.txt: it means no rules, rather
than whatever a parser makes of markup.
"""

from __future__ import annotations

from scrapy.robotstxt import ProtegoRobotParser


def looks_like_html(body: bytes) -> bool:
    # No robots.txt line starts with '<'; every HTML or XML page does.
    return body[:512].lstrip().startswith(b"<")


class HtmlTolerantRobotParser(ProtegoRobotParser):
    def __init__(self, robotstxt_body: bytes, spider):
        super().__init__(b"" if looks_like_html(robotstxt_body) else robotstxt_body, spider)
