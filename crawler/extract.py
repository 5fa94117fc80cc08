"""From a fetched page to a Transcript (title, conference date, text), or the reason it is none.

Where the page's template is known, its body container is read directly, a line per block:
whole-page extraction lets language bars, "Suggest to a friend" and copyright lines in and
flattens the old table layouts, and trafilatura run on the cut-out container still dropped
paragraphs it took for repeats (1 of 14 on a consulate page, 5 of 34 "Name:" lines on a SCIO
page). Pages of no known template go to trafilatura (comments off, precision favoured). Titles
and dates come from the template's own elements, TRS meta tags or the title text, never from
trafilatura's date guess (it picks sidebar dates).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass

import lxml.html
from briefwatch.crawler.rooms import FAMILIES
from briefwatch.crawler.template import Template
from briefwatch.storage.text.normalize import clean_paragraphs
from lxml import etree
from lxml.cssselect import CSSSelector

# Bump when our own extraction rules change what is extracted: versions record it, so that a
# change of rules is never mistaken for an edit of the transcript.
RULES_VERSION = 2

# Every page is tried against every family's templates (which family a page is of is not known
# here), the most specific container first. The seed families' (the ministry's, its missions',
# SCIO's) keep the order their pages were checked in: the 2024 Chinese page also has
# #News_Body_Txt_A, the older pages' body. The other families' follow in crawler.rooms' order:
# none of their containers is on the ministry's pages.
_SEED_ORDER = ("mfa-zh-2024", "mfa-en-2024", "scio", "mission-table", "mfa-en-2014",
               "mission-2022", "trs-news-body")


def _in_try_order(families) -> tuple[Template, ...]:
    by_name = {t.name: t for family in families for t in family.templates}
    first = tuple(by_name.pop(name) for name in _SEED_ORDER)
    return first + tuple(by_name.values())


TEMPLATES = _in_try_order(FAMILIES.values())

SOFT_404_MARKERS = (
    "Sorry, the page you requested cannot be found",
    "对不起，我们没有找到您要的网页",
    "系统维护",
)
# Joins the pages of a transcript split over several URLs (SCIO's content_N_2.htm …).
PAGE_SEPARATOR = "\n<!-- briefwatch: next page -->\n"
ERROR_PATHS = re.compile(r"/error\.s?html?$", re.IGNORECASE)
# Where the ministry's current site sends a deleted transcript, with a 200: its "system" page.
SYSTEM_PAGE = re.compile(r"/web/system/|index_17321\b", re.IGNORECASE)
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
# Day first (mid.ru: "30 September 2026", "20 августа 2026 года", "20.08.2026").
RU_MONTHS = {stem: i + 1 for i, stem in enumerate(
    ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр",
     "ноябр", "декабр"])}
DMY_DATE = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b",
    re.IGNORECASE)
RU_DATE = re.compile(r"\b(\d{1,2})\s+([а-я]+?)(?:я|а|ь|е)?\s+(\d{4})", re.IGNORECASE)
DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")


@dataclass(frozen=True)
class Transcript:
    title: str
    published: dt.date | None
    text: str  # one paragraph a line
    extractor: str
    meta: dict | None = None  # header lines the template knows (SCIO: speakers, chairperson)


@dataclass(frozen=True)
class Rejected:
    reason: str


def extractor_fingerprint(template: str, with_trafilatura: bool) -> str:
    """What produced a text: our rules, the template, and trafilatura's version where it ran."""
    reader = f"trafilatura-{_trafilatura().__version__}/" if with_trafilatura else ""
    return f"{reader}rules-{RULES_VERSION}/{template}"


def extract(html: str, url: str, *, listing_title: str = "", listing_date: str = "",
            template: Template | None = None) -> Transcript | Rejected:
    """One pure function from a page to its transcript. `url` is where the page was served from;
    `template` (from a source's config) is tried before the known templates."""
    if ERROR_PATHS.search(url.split("?", 1)[0]):
        return Rejected("redirected to the site's error page")
    if SYSTEM_PAGE.search(url.split("?", 1)[0]):
        return Rejected("redirected to the site's 'system' page (a deleted transcript)")
    if not html.strip():
        return Rejected("empty page")
    first, *more = html.split(PAGE_SEPARATOR)
    try:
        tree = lxml.html.document_fromstring(first)
    except (etree.ParserError, ValueError) as exc:
        return Rejected(f"unparseable HTML: {exc}")

    configured = template
    templates = ((configured,) if configured else ()) + TEMPLATES
    template, body = _find_body(tree, templates)
    if template is None:
        # A configured title or date selector still applies to a page without its body.
        template = configured
    meta = {}
    if body is not None:
        if template.header:
            body = copy.deepcopy(body)  # the header paragraphs are cut out of it
            meta = _take_header(body, template.header)
        paragraphs = _paragraphs(body, template)
        for page in more:
            # The later pages of a split transcript, in the same template.
            _, later = _find_body(lxml.html.document_fromstring(page), (template,))
            if later is None:
                return Rejected("a later page of the transcript has no transcript text")
            paragraphs += _paragraphs(later, template)
    else:
        # No template knows the pages (a redesign, an unknown site): the generic extractor
        # reads each of them.
        paragraphs = clean_paragraphs(_extract_page(first))
        for page in more:
            later = clean_paragraphs(_extract_page(page))
            if not later:
                return Rejected("a later page of the transcript has no transcript text")
            if len(later) <= 3 and _says_not_found(lxml.html.document_fromstring(page)):
                return Rejected("a later page of the transcript is the site's 'page not found' "
                                "or maintenance page")
            paragraphs += later
    title = _title(tree, template, listing_title)
    # A transcript may quote these words; a page that has no transcript template, or only a
    # few lines, and says them is the site's error or maintenance page.
    if (body is None or len(paragraphs) <= 3) and _says_not_found(tree):
        return Rejected("soft 404: the site's 'page not found' or maintenance page")
    if not paragraphs:
        return Rejected("no transcript text on the page")
    if not title:
        return Rejected("no title on the page")
    published = _date(tree, template, title, listing_date, meta.get("date", ""))
    return Transcript(
        title=title,
        published=published,
        text="\n".join(paragraphs),
        extractor=extractor_fingerprint(template.name if template else "generic",
                                        with_trafilatura=body is None),
        meta=meta or None,
    )


def _paragraphs(body, template: Template) -> list[str]:
    if template.strip:
        body = copy.deepcopy(body)
        for css in template.strip:
            for element in _select(css)(body):
                element.drop_tree()
    paragraphs = clean_paragraphs(_block_text(body))
    if template.drop is not None:
        paragraphs = [p for p in paragraphs if not template.drop.match(p)]
    return paragraphs


def _take_header(body, labels: tuple[str, ...]) -> dict[str, str]:
    """Leading paragraphs like "Speakers: A, role; B, role" become metadata, not text.

    The header ends at the first paragraph that is not a known label; it is removed from
    `body` (a copy)."""
    meta: dict[str, str] = {}
    for element in list(body):
        if not isinstance(element.tag, str) or element.tag.lower() in ("script", "style"):
            continue
        lines = [" ".join(line.split()) for line in _block_text(element).split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        label, _, rest = lines[0].partition(":")
        if label.strip().lower() not in labels or not _:
            break
        values = ([rest.strip()] if rest.strip() else []) + lines[1:]
        key = {"speakers": "speakers", "speaker": "speakers", "speaker(s)": "speakers",
               "chairpersons": "chairperson"}.get(label.strip().lower(), label.strip().lower())
        meta[key] = "; ".join(values)
        body.remove(element)
    return meta


@functools.lru_cache(maxsize=256)
def _select(css: str) -> CSSSelector:
    """A compiled selector: translating CSS to XPath costs more than running it."""
    return CSSSelector(css, translator="html")


def _says_not_found(tree) -> bool:
    page_text = " ".join(tree.text_content().split())
    return any(marker in page_text for marker in SOFT_404_MARKERS)


def _find_body(tree, templates) -> tuple[Template | None, object | None]:
    for template in templates:
        for css in template.body:
            found = _select(css)(tree)
            if found:
                return template, found[0]
    return None, None


def _trafilatura():
    # Imported for pages of no known template only: it costs a third of a second, which a
    # quiet night (all 304s) or a run of known templates need not pay.
    import trafilatura

    return trafilatura


def _extract_page(html: str) -> str:
    return _trafilatura().extract(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_precision=True,
    ) or ""


# Whitespace in the HTML source, which a browser shows as one space, and the no-break and
# narrow spaces that only make searching fail; U+3000 is Chinese typography and stays.
_SOURCE_SPACE = re.compile(r"[ \t\r\n\f\xa0\u2000-\u200a\u202f\u205f]+")
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "br"}


def _block_text(node) -> str:
    """Text of a container with a line break at every block boundary.

    Inline elements join without spaces (the ministry's editor splits words across <SPAN>s),
    runs of source whitespace become one space, and the walk is iterative, so deeply nested
    markup cannot exhaust the stack."""
    parts: list[str] = []
    hidden = 0  # depth inside script/style, whose text is not shown
    for event, el in etree.iterwalk(node, events=("start", "end")):
        visible = isinstance(el.tag, str) and el.tag.lower() not in ("script", "style")
        block = visible and el.tag.lower() in _BLOCKS
        if event == "start":
            if not visible:
                hidden += 1
                continue
            if block:
                parts.append("\n")
            if el.text and not hidden:
                parts.append(_SOURCE_SPACE.sub(" ", el.text))
            continue
        if not visible:
            hidden -= 1
        elif block:
            parts.append("\n")
        if el.tail and not hidden and el is not node:
            parts.append(_SOURCE_SPACE.sub(" ", el.tail))
    return "".join(parts)


def _first_text(tree, selectors: tuple[str, ...]) -> str:
    for css in selectors:
        for el in _select(css)(tree):
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
    """The template's title elements and meta tags (../shared/briefing-rooms.md gives each
    room's), the ministries' ArticleTitle or og:title, the first <h1> that is not the site's
    name (`h1.site-name`: the Defence Ministry's English pages), the listing's link text, and
    last the page's <title> with the site's name cut off."""
    title = _first_text(tree, template.title) if template else ""
    for name in template.title_meta if template else ():
        title = title or _meta(tree, name)
    title = title or _meta(tree, "ArticleTitle") or _meta(tree, "og:title")
    if not title:
        heading = tree.xpath("//h1[not(contains(concat(' ', normalize-space(@class), ' '), "
                             "' site-name '))]")
        title = " ".join(heading[0].text_content().split()) if heading else ""
    if not title:
        title = listing_title
    if not title:
        found = tree.xpath("//title")
        title = " ".join(found[0].text_content().split()) if found else ""
        if template and template.title_cut:
            title = template.title_cut.sub("", title)
    return TITLE_SUFFIX.sub("", title).strip()


def date_from_text(text: str) -> dt.date | None:
    """A conference date written out in a title: 'on July 3, 2020', '2020年7月3日', '2020-07-03'."""
    for pattern, order in ((EN_DATE, "mdy"), (ZH_DATE, "ymd"), (ISO_DATE, "ymd"),
                           (DMY_DATE, "dmy"), (RU_DATE, "dmy-ru"), (DOTTED_DATE, "dmy-num")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        try:
            if order == "mdy":
                return dt.date(int(c), MONTHS[a.lower().rstrip(".")], int(b))
            if order == "dmy":
                return dt.date(int(c), MONTHS[b.lower().rstrip(".")], int(a))
            if order == "dmy-ru":
                return dt.date(int(c), RU_MONTHS[b.lower()], int(a))
            if order == "dmy-num":
                return dt.date(int(c), int(b), int(a))
            return dt.date(int(a), int(b), int(c))
        except (ValueError, KeyError):
            continue
    return None


def _date(tree, template: Template | None, title: str, listing_date: str,
          header_date: str = "") -> dt.date | None:
    # The title names the conference; the page's date line says when the URL was published,
    # which for re-published transcripts is years later.
    candidates = [title, header_date]
    if template:
        element = _first_text(tree, template.date)
        if element and template.date_format:
            try:
                return dt.datetime.strptime(element, template.date_format).date()
            except ValueError:
                pass
        candidates.append(element)
    candidates += [_meta(tree, "PubDate"), _meta(tree, "publishdate"), listing_date]
    for text in candidates:
        found = date_from_text(text) if text else None
        if found:
            return found
    return None


def extract_template(spider: str, source: str, options):
    """The extraction hints a source's config gives (the `listing` spider's selectors), or
    None: the crawl process and whatever stores its pages must agree on them."""
    if spider != "listing" or not any(
            k in options for k in ("body_selector", "title_selector", "date_selector")):
        return None
    return Template(
        f"listing-{source}",
        body=(options["body_selector"],) if "body_selector" in options else (),
        title=(options["title_selector"],) if "title_selector" in options else (),
        date=(options["date_selector"],) if "date_selector" in options else (),
        date_format=options.get("date_format", ""),
    )
