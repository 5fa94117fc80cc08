"""One worker's part in one cluster run, in its own process:
`python -m briefwatch.crawler.cluster.workerprocess --run N --worker NAME`, the Redis URL in
$BRIEFWATCH_REDIS_URL (or `--redis URL`).

It runs every source of the run's plan with scrapy-redis's scheduler on the shared frontier,
extracts what it fetches, and hands outcomes back through Redis; it never opens the database.
It leaves when the coordinator says the run is over, or on SIGTERM (what it had leased goes
back to the queues). `briefwatch worker` (jobs.workernode) starts one per run.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path

from briefwatch.crawler import crawlstats
from briefwatch.crawler.cluster.frontier import (
    DEFAULT_WORKER_TIMEOUT,
    REDIS_URL_VARIABLE,
    Frontier,
    connect,
)
from briefwatch.crawler.cluster.leasedqueue import FOUND_ON, LEASE, MARKS
from briefwatch.crawler.handover import page_header
from briefwatch.crawler.items import FetchedPage
from briefwatch.crawler.plan import context_from_plan
from briefwatch.crawler.settings import (
    EXTENSIONS,
    scrapy_settings,
    source_slots,
    tls_settings,
)
from scrapy import Request

logger = logging.getLogger(__name__)

# How often an idle worker asks Redis for work.
POLL_SECONDS = 0.5


def worker_settings(redis_url: str, run: int, worker: str, worker_timeout: float) -> dict:
    """What a worker's crawl adds to the crawl's settings: scrapy-redis on the run's frontier."""
    return {
        "BRIEFWATCH_RUN": run,
        "BRIEFWATCH_WORKER": worker,
        "BRIEFWATCH_WORKER_TIMEOUT": worker_timeout,
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "briefwatch.crawler.cluster.leasedqueue.LeasedQueue",
        "DUPEFILTER_CLASS": "briefwatch.crawler.cluster.leasedqueue.PeekingDupeFilter",
        # The frontier belongs to the run, not to this worker: never clear it on leaving.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "ITEM_PIPELINES": {
            "briefwatch.crawler.pipelines.ExtractPipeline": 300,
            "briefwatch.crawler.cluster.workerprocess.HandBackPipeline": 800,
        },
        "SPIDER_MIDDLEWARES": {"briefwatch.crawler.cluster.workerprocess.LeaseMiddleware": 10},
        # beside briefwatch's own (a dict given here replaces the project's whole dict: the
        # delay floors' throttle was lost, and the unused remote control was imported again)
        "EXTENSIONS": {**EXTENSIONS,
                       "briefwatch.crawler.cluster.workerprocess.WorkerExtension": 500},
    }


class LeaseMiddleware:
    """Counts what each response yields (crawler.cluster.leasedqueue.OpenLeases): every
    request found on a page, and the transcript it is, is one output on its way to Redis; the
    page's lease is dropped with the last of them (a page that yields nothing drops it at
    once)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _mark(self, output, lease: str | None):
        if lease is None:
            return output
        if isinstance(output, FetchedPage):
            output.lease = lease
            self.crawler.spider.open_leases.expect(lease)
        elif isinstance(output, Request):
            output.meta[FOUND_ON] = lease
            self.crawler.spider.open_leases.expect(lease)
        return output

    def _finished(self, lease: str | None) -> None:
        if lease is not None:
            self.crawler.spider.open_leases.finished(lease)

    def process_spider_output(self, response, result):
        lease = response.meta.get(LEASE)
        try:
            for output in result:
                yield self._mark(output, lease)
        finally:
            self._finished(lease)

    async def process_spider_output_async(self, response, result):
        lease = response.meta.get(LEASE)
        try:
            async for output in result:
                yield self._mark(output, lease)
        finally:
            self._finished(lease)


class HandBackPipeline:
    """Instead of storing: the prepared transcript goes to the coordinator, with its lease."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: FetchedPage) -> FetchedPage:
        spider = self.crawler.spider
        header = page_header(item)
        header.update(kind="page", worker=spider.worker,
                      transcript=vars(item.transcript) if item.transcript else None)
        spider.frontier.hand_back(header, item.body,
                                  spider.open_leases.arrived(getattr(item, "lease", None)))
        self.crawler.stats.inc_value("briefwatch/handed_back")
        item.body = b""
        return item


class WorkerExtension:
    """Heartbeat and reports; keeps the spider open while the run goes on."""

    def __init__(self, crawler):
        from scrapy import signals

        self.crawler = crawler
        self.timeout = crawler.settings.getfloat("BRIEFWATCH_WORKER_TIMEOUT")
        self.loop = None
        self.stopping = False
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.item_lost, signal=signals.item_error)
        crawler.signals.connect(self.item_lost, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    def opened(self, spider) -> None:
        from twisted.internet import task

        self.beat()
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(min(self.timeout / 5, 2.0), now=False)

    def beat(self) -> None:
        frontier = self.spider.frontier
        try:
            frontier.beat(self.spider.worker, self.timeout)
            frontier.report(self.spider.worker, self.spider.context.source, self.report())
            stopping = frontier.state() != "running"
        except Exception as exc:  # Redis gone for a moment: the next beat tries again
            logger.warning("cannot reach Redis: %s", exc)
            return
        if stopping and not self.stopping:
            from scrapy.utils.defer import deferred_from_coro

            # Busy or not: an idle spider would close by itself at its next heartbeat, a
            # busy one on a stopped run would fetch pages nobody stores.
            self.stopping = True
            logger.info("the coordinator ended the run; leaving")
            deferred_from_coro(self.crawler.stop_async())

    def idle(self, spider) -> None:
        from scrapy.exceptions import DontCloseSpider

        try:
            running = spider.frontier.state() == "running"
        except Exception:
            running = True  # Redis unreachable: wait for it rather than leave the run
        if running:
            raise DontCloseSpider

    def closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        frontier = spider.frontier
        try:
            frontier.requeue_own(spider.worker, frontier.queue_key(spider.context.source))
            frontier.report(spider.worker, spider.context.source, self.report(closed=True))
        except Exception as exc:
            logger.warning("cannot reach Redis on leaving: %s", exc)

    def dropped(self, request, spider) -> None:
        # A page already queued (a redirect to it, a link to it): nothing more comes of this
        # request, nor of the one it replaces.
        spider.claims.settled(request.meta.pop(MARKS, ()))
        leases = [request.meta.get(LEASE)]
        leases += spider.open_leases.arrived(request.meta.pop(FOUND_ON, None))
        for lease in filter(None, leases):
            spider.frontier.ack(lease)

    def item_lost(self, item, spider, failure=None, **kwargs) -> None:
        """A transcript that failed in the pipelines is an outcome too: counted as failed by
        the coordinator (and fetched again next run), never silently gone."""
        settles = spider.open_leases.arrived(getattr(item, "lease", None))
        if isinstance(item, FetchedPage):
            reason = failure.getErrorMessage() if failure is not None else "dropped"
            spider.frontier.hand_back_failure("failed", item.source, item.url, spider.worker,
                                              f"could not be prepared: {reason}", settles)
        else:
            for lease in settles:
                spider.frontier.ack(lease)

    def report(self, closed: bool = False) -> dict:
        stats = self.crawler.stats.get_stats()
        return {
            **crawlstats.counters(stats),
            "listing_pages": stats.get("briefwatch/listing_pages", 0),
            "pages": stats.get("briefwatch/handed_back", 0),
            "status": crawlstats.status_counts(stats),
            "robots_ok": crawlstats.robots_ok(stats),
            "closed": closed,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.cluster.workerprocess")
    parser.add_argument("--redis", default=os.environ.get(REDIS_URL_VARIABLE),
                        help=f"the Redis URL [default: ${REDIS_URL_VARIABLE}, which keeps a "
                             f"password out of the process list]")
    parser.add_argument("--run", required=True, type=int)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--log-file", type=Path)
    args = parser.parse_args(argv)
    if not args.redis:
        parser.error(f"give --redis URL or set {REDIS_URL_VARIABLE}")

    from briefwatch.crawler.crawlprocess import die_with_parent

    die_with_parent()
    frontier = Frontier(connect(args.redis), args.run)
    plan = frontier.plan()
    if plan is None or not frontier.join(args.worker, plan.get("worker_timeout",
                                                               DEFAULT_WORKER_TIMEOUT)):
        return 0  # the run ended before we joined

    from briefwatch.crawler.cluster.spider import cluster_spider_class
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import ScrapyDeprecationWarning
    from scrapy.spiderloader import SpiderLoader

    # An idle engine asks its scheduler (here: Redis) for work at each heartbeat, 5 s by
    # default: workers would sit idle for seconds while others find new pages.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = POLL_SECONDS

    # scrapy-redis 0.9 calls APIs Scrapy 2.13+ deprecates, on every request.
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning)
    timeout = plan.get("worker_timeout", DEFAULT_WORKER_TIMEOUT)
    settings = scrapy_settings(plan["crawl"],
                               {**worker_settings(args.redis, args.run, args.worker, timeout),
                                # each site's delay floor, each source's CA bundle
                                "DOWNLOAD_SLOTS": source_slots(plan["sources"]),
                                **tls_settings(plan["sources"])},
                               log_level=args.log_level, log_file=args.log_file)
    process = CrawlerProcess(settings)
    loader = SpiderLoader.from_settings(settings)
    for source in plan["sources"]:
        spidercls = cluster_spider_class(loader.load(source["spider"]), frontier,
                                         source["name"], args.worker)
        crawler = process.create_crawler(spidercls)
        process.crawl(crawler, context=context_from_plan(plan, source["name"]))
    from twisted.internet import reactor

    queues = [frontier.queue_key(source["name"]) for source in plan["sources"]]
    # After Scrapy's own handlers, which it installs once the reactor has started.
    reactor.callWhenRunning(reactor.callLater, 0, _give_back_on_stop, frontier, args.worker,
                            queues)
    process.start()
    return 0


def _give_back_on_stop(frontier: Frontier, worker: str, queues: list[str]) -> None:
    """On SIGTERM/SIGINT, give every leased request back at once, then let Scrapy stop as it
    does: a graceful stop waits for the downloads in progress, which a slow site can make
    last a minute, and the run should not wait for that."""
    import signal

    from twisted.internet import reactor

    def give_back() -> None:
        try:
            for queue in queues:
                frontier.requeue_own(worker, queue)
        except Exception as exc:  # Redis gone: the coordinator takes them back later
            logger.warning("cannot give back leased requests: %s", exc)

    for sig in (signal.SIGTERM, signal.SIGINT):
        scrapys = signal.getsignal(sig)  # installed by CrawlerProcess.start()

        def handler(signum, frame, scrapys=scrapys):
            reactor.callFromThread(give_back)
            if callable(scrapys):
                scrapys(signum, frame)

        signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
