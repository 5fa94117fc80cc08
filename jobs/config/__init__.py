"""The configuration file (TOML): read once, validated, merged with defaults, frozen.

The file is a contract with users (documented in the README); every error names the file, the
section or source, and the key, so that a user can fix it without reading code.

model.py holds what a read file is, parse.py reads it, sources.py its [[sources]], checks.py
the checks of single values; the names below are the ones the rest of briefwatch uses.
"""

from __future__ import annotations

from briefwatch.crawler.settings import DEFAULT_USER_AGENT, PROJECT_URL
from briefwatch.jobs.config.model import (
    DEFAULT_FULL_REVISIT,
    DEFAULT_SCHEDULE,
    ArchiveSettings,
    Channel,
    ClusterSettings,
    Config,
    ConfigError,
    CrawlSettings,
    Source,
    Watch,
)
from briefwatch.jobs.config.parse import (
    CONFIG_ENV,
    DEFAULT_CONFIG_NAME,
    TAGGED_URL,
    load_config,
    parse_config,
    resolve_config_path,
)
from briefwatch.jobs.config.sources import COMMON_SOURCE_KEYS, SOURCE_NAME, source_delay

__all__ = [
    "COMMON_SOURCE_KEYS", "CONFIG_ENV", "DEFAULT_CONFIG_NAME", "DEFAULT_FULL_REVISIT",
    "DEFAULT_SCHEDULE", "DEFAULT_USER_AGENT", "PROJECT_URL", "SOURCE_NAME", "TAGGED_URL",
    "ArchiveSettings", "Channel", "ClusterSettings", "Config", "ConfigError", "CrawlSettings",
    "Source", "Watch", "load_config", "parse_config", "resolve_config_path", "source_delay",
]
