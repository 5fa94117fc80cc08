"""What the config file may say about each spider, importable without importing Scrapy.

Config validation and `briefwatch --help` run at start-up, where importing Scrapy would cost
a third of a second; the spider classes import this table rather than repeat it. A site
family's summary and delay floor are its record's in crawler/rooms.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from briefwatch.crawler.rooms import FAMILIES, Family


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
    # Seconds a source's requests wait at least (crawler/rooms.py: Family.delay_floor)
    delay_floor: float = 0.0


def _not_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more seconds"


def _pem_file(value: str) -> str | None:
    from pathlib import Path

    path = Path(value).expanduser()
    if not path.is_file():
        return "is not a file: give the path of a PEM file of CA certificates"
    if b"-----BEGIN CERTIFICATE-----" not in path.read_bytes()[:1 << 20]:
        return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    return None


_PAGES = {"max_pages": int}
# Every site family may be slowed down further than its floor.
_DELAY = {"download_delay": (int, float)}


def _site_family(family: Family, *, options: dict | None = None,
                 checks: dict | None = None) -> SpiderSpec:
    """A spider that knows its site's templates: only the listing budget, the delay and
    what `options` adds are configurable."""
    return SpiderSpec(family.name, family.summary,
                      options={**_PAGES, **_DELAY, **(options or {})},
                      checks={"max_pages": _positive, "download_delay": _not_negative,
                              **(checks or {})},
                      delay_floor=family.delay_floor)


# What a family's sources may say beyond the listing budget and the delay
_OWN_OPTIONS = {
    "mid": {"options": {"ca_bundle": str}, "checks": {"ca_bundle": _pem_file}},
}

SPIDERS: dict[str, SpiderSpec] = {
    **{name: _site_family(family, **_OWN_OPTIONS.get(name, {}))
       for name, family in FAMILIES.items()},
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
