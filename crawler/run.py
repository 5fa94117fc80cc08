"""One crawl, in its own process:
`python -m crawler.run --config F --run N --results-fd FD [--source S]...`.

Scrapy's reactor cannot be restarted inside a process, so every crawl gets a fresh one
(crawler.runner starts this). It only fetches: every page goes to the parent through the
pipe FD (crawler.handover), which extracts and stores it; at the end one frame per source
carries the crawl's stats ({"kind": "source", "source": S, "stats": {...}}).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.context import REVISIT_MODES, build_context
from crawler.handover import results_stream, write_frame


def settings_for(crawl) -> dict:
    """Scrapy settings for the config file's [crawl] table."""
    delay = crawl.download_delay
    return {
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
        "USER_AGENT": crawl.user_agent,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        # AutoThrottle only ever slows down from DOWNLOAD_DELAY; with no delay asked for
        # (a local copy) it would only add its start delay.
        "AUTOTHROTTLE_ENABLED": delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
    }


def process_settings(overrides: dict, log_level: str, log_file: Path | None):
    """Scrapy settings of a crawl process (this one, or a cluster worker's): the project's,
    then `overrides` and the log's, as if given on the command line."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update({**overrides, "LOG_LEVEL": log_level}, priority="cmdline")
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    return settings


def die_with_parent() -> None:
    """If the `briefwatch crawl` that started us is killed (kill -9), stop too, at once.

    Otherwise an orphaned crawl would go on writing after its run was declared interrupted,
    beside the next crawl. Linux only (prctl); elsewhere the orphan finishes its crawl."""
    import ctypes
    import os
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    expected = os.environ.get("BRIEFWATCH_PARENT_PID")
    if expected and os.getppid() != int(expected):  # it died before prctl took effect
        os._exit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--run", required=True, type=int)
    parser.add_argument("--source", action="append", required=True)
    parser.add_argument("--backfill", action="store_true")
    parser.add_argument("--revisit", choices=REVISIT_MODES, default="recent")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--log-file", type=Path, help="Scrapy's log [default: stderr]")
    parser.add_argument("--results-fd", type=int, required=True,
                        help="pipe to the process that stores the pages")
    args = parser.parse_args(argv)
    die_with_parent()

    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader

    from jobs.config import load_config
    from storage.db import open_db

    config = load_config(args.config)
    sources = [config.source(name) for name in args.source]
    db = open_db(config.storage_path)
    try:
        contexts = [
            build_context(s, db, db_path=config.storage_path, run=args.run,
                          backfill=args.backfill, revisit=args.revisit,
                          revisit_days=config.crawl.revisit_days)
            for s in sources
        ]
    finally:
        db.close()

    settings = process_settings({
        **settings_for(config.crawl),
        "BRIEFWATCH_CHILD": True,
        "BRIEFWATCH_RESULTS_FD": args.results_fd,
        "ITEM_PIPELINES": {"crawler.handover.HandOverPipeline": 800},
    }, args.log_level, args.log_file)
    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    crawlers = []
    for source, context in zip(sources, contexts, strict=True):
        crawler = process.create_crawler(loader.load(source.spider))
        process.crawl(crawler, context=context)
        crawlers.append((source, context, crawler))
    process.start()

    out = results_stream(args.results_fd)
    for source, context, crawler in crawlers:
        stats = crawler.stats.get_stats()
        summary = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("briefwatch/")}
        summary.update({
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "errors": stats.get("downloader/exception_count", 0),
            "blocked": _blocked(stats),
            "log_errors": stats.get("log_count/ERROR", 0) + stats.get("log_count/CRITICAL", 0),
            "finish_reason": stats.get("finish_reason", "unknown"),
            "backfill": context.backfill,
            "first_crawl": context.first_crawl,
        })
        write_frame(out, {"kind": "source", "source": source.name, "stats": summary})
    out.close()
    return 0


def _blocked(stats: dict) -> bool:
    """Every answer was 403 or 429: the site turns us away, and hammering will not help."""
    def count(prefix: str, codes) -> int:
        return sum(stats.get(f"{prefix}/response_status_count/{code}", 0) for code in codes)

    refused = count("downloader", (403, 429))
    # robots.txt may well be served to a crawler that is refused everything else
    served = count("downloader", range(200, 300)) - count("robotstxt", range(200, 300))
    return refused > 0 and served <= 0


if __name__ == "__main__":
    sys.exit(main())
