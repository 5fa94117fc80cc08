"""What the config file may say about each spider, importable without importing Scrapy.

Config validation and `briefwatch --help` run at start-up, where importing Scrapy would cost
a third of a second; the spider classes import this table rather than repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


def _regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _css(value: str) -> str | None:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        return f"is not a valid CSS selector: {exc}"
    return None


def _date_format(value: str) -> str | None:
    return None if "%" in value else "must be a strptime format such as \"%B %d, %Y\""


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be 1 or more"


@dataclass(frozen=True)
class SpiderSpec:
    name: str
    summary: str
    # config key -> the Python type its value must have
    options: dict[str, type] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    # config key -> a check returning what is wrong with a value, or None
    checks: dict[str, Callable[[object], str | None]] = field(default_factory=dict)


_PAGES = {"max_pages": int}


def _site_family(name: str, summary: str) -> SpiderSpec:
    """A spider that knows its site's templates: only the listing budget is configurable."""
    return SpiderSpec(name, summary, options=_PAGES, checks={"max_pages": _positive})


SPIDERS: dict[str, SpiderSpec] = {
    "mfa": _site_family(
        "mfa", "China's Foreign Ministry press conferences (fmprc.gov.cn / mfa.gov.cn), "
        "English and Chinese, all three site generations"),
    "mission": _site_family(
        "mission", "spokesperson's remarks mirrored by Chinese embassies and consulates "
        "(/eng/fyrth/), old and new hosts and layouts"),
    "scio": _site_family(
        "scio", "State Council Information Office press conferences on china.org.cn and "
        "english.scio.gov.cn, multi-page transcripts joined"),
    "listing": SpiderSpec(
        name="listing",
        summary="any briefing archive, configured entirely in the config file",
        options={"article_pattern": str, "next_pattern": str, "title_selector": str,
                 "date_selector": str, "body_selector": str, "date_format": str, **_PAGES},
        required=frozenset({"article_pattern"}),
        checks={"article_pattern": _regex, "next_pattern": _regex, "title_selector": _css,
                "date_selector": _css, "body_selector": _css, "date_format": _date_format,
                "max_pages": _positive},
    ),
}
