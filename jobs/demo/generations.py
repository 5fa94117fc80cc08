"""The site generations the demo site is rendered in: where each one's listing and articles
live, which template it uses, and where its transcript starts in an article page.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefwatch.jobs.demo.briefings import Briefing


@dataclass(frozen=True)
class Generation:
    name: str
    lang: str
    folder: str        # with leading and trailing slash
    stem: str          # listing page 0 is stem.ext, page k is stem_k.ext
    ext: str
    nested: bool       # articles at YYYYMM/tYYYYMMDD_N.article_ext instead of tN.article_ext
    article_ext: str
    style: str         # body markup and page template: "en14", "zh14" or "trs"
    body_start: str    # opening tag of the transcript's container; it ends at the next </div>
    trs_pager: bool = False

    def page_name(self, k: int) -> str:
        return f"{self.stem}.{self.ext}" if k == 0 else f"{self.stem}_{k}.{self.ext}"

    def article_name(self, b: Briefing) -> str:
        if self.nested:
            return f"{b.date:%Y%m}/t{b.date:%Y%m%d}_{b.number}.{self.article_ext}"
        return f"t{b.number}.{self.article_ext}"


_EN_OLD = "/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
TRS_BODY = '<div class="TRS_UEDITOR trs_paper_default trs_web">'
GENERATIONS: dict[str, Generation] = {g.name: g for g in (
    Generation("en-2014", "en", _EN_OLD, "default", "shtml", False, "shtml", "en14",
               '<div class="content">'),
    Generation("zh-2014", "zh", "/web/wjdt_674879/fyrbt_674889/", "default", "shtml", False,
               "shtml", "zh14", '<div id="News_Body_Txt_A" class="content">'),
    Generation("en-2021", "en", _EN_OLD, "index", "html", True, "html", "trs", TRS_BODY),
    Generation("en-2024", "en", "/eng/xw/fyrbt/lxjzh/", "index", "html", True, "html", "trs",
               TRS_BODY, trs_pager=True),
    Generation("zh-2024", "zh", "/web/fyrbt_673021/jzhsl_673025/", "index", "shtml", True,
               "shtml", "trs", TRS_BODY),
)}


def article_body(page: str, generation: str) -> str:
    """The exact markup of a rendered article's transcript, inside its container."""
    marker = GENERATIONS[generation].body_start
    start = page.index(marker) + len(marker)
    return page[start:page.index("</div>", start)]
