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
    # Seconds between requests to the site that the dossier (../shared/briefing-rooms.md) found
    # its peers keep; a source's delay is never below it, except on a local copy.
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


def _site_family(name: str, summary: str, *, delay_floor: float = 0.0,
                 options: dict | None = None, checks: dict | None = None) -> SpiderSpec:
    """A spider that knows its site's templates: only the listing budget, the delay and
    what `options` adds are configurable."""
    return SpiderSpec(name, summary, options={**_PAGES, **_DELAY, **(options or {})},
                      checks={"max_pages": _positive, "download_delay": _not_negative,
                              **(checks or {})},
                      delay_floor=delay_floor)


SPIDERS: dict[str, SpiderSpec] = {
    "mfa": _site_family(
        "mfa", "China's Foreign Ministry press conferences (fmprc.gov.cn / mfa.gov.cn), "
        "English and Chinese, all three site generations", delay_floor=5),
    "mission": _site_family(
        "mission", "spokesperson's remarks mirrored by Chinese embassies and consulates "
        "(/eng/fyrth/), old and new hosts and layouts"),
    "scio": _site_family(
        "scio", "State Council Information Office press conferences on china.org.cn and "
        "english.scio.gov.cn, multi-page transcripts joined"),
    "mnd": _site_family(
        "mnd", "China's Ministry of National Defense press conferences (www.mod.gov.cn, "
        "eng.mod.gov.cn, over http), multi-page articles joined", delay_floor=6),
    "tao": _site_family(
        "tao", "the Taiwan Affairs Office press conferences and spokesperson answers "
        "(www.gwytb.gov.cn, GBK pages)", delay_floor=6),
    "state": _site_family(
        "state", "US State Department press briefings: the 2021-2025 archive through its "
        "sitemap, the live site (which answers bots 403)", delay_floor=5),
    "mea": _site_family(
        "mea", "India's Ministry of External Affairs media briefings (its listing and detail "
        "endpoints)", delay_floor=4),
    "mofa-tw": _site_family(
        "mofa-tw", "Taiwan's Ministry of Foreign Affairs press releases and statements, "
        "English and Chinese (News.aspx listings)", delay_floor=4),
    "mid": _site_family(
        "mid", "Russia's Foreign Ministry spokesperson briefings (mid.ru), Russian and "
        "English; page 1 of each listing (robots.txt forbids its pager)", delay_floor=10,
        options={"ca_bundle": str}, checks={"ca_bundle": _pem_file}),
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
