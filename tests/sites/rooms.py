"""Local copies of every briefing room of ../shared/briefing-rooms.md, in one document root,
served by one WorldSite: invented transcripts in each room's real structure.

`write_world(root, base_url, step)` rewrites the whole world for a step of the story:
0 the archive as first crawled, 1 a quiet night (nothing changes), 2 an edit in every room and
a deletion in every room, 3 the same again (a soft 404 is confirmed on its second run). It
returns a World: per room, its listing and items (newest first) with the text, title, date,
kind and turns a correct crawl stores.

Rooms and the structure each copy keeps (the dossier's section in brackets):
  mfa-en, mfa-zh [3]  jobs.demo's 2024 generations: listings `index.html`/`index.shtml` …
         capped (`countPage`/createPageHTML); the English one mixes in "Remarks on …" pages and
         an item of another series, which is not fetched. A deleted transcript redirects (302)
         to /web/system/index_17321.shtml, a 200 page in the site's template.
  mnd-zh, mnd-en [1]  /gfbw/xwfyr/lxjzh_246940/ and /2025xb/P/, `createPageHTML('N', …)` with
         one page more than announced; full 文字实录 over two pages (createManuscriptPageHTML,
         `<id>_2.html`) beside per-question extracts; `h1.site-name` before the title;
         `div.info` and a publishdate meta; `#article-content` between <!--HTMLBOX--> comments,
         a video player, photo captions ending 摄, 来源： lines, the English disclaimer and
         intro; turns `记者：`/`蒋斌：`, `Journalist:`/`Reporter:`/`Jiang Bin:`.
  tao [2]  /xwdt/xwfb/xwfbh/ `index.htm`, `index_1.htm` (createPageHTML(n, …)); GBK bytes with a
         gb2312 meta; a sidebar linking other sections; `./YYYYMM/tYYYYMMDD_N.htm` with title=;
         `h1`, `div.info`, `div#contentArea`; the intro line; turns `张晗：` and `…记者：`.
  state, state-live [5]  the archive's `state_briefing-sitemap.xml` (locs of press briefings
         and of another kind); WordPress articles with the summary index, `# # #`; `MR …:` /
         `QUESTION:`. The live site's paths (/state-live/…) answer 403 "Technical
         Difficulties".
  mea [8]  the listing endpoint (cards: `span.date` the posting date, a day after the briefing;
         `h3.pressTitle a` → /media-briefings?dtl/<pkid>/<slug>), paged by `page=N` until a
         page with no card; the detail endpoint (`h2.titleText`, `div.description`, then
         `div.d-flex tags`); turns `Shri Randhir Jaiswal, Official Spokesperson:` and
         `Name, Outlet:`.
  mofa-tw-en, mofa-tw-zh [9]  `News.aspx?n=…&sms=…&page=N&PageSize=3` tables (a `td[data-title]`
         date), `News_Content.aspx?n=…&sms=…&s=<id>` (`div.simple-text.title h3`, `div.essay`,
         then `div.area-editor`); no speakers.
  mid-ru, mid-en [7]  page 1 of /ru|en/press_service/spokesman/briefings/ (`a.announce__link`,
         a pager of `?PAGEN_1=N` links that robots.txt forbids); `.photo-content__title`,
         `.photo-content__date` (20.08.2025 / 20 August 2025), `div.text.article-content`
         opening with a table of contents and "Назад к оглавлению" links; turns `Вопрос:`,
         `Ответ:`, `М.В.Захарова:` (`Question:`, `Maria Zakharova:`).
A missing page answers 404, except under the ministry's folders (the "system" redirect).
"""

from __future__ import annotations

import datetime
import html
import math
import urllib.parse
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefwatch.jobs import demo as ds

from tests.sites.families import _Tree

_t = html.escape
SYSTEM_PAGE = "/web/system/index_17321.shtml"
STATE_LIVE = "/state-live/"


@dataclass(frozen=True)
class Item:
    path: str                       # the URL path (and query) a transcript is known by
    title: str
    date: datetime.date
    paragraphs: tuple[str, ...]     # the text a correct extractor stores, in order
    kind: str = "briefing"          # storage.text.kinds
    turns: tuple[tuple[str, str | None], ...] = ()  # (role, speaker) of every turn
    files: tuple[str, ...] = ()     # every file of it (a multi-page article)


@dataclass
class Room:
    start: list[str]                # start URL paths
    items: list[Item]               # newest first
    edited: str = ""                # the path of the item edited at step 2
    deleted: str = ""               # the path of the item deleted at step 2
    never: tuple[str, ...] = ()     # paths a crawl must never request
    pages: int = 0                  # listing pages there are
    oldest: datetime.date | None = None  # the oldest date the listing shows


@dataclass
class World:
    rooms: dict[str, Room] = field(default_factory=dict)


def _days(newest: datetime.date, count: int, step: int = 7) -> list[datetime.date]:
    return [newest - datetime.timedelta(days=step * k) for k in range(count)]


_OUTLETS = {o[0] for o in ds.OUTLETS}


def _exchanges(b: ds.Briefing) -> list[tuple[str, str]]:
    """(who, text) of an invented English or Chinese briefing: who is "" (announcement),
    "Q" (an outlet's question) or "A" (the spokesperson)."""
    out = []
    for p in b.paragraphs:
        head, sep, rest = p.partition(": " if b.lang == "en" else "：")
        if sep and head == b.spokesperson:
            out.append(("A", rest))
        elif sep and (head in _OUTLETS or head.endswith("记者")):
            out.append(("Q", rest))
        elif out and out[-1][0] == "A":
            out.append(("A+", p))
        else:
            out.append(("", p))
    return out


def _labelled(b: ds.Briefing, ask: str, answer: str, *, opening: str = "") -> tuple[
        tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    """The briefing's paragraphs relabelled `ask: …` / `answer: …`, with the turns a correct
    splitter finds; announcements become the spokesperson's opening remarks."""
    paras, turns = [], []
    sep = ": " if ask.isascii() else "："
    for k, (who, text) in enumerate(_exchanges(b)):
        if who == "Q":
            paras.append(f"{ask}{sep}{text}")
            turns.append(("question", ask))
        elif who == "A":
            paras.append(f"{answer}{sep}{text}")
            turns.append(("answer", answer))
        elif who == "A+" or (who == "" and turns):
            paras.append(text)
        else:
            paras.append(f"{answer}{sep}{opening}{text}" if k == 0 else text)
            if k == 0:
                turns.append(("remarks", answer))
    return tuple(paras), tuple(turns)


def _reword(b: ds.Briefing, step: int) -> ds.Briefing:
    return ds.reword(b, 11) if step >= 2 else b


# --- The Foreign Ministry's current site -------------------------------------------------------


def _mfa(tree: _Tree, root: Path, step: int, world: World) -> None:
    en = ds.invent_briefings("en", datetime.date(2025, 8, 20), 7, seed=31)
    # A recess: two days of remarks instead of conferences.
    for k in (2, 3):
        b = en[k]
        en[k] = replace(b, title=f"Spokesperson {b.spokesperson}\u2019s Remarks on "
                                 f"{ds.MONTHS[b.date.month - 1]} {b.date.day}, {b.date.year}")
    en[1] = _reword(en[1], step)
    gone = en[4] if step >= 2 else None
    archive = ds.write_archive(root, "en-2024", en, per_page=3, prune=False)
    other = "/eng/xw/fyrbt/lxjzh/202508/t20250821_999.html"
    listing = root / archive.listing_path.lstrip("/")
    page = listing.read_text(encoding="utf-8")
    if 'Wang Yi Meets' not in page:
        page = page.replace('<ul class="list1">\n', '<ul class="list1">\n<li><a href=".'
                            + other.removeprefix("/eng/xw/fyrbt/lxjzh") + '">Wang Yi Meets the '
                            'Foreign Minister of Ghana</a><span>2025-08-21</span></li>\n', 1)
        listing.write_text(page, encoding="utf-8")
    if gone is not None:
        (root / archive.article_paths[gone.number].lstrip("/")).unlink(missing_ok=True)
    (root / SYSTEM_PAGE.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    # The system page is a page in the site's template: without the URL rule it would be
    # taken for the transcript's new text.
    system = ds.invent_briefings("zh", datetime.date(2025, 1, 6), 1, seed=5)[0]
    (root / SYSTEM_PAGE.lstrip("/")).write_text(
        ds.render_article(
            ds.GENERATIONS["zh-2024"], replace(system, title="系统提示"),
            "<p>对不起，您访问的页面已被删除或不存在。</p>\n" * 2 + "".join(
                f"<p>{_t(p)}</p>\n" for p in system.paragraphs), 0, [], []),
        encoding="utf-8")
    world.rooms["mfa-en"] = Room(
        [archive.listing_path],
        [Item(archive.article_paths[b.number], b.title, b.date, b.paragraphs,
              "remarks" if "Remarks on" in b.title else "briefing") for b in en],
        edited=archive.article_paths[en[1].number], deleted=archive.article_paths[en[4].number],
        never=(other,), pages=archive.pages, oldest=en[-1].date)
    zh = ds.invent_briefings("zh", datetime.date(2025, 8, 20), 4, seed=31)
    zarchive = ds.write_archive(root, "zh-2024", zh, per_page=2)
    world.rooms["mfa-zh"] = Room(
        [zarchive.listing_path],
        [Item(zarchive.article_paths[b.number], b.title, b.date, b.paragraphs) for b in zh],
        pages=zarchive.pages, oldest=zh[-1].date)


# --- Ministry of National Defense --------------------------------------------------------------

_MND_ZH = "/gfbw/xwfyr/lxjzh_246940/"
_MND_EN = "/2025xb/P/"
_MND_TOPICS = (("台海局势", "the situation in the Taiwan Strait"), ("联合演训", "joint exercises"),
               ("军事交流", "military exchanges"), ("海上安全", "maritime security"))


def _mnd_page(lang: str, title: str, when: datetime.datetime, body: str, pages: int, k: int,
              stem: str) -> str:
    site = "中华人民共和国国防部" if lang == "zh" else "Ministry of National Defense"
    pager = (f"<div class=\"pages\"><script>createManuscriptPageHTML('{pages}', '{k}', "
             f"'{stem}', 'html');</script></div>\n" if pages > 1 else "")
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<meta name="publishdate" '
            f'content="{when:%Y-%m-%d %H:%M:%S}">\n<meta name="apple-mobile-web-app-title" '
            f'content="{_t(title)}">\n<title>{_t(title)} - {site}</title>\n</head>\n<body>\n'
            f'<div class="header"><h1 class="site-name">{site}</h1>\n<ul class="nav"><li><a '
            f'href="/">首页 Home</a></li><li><a href="{_MND_ZH}">例行记者会</a></li></ul></div>\n'
            f'<div class="article">\n<h1>{_t(title)}</h1>\n<div class="info">来源：国防部网 '
            f"时间：{when:%Y-%m-%d %H:%M}</div>\n<div id=\"article-content\">\n<!--HTMLBOX-->\n"
            f'{body}<!--HTMLBOX-->\n</div>\n{pager}</div>\n<div class="footer">版权所有：{site} '
            "Copyright</div>\n</body>\n</html>\n")


def _mnd_listing(lang: str, section: str, rows: list[tuple[str, str, datetime.date]], k: int,
                 announced: int) -> str:
    items = "".join(f'<li><a href="{href}" title="{_t(title)}">{_t(title)}</a><span>{d}</span>'
                    "</li>\n" for href, title, d in rows)
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{section}</title>\n'
            f'</head>\n<body>\n<div class="list">\n<ul>\n{items}</ul>\n</div>\n<div class="page">'
            f"<script>createPageHTML('{announced}', '{k}', 'index', 'html');</script></div>\n"
            "</body>\n</html>\n")


def _mnd(tree: _Tree, step: int, world: World) -> None:
    zh_rows, zh_items, en_rows, en_items = [], [], [], []
    edited = deleted = ""
    for j, day in enumerate(_days(datetime.date(2025, 9, 25), 3, 30)):
        when = datetime.datetime.combine(day, datetime.time(16, 5))
        zb = ds.invent_briefings("zh", day, 1, seed=40 + j)[0]
        eb = ds.invent_briefings("en", day, 1, seed=40 + j)[0]
        if j == 1:
            zb = _reword(zb, step)
        number = 16_400_000 + (day - datetime.date(2020, 1, 1)).days * 10
        # The full transcript, over two pages.
        title = f"{day.year}年{day.month}月国防部例行记者会文字实录"
        paras, turns = _labelled(zb, "记者", "蒋斌")
        noise_top = (f"{day.month}月{day.day}日下午，国防部举行例行记者会。",
                     "国防部新闻发言人蒋斌大校主持记者会。（新华社记者 王某 摄）")
        half = len(paras) // 2
        path = f"{_MND_ZH}{number}.html"
        files = (path, f"{_MND_ZH}{number}_2.html")
        bodies = ['<div id="mediaurl"><video src="/v.mp4"></video>视频加载中…</div>\n'
                  + "".join(f"<p>{_t(p)}</p>\n" for p in noise_top)
                  + "".join(f"<p>{_t(p)}</p>\n" for p in paras[:half]),
                  "".join(f"<p>{_t(p)}</p>\n" for p in paras[half:])
                  + "<p>来源：国防部网</p>\n<p>责任编辑：李某</p>\n"]
        for k, (file, body) in enumerate(zip(files, bodies, strict=True)):
            tree.put(file, _mnd_page("zh", title, when, body, 2, k, str(number)))
        zh_items.append(Item(path, title, day, paras, "briefing", turns, files))
        zh_rows.append((f"{number}.html", title, day))
        if j == 1:
            edited = path
        # Two questions posted alone.
        for q in range(2):
            qpath = f"{_MND_ZH}{number + 1 + q}.html"
            ex = [p for p in paras if p.startswith("记者：")][q]
            answer = paras[paras.index(ex) + 1]
            qtitle = f"国防部：就{_MND_TOPICS[(j + q) % 4][0]}答记者问（第{q + 1}条）"
            tree.put(qpath, _mnd_page("zh", qtitle, when, f"<p>{_t(ex)}</p>\n<p>{_t(answer)}"
                                      "</p>\n", 1, 0, ""))
            zh_items.append(Item(qpath, qtitle, day, (ex, answer), "extract",
                                 (("question", "记者"), ("answer", "蒋斌"))))
            zh_rows.append((f"{number + 1 + q}.html", qtitle, day))
        # English: the same conference, with the disclaimer and the intro.
        epath = f"{_MND_EN}D_251802/{number + 5}.html"
        etitle = (f"Regular Press Conference of the Ministry of National Defense on "
                  f"{ds.MONTHS[day.month - 1]} {day.day}")
        eparas, eturns = _labelled(eb, "Journalist", "Jiang Bin")
        # Every other question is asked by a "Reporter:".
        asked = [k for k, p in enumerate(eparas) if p.startswith("Journalist: ")][1::2]
        eparas = tuple("Reporter: " + p.removeprefix("Journalist: ") if k in asked else p
                       for k, p in enumerate(eparas))
        eturns = tuple(("question", "Reporter") if t == ("question", "Journalist") and
                       n in [i for i, x in enumerate(eturns) if x[0] == "question"][1::2] else t
                       for n, t in enumerate(eturns))
        if step < 2 or j != 2:
            ebody = ("<p>(The following English text is for reference. In case of any "
                     "divergence, the Chinese text shall prevail.)</p>\n<p>Senior Colonel Jiang "
                     "Bin, spokesperson for the Ministry of National Defense, answered questions "
                     f"from the press on {ds.MONTHS[day.month - 1]} {day.day}.</p>\n"
                     + "".join(f"<p>{_t(p)}</p>\n" for p in eparas))
            tree.put(epath, _mnd_page("en", etitle, when, ebody, 1, 0, ""))
        en_items.append(Item(epath, etitle, day, eparas, "briefing", eturns))
        en_rows.append((f"D_251802/{number + 5}.html", etitle, day))
        if j == 2:
            deleted = epath
    for folder, rows, per_page in ((_MND_ZH, zh_rows, 3), (_MND_EN, en_rows, 2)):
        pages = math.ceil(len(rows) / per_page)
        for k in range(pages):
            # createPageHTML announces one page fewer than there are.
            tree.put(f"{folder}{'index.html' if k == 0 else f'index_{k}.html'}",
                     _mnd_listing("zh", folder, rows[k * per_page:(k + 1) * per_page], k,
                                  pages - 1))
    world.rooms["mnd-zh"] = Room([f"{_MND_ZH}index.html"], zh_items, edited=edited,
                                 pages=3, oldest=zh_rows[-1][2])
    world.rooms["mnd-en"] = Room([f"{_MND_EN}index.html"], en_items, deleted=deleted,
                                 pages=2, oldest=en_rows[-1][2])


# --- Taiwan Affairs Office ---------------------------------------------------------------------

_TAO = "/xwdt/xwfb/xwfbh/"
_TAO_OUTLETS = ("台海之声记者", "香港中评社记者", "《环球时报》记者", "东南卫视记者", "中新社记者")


def _tao(tree: _Tree, step: int, world: World) -> None:
    items, rows = [], []
    for j, day in enumerate(_days(datetime.date(2025, 9, 3), 5, 14)):
        b = ds.invent_briefings("zh", day, 1, seed=60 + j)[0]
        if j == 1:
            b = _reword(b, step)
        paras, turns = [], []
        for who, text in _exchanges(b):
            if who == "Q":
                outlet = _TAO_OUTLETS[len(turns) % len(_TAO_OUTLETS)]
                paras.append(f"{outlet}：{text}")
                turns.append(("question", outlet))
            elif who == "A":
                paras.append(f"张晗：{text}")
                turns.append(("answer", "张晗"))
            elif not turns:
                paras.append(f"张晗：{text}")
                turns.append(("remarks", "张晗"))
            else:
                paras.append(text)
        # A character GBK has and GB2312 lacks.
        paras[-1] += "朱镕基曾指出这一点。"
        name = f"t{day:%Y%m%d}_{12_000 + j}.htm"
        path = f"{_TAO}{day:%Y%m}/{name}"
        title = f"国务院台办新闻发布会辑录（{day:%Y-%m-%d}）"
        if step < 2 or j != 3:
            tree.put(path, (
                '<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/'
                f'html; charset=gb2312">\n<title>{_t(title)}_国务院台湾事务办公室</title>\n'
                "</head>\n"
                '<body>\n<div class="top">国务院台湾事务办公室 <a href="/">首页</a></div>\n'
                f'<div class="main">\n<h1>{_t(title)}</h1>\n<div class="info">发布时间：'
                f"{day:%Y-%m-%d} 12:30 来源：国台办网站</div>\n<div id=\"contentArea\">\n"
                f"<p>{day.month}月{day.day}日上午10时，国务院台办举行例行新闻发布会。</p>\n"
                + "".join(f"<p>{_t(p)}</p>\n" for p in paras)
                + "</div>\n</div>\n<div class=\"foot\">版权所有：国务院台湾事务办公室</div>\n"
                "</body>\n</html>\n"), encoding="gb2312")
        items.append(Item(path, title, day, tuple(paras), "briefing", tuple(turns)))
        rows.append((f"./{day:%Y%m}/{name}", title, day))
    per_page, pages = 3, 2
    for k in range(pages):
        lis = "".join(f'<li><a href="{h}" title="{_t(t)}">{_t(t)}</a><span>{d}</span></li>\n'
                      for h, t, d in rows[k * per_page:(k + 1) * per_page])
        tree.put(f"{_TAO}{'index.htm' if k == 0 else f'index_{k}.htm'}", (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;'
            ' charset=gb2312">\n<title>新闻发布会_国务院台湾事务办公室</title>\n</head>\n<body>\n'
            '<div class="side"><ul><li><a href="/xwdt/xwfb/wyly/202509/t20250901_11999.htm" '
            'title="国务院台办发言人答记者问">国务院台办发言人答记者问</a></li><li><a href="/xwdt/'
            'zwyw/202509/t20250902_11998.htm">政务要闻</a></li></ul></div>\n<div class="list">'
            f"<ul>\n{lis}</ul></div>\n<div class=\"page\"><script>createPageHTML({pages}, {k}, "
            '"index", "htm");</script></div>\n</body>\n</html>\n'), encoding="gb2312")
    world.rooms["tao"] = Room([f"{_TAO}index.htm"], items, edited=items[1].path,
                              deleted=items[3].path, pages=pages, oldest=rows[-1][2],
                              never=("/xwdt/xwfb/wyly/202509/t20250901_11999.htm",
                                     "/xwdt/zwyw/202509/t20250902_11998.htm"))


# --- US State Department -----------------------------------------------------------------------


def _state(tree: _Tree, base: str, step: int, world: World) -> None:
    items, locs = [], []
    for j, day in enumerate(_days(datetime.date(2024, 12, 16), 4, 7)):
        b = ds.invent_briefings("en", day, 1, seed=70 + j)[0]
        if j == 2:
            b = _reword(b, step)
        paras, turns = _labelled(b, "QUESTION", "MR HOLLAND", opening="Good afternoon. ")
        month = ds.MONTHS[day.month - 1]
        path = f"/briefings/department-press-briefing-{month.lower()}-{day.day}-{day.year}/"
        title = f"Department Press Briefing \u2013 {month} {day.day}, {day.year}"
        body = ""
        for p in paras:
            who, sep, rest = p.partition(": ")
            body += (f"<p><strong>{who}:</strong> {_t(rest)}</p>\n"
                     if sep and who in ("QUESTION", "MR HOLLAND") else f"<p>{_t(p)}</p>\n")
        if step < 2 or j != 1:
            tree.put(path, (
                '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n<title>'
                f"{_t(title)} - United States Department of State</title>\n</head>\n<body>\n"
                '<header class="site-header"><a href="/">U.S. Department of State</a></header>\n'
                '<main id="main">\n<article>\n<section class="featured-content">\n<h1 class='
                f'"featured-content__headline">{_t(title)}</h1>\n<div class="article-meta">\n'
                '<p class="article-meta__author-bureau">Daniel Holland, Department Spokesperson'
                '</p>\n<p class="article-meta__publish-date">'
                f"{month} {day.day}, {day.year}</p>\n</div>\n</section>\n<div class=\"entry-"
                'content">\n<div class="wp-block-summary-article-index"><h2>Index for Today\'s '
                'Briefing</h2><ul><li><a href="#1">Ukraine</a></li><li><a href="#2">Middle '
                f'East</a></li></ul></div>\n{body}<p># # #</p>\n</div><!-- .entry-content -->\n'
                '<div class="related-tags"><p>Tags</p><a href="/bureaus/">Office of the '
                "Spokesperson</a></div>\n</article>\n</main>\n<footer>USA.gov</footer>\n</body>\n"
                "</html>\n"))
        items.append(Item(path, title, day, paras, "briefing", turns))
        locs.append(path)
    other = "/briefings/background-briefing-on-the-secretarys-travel/"
    sitemap = "".join(f"<url><loc>{base}{p}</loc><lastmod>2025-01-10T12:00:00+00:00</lastmod>"
                      "</url>\n" for p in [*locs[:2], other, *locs[2:]])
    tree.put("/state_briefing-sitemap.xml",
             '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
             f'schemas/sitemap/0.9">\n{sitemap}</urlset>\n')
    world.rooms["state"] = Room(["/state_briefing-sitemap.xml"], items, edited=items[2].path,
                                deleted=items[1].path, never=(other,))
    world.rooms["state-live"] = Room([f"{STATE_LIVE}department-press-briefings/"], [])


# --- India's MEA -------------------------------------------------------------------------------

_MEA_QUERY = ("/FrontEnd/FetchPublicationListingData?publicationId=49&KeywordName=&SortBy=new&"
              "page={page}&PageSize=3&DateRange=&IsInternalMEA=false&PLngId=1")
_MEA_SPOKES = "Shri Randhir Jaiswal, Official Spokesperson"
_MEA_ASKERS = ("Meera Iyer, Deccan Courier", "Arjun Rao, Coastal Times", "Kavya Nair, Indus TV")


def _mea(tree: _Tree, step: int, world: World) -> None:
    items, cards = [], []
    for j, day in enumerate(_days(datetime.date(2025, 9, 29), 5, 7)):
        b = ds.invent_briefings("en", day, 1, seed=80 + j)[0]
        if j == 0:
            b = _reword(b, step)
        paras, turns = [], []
        for who, text in _exchanges(b):
            if who == "Q":
                asker = _MEA_ASKERS[len(turns) % 3]
                paras.append(f"{asker}: {text}")
                turns.append(("question", asker))
            elif who == "A" or not turns:
                paras.append(f"{_MEA_SPOKES}: {text}")
                turns.append(("answer" if turns else "remarks", _MEA_SPOKES))
            else:
                paras.append(text)
        pkid = 40_100 + j
        month = ds.MONTHS[day.month - 1]
        title = (f"Transcript of Weekly Media Briefing by the Official Spokesperson ({month} "
                 f"{day.day}, {day.year})")
        posted = day + datetime.timedelta(days=1)
        public = f"/media-briefings?dtl/{pkid}/Transcript_of_Weekly_Media_Briefing"
        body = ""
        for p in paras:
            who, sep, rest = p.partition(": ")
            body += (f'<p><span class="fw-bold">{_t(who)}:</span> {_t(rest)}</p>\n'
                     if sep and (who == _MEA_SPOKES or who in _MEA_ASKERS) else f"<p>{_t(p)}</p>\n")
        if step < 2 or j != 4:
            tree.put(f"/FrontEnd/FetchPublicationDetailData?pkid={pkid}&languageId=1", (
                f'<div class="container">\n<h2 class="titleText">{_t(title)}</h2>\n<div class='
                f'"description">\n{body}</div>\n<div class="d-flex tags"><a href="/media-'
                'briefings.htm">Media Briefings</a> <a href="#">Print</a></div>\n</div>\n'))
        items.append(Item(public, title, day, tuple(paras), "briefing", tuple(turns)))
        cards.append((public, title, posted))
    per_page, pages = 3, 2
    for k in range(pages + 1):  # and the empty page after the last
        html_ = "".join(
            f'<div class="col-md-12"><div class="pressReleases"><span class="date">{d.day} '
            f'{ds.MONTHS[d.month - 1]}, {d.year}</span>\n<h3 class="pressTitle"><a href="{p}">'
            f"{_t(t)}</a></h3></div></div>\n" for p, t, d in cards[k * per_page:(k + 1) * per_page])
        tree.put(_MEA_QUERY.format(page=k + 1), f'<div class="row">\n{html_}</div>\n')
    world.rooms["mea"] = Room([_MEA_QUERY.format(page=1)], items, edited=items[0].path,
                              deleted=items[4].path)


# --- Taiwan's MOFA -----------------------------------------------------------------------------

_TW = {"mofa-tw-en": (1329, 272, "en"), "mofa-tw-zh": (96, 74, "zh")}


def _mofa_tw(tree: _Tree, step: int, world: World) -> None:
    for name, (n, sms, lang) in _TW.items():
        items, rows = [], []
        for j, day in enumerate(_days(datetime.date(2025, 9, 30), 4, 5)):
            b = ds.invent_briefings(lang, day, 1, seed=90 + j)[0]
            paras = [p.partition(": " if lang == "en" else "：")[2] or p for p in b.paragraphs
                     ][:5]
            if j == 1 and lang == "en" and step >= 2:
                paras[1] = paras[1].replace(" ", " firmly ", 1)
            dateline = (f"{ds.MONTHS[day.month - 1]} {day.day}, {day.year} No. {300 + j}"
                        if lang == "en" else f"中華民國{day.year - 1911}年{day.month}月{day.day}日")
            paras = (dateline, *paras)
            s = 118_700 + j * 3 + (lang == "zh")
            path = f"/News_Content.aspx?n={n}&sms={sms}&s={s}"
            title = (f"MOFA responds to {ds.TOPICS[j][0]} ({j + 1})" if lang == "en"
                     else f"外交部回應{ds.TOPICS[j][1]}（{j + 1}）")
            if step < 2 or not (j == 2 and lang == "zh"):
                tree.put(path, (
                    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>'
                    f"{_t(title)}</title>\n</head>\n<body>\n<div class=\"simple-text title\"><h3>"
                    f"{_t(title)}</h3></div>\n<div class=\"essay\">\n"
                    + "".join(f"<p>{_t(p)}</p>\n" for p in paras)
                    + '</div>\n<div class="area-editor">Editor: Public Diplomacy Coordination '
                    "Council</div>\n<div class=\"group page-footer\">Ministry of Foreign Affairs"
                    "</div>\n</body>\n</html>\n"))
            items.append(Item(path, title, day, paras, "statement"))
            rows.append((path.lstrip("/"), title, day))
        per_page, pages = 3, 2
        for k in range(pages + 1):
            trs = "".join(
                f'<tr><td data-title="Date"><span>{d}</span></td><td data-title="Title"><a href="'
                f'{_t(p)}" title="{_t(t)}">{_t(t)}</a></td></tr>\n'
                for p, t, d in rows[k * per_page:(k + 1) * per_page])
            tree.put(f"/News.aspx?n={n}&sms={sms}&page={k + 1}&PageSize=3", (
                '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>News</title>\n'
                f'</head>\n<body>\n<table class="table">\n<tbody>\n{trs}</tbody>\n</table>\n'
                "</body>\n</html>\n"))
        world.rooms[name] = Room([f"/News.aspx?n={n}&sms={sms}&page=1&PageSize=3"], items,
                                 edited=items[1].path if lang == "en" else "",
                                 deleted=items[2].path if lang == "zh" else "")


# --- Russia's MID ------------------------------------------------------------------------------

_RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_RU_TEXT = ("Мы внимательно следим за развитием ситуации.", "Позиция России неизменна.",
            "Подробная информация размещена на сайте министерства.",
            "Мы призываем все стороны к сдержанности.", "Консультации продолжатся в ближайшее "
            "время.", "Этот вопрос обсуждался на встрече министров.")


def _mid(tree: _Tree, step: int, world: World) -> None:
    for lang in ("ru", "en"):
        folder = f"/{lang}/press_service/spokesman/briefings/"
        items, links = [], []
        for j, day in enumerate(_days(datetime.date(2025, 8, 20), 3, 7)):
            if lang == "ru":
                ask, answer, name = "Вопрос", "Ответ", "М.В.Захарова"
                title = (f"Брифинг официального представителя МИД России М.В.Захаровой, "
                         f"Москва, {day.day} {_RU_MONTHS[day.month - 1]} {day.year} года")
                shown, toc, back = f"{day:%d.%m.%Y}", "Содержание", "Назад к оглавлению"
                sections = ("О ситуации на Ближнем Востоке", "О предстоящих контактах")
                lines = list(_RU_TEXT)
            else:
                ask, answer, name = "Question", "Answer", "Maria Zakharova"
                title = (f"Foreign Ministry Spokeswoman Maria Zakharova\u2019s briefing, Moscow, "
                         f"{ds.MONTHS[day.month - 1]} {day.day}, {day.year}")
                shown, toc, back = (f"{day.day} {ds.MONTHS[day.month - 1]} {day.year}",
                                    "Contents", "Back to contents")
                sections = ("The situation in the Middle East", "Upcoming contacts")
                lines = ["We are following the situation closely.", "Russia's position is "
                         "unchanged.", "Details are on the ministry's website.", "We call on all "
                         "sides to show restraint.", "Consultations will continue soon.",
                         "The matter was discussed at the ministers' meeting."]
            if j == 0 and step >= 2 and lang == "ru":
                lines[1] = "Позиция России остаётся неизменной."
            paras = (sections[0], f"{name}: {lines[0]}", lines[1], sections[1], lines[2],
                     f"{ask}: {lines[3]}", f"{answer}: {lines[4]}", f"{ask}: {lines[5]}",
                     f"{name}: {lines[0]}")
            turns = (("remarks", name), ("question", ask), ("answer", answer),
                     ("question", ask), ("answer", name))
            ident = 2_045_100 + j * 7 + (lang == "en")
            path = f"{folder}{ident}/"
            body = (f"<h2>{toc}</h2>\n<ul>\n" + "".join(
                f'<li><a href="#{k}">{s}</a></li>\n' for k, s in enumerate(sections, 1))
                + "</ul>\n")
            for p in paras:
                if p in sections:
                    body += (f'<h2 id="{sections.index(p) + 1}">{_t(p)}</h2>\n')
                else:
                    # Hard line-wraps in the source, as the site has them.
                    body += "<p>" + _t(p).replace(" ", "\n", 1) + "</p>\n"
                if p == lines[1]:
                    body += f'<p><a href="#top">{back}</a></p>\n'
            if step < 2 or not (j == 2 and lang == "en"):
                tree.put(path, (
                    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>'
                    f"{_t(title)}</title>\n</head>\n<body>\n<div class=\"photo-content\">\n<h1 "
                    f'class="photo-content__title">{_t(title)}</h1>\n<div class="photo-content__'
                    f'date">{shown}</div>\n</div>\n<div class="text article-content">\n{body}'
                    "</div>\n<div class=\"footer\">МИД России</div>\n</body>\n</html>\n"))
            items.append(Item(path, title, day, paras, "briefing", turns))
            links.append((path, title))
        lis = "".join(f'<div class="announce"><a class="announce__link" href="{p}">{_t(t)}</a>'
                      "</div>\n" for p, t in links)
        tree.put(folder, (
            f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{folder}</title>\n'
            f"</head>\n<body>\n{lis}<div class=\"pagination\"><a href=\"?PAGEN_1=2\">2</a> <a "
            'href="?PAGEN_1=3">3</a> <a href="?PAGEN_1=2">Next</a></div>\n</body>\n</html>\n'))
        world.rooms[f"mid-{lang}"] = Room(
            [folder], items, edited=items[0].path if lang == "ru" else "",
            deleted=items[2].path if lang == "en" else "",
            never=(f"{folder}?PAGEN_1=2",))


ROBOTS = "User-agent: *\nDisallow: /*?PAGEN\nDisallow: /asset_publisher/\nCrawl-delay: 5\n"


def write_world(root: Path, base_url: str, step: int) -> World:
    world = World()
    tree = _Tree(root, ("gfbw", "2025xb", "xwdt", "briefings", "FrontEnd", "ru", "en"))
    _mfa(tree, Path(root), step, world)
    _mnd(tree, step, world)
    _tao(tree, step, world)
    _state(tree, base_url, step, world)
    _mea(tree, step, world)
    _mofa_tw(tree, step, world)
    _mid(tree, step, world)
    tree.put("/robots.txt", ROBOTS)
    tree.prune()
    for f in Path(root).glob("News*.aspx?*"):  # the endpoints' files are at the top
        if f not in tree.written:
            f.unlink()
    return world


# --- Serving it --------------------------------------------------------------------------------


class _WorldHandler(ds.SiteHandler):
    site: WorldSite

    def _answer(self, send_body: bool) -> None:
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        self.site.record(path + (f"?{parts.query}" if parts.query else ""))
        if path.startswith(STATE_LIVE):
            body = (b"<html><head><title>Technical Difficulties</title></head><body><h1>"
                    b"Technical Difficulties</h1></body></html>")
            self._send(403, {"Content-Type": "text/html"}, body if send_body else b"", len(body))
            return
        if parts.query:
            target = self.site.root / (path.lstrip("/") + "?" + parts.query)
        elif path == "/robots.txt":
            target = self.site.root / "robots.txt"
        else:
            target = self.site.resolve(path)
        if isinstance(target, str):
            self._redirect(301, target, send_body)
        elif isinstance(target, Path) and target.is_file():
            self._file(target, send_body)
        elif path.startswith(("/eng/", "/web/")):
            self._redirect(302, SYSTEM_PAGE, send_body)  # the ministry's deleted transcript
        else:
            body = b"<html><body><h1>404 Not Found</h1></body></html>"
            self._send(404, {"Content-Type": "text/html"}, body if send_body else b"", len(body))

    def _content_type(self, target: Path) -> str:
        # The endpoints (News.aspx?…, FetchPublicationDetailData?…) answer HTML.
        return {".xml": "application/xml", ".txt": "text/plain"}.get(target.suffix, "text/html")


class WorldSite(ds.LocalSite):
    """Every room's copy from one document root (tests.sites.rooms.write_world)."""

    handler_base = _WorldHandler
