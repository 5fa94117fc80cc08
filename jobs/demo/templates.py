"""The pages of each site generation around a transcript: listing pages, article pages and
the site's error page, with their furniture (headers, sidebars, pagination scripts, the visit
counter that changes on every crawl, the hidden link crawlers must not follow).
"""

from __future__ import annotations

from briefwatch.jobs.demo.body import escape_attr, escape_text
from briefwatch.jobs.demo.briefings import Briefing
from briefwatch.jobs.demo.generations import GENERATIONS, TRS_BODY, Generation

_EN_SITE = "Ministry of Foreign Affairs of the People's Republic of China"
_ZH_SITE = "中华人民共和国外交部"
_DOCTYPES = {
    "en14": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n',
    "zh14": '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
            '"http://www.w3.org/TR/html4/loose.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n',
    "trs": "<!DOCTYPE html>\n<html>\n"}
_LANGS = {"en": '<a href="/ara/">عربي</a>\n<a href="/esp/">Español</a>\n<a href="/rus/">Русский</a>'
                '\n<a href="/fra/">Français</a>\n<a href="/mfa_chn/">简体中文</a>\n',
          "zh": '<a href="/mfa_eng/">English</a>\n<a href="/fra/">Français</a>\n<a href="/esp/">'
                'Español</a>\n<a href="/rus/">Русский</a>\n<a href="/ara/">عربي</a>\n'}
_EN14_HEADER = (
    '<div class="header">\n<div class="lang" style="padding-right:35px;">\n' + _LANGS["en"]
    + '</div>\n<div class="search clearfix"><form action="/wjb/eng_search.jsp" method="post" '
    'class="searchFrm"><input type="text" name="sw" id="sw" class="key fl" value=""/>'
    '<input type="submit" value="search" class="submit fr"/></form></div>\n</div>\n'
    '<div class="nav" style="position:relative;z-index:99999;">\n<ul class="clearfix">\n'
    '<li><a href="/mfa_eng/">Home</a></li>\n<li><a href="/mfa_eng/wjb_663304/">The Ministry</a>'
    '</li>\n<li><a href="/mfa_eng/xwfw_665399/">Press and Media Service</a><div class="subNav">'
    '<dl><dt><a href="/mfa_eng/xwfw_665399/s2510_665401/">Spokesperson\'s Remarks</a></dt><dd>'
    '<a href="/mfa_eng/xwfw_665399/s2510_665401/2511_665403/">Regular Press Conference</a></dd>'
    '</dl></div></li>\n</ul>\n</div>\n<div class="container clearfix">\n<div class="main fl">\n'
    '<div class="urhere"><a href="/mfa_eng/">Home</a>&nbsp;&gt;&nbsp;<a href="/mfa_eng/'
    'xwfw_665399/">Press and Media Service</a>&nbsp;&gt;&nbsp;<a href="./">Regular Press '
    'Conference</a></div>\n')
_ZH_HEADER = (
    '<div class="cbody">\n<div class="header">\n<div class="logo fl"><a href="/web/">'
    '<img src="/web/images/logo.png"/></a></div>\n<div class="lan fr">\n' + _LANGS["zh"]
    + '</div>\n</div>\n<div class="menu">\n<ul>\n<li><a href="/web/" class="twoW">首页</a></li>\n'
    '<li><a href="/web/wjdt_674879/" class="fourW">外交动态</a>\n<ul>\n'
    '<li><a href="/web/wjdt_674879/fyrbt_674889/">发言人表态</a></li>\n'
    '<li><a href="/web/wjdt_674879/cfhsl_674891/">吹风会</a></li>\n</ul>\n</li>\n</ul>\n</div>\n'
    '<div class="cl"></div>\n<div class="nav"><a href="/web/">首页</a>&nbsp;&gt;&nbsp;'
    '<a href="/web/wjdt_674879/">外交动态</a>&nbsp;&gt;&nbsp;<a href="./">发言人表态</a></div>\n')
_SUGGEST = {"en": '<form name="Form2000" method="post" action="" enctype="text/plain"><span>'
                  'Suggest to a friend</span> <input type="text" name="FriendEmail" value="Please'
                  ' enter E-mail"/> <input type="submit" value="Submit"/></form>',
            "zh": '<form name="Form2000" action="" encType="text/plain" method="post"><span>'
                  '推荐给朋友</span><input type="text" name="FriendEmail" class="txt" '
                  'value="请输入电子邮件地址"/><a href="javascript:void(0);" id="SendEmai">确定</a>'
                  "</form>"}
# An injected link that well-behaved crawlers must not follow (see sites.md).
_TRAP = '<a href="./pepp4_0/index.html" style="display:none">.</a>\n'


def _head(gen: Generation, title: str, b: Briefing | None = None, style: str = "") -> str:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
    style = style or gen.style
    if b is not None and style == "trs":
        meta += (f'<meta name="ArticleTitle" content="{escape_attr(b.title)}">\n'
                 f'<meta name="PubDate" content="{_pubdate(b)}">\n')
    return f"{_DOCTYPES[style]}<head>\n{meta}<title>{escape_text(title)}</title>\n</head>\n<body>\n"


def _footer(lang: str, visits: int) -> str:
    # The visit counter is the furniture that changes on every crawl of the real site.
    if lang == "en":
        return (f'<div class="footer">\n<div class="copyright">Copyright © {_EN_SITE}</div>\n'
                f'<div class="visit_count" id="visit_count">Visits: {visits}</div>\n</div>\n'
                "</body>\n</html>\n")
    return (f'<div class="copyright">\n<div class="max_cbody">{_ZH_SITE}\u3000版权所有<br>联系我们'
            f'</div>\n<div class="visit_count" id="visit_count">访问量：{visits}</div>\n</div>\n'
            "</body>\n</html>\n")


def _pubdate(b: Briefing) -> str:
    minutes = 18 * 60 + (b.number * 37) % 300
    return f"{b.date} {minutes // 60:02d}:{minutes % 60:02d}"


def _items(gen: Generation, bs: list[Briefing], from_article: bool, dates: str = "") -> str:
    up = "../" if from_article and gen.nested else "./"
    return "".join(f'<li><a href="{up}{gen.article_name(b)}" target="_blank">'
                   f'{escape_text(b.title)}</a>'
                   + {"": "", "paren": f"({b.date})", "span": f"<span>{b.date}</span>"}[dates]
                   + "</li>\n" for b in bs)


def _sidebar(gen: Generation, latest: list[Briefing], from_article: bool) -> str:
    items = _items(gen, latest, from_article)
    if gen.lang == "en":
        return ('<div class="right_sidebar fr" id="latest_news">\n<div class="about_mod">\n'
                f'<h2 class="mod_hd2">Latest Releases</h2>\n<ul>\n{items}</ul>\n</div>\n</div>\n')
    return ('<div class="rebox_l fl" id="latest_news">\n<div class="rebox_h3">最新发布</div>\n'
            f'<div class="rebox_class"><ul>\n{items}</ul></div>\n</div>\n')


def _pager(gen: Generation, pages: int, page: int) -> str:
    if gen.trs_pager:
        return ('<script type="text/javascript">\n'
                "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){\n"
                "\tfor(var i = 0; _nPageCount > 1 && i < _nPageCount; i++){\n"
                '\t\tvar href = _sPageName + (i == 0 ? "" : "_" + i) + "." + _sPageExt;\n'
                '\t\tdocument.write(i == _nCurrIndex ? "<span>" + (i + 1) + "</span> "'
                ' : "<a href=\\"" + href + "\\">" + (i + 1) + "</a> ");\n\t}\n}\n'
                f'createPageHTML({pages}, {page}, "{gen.stem}", "{gen.ext}");\n</script>\n')
    s, x = gen.stem, gen.ext
    w = ("Page(s)", "Prev", "Next") if gen.lang == "en" else ("页", "上一页", "下一页")
    return (f'<script type="text/javascript">\nvar currentPage = {page};//pages count from 0\n'
            "var prevPage = currentPage-1//the page before\n"
            "var nextPage = currentPage+1//the page after\n"
            f"var countPage = {pages}//how many pages\n"
            f'document.write(countPage+" {w[0]}&nbsp;&nbsp;");\n'
            f'if(prevPage==0)\n\tdocument.write("<a href=\\"{s}.{x}\\">{w[1]}</a>&nbsp;");\n'
            f'else if(prevPage>0)\n\tdocument.write("<a href=\\"{s}"+"_" + prevPage + "."+"{x}\\">'
            f'{w[1]}</a>&nbsp;");\nfor(var i=0; i<countPage; i++){{\n'
            '\tif(i==currentPage)\n\t\tdocument.write("<span>"+(i+1)+"</span>&nbsp;");\n'
            f'\telse if(i==0)\n\t\tdocument.write("<a href=\\"{s}.{x}\\">1</a>&nbsp;");\n'
            f'\telse\n\t\tdocument.write("<a href=\\"{s}"+"_" + i + "."+"{x}\\">"+(i+1)+"</a>'
            f'&nbsp;");\n}}\nif(nextPage<countPage)\n\tdocument.write("<a href=\\"{s}"+"_" + '
            f'nextPage + "."+"{x}\\">{w[2]}</a>");\n</script>\n')


def render_listing(gen: Generation, items: list[Briefing], page: int, pages: int, total: int,
             per_page: int, visits: int, latest: list[Briefing]) -> str:
    side = _sidebar(gen, latest, False)
    pager = _pager(gen, pages, page)
    show = (f'<script type="text/javascript">\nvar count = {total};\nif(count>{per_page})\n'
            '\tdocument.getElementById("pages").style.display="block";\n</script>\n')
    if gen.style == "zh14":
        return (_head(gen, f"发言人表态 — {_ZH_SITE}") + _ZH_HEADER + '<div class="rebox wjbox" '
                'style="min-height:700px;">\n' + side + '<div class="rebox_r fl">\n<div class='
                '"rebox_title">发言人表态</div>\n<div class="rebox_news">\n<ul>\n'
                + _items(gen, items, False, "paren") + "</ul>\n</div>\n" + _TRAP
                + f'<div class="page" id="pages" style="display:none;">\n{pager}</div>\n</div>\n'
                + '<div class="cl"></div>\n</div>\n</div>\n' + show + _footer("zh", visits))
    if gen.lang == "en" and not gen.trs_pager:  # en-2014 and en-2021 share the old template
        return (_head(gen, "Regular Press Conference", style="en14")
                + _EN14_HEADER + '<div class="newsLst_mod">\n<ul>\n' + _items(gen, items, False)
                + "</ul>\n</div>\n" + _TRAP + '<div id="pages" style="display:none;">\n' + pager
                + "</div>\n</div>\n" + side + "</div>\n" + show + _footer("en", visits))
    head = "Regular Press Conference" if gen.lang == "en" else "例行记者会"
    return (_head(gen, f"{head}_{_EN_SITE if gen.lang == 'en' else _ZH_SITE}")
            + f'<div class="header">\n<div class="lang_bar">\n{_LANGS[gen.lang]}</div>\n</div>\n'
            + f'<div class="container">\n<div class="list_title">{head}</div>\n'
            '<ul class="list1">\n' + _items(gen, items, False, "span") + "</ul>\n" + _TRAP
            + f'<div class="page" id="pages">\n{pager}</div>\n</div>\n' + side
            + _footer(gen.lang, visits))


def render_article(gen: Generation, b: Briefing, body: str, visits: int, latest: list[Briefing],
             related: list[Briefing]) -> str:
    t, side = escape_text(b.title), _sidebar(gen, latest, True)
    if gen.style == "en14":
        return (_head(gen, b.title) + _EN14_HEADER + f'<div class="content_mod">\n<h2 class='
                f'"title">{t}</h2>\n<h2 id="News_Body_subitle"></h2>\n<h2 id="News_Body_source">'
                '</h2>\n<div class="date" id="News_Body_Time"></div>\n'
                f'<div class="content">\n{body}\n</div>\n<div class="tool" style="margin-top:15px;'
                f'">\n<table><tr><td>{_SUGGEST["en"]}</td>\n<td><a href="javascript:window.print'
                '();">Print</a></td></tr></table>\n</div>\n<div class="tool" style="margin-top:15px'
                ';display:none;" id="id_RelNewsList">\n<div>Related News:</div>\n<div class='
                '"newsLst_mod">\n<ul id="id_RelNewsList_li">\n' + _items(gen, related, True)
                + "</ul>\n</div>\n</div>\n</div>\n</div>\n" + side + "</div>\n"
                + _footer("en", visits))
    if gen.style == "zh14":
        return (_head(gen, f"{b.title} — {_ZH_SITE}") + _ZH_HEADER + '<div class="vibox" style='
                f'"min-height:700px;">\n<div class="title" id="News_Body_Title">{t}</div>\n'
                '<div class="futitle" id="News_Body_subitle"></div>\n<div class="time"><span id='
                '"News_Body_source" style="display:none">来源：</span><span id="News_Body_Time">'
                f'{b.date}</span></div>\n<div class="info">[字体：<a href="javascript:edit(20);">大'
                '</a> <a href="javascript:edit(16);">中</a> <a href="javascript:edit(14);">小</a>]'
                '&nbsp;&nbsp;<a onclick="doPrint()" href="javascript:void(0);">打印本页</a></div>\n'
                f'<div id="News_Body_Txt_A" class="content">\n{body}\n</div>\n<div class="news" '
                'id="appendix_list" style="display:none;"><div class="news_top">附件</div><ul>'
                '</ul></div>\n<div class="news" id="relnews_list" style="display:none;">\n<div '
                'class="news_top">相关新闻</div>\n<ul>\n' + _items(gen, related, True, "paren")
                + '</ul>\n</div>\n<div class="searchview"><div class="search_left fl">'
                + _SUGGEST["zh"] + '</div><div class="cl"></div></div>\n</div>\n' + side
                + "</div>\n" + _footer("zh", visits))
    en = gen.lang == "en"
    if en:
        top = (f'<div class="news_header">\n<h1 class="news_header_title">{t}</h1>\n<div class='
               f'"news_header_time"><span class="xltime">{_pubdate(b)}</span></div>\n</div>\n'
               '<div class="content_text">\n<div class="view_dedault">\n'
               '<meta name="TRSWCM.ContStart">\n')
        end = '<meta name="TRSWCM.ContEnd">\n</div>\n</div>\n'
    else:
        top = (f'<div class="news-title">\n<h1>{t}</h1>\n<p class="time"><span>{_pubdate(b)}'
               '</span></p>\n</div>\n<meta name="TRSWCM.ContStart">\n<div id="News_Body_Txt_A">\n')
        end = '</div>\n<meta name="TRSWCM.ContEnd">\n'
    print_ = "Print" if en else "打印本页"
    return (_head(gen, f"{b.title}_{_EN_SITE if en else _ZH_SITE}", b)
            + f'<div class="header">\n<div class="lang_bar">\n{_LANGS[gen.lang]}</div>\n</div>\n'
            + '<div class="container">\n<div class="news_main">\n' + top
            + f"{TRS_BODY}\n{body}\n</div>\n" + end
            + f'<div class="news_share">{_SUGGEST[gen.lang]} <a href="javascript:window.print();"'
            f'>{print_}</a></div>\n</div>\n<div class="related_news">\n<ul>\n'
            + _items(gen, related, True, "span") + "</ul>\n</div>\n" + side + "</div>\n"
            + _footer(gen.lang, visits))


def render_error_page() -> str:
    """error.htm, where a missing page is redirected (the real site's soft 404)."""
    gen = GENERATIONS["zh-2014"]
    return (
        _head(gen, _ZH_SITE) + _ZH_HEADER.split('<div class="cl">')[0]
        + '<div style="width:700px; margin:0 auto;">\n<TABLE cellSpacing="0" cellPadding="0" '
        'width="770" border="0"><TBODY>\n<TR><TD width="100%" align="center">\n<img src="/chn/'
        'images/img-error.gif" border="0">\n<P><font color="red"><b>\n'
        '对不起，我们没有找到您要的网页。\n<br><br>\n<span style="font-family:Arial;">'
        "Sorry, the page you requested cannot be found.</span>\n</b></font></P>\n</TD></TR>\n"
        "</TBODY></TABLE>\n</div>\n</div>\n"
        f'<div class="copyright">\n<div class="max_cbody">{_ZH_SITE}\u3000版权所有</div>\n</div>\n'
        "</body>\n</html>\n")
