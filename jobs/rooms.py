"""The briefing rooms briefwatch knows, with their real start URLs (../shared/briefing-rooms.md):
what `briefwatch init` writes into a new config (jobs/default_config.toml, commented out but
for the Foreign Ministry's two) and what `briefwatch init --list` shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Room:
    name: str
    spider: str
    languages: str
    start_urls: tuple[str, ...]
    cap: str      # how far back the live listing reaches
    quirks: str


_MEA = ("https://www.mea.gov.in/FrontEnd/FetchPublicationListingData?publicationId=49&"
        "KeywordName=&SortBy=new&page=1&PageSize=50&DateRange=&IsInternalMEA=false&PLngId=1")

ROOMS = (
    Room("mfa-en", "mfa", "en", ("https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/",),
         "143 listing pages, back to 2022-07",
         "'Remarks on …' pages during recesses (kind remarks); a deleted transcript redirects "
         "to a 'system' page (removed after two runs)"),
    Room("mfa-zh", "mfa", "zh", ("https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/",),
         "29 listing pages × 20, back to 2022-07", "the same 'system' page for deleted pages"),
    Room("mnd-zh", "mnd", "zh", ("http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/index.html",
                                 "http://www.mod.gov.cn/gfbw/xwfyr/fyrthhdjzw/index.html"),
         "about 10 pages: conferences back to 2024-07, statements to 2018",
         "http only; one listing page more than the pager says; 文字实录 over several pages, "
         "beside per-question extracts (kind extract) and statements"),
    Room("mnd-en", "mnd", "en", ("http://eng.mod.gov.cn/2025xb/P/index.html",),
         "about 10 pages, back to 2026-06",
         "http only; the 'for reference' disclaimer is stripped"),
    Room("tao", "tao", "zh", ("https://www.gwytb.gov.cn/xwdt/xwfb/xwfbh/",
                              "https://www.gwytb.gov.cn/xwdt/xwfb/wyly/"),
         "600-900 items a section (answers back to 2023-10)",
         "GBK pages; questions labelled by outlet (…记者：)"),
    Room("state", "state", "en", ("https://2021-2025.state.gov/state_briefing-sitemap.xml",),
         "the 2021-2025 archive whole (about 510 briefings, 2021-01 to 2025-01)",
         "read through its sitemap"),
    Room("state-live", "state", "en", ("https://www.state.gov/department-press-briefings/",),
         "-", "answers bots 403: reported as blocked (its briefings: briefwatch archive)"),
    Room("mea", "mea", "en", (_MEA,), "none seen",
         "listing and detail endpoints; the listing's date is the posting date"),
    Room("mofa-tw-en", "mofa-tw", "en",
         ("https://en.mofa.gov.tw/News.aspx?n=1329&sms=272&page=1&PageSize=100",
          "https://en.mofa.gov.tw/News.aspx?n=1330&sms=274&page=1&PageSize=100"),
         "none seen", "press releases and statements; no speakers"),
    Room("mofa-tw-zh", "mofa-tw", "zh",
         ("https://www.mofa.gov.tw/News.aspx?n=96&sms=74&page=1&PageSize=100",
          "https://www.mofa.gov.tw/News.aspx?n=97&sms=75&page=1&PageSize=100"),
         "none seen", "新聞稿 and 聲明及回應; no speakers"),
    Room("mid-ru", "mid", "ru", ("https://mid.ru/ru/press_service/spokesman/briefings/",),
         "page 1 only (robots.txt forbids the pager)",
         "10 s between requests; its certificate needs ca_bundle to be verified"),
    Room("mid-en", "mid", "en", ("https://mid.ru/en/press_service/spokesman/briefings/",),
         "page 1 only (robots.txt forbids the pager)", "as mid-ru"),
)
