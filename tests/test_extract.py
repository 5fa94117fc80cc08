"""The extractor on pages of each template: exact paragraphs, title, conference date."""

import datetime as dt

import pytest
from briefwatch.crawler.extract import Rejected, Transcript, date_from_text, extract

from tests.helpers import REAL_PAGES

EN_2014 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Foreign Ministry Spokesperson Wang Lan's Regular Press Conference on March 4, 2019</title>
</head><body><div class="lang"><a href="#">中文</a> <a href="#">Français</a></div>
<div class="container"><div class="content_mod">
<h2 class="title">Foreign Ministry Spokesperson Wang Lan's Regular Press Conference on March 4, 2019</h2>
<div class="date" id="News_Body_Time"></div>
<div class="content">
<P align=justify><B><SPAN>Q: </SPAN></B><B><SPAN>What is your comment on the talks?</SPAN></B></P>
<P align=justify><SPAN>A: We welcome them warm</SPAN><SPAN>ly, and we don</SPAN><SPAN>'</SPAN><SPAN>t
 expect</SPAN> <SPAN>surprises.</SPAN></P>
</div>
<div class="tool"><table><tr><td>Suggest to a friend</td><td><a href="#">Print</a></td></tr></table></div>
<div class="tool" id="id_RelNewsList"><ul id="id_RelNewsList_li"><li><a href="./t1.shtml">Older</a></li></ul></div>
</div></div><div class="footer">Copyright © Ministry of Foreign Affairs</div></body></html>"""

ZH_2014 = """<html><head><meta charset="utf-8"><title>2019年3月4日外交部发言人王澜主持例行记者会 — 中华人民共和国外交部</title></head>
<body><div class="vibox"><div class="title" id="News_Body_Title">2019年3月4日外交部发言人王澜主持例行记者会</div>
<div class="time"><span id="News_Body_Time">2019-03-05</span></div>
<div id="News_Body_Txt_A" class="content"><P>　　问：你能否介绍有关情况？</P><P>　　答：中方注意到有关消息。</P></div>
<div class="searchview"><span>推荐给朋友</span></div></div>
<div class="copyright">中华人民共和国外交部　版权所有</div></body></html>"""

EN_2024 = """<html><head><title>Foreign Ministry Spokesperson Wang Lan’s Regular Press Conference on February 7, 2024_Ministry of Foreign Affairs of the People's Republic of China</title>
<meta name="ArticleTitle" content="Foreign Ministry Spokesperson Wang Lan’s Regular Press Conference on February 7, 2024">
<meta name="PubDate" content="2024-02-08 22:37"></head><body>
<div class="lang_bar">عربي Español Русский Français 简体中文</div>
<div class="news_header"><div class="news_header_title">Foreign Ministry Spokesperson Wang Lan’s Regular Press Conference on February 7, 2024</div>
<div class="news_header_time"><span class="xltime">2024-02-08 22:37</span></div></div>
<div class="content_text"><div class="view_dedault"><div class="TRS_UEDITOR">
<p>Reuters: Will the minister travel?</p><p>Wang Lan: I have nothing to offer on that.</p>
</div></div></div><div class="share">Suggest to a friend</div><div class="footer">Copyright</div></body></html>"""

ZH_2024 = """<html><head><meta name="PubDate" content="2024-02-08 09:00"><title>x</title></head><body>
<div class="news-title"><h1>2024年2月7日外交部发言人王澜主持例行记者会</h1></div>
<p class="time"><span>2024-02-08 09:00</span></p>
<div id="News_Body_Txt_A"><div class="TRS_UEDITOR"><p>　　中央电视台记者：请介绍情况。</p><p>　　王澜：谢谢。</p></div></div>
<div class="footer">版权所有：中华人民共和国外交部</div></body></html>"""


@pytest.mark.parametrize(
    ("html", "title", "date", "paragraphs"),
    [
        pytest.param(
            EN_2014,
            "Foreign Ministry Spokesperson Wang Lan's Regular Press Conference on March 4, 2019",
            dt.date(2019, 3, 4),
            ["Q: What is your comment on the talks?",
             "A: We welcome them warmly, and we don't expect surprises."],
            id="en-2014",
        ),
        pytest.param(ZH_2014, "2019年3月4日外交部发言人王澜主持例行记者会", dt.date(2019, 3, 4),
                     ["问：你能否介绍有关情况？", "答：中方注意到有关消息。"], id="zh-2014"),
        pytest.param(
            EN_2024,
            "Foreign Ministry Spokesperson Wang Lan’s Regular Press Conference on February 7, 2024",
            dt.date(2024, 2, 7),
            ["Reuters: Will the minister travel?", "Wang Lan: I have nothing to offer on that."],
            id="en-2024",
        ),
        pytest.param(ZH_2024, "2024年2月7日外交部发言人王澜主持例行记者会", dt.date(2024, 2, 7),
                     ["中央电视台记者：请介绍情况。", "王澜：谢谢。"], id="zh-2024"),
    ],
)
def test_template(html, title, date, paragraphs):
    result = extract(html, "http://127.0.0.1/t1.shtml")
    assert isinstance(result, Transcript), result
    assert result.title == title
    assert result.published == date
    assert result.text.split("\n") == paragraphs


def test_date_falls_back_to_the_date_element_then_pubdate():
    page = ZH_2024.replace("2024年2月7日", "")
    assert extract(page, "http://x/t.shtml").published == dt.date(2024, 2, 8)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Regular Press Conference on July 3, 2020", dt.date(2020, 7, 3)),
        ("Daily Briefing Online on Feb. 10, 2020", dt.date(2020, 2, 10)),
        ("Remarks on Sept 1, 2021", dt.date(2021, 9, 1)),
        ("2020年7月3日外交部发言人", dt.date(2020, 7, 3)),
        ("2020-07-03 22:37", dt.date(2020, 7, 3)),
        ("no date here", None),
        ("on February 30, 2020", None),
    ],
)
def test_date_from_text(text, date):
    assert date_from_text(text) == date


@pytest.mark.parametrize(
    ("html", "url"),
    [
        pytest.param("<html><body><p>Sorry, the page you requested cannot be found.</p>"
                     "</body></html>", "http://x/t1.shtml", id="not-found-page"),
        pytest.param("<html><body><div>系统维护中</div></body></html>", "http://x/t1.shtml",
                     id="maintenance"),
        pytest.param(EN_2014, "http://x/error.htm", id="error-url"),
        pytest.param("", "http://x/t1.shtml", id="empty"),
        pytest.param("<html><body><div class='content_mod'><div class='content'></div></div>"
                     "</body></html>", "http://x/t1.shtml", id="empty-body"),
    ],
)
def test_pages_that_are_not_transcripts_are_rejected(html, url):
    assert isinstance(extract(html, url), Rejected)


def test_scraped_markup_is_text_not_html():
    page = EN_2014.replace("What is your comment", "&lt;script&gt;alert(1)&lt;/script&gt; What")
    result = extract(page, "http://x/t1.shtml")
    assert "<script>alert(1)</script> What" in result.text


real = pytest.mark.skipif(not REAL_PAGES.exists(), reason="../shared/real-pages not present")


@real
@pytest.mark.parametrize(
    ("name", "title", "date", "count", "first", "last"),
    [
        ("en_2511_665403_t1794629.shtml",
         "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference on July 3, 2020",
         dt.date(2020, 7, 3), 35, "CCTV: The foreign ministry of Laos",
         "refrain from stirring up new trouble."),
        ("en_2511_665403_t1559633.shtml",
         "Foreign Ministry Spokesperson Lu Kang's Regular Press Conference on May 15, 2018",
         dt.date(2018, 5, 15), 19, "Q: On May 14, the US Embassy", "how it acts."),
        ("zh_fyrbt_674889_t1794584.shtml", "2020年7月3日外交部发言人赵立坚主持例行记者会",
         dt.date(2020, 7, 3), 34, "中央电视台记者：日前", "不要制造新的事端。"),
        ("zh_fyrbt_674889_t1415897.shtml", "2016年11月16日外交部发言人耿爽主持例行记者会",
         dt.date(2016, 11, 16), 11, "问：据报道", "维护自身安全利益。"),
    ],
)
def test_real_pages(name, title, date, count, first, last):
    html = (REAL_PAGES / name).read_text(encoding="utf-8")
    result = extract(html, f"https://www.fmprc.gov.cn/x/{name}")
    assert result.title == title
    assert result.published == date
    paragraphs = result.text.split("\n")
    assert len(paragraphs) == count
    assert paragraphs[0].startswith(first)
    assert paragraphs[-1].endswith(last)
    for furniture in ("Suggest to a friend", "Print", "推荐给朋友", "版权所有", "Related News"):
        assert furniture not in result.text
    if name == "en_2511_665403_t1794629.shtml":
        # words split across <SPAN>s are joined without spaces
        assert "law-enforcement in the waters" in result.text
        assert "We don't accept" in result.text


@real
def test_real_error_page_is_a_soft_404_at_any_url():
    html = (REAL_PAGES / "error.htm").read_text(encoding="utf-8")
    assert isinstance(extract(html, "https://www.fmprc.gov.cn/x/t1.shtml"), Rejected)


@pytest.mark.parametrize(
    ("body", "allowed"),
    [
        pytest.param(b"<!DOCTYPE HTML><html><body>Disallow: /</body></html>", True,
                     id="html-error-page"),
        pytest.param(b"  <html><p>User-agent: *</p><p>Disallow: /</p></html>", True,
                     id="html-with-rule-text"),
        pytest.param(b"User-agent: *\nDisallow: /mfa_eng/\n", False, id="real-rules"),
        pytest.param(b"", True, id="empty"),
    ],
)
def test_robots_txt_that_is_an_html_page_means_no_rules(body, allowed):
    from briefwatch.crawler.robots import HtmlTolerantRobotParser

    parser = HtmlTolerantRobotParser(body, None)
    assert parser.allowed("https://www.fmprc.gov.cn/mfa_eng/t1.shtml", "briefwatch") is allowed


def _story(title: str, paragraphs: list[str]) -> str:
    """A page in markup no template knows."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><header><a href='/'>Home</a>"
            f"</header><main><h1>{title}</h1><article class='story'>{body}</article></main>"
            f"<footer>Copyright</footer></body></html>")


PAGE_ONE = ["The press conference opened with a statement on the harvest season and on the "
            "grain reserves that the provinces have built over the past three years."]
PAGE_TWO = ["Reporter: What does the ministry expect of the coming talks on river water "
            "sharing, and will the delegation travel before the end of the month?",
            "Spokesperson: The delegation will travel next week, and we expect the talks to "
            "produce an arrangement that serves the people living along the river."]


def test_a_split_transcript_of_no_known_template_joins_every_page():
    from briefwatch.crawler.extract import PAGE_SEPARATOR

    title = "Press Conference on the Harvest, March 3, 2021"
    html = PAGE_SEPARATOR.join([_story(title, PAGE_ONE), _story(title, PAGE_TWO)])
    result = extract(html, "http://127.0.0.1/china/content_1.htm")
    assert isinstance(result, Transcript), result
    assert result.text.split("\n") == PAGE_ONE + PAGE_TWO


@pytest.mark.parametrize("later", [
    "<html><body></body></html>",
    _story("China.org.cn", ["Sorry, the page you requested cannot be found."]),
])
def test_a_split_transcript_whose_later_page_says_nothing_is_rejected(later):
    from briefwatch.crawler.extract import PAGE_SEPARATOR

    title = "Press Conference on the Harvest, March 3, 2021"
    html = PAGE_SEPARATOR.join([_story(title, PAGE_ONE), later])
    result = extract(html, "http://127.0.0.1/china/content_1.htm")
    assert isinstance(result, Rejected)
    assert "a later page of the transcript" in result.reason
