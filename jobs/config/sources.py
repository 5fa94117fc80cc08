"""[[sources]]: one source of the config file read and checked against its spider's keys
(spiders.registry), the pairs of sources that are one series in two languages, and the delay
between a source's requests.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from briefwatch.crawler.masking import masked_url
from briefwatch.jobs.config.checks import string_list, type_name, validate_cron, validate_routes
from briefwatch.jobs.config.model import Channel, ConfigError, CrawlSettings, Source
from briefwatch.spiders.registry import SPIDERS

# The names of sources and of watches.
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Keys every source may have, whatever its spider.
COMMON_SOURCE_KEYS = {"name", "spider", "start_urls", "schedule", "notify", "pair"}


def parse_source(raw: Any, index: int, where: str, crawl: CrawlSettings,
                 channels: tuple[Channel, ...]) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: sources[{index}] must be a table")
    name = raw.get("name")
    label = f"source {name!r}" if isinstance(name, str) else f"sources[{index}]"
    if not isinstance(name, str) or not SOURCE_NAME.match(name):
        raise ConfigError(
            f"{where}: {label}: 'name' must be lower-case letters, digits, '-' or '_' "
            f"(e.g. name = \"mfa-en\")"
        )
    spider = raw.get("spider")
    if spider not in SPIDERS:
        raise ConfigError(
            f"{where}: {label}: unknown spider {spider!r}; "
            f"choose one of: {', '.join(sorted(SPIDERS))}"
        )
    start_urls = string_list(raw, "start_urls", where, label)
    if not start_urls:
        raise ConfigError(
            f"{where}: {label}: 'start_urls' is missing or empty; give the listing URL(s)"
        )
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}: {label}: start URL {masked_url(url)!r} is not an "
                              f"http(s) URL")
        if "@" in parts.netloc:
            # Scrapy cannot send a user part (it takes it for the host name), and every log
            # line would carry the password
            raise ConfigError(f"{where}: {label}: start URL {masked_url(url)!r} carries a user "
                              f"name or password, which briefwatch cannot send; remove it")
    schedule = raw.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, str):
            raise ConfigError(f"{where}: {label}: 'schedule' must be a cron expression string")
        validate_cron(schedule, crawl.timezone, where, f"{label}: 'schedule'")
    notify = None
    if "notify" in raw:
        notify = tuple(string_list(raw, "notify", where, label))
        validate_routes(notify, channels, where, label)
    spec = SPIDERS[spider]
    options = {k: v for k, v in raw.items() if k not in COMMON_SOURCE_KEYS}
    if isinstance(options.get("ca_bundle"), str):
        # Relative to the config file, as every path in it.
        options["ca_bundle"] = str(Path(where).resolve().parent
                                   / Path(options["ca_bundle"]).expanduser())
    unknown = sorted(set(options) - set(spec.options))
    if unknown:
        allowed = ", ".join(sorted(spec.options)) or "none"
        raise ConfigError(
            f"{where}: {label}: unknown key {unknown[0]!r} for spider {spider!r} "
            f"(allowed: {allowed})"
        )
    missing = sorted(spec.required - set(options))
    if missing:
        raise ConfigError(f"{where}: {label}: spider {spider!r} needs {missing[0]!r}")
    for key, value in options.items():
        expected = spec.options[key]
        if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
            raise ConfigError(f"{where}: {label}: {key!r} must be {type_name(expected)}")
        problem = spec.checks[key](value) if key in spec.checks else None
        if problem:
            raise ConfigError(f"{where}: {label}: {key!r} {value!r} {problem}")
    pair = raw.get("pair")
    if pair is not None and not isinstance(pair, str):
        raise ConfigError(f"{where}: {label}: 'pair' must be the name of the source in the "
                          f"other language, e.g. pair = \"mfa-zh\"")
    return Source(name, spider, tuple(start_urls), MappingProxyType(options), schedule, notify,
                  pair, source_delay(crawl.download_delay, options.get("download_delay"),
                                     spec.delay_floor, start_urls))


def source_delay(crawl_delay: float, own: float | None, floor: float,
                 start_urls: list[str]) -> float:
    """The delay between a source's requests: the longest of [crawl]'s, its own and its
    site's floor. A local copy (a loopback host) is nobody's server: no floor."""
    import ipaddress

    def loopback(url: str) -> bool:
        host = urlsplit(url).hostname or ""
        try:
            return host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    local = all(loopback(u) for u in start_urls)
    return float(max(crawl_delay, own or 0, 0 if local else floor))


def check_pairs(sources: tuple[Source, ...], where: str) -> None:
    names = {s.name for s in sources}
    paired: dict[str, str] = {}
    for source in sources:
        if source.pair is None:
            continue
        label = f"source {source.name!r}: 'pair'"
        if source.pair == source.name:
            raise ConfigError(f"{where}: {label} names the source itself; name the source of "
                              f"the same series in the other language")
        if source.pair not in names:
            raise ConfigError(f"{where}: {label}: no source is named {source.pair!r} "
                              f"(configured: {', '.join(sorted(names))})")
        for one in (source.name, source.pair):
            if one in paired:
                raise ConfigError(f"{where}: {label}: {one!r} is paired twice (with "
                                  f"{paired[one]!r} already); a series has two languages")
        paired[source.name], paired[source.pair] = source.pair, source.name
