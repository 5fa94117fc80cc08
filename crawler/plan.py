"""A crawl's plan: everything a crawl process or a cluster worker needs, as plain data.

The process that holds the config and the database (`briefwatch crawl`, the coordinator,
`scrapy crawl`) makes the plan; whoever fetches builds its spiders' contexts from it and never
reads the config or opens the database. Locally the plan goes down a pipe; in cluster mode
it is stored with the run in Redis.
"""

from __future__ import annotations

from briefwatch.crawler.context import CrawlContext, build_context


def make_plan(sources, crawl, db, *, run: int | None, backfill: bool, revisit: str,
              revisit_days: int, worker_timeout: float | None = None) -> dict:
    """`sources`: the config's source entries (name, spider, start_urls, options); `crawl`:
    its [crawl] table (download_delay, concurrency_per_domain, user_agent,
    download_timeout)."""
    contexts = {s.name: build_context(s, db, backfill=backfill, revisit=revisit,
                                      revisit_days=revisit_days) for s in sources}
    plan = {
        "run": run,
        "sources": source_entries(sources),
        "crawl": crawl_table(crawl),
        "contexts": {
            name: {"known": sorted(c.known), "revisit": list(c.revisit),
                   "backfill": c.backfill,
                   "validators": {u: list(v) for u, v in c.validators.items()}}
            for name, c in contexts.items()
        },
    }
    if worker_timeout is not None:
        plan["worker_timeout"] = worker_timeout
    return plan


def source_entries(sources) -> list[dict]:
    """The config's source entries as a plan carries them (what crawler.settings.source_slots
    and tls_settings read)."""
    return [{"name": s.name, "spider": s.spider, "start_urls": list(s.start_urls),
             "options": dict(s.options),
             **({"delay": s.delay} if getattr(s, "delay", None) is not None else {})}
            for s in sources]


def crawl_table(crawl) -> dict:
    """What a crawl needs of the config's [crawl] table (crawler.settings.crawl_overrides)."""
    return {"download_delay": crawl.download_delay,
            "concurrency_per_domain": crawl.concurrency_per_domain,
            "user_agent": crawl.user_agent, "download_timeout": crawl.download_timeout}


def context_from_plan(plan: dict, source: str) -> CrawlContext:
    entry = next(s for s in plan["sources"] if s["name"] == source)
    context = plan["contexts"][source]
    return CrawlContext(
        source=source,
        start_urls=tuple(entry["start_urls"]),
        options=entry["options"],
        run=plan.get("run"),
        known=frozenset(context["known"]),
        revisit=tuple(context.get("revisit", ())),
        backfill=context["backfill"],
        validators={url: tuple(v) for url, v in context["validators"].items()},
        archive=context.get("archive") or {},
        walk_listings=context.get("walk_listings", True),
    )
