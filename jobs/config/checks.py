"""Checks of single values of the config file: the type of a key, the keys a table may have,
cron expressions, time zones, apprise URLs and the channels a source or watch routes to.

Each raises ConfigError with a message naming the file (`where`), the section or source
(`label`) and the key.
"""

from __future__ import annotations

import re
from typing import Any

from briefwatch.crawler.masking import masked_url
from briefwatch.jobs.config.model import Channel, ConfigError

# a channel's tag ("desk" of "desk=mailto://…"), as apprise's text config has them
TAG = re.compile(r"^[\w-]+$")


def section(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    """The table `[key]` of the file, empty when the file has none."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def only_keys(table: dict[str, Any], allowed: set[str], where: str, label: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: {label}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def typed(table: dict[str, Any], key: str, kind: Any, where: str, label: str,
          default: Any) -> Any:
    """`table[key]`, which must be of type `kind` (never a bool for a number), or `default`."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ConfigError(f"{where}: {label} {key!r} must be {type_name(kind)}")
    return value


def string_list(table: dict[str, Any], key: str, where: str, label: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {label}: {key!r} must be a list of strings")
    return value


def type_name(kind: Any) -> str:
    names = {int: "a whole number", float: "a number", str: "a string", bool: "true or false",
             list: "a list"}
    if isinstance(kind, tuple):
        return "a number" if float in kind else " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def validate_routes(routes: tuple[str, ...], channels: tuple[Channel, ...], where: str,
                    label: str) -> None:
    # (the URLs among them are apprise's to judge: jobs.config.check_channels, when notifying)
    known_tags = {tag for channel in channels for tag in channel.tags}
    for tag in (r for r in routes if "://" not in r):
        if not TAG.match(tag):
            # a URL typed without its "://" (json:/user:pass@host): named masked, never whole
            raise ConfigError(
                f"{where}: {label}: 'notify' entry {masked_url(tag)!r} is neither a tag nor an "
                f"apprise URL (scheme://…)")
        if tag not in known_tags:
            raise ConfigError(
                f"{where}: {label}: 'notify' names tag {tag!r}, which no [notify] url has "
                f"(tag a URL as \"{tag}=scheme://…\")"
            )


def validate_cron(expression: str, timezone: str, where: str, label: str) -> None:
    from briefwatch.jobs.cron import CronError, cron_trigger

    try:
        cron_trigger(expression, timezone)
    except CronError as exc:
        raise ConfigError(f"{where}: {label}: {exc}") from None


def validate_timezone(name: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: [crawl] timezone {name!r} is not a known time zone (e.g. \"UTC\", "
            f"\"Asia/Shanghai\")"
        ) from None


def validate_apprise_urls(urls: tuple[str, ...], where: str, label: str) -> None:
    if not urls:
        return
    import apprise  # imported here: it costs start-up time and most commands never notify

    for url in urls:
        if not apprise.Apprise().add(url):
            raise ConfigError(
                f"{where}: {label}: {masked_url(url)} is not a valid apprise URL "
                f"(see https://github.com/caronc/apprise/wiki)"
            )


def significance(table: dict[str, Any], where: str, label: str) -> float | None:
    """`min_significance` of [notify] or a [[watch]]: a number from 0 to 1, or None."""
    value = table.get("min_significance")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where}: {label} min_significance must be a number from 0 to 1 "
                          f"(e.g. 0.5: edits that remove an exchange, removals), not {value!r}")
    return float(value)
