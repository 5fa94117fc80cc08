"""Every crawl run (`briefwatch crawl`, the scheduler's, `crawl --cluster`): lock the database,
record the run, make its plan, crawl (locally or through the cluster), record the outcome,
notify."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefwatch.jobs.config import Config, ConfigError

COUNTERS = ("new", "edited", "unchanged", "rejected", "failed")
# Counted too, and shown in the summary line only when they happened.
RARE_COUNTERS = ("removed", "restored", "suspect")


@dataclass
class RunSummary:
    run: int
    status: str  # completed | failed | interrupted
    sources: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    log_file: Path | None = None
    deliveries: list = field(default_factory=list)  # jobs.notify.Delivery, one per channel
    feed: Path | None = None
    # the fetches held back as not the transcript: url, source, title, reason, http_status
    suspects: list[dict] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(int(stats.get(key, 0) or 0) for stats in self.sources.values())

    def line(self) -> str:
        counts = ", ".join([f"{self.total(k)} {k}" for k in COUNTERS]
                           + [f"{self.total(k)} {k}" for k in RARE_COUNTERS if self.total(k)])
        return (f"run {self.run} {self.status}: {counts} "
                f"({len(self.sources)} source{'s' if len(self.sources) != 1 else ''}, "
                f"{self.total('requests')} requests, {self.seconds:.1f}s)")

    def blocked(self) -> list[str]:
        return [name for name, stats in self.sources.items() if stats.get("blocked")]

    def unreachable(self) -> dict[str, str]:
        """Sources none of whose listing pages could be fetched, with the first failure."""
        return {
            name: (stats.get("listing_failed_urls") or ["?"])[0]
            for name, stats in self.sources.items()
            if stats.get("listing_failed") and not stats.get("listing_pages")
        }

    def as_dict(self) -> dict:
        return {"run": self.run, "status": self.status, "seconds": round(self.seconds, 2),
                **{k: self.total(k) for k in COUNTERS + RARE_COUNTERS},
                "unreachable": self.unreachable(),
                "blocked": self.blocked(),
                "suspects": self.suspects,
                "sources": self.sources}


def run(config: Config, source_names: list[str] | None = None, *, backfill: bool = False,
        revisit: str = "recent", verbose: bool = False, cluster: bool = False,
        on_page: Callable[[dict], None] | None = None) -> RunSummary:
    """Crawl `source_names` (default: all). Scrapy's log goes to logs/run-N.log beside the
    database, or to stderr at INFO level when `verbose`.

    With `cluster`, workers on the [cluster] Redis fetch and this process stores what they
    hand back (crawler.cluster.coordinator); a cluster run left by a coordinator that died is taken
    over rather than started again."""
    from briefwatch.crawler import localcrawl
    from briefwatch.jobs import notify
    from briefwatch.jobs.render import feed
    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.lock import crawl_lock

    names = source_names or [s.name for s in config.sources]
    for name in names:
        config.source(name)  # unknown names fail before anything starts
    if cluster and not config.cluster.redis_url:
        raise ConfigError(f"{config.path}: --cluster needs [cluster] redis_url, e.g. "
                          f"redis_url = \"redis://127.0.0.1:6379/0\"")
    started = time.monotonic()
    with crawl_lock(config.storage_path):
        db = open_db(config.storage_path)
        try:
            adopted = None
            if cluster:
                from briefwatch.crawler.cluster.coordinator import adoptable_run

                adopted = adoptable_run(db, config.cluster.redis_url)
                if adopted:
                    runs.adopt(db, adopted)
            runs.mark_abandoned(db)
            notify.register_channels(config, db)
            run_id = adopted or runs.start(db, names, {"backfill": backfill, "revisit": revisit,
                                                       **({"cluster": True} if cluster else {})})
            log_file = None if verbose or cluster else log_path(config, run_id)
            status = "interrupted"
            result = None
            try:
                if cluster:
                    result = _coordinate(config, db, run_id, names, adopted=bool(adopted),
                                         backfill=backfill, revisit=revisit, on_page=on_page)
                else:
                    result = localcrawl.crawl(plan(config, db, run_id, names, backfill=backfill,
                                                   revisit=revisit), db,
                                              log_level="INFO" if verbose else "WARNING",
                                              log_file=log_file, on_page=on_page)
                if not result.interrupted:
                    status = "completed" if result.completed else "failed"
                if status == "completed" and _nothing_reached(result.sources):
                    status = "failed"  # no source could be reached: nothing was crawled
            except Exception:
                status = "failed"
                raise
            finally:
                stats = result.sources if result else {}
                runs.finish(db, run_id, status, stats)
            if config.series():
                _pair_languages(config, db, run_id)
            summary = RunSummary(run_id, status, stats, time.monotonic() - started, log_file,
                                 suspects=runs.suspects(db, [run_id])[run_id])
            # Events of an interrupted run are real too: they are announced like any other.
            summary.deliveries = notify.send_pending(config, db)
            summary.feed = feed.write(config, db)
        finally:
            db.close()
    return summary


def _nothing_reached(sources: dict[str, dict]) -> bool:
    return bool(sources) and all(RunSummary(0, "", {n: s}).unreachable()
                                 for n, s in sources.items())


def _pair_languages(config: Config, db, run_id: int) -> None:
    """After the crawl: the conferences of each series in both languages, exchange by
    exchange (storage.pairings); what now differs is a `divergent` event of this run."""
    from briefwatch.storage.pairings import update_pairings

    update_pairings(db, [(en.name, zh.name) for en, zh in config.series()], config.names(),
                    run_id)


def plan(config: Config, db, run_id: int | None, names: list[str], *, backfill: bool,
         revisit: str, worker_timeout: float | None = None) -> dict:
    """The crawl's plan (crawler.plan): what its crawl process or workers need of the config
    and the database."""
    from briefwatch.crawler.plan import make_plan

    return make_plan([config.source(n) for n in names], config.crawl, db, run=run_id,
                     backfill=backfill, revisit=revisit,
                     revisit_days=config.crawl.revisit_days, worker_timeout=worker_timeout)


def _coordinate(config: Config, db, run_id: int, names: list[str], *, adopted: bool,
                backfill: bool, revisit: str, on_page):
    from briefwatch.crawler.cluster.coordinator import ClusterOptions, Coordinator

    options = ClusterOptions(config.cluster.redis_url, config.cluster.worker_timeout,
                             config.cluster.wait_for_workers)
    coordinator = Coordinator(db, run_id, options, on_page=on_page)
    if adopted:
        coordinator.adopt()
    else:
        coordinator.start(plan(config, db, run_id, names, backfill=backfill, revisit=revisit,
                               worker_timeout=options.worker_timeout))
    return coordinator.wait()


def log_path(config: Config, run_id: int) -> Path:
    return config.storage_path.parent / "logs" / f"run-{run_id}.log"
