"""Reading the config file: where it is, its TOML, and every section but [[sources]]
(sources.py) into the frozen Config (model.py).

The file is a contract with users (documented in the README); every error names the file, the
section or source, and the key, so that a user can fix it without reading code.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefwatch.crawler.masking import masked_url
from briefwatch.jobs.config.checks import (
    only_keys,
    section,
    significance,
    string_list,
    typed,
    validate_apprise_urls,
    validate_cron,
    validate_routes,
    validate_timezone,
)
from briefwatch.jobs.config.model import (
    DEFAULT_FULL_REVISIT,
    DEFAULT_SCHEDULE,
    ArchiveSettings,
    Channel,
    ClusterSettings,
    Config,
    ConfigError,
    CrawlSettings,
    Watch,
)
from briefwatch.jobs.config.sources import SOURCE_NAME, check_pairs, parse_source

DEFAULT_CONFIG_NAME = "briefwatch.toml"
CONFIG_ENV = "BRIEFWATCH_CONFIG"
TAGGED_URL = re.compile(r"^(?P<tags>[\w,\s-]+)=(?P<url>\w+://.*)$")


def resolve_config_path(option: str | None) -> Path:
    """--config wins, then $BRIEFWATCH_CONFIG, then ./briefwatch.toml."""
    return Path(option or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME)


def load_config(path: Path, *, channels: bool = True) -> Config:
    """The config file at `path`, checked. `channels`: also have apprise judge every
    notification URL ([notify] urls, a source's or a watch's `notify`), which costs half a
    second of imports: the commands that never notify leave it to those that do."""
    config = _load(path)
    if channels:
        check_channels(config)
    return config


def check_channels(config: Config) -> None:
    """Every notification URL of `config` is one apprise knows (a one-line ConfigError)."""
    where = str(config.path)
    validate_apprise_urls(config.notify_urls, where, "[notify] urls")
    for label, routes in ([(f"source {s.name!r}", s.notify) for s in config.sources]
                          + [(f"watch {w.name!r}", w.notify) for w in config.watches]):
        validate_apprise_urls(tuple(r for r in routes or () if "://" in r), where,
                              f"{label}: 'notify'")


def _load(path: Path) -> Config:
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
    only_keys(data, {"storage", "crawl", "notify", "feed", "cluster", "sources", "names",
                     "watch", "serve", "archive"}, where, "top level")
    storage = section(data, "storage", where)
    only_keys(storage, {"path"}, where, "[storage]")
    storage_path = Path(typed(storage, "path", str, where, "[storage]", "briefwatch.db"))
    if not storage_path.is_absolute():
        # Relative to the config file, so a crontab can run from any directory.
        storage_path = path.resolve().parent / storage_path

    crawl_table = section(data, "crawl", where)
    only_keys(crawl_table, set(CrawlSettings.__dataclass_fields__), where, "[crawl]")
    defaults = CrawlSettings()
    crawl = CrawlSettings(
        download_delay=float(
            typed(crawl_table, "download_delay", (int, float), where, "[crawl]",
                  defaults.download_delay)
        ),
        concurrency_per_domain=typed(
            crawl_table, "concurrency_per_domain", int, where, "[crawl]",
            defaults.concurrency_per_domain,
        ),
        revisit_days=typed(crawl_table, "revisit_days", int, where, "[crawl]",
                           defaults.revisit_days),
        user_agent=typed(crawl_table, "user_agent", str, where, "[crawl]", defaults.user_agent),
        download_timeout=float(typed(crawl_table, "download_timeout", (int, float), where,
                                     "[crawl]", defaults.download_timeout)),
        timezone=typed(crawl_table, "timezone", str, where, "[crawl]", defaults.timezone),
        schedule=typed(crawl_table, "schedule", str, where, "[crawl]", defaults.schedule),
        full_revisit=typed(crawl_table, "full_revisit", str, where, "[crawl]",
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
    validate_timezone(crawl.timezone, where)
    if crawl.schedule != DEFAULT_SCHEDULE:
        validate_cron(crawl.schedule, crawl.timezone, where, "[crawl] schedule")
    if crawl.full_revisit != DEFAULT_FULL_REVISIT:
        validate_cron(crawl.full_revisit, crawl.timezone, where, "[crawl] full_revisit")

    notify = section(data, "notify", where)
    only_keys(notify, {"urls", "min_significance"}, where, "[notify]")
    min_significance = significance(notify, where, "[notify]")
    channels = tuple(_channel(url) for url in string_list(notify, "urls", where, "[notify]"))

    feed = section(data, "feed", where)
    only_keys(feed, {"path"}, where, "[feed]")
    feed_path = None
    if "path" in feed:
        feed_path = Path(typed(feed, "path", str, where, "[feed]", ""))
        if not feed_path.is_absolute():
            feed_path = path.resolve().parent / feed_path

    cluster = _cluster(section(data, "cluster", where), where)
    archive = _archive(section(data, "archive", where), where)
    names_file = _names_file(section(data, "names", where), path, where)

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{where}: 'sources' must be an array of tables: [[sources]]")
    sources = tuple(parse_source(raw, i, where, crawl, channels)
                    for i, raw in enumerate(raw_sources))
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigError(
                f"{where}: two sources are named {source.name!r}; names must be unique"
            )
        seen.add(source.name)
    check_pairs(sources, where)
    watches = _watches(data.get("watch", []), where, channels)
    return Config(path, storage_path, crawl, channels, sources, feed_path, cluster, names_file,
                  watches, _base_url(section(data, "serve", where), where), archive,
                  min_significance)


def _base_url(table: dict[str, Any], where: str) -> str | None:
    only_keys(table, {"base_url"}, where, "[serve]")
    if "base_url" not in table:
        return None
    url = typed(table, "base_url", str, where, "[serve]", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"{where}: [serve] base_url {masked_url(url)!r} must be the http(s) "
                          f"address where 'briefwatch serve' is reached, e.g. "
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
        only_keys(table, {"name", "terms", "notify", "min_significance"}, where, label)
        if not isinstance(name, str) or not SOURCE_NAME.match(name):
            raise ConfigError(f"{where}: {label}: 'name' must be lower-case letters, digits, "
                              f"'-' or '_' (e.g. name = \"taiwan\")")
        if any(w.name == name for w in watches):
            raise ConfigError(f"{where}: two watches are named {name!r}; names must be unique")
        terms = tuple(t.strip() for t in string_list(table, "terms", where, label))
        if not terms:
            raise ConfigError(f"{where}: {label}: 'terms' is missing or empty; give the words "
                              f"to watch for, e.g. terms = [\"Taiwan\", \"台湾\"]")
        for term in terms:
            if not re.search(r"[^\W_]", term):
                raise ConfigError(f"{where}: {label}: term {term!r} has no letter or digit to "
                                  f"look for")
        notify = tuple(string_list(table, "notify", where, label))
        validate_routes(notify, channels, where, label)
        watches.append(Watch(name, terms, notify, significance(table, where, label)))
    return tuple(watches)


def _names_file(table: dict[str, Any], path: Path, where: str) -> Path | None:
    only_keys(table, {"file"}, where, "[names]")
    if "file" not in table:
        return None
    names_file = Path(typed(table, "file", str, where, "[names]", ""))
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
    only_keys(table, set(ArchiveSettings.__dataclass_fields__), where, label)
    defaults = ArchiveSettings()
    urls = {}
    for key in ("cdx_url", "replay_url"):
        value = typed(table, key, str, where, label, getattr(defaults, key))
        if not re.match(r"^https?://[^/\s]+", value):
            raise ConfigError(f"{where}: {label} {key} must be an http:// or https:// URL "
                              f"(got {masked_url(value)!r})")
        urls[key] = value
    delay = float(typed(table, "download_delay", (int, float), where, label,
                        defaults.download_delay))
    if delay < 0:
        raise ConfigError(f"{where}: {label} download_delay must be 0 or more seconds")
    retries = typed(table, "retries", int, where, label, defaults.retries)
    if not 0 <= retries <= 20:
        raise ConfigError(f"{where}: {label} retries must be between 0 and 20")
    return ArchiveSettings(urls["cdx_url"], urls["replay_url"], delay, retries)


def _cluster(table: dict[str, Any], where: str) -> ClusterSettings:
    only_keys(table, set(ClusterSettings.__dataclass_fields__), where, "[cluster]")
    defaults = ClusterSettings()
    url = typed(table, "redis_url", str, where, "[cluster]", "") or None
    if url is not None and not re.match(r"^(redis|rediss|unix)://", url):
        raise ConfigError(f"{where}: [cluster] redis_url must start with redis://, rediss:// "
                          f"or unix:// (got {masked_url(url)!r})")
    settings = ClusterSettings(
        redis_url=url,
        worker_timeout=float(typed(table, "worker_timeout", (int, float), where, "[cluster]",
                                   defaults.worker_timeout)),
        wait_for_workers=float(typed(table, "wait_for_workers", (int, float), where,
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

