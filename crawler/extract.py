"""From a fetched page to a Transcript (title, conference date, text), or the reason it is none.

Where the page's template is known, the body container is cut out first and only that goes to
trafilatura: whole-page extraction lets language bars, "Suggest to a friend" and copyright lines
in, and flattens the old table layouts. Titles and dates come from the template's own elements,
TRS meta tags or the title text, never from trafilatura's date guess (it picks sidebar dates).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from crawler.normalize import clean_paragraphs

# Bump when our own extraction rules change what is extracted: versions record it, so that a
# change of rules is never mistaken for an edit of the transcript.
RULES_VERSION = 1


@dataclass(frozen=True)
class Template:
    name: str
    body: tuple[str, ...]  # CSS, tried in order; the first that matches is the body container
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()


# Most specific first: the 2024 Chinese page also has #News_Body_Txt_A.
TEMPLATES = (
    Template(
        "mfa-zh-2024",
        body=("div.news-title ~ * #News_Body_Txt_A > div.TRS_UEDITOR",
              "#News_Body_Txt_A > div.TRS_UEDITOR"),
        title=("div.news-title h1",),
        date=("p.time span", "p.time"),
    ),
    Template(
        "mfa-en-2024",
        body=(".content_text > div.view_dedault .TRS_UEDITOR", ".content_text > div.view_dedault",
              ".content_text"),
        title=(".news_header_title",),
        date=(".news_header_time .xltime", ".news_header_time"),
    ),
    Template(
        "mfa-en-2014",
        body=("div.content_mod div.content",),
        title=("div.content_mod h2.title",),
        date=("#News_Body_Time",),
    ),
    Template(
        "trs-news-body",
        body=("#News_Body_Txt_A",),
        title=("#News_Body_Title",),
        date=("#News_Body_Time",),
    ),
)

SOFT_404_MARKERS = (
    "Sorry, the page you requested cannot be found",
    "对不起，我们没有找到您要的网页",
    "系统维护",
)
ERROR_PATHS = re.compile(r"/error\.s?html?$", re.IGNORECASE)
TITLE_SUFFIX = re.compile(
    r"\s*[—–|_-]\s*(?:中华人民共和国外交部|外交部"
    r"|Ministry of Foreign Affairs of the People's Republic of China)\s*$"
)
MONTHS = {name: i + 1 for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({name[:3]: n for name, n in list(MONTHS.items())})
MONTHS["sept"] = 9
EN_DATE = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b",
    re.IGNORECASE,
)
ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


@dataclass(frozen=True)
class Transcript:
    title: str
    published: dt.date | None
    text: str  # one paragraph a line
    extractor: str


@dataclass(frozen=True)
class Rejected:
    reason: str


def extractor_fingerprint(template: str) -> str:
    return f"trafilatura-{trafilatura.__version__}/rules-{RULES_VERSION}/{template}"


def extract(html: str, url: str, *, listing_title: str = "", listing_date: str = "",
            ) -> Transcript | Rejected:
    """One pure function from a page to its transcript. `url` is where the page was served from."""
    if ERROR_PATHS.search(url.split("?", 1)[0]):
        return Rejected("redirected to the site's error page")
    if not html.strip():
        return Rejected("empty page")
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        return Rejected(f"unparseable HTML: {exc}")

    template, body = _find_body(tree)
    text = _extract_body(body) if body is not None else _extract_page(html)
    paragraphs = clean_paragraphs(text or "")
    title = _title(tree, template, listing_title)
    # A transcript may quote these words; a page that has no transcript template, or only a
    # few lines, and says them is the site's error or maintenance page.
    if (body is None or len(paragraphs) <= 3) and _says_not_found(tree):
        return Rejected("soft 404: the site's 'page not found' or maintenance page")
    if not paragraphs:
        return Rejected("no transcript text on the page")
    if not title:
        return Rejected("no title on the page")
    published = _date(tree, template, title, listing_date)
    return Transcript(
        title=title,
        published=published,
        text="\n".join(paragraphs),
        extractor=extractor_fingerprint(template.name if template else "generic"),
    )


def _says_not_found(tree) -> bool:
    page_text = " ".join(tree.text_content().split())
    return any(marker in page_text for marker in SOFT_404_MARKERS)


def _find_body(tree) -> tuple[Template | None, object | None]:
    for template in TEMPLATES:
        for css in template.body:
            found = tree.cssselect(css)
            if found:
                return template, found[0]
    return None, None


# Inline markup inside a known body container: unwrapped before extraction, because the
# ministry's editor splits words across <SPAN>s (`warm</SPAN><SPAN>ly`) and trafilatura's
# fallback for short bodies breaks lines at every element.
_INLINE = ("span", "font", "b", "strong", "em", "i", "u", "a", "sup", "sub", "small", "big")


def _extract_body(node) -> str:
    wrapper = lxml.html.fromstring("<html><body></body></html>")
    body = copy.deepcopy(node)
    etree.strip_tags(body, *_INLINE)
    wrapper.find("body").append(body)
    text = trafilatura.extract(
        wrapper,
        include_comments=False,
        include_tables=True,  # inside a cut-out body a table is part of the transcript
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_recall=True,
    )
    # trafilatura declines very short bodies; the container is known, so read it directly.
    return text or _block_text(node)


def _extract_page(html: str) -> str:
    return trafilatura.extract(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_precision=True,
    ) or ""


_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "br"}


def _block_text(node) -> str:
    """Text of a container with a line break at every block boundary."""
    parts: list[str] = []

    def walk(el) -> None:
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            if el.tail:
                parts.append(el.tail)
            return
        block = el.tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(node)
    return "".join(parts)


def _first_text(tree, selectors: tuple[str, ...]) -> str:
    for css in selectors:
        for el in tree.cssselect(css):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return ""


def _meta(tree, name: str) -> str:
    for el in tree.xpath("//meta[@name=$n or @property=$n]", n=name):
        content = " ".join((el.get("content") or "").split())
        if content:
            return content
    return ""


def _title(tree, template: Template | None, listing_title: str) -> str:
    title = _first_text(tree, template.title) if template else ""
    title = title or _meta(tree, "ArticleTitle") or _meta(tree, "og:title")
    if not title:
        heading = tree.xpath("//h1")
        title = " ".join(heading[0].text_content().split()) if heading else ""
    if not title:
        title = listing_title
    if not title:
        found = tree.xpath("//title")
        title = " ".join(found[0].text_content().split()) if found else ""
    return TITLE_SUFFIX.sub("", title).strip()


def date_from_text(text: str) -> dt.date | None:
    """A conference date written out in a title: 'on July 3, 2020', '2020年7月3日', '2020-07-03'."""
    for pattern, order in ((EN_DATE, "mdy"), (ZH_DATE, "ymd"), (ISO_DATE, "ymd")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if order == "mdy":
                return dt.date(int(c), MONTHS[a.lower().rstrip(".")], int(b))
            return dt.date(int(a), int(b), int(c))
        except (ValueError, KeyError):
            continue
    return None


def _date(tree, template: Template | None, title: str, listing_date: str) -> dt.date | None:
    # The title names the conference; the page's date line says when the URL was published,
    # which for re-published transcripts is years later.
    candidates = [title]
    if template:
        candidates.append(_first_text(tree, template.date))
    candidates += [_meta(tree, "PubDate"), listing_date]
    for text in candidates:
        found = date_from_text(text) if text else None
        if found:
            return found
    return None
