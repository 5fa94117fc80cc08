"""What a read config file is: frozen dataclasses, one per section, and the error it raises.

Nothing here reads or checks the file (parse.py, sources.py and checks.py do); the defaults of
every setting live on these classes, so that a section left out of the file reads as them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from briefwatch.crawler.settings import DEFAULT_USER_AGENT

DEFAULT_SCHEDULE = "0 2 * * *"  # nightly at 02:00
DEFAULT_FULL_REVISIT = "0 3 * * 0"  # Sundays at 03:00


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
    # Only events at least this significant (storage.text.editclass) concern it; None: all.
    min_significance: float | None = None


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
    # [notify] min_significance: channels hear only of events at least this significant.
    min_significance: float | None = None

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
