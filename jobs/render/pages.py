"""HTML pages (jinja2 templates in jobs/render/templates): the web view and the standalone diff.

Autoescaping is on for every template, and the few fragments built here (diff cells, search
snippets) escape the scraped text themselves before adding their own tags, so nothing a page
says can become markup.
"""

from __future__ import annotations

import contextvars
import functools
import re
import urllib.parse
from pathlib import Path

from briefwatch.jobs.when import local
from briefwatch.storage.text.diff import COARSE, Block, Comparison, turn_sentence
from briefwatch.storage.text.names import shown

# Search snippets mark the match with characters no transcript holds (Unicode private use).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


@functools.cache
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, finalize=without_bidi_controls,
    )
    env.filters["link"] = safe_link
    env.filters["plural"] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    env.filters["turn_sentence"] = turn_sentence  # of a named Comparison's records
    env.filters["shown"] = shown  # `canonical|shown(written)`: `RIA Novosti (今日俄罗斯)`
    env.filters["marked"] = marked
    env.filters["lang"] = language
    env.filters["when"] = local  # a stored UTC time in the view's time zone: `x|when(tz)`
    env.globals["coarse"] = COARSE  # what a diff cut short by its budget says
    return env


# Bidi embeddings, overrides and isolates: a scraped U+202E would show "evil" as "live". Marks
# (U+200E, U+200F) only set the direction of what is next to them and stay.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value):
    """Every value a template prints, without the bidi controls that reorder what is shown
    (the markup the diff cells and snippets carry stays markup)."""
    return value.translate(_BIDI_CONTROLS) if isinstance(value, str) else value


# The time zone of the page being rendered: the web view sets it for each request.
ZONE: contextvars.ContextVar[str] = contextvars.ContextVar("zone", default="UTC")


def render(template: str, **context) -> str:
    context.setdefault("standalone", False)
    context.setdefault("tz", ZONE.get())
    return environment().get_template(template).render(**context)


def safe_link(url: str | None) -> str | None:
    """A scraped URL fit for an href: http(s) only, never `javascript:` or `data:`."""
    if url and urllib.parse.urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def language(text: str | None) -> str:
    """`zh` for Chinese text, else `en`: browsers pick Chinese glyphs by the lang attribute."""
    return "zh" if text and _HAN.search(text) else "en"


def marked(snippet: str | None):
    """A search snippet, escaped, with its match in <mark>."""
    from markupsafe import Markup, escape

    text = str(escape(snippet or ""))
    return Markup(text.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


def _cell(block: Block, side: str):
    from markupsafe import Markup, escape

    if side == "old":
        if block.op == "equal":
            return escape(block.old_text)
        if block.op == "delete":
            return Markup("<del>%s</del>") % block.old_text
        if block.op == "insert":
            return Markup("")
        keep = ("=", "-")
    else:
        if block.op == "equal":
            return escape(block.new_text)
        if block.op == "insert":
            return Markup("<ins>%s</ins>") % block.new_text
        if block.op == "delete":
            return Markup("")
        keep = ("=", "+")
    tags = {"-": Markup("<del>%s</del>"), "+": Markup("<ins>%s</ins>")}
    return Markup("").join(escape(text) if op == "=" else tags[op] % text
                           for op, text in block.words if op in keep)


def diff_rows(comparison: Comparison, context: int | None) -> list[dict]:
    """Rows of the two-column table: a paragraph pair each, or a count of unchanged ones."""
    from briefwatch.jobs.render.terminal import hunks

    rows = []
    for hunk in hunks(comparison.blocks, context):
        if isinstance(hunk, int):
            rows.append({"skip": hunk})
            continue
        for block in hunk:
            rows.append({"skip": 0, "op": block.op,
                         "old_n": "" if block.old is None else block.old + 1,
                         "new_n": "" if block.new is None else block.new + 1,
                         "old": _cell(block, "old"), "new": _cell(block, "new")})
    return rows


def diff_document(doc: dict, old: dict, new: dict, comparison: Comparison,
                  context: int | None = 1, tz: str = "UTC") -> str:
    """`diff --format html`: one page that needs nothing else (no script, styles inline);
    times in time zone `tz`."""
    return render("diff.html", standalone=True, doc=doc, old=old, new=new,
                  comparison=comparison, rows=diff_rows(comparison, context), numbers=[],
                  context=context, tz=tz)
