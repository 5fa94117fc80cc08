"""Every site family and briefing room briefwatch knows: the one home of their facts, as found
on the live sites (../shared/sites.md, ../shared/briefing-rooms.md).

A family is one government's site as one spider reads it: what it is, the delay its peers keep
between requests, and the templates of its pages. A room is one series on such a site: its
start URLs, languages, how far back the live listing reaches, its quirks, and what
`briefwatch init`'s file says of it. Everything else reads them: spiders/registry.py (summaries,
delay floors), crawler/extract.py (templates), jobs/rooms.py (init's file, `init --list`).
Nothing here imports Scrapy: the registry reads this at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefwatch.crawler.template import Template


@dataclass(frozen=True)
class Family:
    name: str  # its spider's name
    summary: str
    # Seconds between requests to the site that the dossier found its peers keep; a source's
    # delay is never below it, except on a local copy.
    delay_floor: float = 0.0
    # Of this family's pages, most specific first (crawler/extract.py tries every family's)
    templates: tuple[Template, ...] = ()


@dataclass(frozen=True)
class Room:
    name: str  # the source's name in init's file
    spider: str  # its family
    languages: str
    start_urls: tuple[str, ...]
    cap: str = ""  # how far back the live listing reaches
    quirks: str = ""
    # What init's file says of the room above its table, a comment line per line
    about: str = ""
    # Keys init's file gives the room's table besides name, spider and start_urls
    keys: dict[str, str] = field(default_factory=dict)
    # Followed by init's file; every other room is there commented out.
    followed: bool = False
    # Shown by `init --list`; False: another series of a seed spider that init's file offers
    # as an example.
    listed: bool = True


FAMILIES: dict[str, Family] = {family.name: family for family in (
    Family(
        "mfa", "China's Foreign Ministry press conferences (fmprc.gov.cn / mfa.gov.cn), "
        "English and Chinese, all three site generations", delay_floor=5,
        templates=(
            Template(
                "mfa-zh-2024",
                body=("div.news-title ~ * #News_Body_Txt_A > div.TRS_UEDITOR",
                      "#News_Body_Txt_A > div.TRS_UEDITOR"),
                title=("div.news-title h1",),
                date=("p.time span", "p.time"),
            ),
            Template(
                "mfa-en-2024",
                body=(".content_text > div.view_dedault .TRS_UEDITOR",
                      ".content_text > div.view_dedault", ".content_text"),
                title=(".news_header_title",),
                date=(".news_header_time .xltime", ".news_header_time"),
            ),
            Template(
                "mfa-en-2014",
                body=("div.content_mod div.content",),
                title=("div.content_mod h2.title",),
                date=("#News_Body_Time",),
            ),
            # The Chinese pages of 2014-2020; the missions' TRS pages are built the same way.
            Template(
                "trs-news-body",
                body=("#News_Body_Txt_A",),
                title=("#News_Body_Title",),
                date=("#News_Body_Time",),
            ),
        )),
    Family(
        "mission", "spokesperson's remarks mirrored by Chinese embassies and consulates "
        "(/eng/fyrth/), old and new hosts and layouts",
        templates=(
            Template(
                "mission-table",
                body=("td.font14",),
                title=("td.title", ".bigtitle", ".news-title"),
                title_cut=re.compile(r"(?:_|——)[^_—]*$"),
                date=("td.time",),
            ),
            Template(
                "mission-2022",
                body=("div.trs_editor_view",),
                title=("div.title", ".bigtitle", ".news-title"),
                title_cut=re.compile(r"(?:_|——)[^_—]*$"),
                date=("div.view-date",),
            ),
        )),
    Family(
        "scio", "State Council Information Office press conferences on china.org.cn and "
        "english.scio.gov.cn, multi-page transcripts joined",
        templates=(
            Template(
                "scio",
                body=("#container_txt",),
                title=("h1#title",),
                header=("speaker", "speakers", "speaker(s)", "chairperson", "chairpersons",
                        "date"),
                drop=re.compile(
                    r"^(?:Follow China\.org\.cn|Go to Forum|No comments\.|Add your comments|"
                    r"Racist, abusive|Send your stories|Adjust font size|\d+ Comment\(s\)Print)",
                    re.IGNORECASE),
            ),
        )),
    Family(
        "mnd", "China's Ministry of National Defense press conferences (www.mod.gov.cn, "
        "eng.mod.gov.cn, over http), multi-page articles joined", delay_floor=6,
        templates=(
            Template(
                "mnd",
                body=("#article-content",),
                # On English pages an h1.site-name holds only "Ministry of National Defense";
                # then the apple-mobile-web-app-title meta, then <title> cut at " - " (old
                # pages: at "_").
                title=("h1:not(.site-name)",),
                title_meta=("apple-mobile-web-app-title",),
                title_cut=re.compile(r"\s+-\s+[^-]*$|_[^_]*$"),
                date=("div.info",),
                strip=("#mediaurl", "#cm-player", "#cmplayer"),
                drop=re.compile(
                    r"^(?:\(The following English text is for reference\..*\)$|\(mod\.gov\.cn|"
                    r"(?:来源|责任编辑|时间|地点|发布人)：|第\d+条消息$|\d{1,2}月\d{1,2}日[上下]午，国防部|"
                    r"\d{4}年\d{1,2}月.{0,20}国防部例行|"
                    r"(?:Senior Colonel|Colonel|Major General)\b[^.]{0,80}\b(?:answered questions|"
                    r"released news)|.{1,60}摄）?$)"),
            ),
        )),
    Family(
        "tao", "the Taiwan Affairs Office press conferences and spokesperson answers "
        "(www.gwytb.gov.cn, GBK pages)", delay_floor=6,
        templates=(
            Template(
                "tao",
                body=("div#contentArea", "div.TRS_Editor"),
                title=("h1",),
                title_cut=re.compile(r"_国务院台湾事务办公室$"),
                date=("div.info",),
                drop=re.compile(
                    r"^\d{1,2}月\d{1,2}日[上下]午.{0,12}，国务院台办举行.{0,12}新闻发布会。$"),
            ),
        )),
    Family(
        "state", "US State Department press briefings: the 2021-2025 archive through its "
        "sitemap, the live site (which answers bots 403)", delay_floor=5,
        templates=(
            # The live site and the 2021-2025 archive share it.
            Template(
                "state",
                body=("div.entry-content",),
                title=("h1",),
                date=(".article-meta__publish-date",),
                strip=(".wp-block-summary-article-index",),
                drop=re.compile(r"^(?:Tags|# # #|###)$"),
            ),
        )),
    Family(
        "mea", "India's Ministry of External Affairs media briefings (its listing and detail "
        "endpoints)", delay_floor=4,
        templates=(Template("mea", body=("div.description",), title=("h2.titleText",)),)),
    Family(
        "mofa-tw", "Taiwan's Ministry of Foreign Affairs press releases and statements, "
        "English and Chinese (News.aspx listings)", delay_floor=4,
        templates=(
            Template("mofa-tw", body=("div.essay",), title=("div.simple-text.title h3",)),)),
    Family(
        "mid", "Russia's Foreign Ministry spokesperson briefings (mid.ru), Russian and "
        "English; page 1 of each listing (robots.txt forbids its pager)", delay_floor=10,
        templates=(
            Template(
                "mid",
                body=("div.text.article-content",),
                title=(".photo-content__title",),
                date=(".photo-content__date",),
                # The table of contents links the sections' anchors, and each section links
                # back.
                strip=("a[href^='#']",),
                drop=re.compile(r"^(?:Содержание|Contents|Назад к оглавлению|Back to contents)$"),
            ),
        )),
)}

_MEA = ("https://www.mea.gov.in/FrontEnd/FetchPublicationListingData?publicationId=49&"
        "KeywordName=&SortBy=new&page=1&PageSize=50&DateRange=&IsInternalMEA=false&PLngId=1")
# mid.ru's certificate chains to a Russian state CA that common trust stores lack: init's file
# names a PEM file holding it.
_MID_CA = {"ca_bundle": "russian-trusted-ca.pem"}

# In the order init's file and `init --list` give them.
ROOMS: tuple[Room, ...] = (
    Room("mfa-en", "mfa", "en", ("https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/",),
         "143 listing pages, back to 2022-07",
         "'Remarks on …' pages during recesses (kind remarks); a deleted transcript redirects "
         "to a 'system' page (removed after two runs)",
         about="The Foreign Ministry's regular press conferences in English (site generation of "
               "2024 on).",
         keys={"pair": "mfa-zh"}, followed=True),
    Room("mfa-zh", "mfa", "zh", ("https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/",),
         "29 listing pages × 20, back to 2022-07", "the same 'system' page for deleted pages",
         about="The same conferences in Chinese: 外交部发言人例行记者会.", followed=True),
    Room("mfa-en-2014", "mfa", "en",
         ("https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/default.shtml",),
         about="The archive of 2014–2020 (English); uncomment to collect it too.", listed=False),
    Room("mfa-zh-2014", "mfa", "zh",
         ("https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/default.shtml",),
         about="The Chinese archive of 2014–2020 (发言人表态).", listed=False),
    Room("consulate-vancouver", "mission", "en",
         ("http://vancouver.china-consulate.gov.cn/eng/fyrth/",),
         about="An embassy or consulate mirroring the spokesperson's remarks.", listed=False),
    Room("scio", "scio", "en", ("http://www.china.org.cn/china/node_7240064.htm",),
         about="State Council Information Office press conferences on china.org.cn.",
         listed=False),
    Room("mnd-zh", "mnd", "zh", ("http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/index.html",
                                 "http://www.mod.gov.cn/gfbw/xwfyr/fyrthhdjzw/index.html"),
         "about 10 pages: conferences back to 2024-07, statements to 2018",
         "http only; one listing page more than the pager says; 文字实录 over several pages, "
         "beside per-question extracts (kind extract) and statements",
         about="China's Ministry of National Defense (国防部): the monthly regular press "
               "conference (its full\n"
               "文字实录 and an item per question) and the spokesperson's statements. http: over "
               "https the\n"
               "site presents a certificate for another name."),
    Room("mnd-en", "mnd", "en", ("http://eng.mod.gov.cn/2025xb/P/index.html",),
         "about 10 pages, back to 2026-06",
         "http only; the 'for reference' disclaimer is stripped",
         about="The Ministry of National Defense in English (the 2025 site's Press section)."),
    Room("tao", "tao", "zh", ("https://www.gwytb.gov.cn/xwdt/xwfb/xwfbh/",
                              "https://www.gwytb.gov.cn/xwdt/xwfb/wyly/"),
         "600-900 items a section (answers back to 2023-10)",
         "GBK pages; questions labelled by outlet (…记者：)",
         about="The Taiwan Affairs Office (国台办): press conferences and spokesperson answers, "
               "Chinese only."),
    Room("state", "state", "en", ("https://2021-2025.state.gov/state_briefing-sitemap.xml",),
         "the 2021-2025 archive whole (about 510 briefings, 2021-01 to 2025-01)",
         "read through its sitemap",
         about="The US State Department's press briefings of 2021-2025, from the archive site's "
               "sitemap."),
    Room("state-live", "state", "en", ("https://www.state.gov/department-press-briefings/",),
         "-", "answers bots 403: reported as blocked (its briefings: briefwatch archive)",
         about="The State Department's live site answers bots 403: a crawl reports it as "
               "blocked."),
    Room("mea", "mea", "en", (_MEA,), "none seen",
         "listing and detail endpoints; the listing's date is the posting date",
         about="India's Ministry of External Affairs: media briefings (its listing endpoint)."),
    Room("mofa-tw-en", "mofa-tw", "en",
         ("https://en.mofa.gov.tw/News.aspx?n=1329&sms=272&page=1&PageSize=100",
          "https://en.mofa.gov.tw/News.aspx?n=1330&sms=274&page=1&PageSize=100"),
         "none seen", "press releases and statements; no speakers",
         about="Taiwan's Ministry of Foreign Affairs: press releases, statements and responses, "
               "in English…"),
    Room("mofa-tw-zh", "mofa-tw", "zh",
         ("https://www.mofa.gov.tw/News.aspx?n=96&sms=74&page=1&PageSize=100",
          "https://www.mofa.gov.tw/News.aspx?n=97&sms=75&page=1&PageSize=100"),
         "none seen", "新聞稿 and 聲明及回應; no speakers",
         about="… and in Chinese (新聞稿, 聲明及回應)."),
    Room("mid-ru", "mid", "ru", ("https://mid.ru/ru/press_service/spokesman/briefings/",),
         "page 1 only (robots.txt forbids the pager)",
         f"{FAMILIES['mid'].delay_floor:g} s between requests; its certificate needs ca_bundle "
         "to be verified",
         about="Russia's Foreign Ministry: the spokesperson's briefings (page 1 of the listing: "
               "robots.txt\n"
               "forbids its pager). mid.ru's certificate chains to a Russian state CA that "
               "common trust\n"
               "stores lack: point ca_bundle at a PEM file holding it, and its certificates are "
               "verified.",
         keys=_MID_CA),
    Room("mid-en", "mid", "en", ("https://mid.ru/en/press_service/spokesman/briefings/",),
         "page 1 only (robots.txt forbids the pager)", "as mid-ru", keys=_MID_CA),
)


def room(name: str) -> Room:
    """The room of that name."""
    return next(r for r in ROOMS if r.name == name)
