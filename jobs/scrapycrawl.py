"""`scrapy crawl NAME` from the repository root (scrapy.cfg names this module as the Scrapy
project's settings): briefwatch's Scrapy settings, and the hooks by which a spider started
that way takes its source, its [crawl] settings and its database from the config file
(./briefwatch.toml, $BRIEFWATCH_CONFIG, or `-s BRIEFWATCH_CONFIG=PATH`). Pages are stored
as a run of their own (crawler.pipelines.StorePipeline). The spiders find these hooks through
the BRIEFWATCH_STANDALONE setting: briefwatch's own crawls do not set it.
"""

from __future__ import annotations

from briefwatch.crawler.settings import *  # noqa: F403 - this module is a Scrapy settings module

BRIEFWATCH_STANDALONE = __name__
ITEM_PIPELINES = {"briefwatch.crawler.pipelines.StorePipeline": 800}


def apply_crawl_settings(settings) -> None:
    """The config file's [crawl] table, and the politeness `briefwatch crawl` gives each
    source's host (its delay floor, crawler.settings.source_slots) and its `ca_bundle`
    (tls_settings): a spider run by `scrapy crawl` is as polite and as careful. Every
    configured source's hosts get theirs (the spider's source is known only later)."""
    from briefwatch.crawler.plan import crawl_table, source_entries
    from briefwatch.crawler.settings import crawl_overrides, source_slots, tls_settings
    from briefwatch.jobs.config import load_config, resolve_config_path

    path = resolve_config_path(settings.get("BRIEFWATCH_CONFIG"))
    if path.exists():
        config = load_config(path, channels=False)
        entries = source_entries(config.sources)
        settings.setdict({**crawl_overrides(crawl_table(config.crawl)),
                          "DOWNLOAD_SLOTS": source_slots(entries), **tls_settings(entries),
                          "BRIEFWATCH_DB": str(config.storage_path)}, priority="spider")


def context_for(settings, spider: str, source_name: str | None):
    from briefwatch.crawler.plan import context_from_plan
    from briefwatch.jobs.config import ConfigError, load_config, resolve_config_path
    from briefwatch.jobs.crawl import plan
    from briefwatch.storage.db import open_db

    config = load_config(resolve_config_path(settings.get("BRIEFWATCH_CONFIG")),
                         channels=False)
    candidates = [s for s in config.sources if s.spider == spider]
    if source_name:
        source = config.source(source_name)
    elif candidates:
        source = candidates[0]
    else:
        raise ConfigError(f"{config.path}: no source uses spider {spider!r}; add a [[sources]] "
                          f"table with spider = \"{spider}\"")
    db = open_db(config.storage_path)
    try:
        made = plan(config, db, None, [source.name],
                    backfill=settings.getbool("BRIEFWATCH_BACKFILL"),
                    revisit=settings.get("BRIEFWATCH_REVISIT", "recent"))
    finally:
        db.close()
    return context_from_plan(made, source.name)
