"""Local copies of three more site families, to serve with jobs.demo.LocalSite: invented
transcripts (jobs.demo) in the structure of the real templates (../shared/sites.md, 2-4).
Each call rewrites the family's folders under `root`: a larger `count` adds newer items on top,
pages no longer produced are deleted, unchanged pages keep bytes and mtime. `edits={i: seed}`
rewords `articles[i]` (newest first) with jobs.demo.reword.

Missions, /eng/fyrth/index.htm, index_1.htm ... Listing, URL and page dates are the day AFTER the
conference (its date is in the title). Turns `Q:`/`A:` before March 2020, then `Outlet:`/`Name:`.
  table  listing `#docMore a` (`<table id="docMore">` rows `· <a href="tN.htm">T</a> (YYYY-MM-DD)`);
         /eng/fyrth/tNNNNNN.htm: title `td.title`, date `td.time` (2012/02/07), body `td.font14`
         (`<P>`s, the first empty); banner, left menu and footer are tables.
  trs    listing `#docMore a` (`<div id="docMore"><ul><li>· <a>T</a> (YYYY-MM-DD)`); tNNNNNN.htm:
         `#News_Body_Title`, `#News_Body_Time` (YYYY-MM-DD), `#News_Body_Txt_A` > `div.TRS_Editor`
         (a `<STYLE>`, then `<P>`s).
  new    listing `div.news-list a` (`<li><a href="./YYYYMM/tYYYYMMDD_N.htm">T</a><span>date`);
         `div.title`, `div.view-date` (YYYY-MM-DD HH:MM), `div.trs_editor_view` (`<p>`s,
         questions in `<strong>`). trs and new pages carry ArticleTitle and PubDate metas.
  Articles end with "Suggest to a Friend" (a form), then a copyright line. Pager in `td.page`,
  `#pages` or `div.page`: "countPage" is a script only (`var countPage = N//…`, `var currentPage
  = K//…`); "next" links 首页 上一页 下一页 尾页 (First Prev Next Last on "new"); "numbers"
  `<span>1</span> <a href="index_1.htm">2</a> …`.
SCIO, /china/node_7240064.htm, node_7240064_2.htm ...: items `div.columns1 ul li a` (hrefs
  /china/YYYY-MM/DD/content_N.htm), briefings mixed with "Notice of SCIO press conference on …"
  announcements. Pager `div#autopage > center`: `<a>&lt;</a>` unless first, `<a>` numbers with
  `<span>K</span>` for the current page, `<a>&gt;</a>` unless last; the same pager splits a
  briefing over content_N.htm, content_N_2.htm …. Article: `h1#title`; `dl#guild dd` "0 Comment(s)
  Print E-mail China.org.cn, January 12, 2017" (publication); `div#fontzoom` "Adjust font size:";
  `div#container_txt` `<p>`s, on page 1 first `<p><b>Speaker:</b><br/>Name, role</p>` (or
  `Speakers:`, a `<br/>` line each), `Chairperson:`, `Date:` (conference, `Jan. 11, 2017`), then
  turns `<p><b>Name:</b></p>` `<p>text</p>`. After the container: the pager, then on the last page
  only the furniture (Follow…, Go to Forum >>0 Comment(s), `<p>No comments.</p>`, a form, …).
WordPress, /department-press-briefings/, …/page/2/ (folders with index.html): items
  `li.collection-result a.collection-result__link`, date `div.collection-result-meta span` (last);
  pager `div.nav-links` (numbers, dots, `a.next.page-numbers` "Next"). Article
  /briefings/department-press-briefing-may-22-2023/: `h1.featured-content__headline`,
  `p.article-meta__publish-date`, body `div.entry-content` (`<p><strong>MR HOLLAND:</strong> text`,
  `QUESTION:`); share bar before, tags, `aside.related-articles`, footer after. ForbiddenSite
  answers 403 to every request.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
import os
import random
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from briefwatch.jobs import demo as ds

_EPOCH = datetime.date(2000, 1, 1)
_DAY = datetime.timedelta(days=1)
_OUTLETS = tuple(o[0] for o in ds.OUTLETS)


@dataclass(frozen=True)
class Article:
    path: str                      # SCIO: the first page
    title: str
    date: datetime.date            # the conference date
    paragraphs: tuple[str, ...]    # what a correct extractor returns, in order
    page_paths: tuple[str, ...] = ()   # SCIO: every page, the first included
    speakers: tuple[str, ...] = ()     # SCIO header values, as shown
    chairperson: str = ""


@dataclass
class Site:
    listing_path: str
    listing_paths: tuple[str, ...]
    articles: list[Article]        # newest first, as listed
    pages: int                     # listing pages
    notices: tuple[str, ...] = ()  # SCIO announcement pages: listed, not transcripts
    forbidden: bool = False


_t, _a = functools.partial(html.escape, quote=False), html.escape


def _briefings(first: datetime.date, count: int, seed: int,
               edits: dict[int, int] | None) -> list[ds.Briefing]:
    """`count` weekdays from `first`, newest first: a larger count publishes newer items and
    leaves the older ones as they were."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += _DAY
    bs = ds.invent_briefings("en", days[-1], count, seed) if count else []
    for index, reword_seed in (edits or {}).items():
        bs[index] = ds.reword(bs[index], reword_seed)
    return bs


def _turn(b: ds.Briefing, p: str) -> tuple[str, str]:
    for name in (*_OUTLETS, b.spokesperson):
        if p.startswith(name + ": "):
            return name, p[len(name) + 2:]
    return "", p


class _Tree:
    """Writes one family's files; `prune` deletes those an earlier call wrote and this one not."""

    def __init__(self, root: Path, folders: tuple[str, ...]):
        self.root, self.folders, self.written = Path(root), folders, set()

    def put(self, path: str, text: str, encoding: str = "utf-8") -> None:
        target = self.root / (path + ("index.html" if path.endswith("/") else "")).lstrip("/")
        # GBK is what "gb2312" pages really hold; characters outside it become references.
        data = text.encode("gbk", "xmlcharrefreplace") if encoding == "gb2312" else text.encode()
        self.written.add(target)
        old = target.stat().st_mtime if target.exists() else None
        if old is not None and target.read_bytes() == data:
            return  # same ETag and Last-Modified, as on a real server
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if old is not None:  # Last-Modified has one-second resolution
            new = max(time.time(), old + 1)
            os.utime(target, (new, new))

    def prune(self) -> None:
        for folder in self.folders:
            base = self.root / folder
            for f in sorted(base.rglob("*"), reverse=True) if base.exists() else ():
                if f.is_file() and f not in self.written:
                    f.unlink()
                elif f.is_dir() and not any(f.iterdir()):
                    f.rmdir()


# --- Embassies and consulates ------------------------------------------------------------------

MISSIONS = {  # layout: (English name, Chinese name, first conference of the generated archive)
    "table": ("Consulate-General of the People's Republic of China in Vancouver",
              "中华人民共和国驻温哥华总领事馆", datetime.date(2012, 1, 2)),
    "trs": ("Embassy of the People's Republic of China in New Zealand",
            "中华人民共和国驻新西兰大使馆", datetime.date(2018, 9, 3)),
    "new": ("Embassy of the People's Republic of China in the Republic of Kenya",
            "中华人民共和国驻肯尼亚共和国大使馆", datetime.date(2022, 5, 2)),
}
_MENU = (("Home", "/eng/"), ("About Us 关于我们", "/eng/gywm/"),
         ("Consular Services 领事服务", "/eng/lsfw/"), ("Spokesperson's Remarks", "/eng/fyrth/"),
         ("中文", "/chn/"))
_SUGGEST = ('<form name="Form2000" method="post" action="">Suggest to a Friend '
            '<input type="text" name="FriendEmail"> <input type="submit" value="Send"></form>')
# Guarantees the characters a Latin-1 misreading of a GBK page would mangle.
_DASH = (" Details \u2014 including the \u201copen day\u201d programme \u2014 will be posted on "
         "the ministry\u2019s website.")


def _mission_text(b: ds.Briefing) -> tuple[str, ...]:
    old = b.date < datetime.date(2020, 3, 1)
    out = []
    for p in b.paragraphs:
        who, rest = _turn(b, p)
        if old and who:
            p = ("A: " if who == b.spokesperson else "Q: ") + rest
        quoted = "".join(f"\u201c{s}\u201d" if k % 2 else s for k, s in enumerate(p.split('"')))
        out.append(quoted.replace("'", "\u2019"))
    out[0] += _DASH
    return tuple(out)


def _mission_body(layout: str, b: ds.Briefing, paras: tuple[str, ...]) -> str:
    if layout == "table":
        return "<P>&nbsp;</P>\n" + "".join(f"<P>{_t(p)}</P>\n" for p in paras)
    if layout == "trs":
        return ("<div class=TRS_Editor><STYLE type=text/css>\n.TRS_Editor P{margin-top:0;"
                "line-height:1.5;font-family:宋体;font-size:10.5pt;}\n</STYLE>\n"
                + "".join(f"<P>{_t(p)}</P>\n" for p in paras) + "</div>\n")
    asks = [_turn(b, p)[0] in _OUTLETS for p in b.paragraphs]
    return "".join(f"<p><strong>{_t(p)}</strong></p>\n" if q else f"<p>{_t(p)}</p>\n"
                   for p, q in zip(paras, asks, strict=True))


def _index(k: int) -> str:
    return "index.htm" if k == 0 else f"index_{k}.htm"


def _mission_pager(pager: str, chinese: bool, k: int, n: int) -> str:
    if pager == "countPage":
        return ('<script type="text/javascript">\n'
                f"var countPage = {n}//共多少页\nvar currentPage = {k}//当前页\n"
                "for (var i = 0; i < countPage; i++) {\n"
                '\tvar href = i == 0 ? "index.htm" : "index_" + i + ".htm";\n'
                '\tdocument.write(i == currentPage ? "<span>" + (i + 1) + "</span> "\n'
                '\t\t: "<a href=\\"" + href + "\\">" + (i + 1) + "</a> ");\n}\n</script>\n')
    if pager == "numbers":
        return " ".join(f"<span>{i + 1}</span>" if i == k else f'<a href="{_index(i)}">{i + 1}</a>'
                        for i in range(n)) + "\n"
    words = ("首页", "上一页", "下一页", "尾页") if chinese else ("First", "Prev", "Next", "Last")
    links = [(words[0], 0), *([(words[1], k - 1)] if k else []),
             *([(words[2], k + 1)] if k < n - 1 else []), (words[3], n - 1)]
    return " ".join(f'<a href="{_index(i)}">{w}</a>' for w, i in links) + "\n"


def _mission_page(layout: str, charset: str, title: str, main: str, meta: str = "") -> str:
    en, zh, _ = MISSIONS[layout]
    doctype = ("<!DOCTYPE html>\n" if layout == "new" else
               '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n')
    head = (f"{doctype}<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; "
            f'charset={charset}">\n{meta}<title>{_t(title)}</title>\n</head>\n')
    if layout == "table":
        menu = "".join(f'<tr><td class="menu" height="26"><a href="{h}">{_t(n)}</a></td></tr>\n'
                       for n, h in _MENU)
        grid = '<table width="778" border="0" cellspacing="0" cellpadding="0" align="center">\n'
        return (head + '<body leftmargin="0" topmargin="0">\n' + grid
                + f'<tr><td class="banner" height="90"><img src="/eng/images/banner.jpg" alt="'
                f'{_a(en)}"></td></tr>\n<tr><td class="topnav">{zh} | <a href="/eng/">Home</a>'
                ' | <a href="/chn/">中文</a></td></tr>\n</table>\n' + grid
                + '<tr>\n<td width="180" valign="top" bgcolor="#F2E6CC">\n<table width="100%">\n'
                + menu + f'</table>\n</td>\n<td width="598" valign="top">\n{main}</td>\n</tr>\n'
                '</table>\n<table width="778" align="center"><tr><td align="center" class='
                f'"copyright">copyright © 2009 {_t(en)}, All Rights Reserved</td></tr></table>\n'
                "</body>\n</html>\n")
    menu = "".join(f'<li><a href="{h}">{_t(n)}</a></li>\n' for n, h in _MENU)
    if layout == "trs":
        return (head + f'<body>\n<div id="header">\n<div id="banner">{_t(en)}<br>{zh}</div>\n'
                f'</div>\n<div id="container">\n<div id="left">\n<ul>\n{menu}</ul>\n</div>\n'
                f'<div id="right">\n{main}</div>\n</div>\n<div id="footer">Copyright © '
                f"{_t(en)}, All Rights Reserved<br>地址：{zh}</div>\n</body>\n</html>\n")
    return (head + f'<body>\n<div class="header">\n<div class="mission-name">{_t(en)}<br>{zh}'
            f'</div>\n<div class="nav">\n<ul>\n{menu}</ul>\n</div>\n</div>\n<div class="main">\n'
            f'{main}</div>\n<div class="footer">\n<p>Copyright © {_t(en)}. All Rights Reserved'
            f"</p>\n<p>{zh}</p>\n</div>\n</body>\n</html>\n")


def _mission_listing(layout: str, rows: list[tuple[Article, datetime.date, str]],
                     pager: str) -> str:
    if layout == "table":
        items = "".join(f'<tr><td height="24">· <a href="{name}" target="_blank">{_t(a.title)}'
                        f"</a> ({pub})</td></tr>\n" for a, pub, name in rows)
        return ('<table width="100%"><tr><td class="lmtitle">Spokesperson\'s Remarks</td></tr>'
                f'</table>\n<table width="100%" id="docMore">\n{items}</table>\n<table width='
                f'"100%"><tr><td align="center" class="page">\n{pager}</td></tr></table>\n')
    if layout == "trs":
        items = "".join(f'<li>· <a href="./{name}" target="_blank">{_t(a.title)}</a> ({pub})'
                        "</li>\n" for a, pub, name in rows)
        return ('<div class="lm_title">Spokesperson\'s Remarks</div>\n<div id="docMore">\n<ul>\n'
                f'{items}</ul>\n</div>\n<div class="page" id="pages">\n{pager}</div>\n')
    items = "".join(f'<li><a href="./{name}" target="_blank">{_t(a.title)}</a><span>{pub}'
                    "</span></li>\n" for a, pub, name in rows)
    return ('<div class="column-title">Spokesperson\'s Remarks</div>\n<div class="news-list">\n'
            f'<ul>\n{items}</ul>\n</div>\n<div class="page">\n{pager}</div>\n')


def _mission_article(layout: str, title: str, body: str, shown: str) -> str:
    if layout == "table":
        return ('<table width="100%" border="0" cellspacing="0" cellpadding="6">\n<tr><td class='
                f'"title" align="center"><b>{_t(title)}</b></td></tr>\n<tr><td class="time" '
                f'align="center">{shown}</td></tr>\n<tr><td class="font14">\n{body}</td></tr>\n'
                f'<tr><td align="right">{_SUGGEST}</td></tr>\n</table>\n')
    if layout == "trs":
        return (f'<div id="News_Body_Title">{_t(title)}</div>\n<div id="News_Body_subitle">'
                f'</div>\n<div id="News_Body_Time">{shown}</div>\n<div id="News_Body_Txt_A">\n'
                f'{body}</div>\n<div class="tool">{_SUGGEST} <a href="javascript:window.print()'
                '">Print</a></div>\n')
    return (f'<div class="detail">\n<div class="title">{_t(title)}</div>\n<div class="view-date">'
            f'{shown}</div>\n<div class="view-content">\n<div class="trs_editor_view TRS_UEDITOR '
            f'trs_paper_default trs_web">\n{body}</div>\n</div>\n<div class="share">{_SUGGEST} '
            '<a href="javascript:window.print();">Print</a></div>\n</div>\n')


def write_mission(root: Path, layout: str, count: int, per_page: int = 20, seed: int = 0, *,
                  encoding: str = "utf-8", pager: str = "countPage",
                  edits: dict[int, int] | None = None) -> Site:
    """An embassy's or consulate's /eng/fyrth/ column; `layout` "table", "trs" or "new",
    `encoding` "utf-8" or "gb2312", `pager` "countPage", "next" or "numbers"."""
    if layout not in MISSIONS or encoding not in ("utf-8", "gb2312") or pager not in (
            "countPage", "next", "numbers"):
        raise ValueError(f"unknown layout, encoding or pager: {layout!r} {encoding!r} {pager!r}")
    tree, rows = _Tree(root, ("eng/fyrth",)), []
    for b in _briefings(MISSIONS[layout][2], count, seed, edits):
        pub = b.date + _DAY  # missions re-post the ministry's transcript the next day
        days = (pub - _EPOCH).days
        name = (f"{pub:%Y%m}/t{pub:%Y%m%d}_{10_600_000 + days * 7}.htm" if layout == "new"
                else f"t{900_000 + days}.htm")
        paras = _mission_text(b)
        article = Article(f"/eng/fyrth/{name}", b.title, b.date, paras)
        stamp = f"{pub} {9 + days % 9:02d}:{days * 7 % 60:02d}"
        meta = "" if layout == "table" else (f'<meta name="ArticleTitle" content="{_a(b.title)}">'
                                             f'\n<meta name="PubDate" content="{stamp}">\n')
        shown = {"table": f"{pub:%Y/%m/%d}", "trs": str(pub), "new": stamp}[layout]
        main = _mission_article(layout, b.title, _mission_body(layout, b, paras), shown)
        tree.put(article.path, _mission_page(layout, encoding, b.title, main, meta), encoding)
        rows.append((article, pub, name))
    pages = max(1, math.ceil(count / per_page))
    paths = tuple(f"/eng/fyrth/{_index(k)}" for k in range(pages))
    for k, path in enumerate(paths):
        listing = _mission_listing(layout, rows[k * per_page:(k + 1) * per_page],
                                   _mission_pager(pager, layout != "new", k, pages))
        tree.put(path, _mission_page(layout, encoding, f"Spokesperson's Remarks - "
                                     f"{MISSIONS[layout][0]}", listing), encoding)
    tree.prune()
    return Site(paths[0], paths, [r[0] for r in rows], pages)


# --- China.org.cn / SCIO -----------------------------------------------------------------------

_NODE = "node_7240064"
# Invented people: none of them is or was an official.
CHAIRS = (("Ma Yunhe", "director-general of the Press Bureau, State Council Information Office"),
          ("Tang Lin", "spokesperson of the State Council Information Office"))
SPEAKERS = (("Zhao Wen", "vice minister of commerce"),
            ("Lin Qiao", "vice minister of ecology and environment"),
            ("Guo Ping", "deputy head of the National Development and Reform Commission"),
            ("Fang Rui", "vice foreign minister"),
            ("Deng Hua", "vice minister of agriculture and rural affairs"))
_SUBJECTS = ("SCIO briefing on 'China's Policies on {T}'", "Press conference on {t} in {y}",
             "SCIO briefing on white paper '{T} in the New Era'",
             "Press conference on progress in {t}")
_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
         "Dec.")
_SCIO_END = (
    '<div class="follow">Follow China.org.cn on <a href="https://twitter.com/chinaorgcn">Twitter'
    '</a> and <a href="https://www.facebook.com/chinaorgcn">Facebook</a> to join the conversation.'
    '</div>\n<div class="sharebar"><a href="javascript:window.print()">Print</a> <a href='
    '"javascript:mailTo()">E-mail</a> <a href="javascript:void(0)">Bookmark and Share</a></div>\n'
    '<div id="comment">\n<div class="forum"><a href="http://forum.china.org.cn/">Go to Forum &gt;'
    '&gt;</a><span><font id="pinglun2">0</font> Comment(s)</span></div>\n<div class="comment-list">'
    '<p>No comments.</p></div>\n<form class="comment-form" action="" method="post">\n'
    "<h3>Add your comments...</h3>\n<ul>\n"
    '<li>User Name <input type="text" name="username" /> Required</li>\n'
    '<li>Your Comment <textarea name="content"></textarea></li>\n'
    '<li>Enter the words you see: <img src="/images/code.gif" alt="" /> <input type="text" '
    'name="code" /></li>\n</ul>\n<p>Racist, abusive and off-topic comments may be removed by the '
    'moderator.</p>\n<input type="submit" value="Send" />\n</form>\n</div>\n<div class="bottom">'
    'Send your stories <a href="/m/">Get more from China.org.cn</a> <a href="/m/">Mobile</a> '
    '<a href="/rss/">RSS</a> <a href="/newsletter/">Newsletter</a></div>\n')


def _abbr(d: datetime.date) -> str:
    return f"{_ABBR[d.month - 1]} {d.day}, {d.year}"


def _autopage(hrefs: list[str], k: int) -> str:
    if len(hrefs) < 2:
        return ""
    parts = [f"<span>{i + 1}</span>" if i == k else f'<a href="{h}">{i + 1}</a>'
             for i, h in enumerate(hrefs)]
    parts = ([f'<a href="{hrefs[k - 1]}">&lt;</a>'] if k else []) + parts + (
        [f'<a href="{hrefs[k + 1]}">&gt;</a>'] if k < len(hrefs) - 1 else [])
    return f'<div id="autopage"><center>{" ".join(parts)}</center></div>\n'


def _scio_page(title: str, inner: str) -> str:
    nav = " | ".join(f'<a href="{h}">{n}</a>' for n, h in (
        ("Home", "/"), ("China", "/china/"), ("World", "/world/"), ("Business", "/business/"),
        ("SCIO Briefings", f"/china/{_NODE}.htm"), ("中文", "http://cn.china.org.cn/")))
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.'
            'w3.org/1999/xhtml">\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
            f'charset=utf-8" />\n<title>{_t(title)} - China.org.cn</title>\n</head>\n<body>\n'
            f'<div id="topnav">{nav}</div>\n<div class="wrapper">\n{inner}</div>\n<div id="footer">'
            "Copyright © China.org.cn. All Rights Reserved E-mail: webmaster@china.org.cn "
            "京ICP证 040089号</div>\n</body>\n</html>\n")


def _scio_article(title: str, pub: datetime.date, body: str, pager: str, last: bool) -> str:
    return _scio_page(title, (
        f'<h1 id="title">{_t(title)}</h1>\n<dl id="guild"><dd><span class="tools"><a href='
        '"#comment"><font id="pinglun">0</font> Comment(s)</a><a href="javascript:window.print()">'
        'Print</a> <a href="javascript:mailTo()">E-mail</a></span> China.org.cn, '
        f"{ds.MONTHS[pub.month - 1]} {pub.day}, {pub.year}</dd></dl>\n"
        '<div id="fontzoom">Adjust font size: <a href="javascript:doZoom(16)"><img src="/images/'
        'big.gif" alt="" /></a> <a href="javascript:doZoom(14)"><img src="/images/small.gif" alt='
        f'"" /></a></div>\n<div id="container_txt">\n{body}</div>\n{pager}'
        + (_SCIO_END if last else "")))


def _scio_turns(b: ds.Briefing, chair: str, names: list[str]) -> tuple[str, ...]:
    out, asked = [f"Chairperson {chair}:", "Ladies and gentlemen, good afternoon. Welcome to "
                  "today's press conference."], 0
    for p in b.paragraphs:
        who, rest = _turn(b, p)
        if who in _OUTLETS:
            asked += 1
            out += [f"{who}:", rest]
        elif who:
            out += [f"{names[(asked - 1) % len(names)]}:", rest]
        else:
            out.append(p)
    return (*out, f"{chair}:", "Today's press conference ends here. Thank you, everyone.")


def write_scio(root: Path, count: int, per_page: int = 10, seed: int = 0, *,
               pages_per_briefing: int = 3, edits: dict[int, int] | None = None,
               notices: int = 2) -> Site:
    """China.org.cn's SCIO briefings; the newest `notices` briefings also get an announcement."""
    tree, listed, articles, notice_paths = _Tree(root, ("china",)), [], [], []
    for j, b in enumerate(_briefings(datetime.date(2017, 1, 2), count, seed, edits)):
        r = random.Random(f"scio:{seed}:{b.date}")
        chair, speakers = r.choice(CHAIRS), r.sample(SPEAKERS, r.randint(1, 2))
        topic = r.choice(ds.TOPICS)[0]
        big = " ".join(w[:1].upper() + w[1:] for w in topic.removeprefix("the ").split())
        title = r.choice(_SUBJECTS).format(T=big, t=topic, y=b.date.year)
        paras = _scio_turns(b, chair[0], [s[0] for s in speakers])
        pub = b.date + _DAY
        base = f"/china/{pub:%Y-%m}/{pub:%d}/content_{40_000_000 + (pub - _EPOCH).days * 10}"
        n = max(1, min(pages_per_briefing, len(paras)))
        cuts = [round(i * len(paras) / n) for i in range(n + 1)]
        paths = [base + (f"_{k + 1}" if k else "") + ".htm" for k in range(n)]
        shown = tuple(f"{name}, {role}" for name, role in speakers)
        head = (f"<p><b>Speaker{'s' if len(shown) > 1 else ''}:</b><br/>"
                + "<br/>".join(_t(s) for s in shown) + f"</p>\n<p><b>Chairperson:</b><br/>"
                f"{_t(', '.join(chair))}</p>\n<p><b>Date:</b><br/>{_abbr(b.date)}</p>\n")
        for k, path in enumerate(paths):
            body = (head if k == 0 else "") + "".join(
                f"<p><b>{_t(p)}</b></p>\n" if p.endswith(":") else f"<p>{_t(p)}</p>\n"
                for p in paras[cuts[k]:cuts[k + 1]])
            pager = _autopage([p.rsplit("/", 1)[1] for p in paths], k)
            tree.put(path, _scio_article(title, pub, body, pager, k == n - 1))
        articles.append(Article(paths[0], title, b.date, paras, tuple(paths), shown,
                                ", ".join(chair)))
        listed.append((pub, title, paths[0]))
        if j < notices:
            npub = b.date - 2 * _DAY
            number = 40_000_005 + (npub - _EPOCH).days * 10
            path = f"/china/{npub:%Y-%m}/{npub:%d}/content_{number}.htm"
            ntitle = f"Notice of SCIO press conference on {topic}"
            body = (f"<p>The State Council Information Office will hold a press conference at 10 "
                    f"a.m. on {b.date:%A}, {_abbr(b.date)}, on {_t(topic)}.</p>\n<p>"
                    f"{_t(shown[0])}, will brief the media and answer questions.</p>\n<p>Venue: "
                    "Press Hall, State Council Information Office</p>\n")
            tree.put(path, _scio_article(ntitle, npub, body, "", True))
            notice_paths.append(path)
            listed.append((npub, ntitle, path))
    listed.sort(key=lambda item: item[0], reverse=True)
    pages = max(1, math.ceil(len(listed) / per_page))
    names = [f"{_NODE}.htm"] + [f"{_NODE}_{k + 1}.htm" for k in range(1, pages)]
    for k, name in enumerate(names):
        items = "".join(f'<li><a href="{path}" target="_blank">{_t(title)}</a> <span>{pub}</span>'
                        "</li>\n" for pub, title, path in listed[k * per_page:(k + 1) * per_page])
        tree.put(f"/china/{name}", _scio_page("SCIO Briefings", (
            '<div class="crumbs"><a href="/">Home</a> / <a href="/china/">China</a></div>\n'
            f'<div class="columns1">\n<h2>SCIO Briefings</h2>\n<ul>\n{items}</ul>\n'
            f"{_autopage(names, k)}</div>\n")))
    tree.prune()
    return Site(f"/china/{names[0]}", tuple(f"/china/{n}" for n in names), articles, pages,
                tuple(notice_paths))


# --- A State Department-style WordPress archive ------------------------------------------------

_WP = "/department-press-briefings/"
_WP_SPOKES = (("MR HOLLAND", "Daniel Holland"), ("MS REYES", "Laura Reyes"))  # invented
_WP_HEADER = (
    '<header class="site-header">\n<a class="site-logo" href="/">U.S. Department of State</a>\n'
    '<nav class="site-nav" aria-label="Main">\n<ul class="menu">\n<li><a href="/issues/">Policy '
    'Issues</a></li>\n<li><a href="/countries-and-areas/">Countries &amp; Areas</a></li>\n<li><a '
    'href="/bureaus/">Bureaus &amp; Offices</a></li>\n<li><a href="/about/">About</a></li>\n'
    "</ul>\n</nav>\n</header>\n")
_WP_FOOTER = (
    '<footer class="site-footer">\n<ul>\n<li><a href="/privacy-policy/">Privacy Policy</a></li>\n'
    '<li><a href="/accessibility-statement/">Accessibility Statement</a></li>\n<li><a href="/'
    'copyright-information/">Copyright Information</a></li>\n<li><a href="https://www.usa.gov/">'
    "USA.gov</a></li>\n</ul>\n<p>U.S. Department of State</p>\n</footer>\n</body>\n</html>\n")


def _wp_page(title: str, main: str, meta: str = "") -> str:
    return ('<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
            f"{meta}<title>{_t(title)} - United States Department of State</title>\n</head>\n"
            f'<body>\n{_WP_HEADER}<main id="main" class="site-main">\n{main}</main>\n'
            + _WP_FOOTER)


def _wp_listing_path(k: int) -> str:
    return _WP if k == 0 else f"{_WP}page/{k + 1}/"


def _wp_pager(k: int, n: int) -> str:
    """paginate_links(): first and last page, two either side of the current one, dots between."""
    parts, last = [], -1
    if k:
        parts.append(f'<a class="prev page-numbers" href="{_wp_listing_path(k - 1)}">Previous</a>')
    for i in (i for i in range(n) if i in (0, n - 1) or abs(i - k) <= 2):
        if i > last + 1:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
        parts.append(f'<span aria-current="page" class="page-numbers current">{i + 1}</span>'
                     if i == k else
                     f'<a class="page-numbers" href="{_wp_listing_path(i)}">{i + 1}</a>')
        last = i
    if k < n - 1:
        parts.append(f'<a class="next page-numbers" href="{_wp_listing_path(k + 1)}">Next</a>')
    return ('<div class="pagination">\n<nav class="navigation pagination" aria-label="Posts">\n'
            '<div class="nav-links">\n' + "\n".join(parts) + "\n</div>\n</nav>\n</div>\n")


def write_wordpress(root: Path, count: int, per_page: int = 10, seed: int = 0, *,
                    edits: dict[int, int] | None = None, forbidden: bool = False) -> Site:
    """With `forbidden`, nothing is written: serve `root` with ForbiddenSite instead."""
    if forbidden:
        return Site(_WP, (), [], 0, forbidden=True)
    tree, articles, rows = _Tree(root, (_WP.strip("/"), "briefings")), [], []
    for b in _briefings(datetime.date(2023, 5, 1), count, seed, edits):
        short, full = random.Random(f"wp:{seed}:{b.date}").choice(_WP_SPOKES)
        out = []
        for k, p in enumerate(b.paragraphs):
            who, rest = _turn(b, p)
            out.append(f"QUESTION: {rest}" if who in _OUTLETS else f"{short}: {rest}" if who
                       else f"{short}: Good afternoon, everyone. {p}" if k == 0 else p)
        paras = (*out, f"{short}: Thanks, everyone.", "(The briefing was concluded at 2:58 p.m.)")
        month, day = ds.MONTHS[b.date.month - 1], f"{b.date.day}, {b.date.year}"
        path = f"/briefings/department-press-briefing-{month.lower()}-{b.date.day}-{b.date.year}/"
        articles.append(Article(path, f"Department Press Briefing \u2013 {month} {day}", b.date,
                                paras))
        rows.append((short, f"{full}, Department Spokesperson", f"{month} {day}"))
    for i, (article, (short, byline, shown)) in enumerate(zip(articles, rows, strict=True)):
        body = ""
        for p in article.paragraphs:
            who, _, rest = p.partition(": ")
            body += (f"<p><strong>{_t(who)}:</strong> {_t(rest)}</p>\n"
                     if who in ("QUESTION", short) else f"<p>{_t(p)}</p>\n")
        # Older neighbours only, so publishing a new briefing leaves the older pages' bytes alone.
        related = "".join(f'<li><a href="{a.path}">{_t(a.title)}</a></li>\n'
                          for a in articles[i + 1:i + 4])
        tree.put(article.path, _wp_page(article.title, (
            '<article class="post">\n<div class="featured-content__copy">\n<p class="article-meta '
            'doctype-meta">Department Press Briefing</p>\n<h1 class="featured-content__headline '
            f'stars-above">{_t(article.title)}</h1>\n<div class="article-meta">\n<p class="article-'
            f'meta__author-bureau">{byline}</p>\n<p class="article-meta__location">Washington, D.C.'
            f'</p>\n<p class="article-meta__publish-date">{shown}</p>\n</div>\n</div>\n'
            '<div class="share-bar"><span>Share</span> <a class="share-bar__link" href="https://'
            'www.facebook.com/sharer/">Facebook</a> <a class="share-bar__link" href="https://'
            'twitter.com/intent/tweet">Twitter</a> <a class="share-bar__link" href="mailto:">Email'
            f'</a></div>\n<div class="entry-content">\n{body}</div>\n<div class="related-tags">'
            '<div class="related-tags__pills"><a href="/bureaus/office-of-the-spokesperson/">'
            'Office of the Spokesperson</a></div></div>\n</article>\n<aside class="related-'
            f'articles">\n<h2>Related Articles</h2>\n<ul>\n{related}</ul>\n</aside>\n'),
            f'<meta property="article:published_time" content="{article.date}T19:41:00+00:00">\n'))
    pages = max(1, math.ceil(count / per_page))
    for k in range(pages):
        items = "".join(
            '<li class="collection-result">\n<p class="collection-result__date">Department Press '
            f'Briefing</p>\n<a href="{a.path}" class="collection-result__link" target="_self">'
            f'{_t(a.title)}</a>\n<div class="collection-result-meta" dir="ltr"><span dir="ltr">'
            f'{byline}</span><span dir="ltr">{shown}</span></div>\n</li>\n'
            for a, (_, byline, shown) in zip(articles[k * per_page:(k + 1) * per_page],
                                             rows[k * per_page:(k + 1) * per_page], strict=True))
        tree.put(_wp_listing_path(k), _wp_page("Department Press Briefings", (
            '<h1 class="page-header__title">Department Press Briefings</h1>\n<div class="collection'
            f'-info">{count} Results</div>\n<ul class="collection-results">\n{items}</ul>\n'
            + _wp_pager(k, pages))))
    tree.prune()
    return Site(_WP, tuple(_wp_listing_path(k) for k in range(pages)), articles, pages)


# --- A site that blocks crawlers ---------------------------------------------------------------


class _ForbiddingHandler(ds.SiteHandler):
    site: ForbiddenSite

    def _answer(self, send_body: bool) -> None:
        if not self.site.forbidden:
            super()._answer(send_body)
            return
        self.site.record(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path))
        body = b"<html><head><title>403 Forbidden</title></head><body>Access Denied</body></html>"
        self._send(403, {"Content-Type": "text/html"}, body if send_body else b"", len(body))


class ForbiddenSite(ds.LocalSite):
    """A LocalSite answering 403 to every request (robots.txt included) while `.forbidden` is
    true, as a site that blocks bots does; requests are still recorded in `.requests`."""

    handler_base = _ForbiddingHandler

    def __init__(self, root: Path, port: int = 0, *, forbidden: bool = True):
        super().__init__(root, port)
        self.forbidden = forbidden

