"""The crawl context for a plain `scrapy crawl NAME` run from the repository root."""

from __future__ import annotations

from pathlib import Path

from crawler.context import CrawlContext, build_context


def apply_crawl_settings(settings) -> None:
    from crawler.run import settings_for
    from jobs.config import load_config, resolve_config_path

    path = resolve_config_path(settings.get("BRIEFWATCH_CONFIG"))
    if path.exists():
        settings.setdict(settings_for(load_config(path).crawl), priority="spider")


def context_for(settings, spider: str, source_name: str | None) -> CrawlContext:
    from jobs.config import ConfigError, load_config, resolve_config_path
    from storage.db import open_db

    config = load_config(resolve_config_path(settings.get("BRIEFWATCH_CONFIG")))
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
        return build_context(
            source, db, db_path=Path(config.storage_path), run=None,
            backfill=settings.getbool("BRIEFWATCH_BACKFILL"),
            revisit=settings.get("BRIEFWATCH_REVISIT", "recent"),
            revisit_days=config.crawl.revisit_days,
        )
    finally:
        db.close()
