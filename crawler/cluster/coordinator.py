"""The coordinator of a cluster run (`briefwatch crawl --cluster`): it seeds the shared
frontier, stores what workers hand back with the same code as a local crawl, gives the
requests of vanished workers to others, and ends the run when nothing is left anywhere.

It is the only writer of the database. Its progress lives in Redis with the run (the counts
and which transcripts were stored), so a coordinator restarted mid-run adopts the run and
goes on where it stopped, while the workers never noticed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from briefwatch.crawler import crawlstats
from briefwatch.crawler.cluster.frontier import ClusterError, Frontier, connect, current_run
from briefwatch.crawler.crawlstats import CrawlResult
from briefwatch.crawler.handover import page_from
from briefwatch.crawler.masking import masked_text, masked_url

# Results stored per transaction.
BATCH = 200
# How long to wait, once the run is over, for workers to leave and send their last counts.
LEAVE_SECONDS = 10.0
MAX_FAILED_URLS = 20


@dataclass(frozen=True)
class ClusterOptions:
    redis_url: str
    worker_timeout: float
    wait_for_workers: float


def adoptable_run(db, url: str) -> int | None:
    """A cluster run whose coordinator died: running in the database with no live process,
    still current in Redis, its frontier seeded. The next coordinator takes it over."""
    from briefwatch.storage.runs import is_abandoned

    server = connect(url)
    run = current_run(server)
    if run is None:
        return None
    frontier = Frontier(server, run)
    if frontier.state() == "running" and server.get(frontier.seeded_key) \
            and is_abandoned(db, run):
        return run
    return None


class Coordinator:
    def __init__(self, db, run: int, options: ClusterOptions, *,
                 on_page: Callable[[dict], None] | None = None):
        self.db = db
        self.run = run
        self.options = options
        self.on_page = on_page
        self.server = connect(options.redis_url)
        self.frontier = Frontier(self.server, run)
        self.names: list[str] = []
        self.plan: dict = {}
        self.tally: dict[str, dict] = {}
        self.spiders: dict = {}

    # -- start --------------------------------------------------------------------------------

    def start(self, plan: dict) -> None:
        """Publish the plan (crawler.plan) of a new run and queue its first requests."""
        stale = current_run(self.server)
        if stale is not None and stale != self.run:
            # A run no coordinator will finish (it was marked interrupted): its workers leave.
            Frontier(self.server, stale).forget()
        self.frontier.forget()  # leftovers of an earlier run with this number
        self.frontier.publish(plan)
        self._take(plan)
        self.tally = {name: {} for name in self.names}
        self.frontier.settle_results(0, self.tally)
        from briefwatch.crawler.cluster.leasedqueue import queue_request

        for name, spider in self.spiders.items():
            queue = self.frontier.queue_key(name)
            for request in asyncio.run(_collect(spider.seed())):
                queue_request(self.frontier, queue, request, spider)
        self.server.set(self.frontier.seeded_key, 1)

    def adopt(self) -> None:
        """Go on with a run whose coordinator died, from what it left in Redis."""
        self._take(self.frontier.plan())
        self.tally = self.frontier.tally() or {name: {} for name in self.names}

    def _take(self, plan: dict) -> None:
        """The run's spiders, as the workers have them (the coordinator seeds with them)."""
        from briefwatch.crawler.cluster.spider import cluster_spider_class
        from briefwatch.crawler.plan import context_from_plan
        from briefwatch.crawler.settings import scrapy_settings
        from scrapy.spiderloader import SpiderLoader

        self.plan = plan
        self.names = [s["name"] for s in plan["sources"]]
        loader = SpiderLoader.from_settings(scrapy_settings())
        for source in plan["sources"]:
            context = context_from_plan(plan, source["name"])
            cls = cluster_spider_class(loader.load(source["spider"]), self.frontier,
                                       source["name"])
            spider = cls(context=context)
            spider.hosts = {_host(u) for u in context.start_urls}
            self.spiders[source["name"]] = spider

    # -- the run ----------------------------------------------------------------------------

    def wait(self) -> CrawlResult:
        """Store results until the frontier is drained; Ctrl-C (KeyboardInterrupt) stops the
        run: workers leave and what was stored stays."""
        import redis
        from briefwatch.crawler.recorder import Recorder, templates_of

        # Committed only with what is settled in Redis: a coordinator that dies in between
        # leaves both as they were, and the next one stores the same results again.
        self.recorder = Recorder(self.db, self.run, count=self._count, emit=self.on_page,
                                 templates=templates_of(self.plan["sources"]),
                                 autocommit=False)
        try:
            return self._wait()
        except redis.RedisError as exc:
            raise ClusterError(f"lost Redis at {masked_url(self.options.redis_url)} during run "
                               f"{self.run}: {masked_text(str(exc), self.options.redis_url)}; "
                               f"what was stored is kept, and the next crawl walks every "
                               f"listing page") from None

    def _wait(self) -> CrawlResult:
        self._source_of = {self.frontier.queue_key(n): n for n in self.names}
        last_reap = 0.0
        last_seen_worker = time.monotonic()
        try:
            while True:
                stored = self._store_some()
                now = time.monotonic()
                if now - last_reap >= 1.0:
                    last_reap = now
                    for queue in self.frontier.requeue_dead():
                        # the requests of a worker that vanished, handed to the others
                        self._count(self._source_of[queue], "requeued")
                    if self._any_worker_alive():
                        last_seen_worker = now
                    elif now - last_seen_worker > self.options.wait_for_workers:
                        self._leave("stopping")
                        raise ClusterError(
                            f"no worker took part for {self.options.wait_for_workers:.0f} s; "
                            f"start `briefwatch worker` on a machine that reaches Redis "
                            f"({masked_url(self.options.redis_url)}), or raise [cluster] "
                            f"wait_for_workers")
                if stored:
                    continue
                state = self.frontier.finish_if_drained(self.names)
                if state == "lost":
                    # Redis restarted without persistence, or was flushed: the run is gone,
                    # not done.
                    self._leave("stopping")
                    raise ClusterError(
                        f"Redis at {masked_url(self.options.redis_url)} lost run {self.run} "
                        f"(restarted without persistence?); what was stored is kept, and the next "
                        f"crawl walks every listing page")
                if state == "done":
                    break
                time.sleep(0.05)
        except KeyboardInterrupt:
            reports = self._leave("stopping")
            return CrawlResult(returncode=0, sources=self.stats(reports, "shutdown"),
                               interrupted=True)
        reports = self._leave("done")
        return CrawlResult(returncode=0, sources=self.stats(reports, "finished"))

    def _store_some(self) -> int:
        results = self.frontier.peek_results(BATCH)
        if not results:
            return 0
        stored_key = self.frontier.stored_key
        try:
            urls = []
            for header, body in results:
                if header["kind"] == "failure":
                    self._failure(header)
                    continue
                if self.server.sismember(stored_key, header["url"]):
                    # handed back twice: a worker taken for dead had finished it after all
                    self._count(header["source"], "duplicates")
                    continue
                self.recorder.record(page_from(header, body))
                urls.append(header["url"])
            self.recorder.commit()
        except BaseException:
            self.recorder.rollback()
            raise
        if urls:
            self.server.sadd(stored_key, *urls)
        self.frontier.settle_results(len(results), self.tally)
        return len(results)

    def _count(self, source: str, key: str, named: str | None = None) -> None:
        from briefwatch.crawler.recorder import name_among

        counts = self.tally.setdefault(source, {})
        counts[key] = counts.get(key, 0) + 1
        name_among(counts, key, named)

    def _failure(self, header: dict) -> None:
        kind = header["failure"]  # failed | listing_failed
        self._count(header["source"], kind)
        urls = self.tally[header["source"]].setdefault(f"{kind}_urls", [])
        if len(urls) < MAX_FAILED_URLS:
            urls.append(f"{header['url']} ({header['reason']})")

    def _any_worker_alive(self) -> bool:
        return any(True for _ in self.server.scan_iter(match="briefwatch:worker:*:alive",
                                                       count=100))

    def _leave(self, state: str) -> dict:
        """End the run in Redis; wait a little for workers to leave with their last counts."""
        self.frontier.set_state(state)
        # No worker joins from now on; those that did write their last report as they leave.
        members = self.frontier.members()
        deadline = time.monotonic() + LEAVE_SECONDS
        while True:
            reports = self.frontier.reports()
            staying = [w for w in members
                       if not all(reports.get(w, {}).get(n, {}).get("closed") for n in self.names)
                       and self.frontier.alive(w)]
            if not staying or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.frontier.forget()
        return reports

    # -- the outcome --------------------------------------------------------------------------

    def stats(self, reports: dict, finish_reason: str) -> dict[str, dict]:
        plan_contexts = {name: spider.context for name, spider in self.spiders.items()}
        out = {}
        for name in self.names:
            s = dict(self.tally.get(name, {}))
            mine = {w: r[name] for w, r in reports.items() if name in r}
            for key in ("listing_pages", "requests", "responses", "errors", "log_errors"):
                total = sum(r.get(key, 0) for r in mine.values())
                if total or key != "listing_pages":
                    s[key] = total
            status: dict[str, int] = {}
            for report in mine.values():
                for code, n in report.get("status", {}).items():
                    status[code] = status.get(code, 0) + int(n)
            s["blocked"] = crawlstats.blocked(
                status, sum(r.get("robots_ok", 0) for r in mine.values()))
            s["finish_reason"] = finish_reason
            context = plan_contexts.get(name)
            s["backfill"] = bool(context and context.backfill)
            s["first_crawl"] = bool(context and context.first_crawl)
            s["workers"] = {w: {"requests": r.get("requests", 0), "pages": r.get("pages", 0),
                                "listing_pages": r.get("listing_pages", 0)}
                            for w, r in sorted(mine.items())}
            out[name] = s
        return out


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname


async def _collect(agen) -> list:
    return [item async for item in agen]
