"""One local crawl, in its own process: `python -m crawler.crawlprocess --results-fd FD`,
with the crawl's plan (crawler.plan) as JSON on its standard input.

Scrapy's reactor cannot be restarted inside a process, so every crawl gets a fresh one
(crawler.localcrawl starts this). It only fetches: it never reads the config nor opens the
database. Every page goes to the parent through the pipe FD (crawler.handover), which
extracts and stores it; at the end one frame per source carries the crawl's stats
({"kind": "source", "source": S, "stats": {...}}).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefwatch.crawler import crawlstats
from briefwatch.crawler.handover import results_stream, write_frame
from briefwatch.crawler.plan import context_from_plan
from briefwatch.crawler.settings import scrapy_settings, source_slots, tls_settings


def die_with_parent() -> None:
    """If the process that started us is killed (kill -9), stop too, at once.

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
    parser = argparse.ArgumentParser(prog="python -m crawler.crawlprocess")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--log-file", type=Path, help="Scrapy's log [default: stderr]")
    parser.add_argument("--results-fd", type=int, required=True,
                        help="pipe to the process that stores the pages")
    args = parser.parse_args(argv)
    die_with_parent()
    plan = json.load(sys.stdin)

    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.misc import load_object

    settings = scrapy_settings(plan["crawl"], {
        "BRIEFWATCH_RESULTS_FD": args.results_fd,
        "ITEM_PIPELINES": {"briefwatch.crawler.handover.HandOverPipeline": 800},
        "DOWNLOAD_SLOTS": source_slots(plan["sources"]),
        **tls_settings(plan["sources"]),
    }, log_level=args.log_level, log_file=args.log_file)
    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    crawlers = []
    for source in plan["sources"]:
        context = context_from_plan(plan, source["name"])
        # An archive import runs its own spider over the source (crawler.archive).
        spider = (load_object(source["spider_class"]) if source.get("spider_class")
                  else loader.load(source["spider"]))
        crawler = process.create_crawler(spider)
        process.crawl(crawler, context=context)
        crawlers.append((context, crawler))
    process.start()

    out = results_stream(args.results_fd)
    for context, crawler in crawlers:
        stats = crawler.stats.get_stats()
        summary = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("briefwatch/")}
        counters = crawlstats.counters(stats)
        summary.update({
            "requests": counters["requests"],
            "responses": counters["responses"],
            "errors": counters["errors"],
            "blocked": crawlstats.blocked(crawlstats.status_counts(stats),
                                          crawlstats.robots_ok(stats)),
            "log_errors": counters["log_errors"],
            "finish_reason": stats.get("finish_reason", "unknown"),
            "backfill": context.backfill,
            "first_crawl": context.first_crawl,
        })
        write_frame(out, {"kind": "source", "source": context.source, "stats": summary})
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
