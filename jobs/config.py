"""The configuration file (TOML): read once, validated, merged with defaults, frozen.

The file is a contract with users (documented in the README); every error names the file, the
section or source, and the key, so that a user can fix it without reading code.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from briefwatch.crawler.settings import DEFAULT_USER_AGENT, PROJECT_URL  # noqa: F401 - part of the config
from briefwatch.spiders.registry import SPIDERS

DEFAULT_CONFIG_NAME = "briefwatch.toml"
CONFIG_ENV = "BRIEFWATCH_CONFIG"
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DEFAULT_SCHEDULE = "0 2 * * *"  # nightly at 02:00
DEFAULT_FULL_REVISIT = "0 3 * * 0"  # Sundays at 03:00
# Keys every source may have, whatever its spider.
COMMON_SOURCE_KEYS = {"name", "spider", "start_urls", "schedule", "notify", "pair"}
TAGGED_URL = re.compile(r"^(?P<tags>[\w,\s-]+)=(?P<url>\w+://.*)$")


class ConfigError(Exception):
    """A problem with the configuration file; the message is one line meant for the user."""


@dataclass(frozen=True)
class CrawlSettings:
    download_delay: float = 1.0
    concurrency_per_domain: int = 2
    revisit_days: int = 30
    user_agent: str = DEFAULT_USER_AGENT
    download_timeout: float = 60.0
    timezone: str = "UTC"
    schedule: str = DEFAULT_SCHEDULE  # every source's crawl, unless the source says otherwise
    full_revisit: str = DEFAULT_FULL_REVISIT  # re-fetch every stored transcript


@dataclass(frozen=True)
class ClusterSettings:
    """[cluster]: crawl with workers on other machines (`briefwatch crawl --cluster`)."""

    redis_url: str | None = None
    # A worker silent this long is taken for dead; its requests go to the others.
    worker_timeout: float = 30.0
    # A cluster run with no live worker for this long fails.
    wait_for_workers: float = 600.0


@dataclass(frozen=True)
class ArchiveSettings:
    """[archive]: the web archive `briefwatch archive` imports captures from. Any archive
    with the CDX API and `id_` replay works (a pywb instance, a national web archive)."""

    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    replay_url: str = "https://web.archive.org/web/"
    # The Internet Archive rate-limits and refuses busy clients: 5 s between requests, and
    # a request it refuses (429, 5xx, a refused connection) asked again up to 5 times.
    download_delay: float = 5.0
    retries: int = 5


@dataclass(frozen=True)
class Channel:
    """An apprise URL to notify, with the tags that sources may route by."""

    url: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Watch:
    """[[watch]]: the events that concern some terms, for the channels that follow a topic."""

    name: str
    terms: tuple[str, ...]
    notify: tuple[str, ...] = ()  # apprise URLs or tags of [notify] urls; none: changes only


@dataclass(frozen=True)
class Source:
    name: str
    spider: str
    start_urls: tuple[str, ...]
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    schedule: str | None = None  # cron; None: [crawl] schedule
    notify: tuple[str, ...] | None = None  # apprise URLs or tags; None: every [notify] channel
    # The source of the same series in the other language (set on the English one).
    pair: str | None = None
    # Seconds between its requests: [crawl] download_delay, its own, or its site's floor
    # (spiders.registry), whichever is longest; a local copy has no floor.
    delay: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "spider": self.spider,
            "start_urls": list(self.start_urls),
            **dict(self.options),
        }

    def schedule_or(self, crawl: CrawlSettings) -> str:
        return self.schedule or crawl.schedule


@dataclass(frozen=True)
class Config:
    path: Path
    storage_path: Path
    crawl: CrawlSettings
    channels: tuple[Channel, ...]
    sources: tuple[Source, ...]
    feed_path: Path | None = None
    cluster: ClusterSettings = ClusterSettings()
    names_file: Path | None = None  # [names] file: the user's own outlets and spokespersons
    watches: tuple[Watch, ...] = ()
    base_url: str | None = None  # [serve] base_url: where `briefwatch serve` is reached
    archive: ArchiveSettings = ArchiveSettings()

    @property
    def notify_urls(self) -> tuple[str, ...]:
        return tuple(channel.url for channel in self.channels)

    def series(self) -> list[tuple[Source, Source]]:
        """(English source, Chinese source) of each series declared with `pair`."""
        return [(s, self.source(s.pair)) for s in self.sources if s.pair]

    def names(self):
        """The names table (storage/text/names.toml) with the user's own file on top."""
        from briefwatch.storage.text.names import load_names

        return load_names(self.names_file)

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"unknown source {name!r} (configured: {known}) in {self.path}")

    def watch(self, name: str) -> Watch:
        for watch in self.watches:
            if watch.name == name:
                return watch
        known = ", ".join(w.name for w in self.watches) or "none"
        raise ConfigError(f"unknown watch {name!r} (configured: {known}) in {self.path}; "
                          f"declare it as [[watch]] name = {name!r}, terms = [...]")


def resolve_config_path(option: str | None) -> Path:
    """--config wins, then $BRIEFWATCH_CONFIG, then ./briefwatch.toml."""
    return Path(option or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME)


def load_config(path: Path) -> Config:
    if not path.exists():
        raise ConfigError(
            f"no config file at {path}: create one with 'briefwatch init {path}' "
            f"or pass --config PATH"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    where = str(path)
    _only_keys(data, {"storage", "crawl", "notify", "feed", "cluster", "sources", "names",
                      "watch", "serve", "archive"}, where, "top level")
    storage = _table(data, "storage", where)
    _only_keys(storage, {"path"}, where, "[storage]")
    storage_path = Path(_get(storage, "path", str, where, "[storage]", "briefwatch.db"))
    if not storage_path.is_absolute():
        # Relative to the config file, so a crontab can run from any directory.
        storage_path = path.resolve().parent / storage_path

    crawl_table = _table(data, "crawl", where)
    _only_keys(crawl_table, set(CrawlSettings.__dataclass_fields__), where, "[crawl]")
    defaults = CrawlSettings()
    crawl = CrawlSettings(
        download_delay=float(
            _get(crawl_table, "download_delay", (int, float), where, "[crawl]",
                 defaults.download_delay)
        ),
        concurrency_per_domain=_get(
            crawl_table, "concurrency_per_domain", int, where, "[crawl]",
            defaults.concurrency_per_domain,
        ),
        revisit_days=_get(crawl_table, "revisit_days", int, where, "[crawl]",
                          defaults.revisit_days),
        user_agent=_get(crawl_table, "user_agent", str, where, "[crawl]", defaults.user_agent),
        download_timeout=float(_get(crawl_table, "download_timeout", (int, float), where,
                                    "[crawl]", defaults.download_timeout)),
        timezone=_get(crawl_table, "timezone", str, where, "[crawl]", defaults.timezone),
        schedule=_get(crawl_table, "schedule", str, where, "[crawl]", defaults.schedule),
        full_revisit=_get(crawl_table, "full_revisit", str, where, "[crawl]",
                          defaults.full_revisit),
    )
    if crawl.download_delay < 0:
        raise ConfigError(f"{where}: [crawl] download_delay must be 0 or more seconds")
    if crawl.download_timeout <= 0:
        raise ConfigError(f"{where}: [crawl] download_timeout must be more than 0 seconds")
    if crawl.concurrency_per_domain < 1:
        raise ConfigError(f"{where}: [crawl] concurrency_per_domain must be at least 1")
    if crawl.revisit_days < 0:
        raise ConfigError(f"{where}: [crawl] revisit_days must be 0 or more days")
    if not crawl.user_agent.strip():
        raise ConfigError(f"{where}: [crawl] user_agent must not be empty")
    _validate_timezone(crawl.timezone, where)
    if crawl.schedule != DEFAULT_SCHEDULE:
        _validate_cron(crawl.schedule, crawl.timezone, where, "[crawl] schedule")
    if crawl.full_revisit != DEFAULT_FULL_REVISIT:
        _validate_cron(crawl.full_revisit, crawl.timezone, where, "[crawl] full_revisit")

    notify = _table(data, "notify", where)
    _only_keys(notify, {"urls"}, where, "[notify]")
    channels = tuple(_channel(url) for url in _string_list(notify, "urls", where, "[notify]"))
    _validate_apprise_urls(tuple(c.url for c in channels), where, "[notify] urls")

    feed = _table(data, "feed", where)
    _only_keys(feed, {"path"}, where, "[feed]")
    feed_path = None
    if "path" in feed:
        feed_path = Path(_get(feed, "path", str, where, "[feed]", ""))
        if not feed_path.is_absolute():
            feed_path = path.resolve().parent / feed_path

    cluster = _cluster(_table(data, "cluster", where), where)
    archive = _archive(_table(data, "archive", where), where)
    names_file = _names_file(_table(data, "names", where), path, where)

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{where}: 'sources' must be an array of tables: [[sources]]")
    sources = tuple(_parse_source(raw, i, where, crawl, channels)
                    for i, raw in enumerate(raw_sources))
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(
                f"{where}: two sources are named {source.name!r}; names must be unique"
            )
        seen.add(source.name)
    _check_pairs(sources, where)
    watches = _watches(data.get("watch", []), where, channels)
    return Config(path, storage_path, crawl, channels, sources, feed_path, cluster, names_file,
                  watches, _base_url(_table(data, "serve", where), where), archive)


def _base_url(table: dict[str, Any], where: str) -> str | None:
    _only_keys(table, {"base_url"}, where, "[serve]")
    if "base_url" not in table:
        return None
    url = _get(table, "base_url", str, where, "[serve]", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"{where}: [serve] base_url {url!r} must be the http(s) address "
                          f"where 'briefwatch serve' is reached, e.g. "
                          f"\"http://briefings.example.org:8080\"")
    return url.rstrip("/")


def _watches(raw: Any, where: str, channels: tuple[Channel, ...]) -> tuple[Watch, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: 'watch' must be an array of tables: [[watch]]")
    watches: list[Watch] = []
    for index, table in enumerate(raw):
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: watch[{index}] must be a table")
        name = table.get("name")
        label = f"watch {name!r}" if isinstance(name, str) else f"watch[{index}]"
        _only_keys(table, {"name", "terms", "notify"}, where, label)
        if not isinstance(name, str) or not SOURCE_NAME.match(name):
            raise ConfigError(f"{where}: {label}: 'name' must be lower-case letters, digits, "
                              f"'-' or '_' (e.g. name = \"taiwan\")")
        if any(w.name == name for w in watches):
            raise ConfigError(f"{where}: two watches are named {name!r}; names must be unique")
        terms = tuple(t.strip() for t in _string_list(table, "terms", where, label))
        if not terms:
            raise ConfigError(f"{where}: {label}: 'terms' is missing or empty; give the words "
                              f"to watch for, e.g. terms = [\"Taiwan\", \"台湾\"]")
        for term in terms:
            if not re.search(r"[^\W_]", term):
                raise ConfigError(f"{where}: {label}: term {term!r} has no letter or digit to "
                                  f"look for")
        notify = tuple(_string_list(table, "notify", where, label))
        _validate_routes(notify, channels, where, label)
        watches.append(Watch(name, terms, notify))
    return tuple(watches)


def _check_pairs(sources: tuple[Source, ...], where: str) -> None:
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


def _names_file(table: dict[str, Any], path: Path, where: str) -> Path | None:
    _only_keys(table, {"file"}, where, "[names]")
    if "file" not in table:
        return None
    names_file = Path(_get(table, "file", str, where, "[names]", ""))
    if not names_file.is_absolute():
        names_file = path.resolve().parent / names_file
    from briefwatch.storage.text.names import NamesError, load_names

    try:
        load_names(names_file)
    except NamesError as exc:
        raise ConfigError(f"{where}: [names] file: {exc}") from None
    return names_file


def _archive(table: dict[str, Any], where: str) -> ArchiveSettings:
    label = "[archive]"
    _only_keys(table, set(ArchiveSettings.__dataclass_fields__), where, label)
    defaults = ArchiveSettings()
    urls = {}
    for key in ("cdx_url", "replay_url"):
        value = _get(table, key, str, where, label, getattr(defaults, key))
        if not re.match(r"^https?://[^/\s]+", value):
            raise ConfigError(f"{where}: {label} {key} must be an http:// or https:// URL "
                              f"(got {value!r})")
        urls[key] = value
    delay = float(_get(table, "download_delay", (int, float), where, label,
                       defaults.download_delay))
    if delay < 0:
        raise ConfigError(f"{where}: {label} download_delay must be 0 or more seconds")
    retries = _get(table, "retries", int, where, label, defaults.retries)
    if not 0 <= retries <= 20:
        raise ConfigError(f"{where}: {label} retries must be between 0 and 20")
    return ArchiveSettings(urls["cdx_url"], urls["replay_url"], delay, retries)


def _cluster(table: dict[str, Any], where: str) -> ClusterSettings:
    _only_keys(table, set(ClusterSettings.__dataclass_fields__), where, "[cluster]")
    defaults = ClusterSettings()
    url = _get(table, "redis_url", str, where, "[cluster]", "") or None
    if url is not None and not re.match(r"^(redis|rediss|unix)://", url):
        raise ConfigError(f"{where}: [cluster] redis_url must start with redis://, rediss:// "
                          f"or unix:// (got {url!r})")
    settings = ClusterSettings(
        redis_url=url,
        worker_timeout=float(_get(table, "worker_timeout", (int, float), where, "[cluster]",
                                  defaults.worker_timeout)),
        wait_for_workers=float(_get(table, "wait_for_workers", (int, float), where,
                                    "[cluster]", defaults.wait_for_workers)),
    )
    if settings.worker_timeout < 1:
        raise ConfigError(f"{where}: [cluster] worker_timeout must be at least 1 second")
    if settings.wait_for_workers <= 0:
        raise ConfigError(f"{where}: [cluster] wait_for_workers must be more than 0 seconds")
    return settings


def _channel(value: str) -> Channel:
    """`"tag1,tag2=scheme://…"` as in apprise's text config, or a bare URL."""
    match = TAGGED_URL.match(value.strip())
    if not match:
        return Channel(value.strip())
    tags = tuple(t.strip() for t in match["tags"].split(",") if t.strip())
    return Channel(match["url"], tags)


def _parse_source(raw: Any, index: int, where: str, crawl: CrawlSettings,
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
    start_urls = _string_list(raw, "start_urls", where, label)
    if not start_urls:
        raise ConfigError(
            f"{where}: {label}: 'start_urls' is missing or empty; give the listing URL(s)"
        )
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}: {label}: start URL {url!r} is not an http(s) URL")
    schedule = raw.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, str):
            raise ConfigError(f"{where}: {label}: 'schedule' must be a cron expression string")
        _validate_cron(schedule, crawl.timezone, where, f"{label}: 'schedule'")
    notify = None
    if "notify" in raw:
        notify = tuple(_string_list(raw, "notify", where, label))
        _validate_routes(notify, channels, where, label)
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
            raise ConfigError(f"{where}: {label}: {key!r} must be {_type_name(expected)}")
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


def _validate_routes(routes: tuple[str, ...], channels: tuple[Channel, ...], where: str,
                     label: str) -> None:
    urls = tuple(r for r in routes if "://" in r)
    _validate_apprise_urls(urls, where, f"{label}: 'notify'")
    known_tags = {tag for channel in channels for tag in channel.tags}
    for tag in (r for r in routes if "://" not in r):
        if tag not in known_tags:
            raise ConfigError(
                f"{where}: {label}: 'notify' names tag {tag!r}, which no [notify] url has "
                f"(tag a URL as \"{tag}=scheme://…\")"
            )


def _validate_cron(expression: str, timezone: str, where: str, label: str) -> None:
    from briefwatch.jobs.cron import CronError, cron_trigger

    try:
        cron_trigger(expression, timezone)
    except CronError as exc:
        raise ConfigError(f"{where}: {label}: {exc}") from None


def _validate_timezone(name: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: [crawl] timezone {name!r} is not a known time zone (e.g. \"UTC\", "
            f"\"Asia/Shanghai\")"
        ) from None


def _validate_apprise_urls(urls: tuple[str, ...], where: str, label: str) -> None:
    if not urls:
        return
    import apprise  # imported here: it costs start-up time and most commands never notify

    for url in urls:
        if not apprise.Apprise().add(url):
            scheme = url.split("://", 1)[0]
            raise ConfigError(
                f"{where}: {label}: {scheme}://… is not a valid apprise URL "
                f"(see https://github.com/caronc/apprise/wiki)"
            )


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def _only_keys(table: dict[str, Any], allowed: set[str], where: str, label: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: {label}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def _get(table: dict[str, Any], key: str, kind: Any, where: str, label: str, default: Any) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ConfigError(f"{where}: {label} {key!r} must be {_type_name(kind)}")
    return value


def _string_list(table: dict[str, Any], key: str, where: str, label: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {label}: {key!r} must be a list of strings")
    return value


def _type_name(kind: Any) -> str:
    names = {int: "a whole number", float: "a number", str: "a string", bool: "true or false",
             list: "a list"}
    if isinstance(kind, tuple):
        return "a number" if float in kind else " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)
