"""Every crawl run (`briefwatch crawl`, the scheduler's, `crawl --cluster`): in the run frame
(jobs.run: the lock, the run recorded, its outcome, notifications), take over a cluster run left
behind, make its plan, crawl (locally or through the cluster), pair the languages of each series,
sum it up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefwatch.jobs.config import Config, ConfigError
from briefwatch.jobs.contract import COUNTERS, RARE_COUNTERS
from briefwatch.jobs.run import Outcome, Summary, Work, frame


@dataclass
class RunSummary(Summary):
    log_file: Path | None = None
    # the fetches held back as not the transcript: url, source, title, reason, http_status
    suspects: list[dict] = field(default_factory=list)
    # why the search index cannot be read (storage.searchindex.damage), or None
    index_damage: str | None = None

    def line(self) -> str:
        listings = self.total("listing_failed")
        counts = ", ".join([f"{self.total(k)} {k}" for k in COUNTERS]
                           + [f"{self.total(k)} {k}" for k in RARE_COUNTERS if self.total(k)]
                           # listing pages that could not be fetched are failed fetches too
                           + ([f"{listings} listing page{'s' if listings != 1 else ''} failed"]
                              if listings else []))
        line = (f"run {self.run} {self.status}: {counts} "
                f"({len(self.sources)} source{'s' if len(self.sources) != 1 else ''}, "
                f"{self.total('requests')} requests, {self.seconds:.1f}s)")
        unreachable = self.unreachable()
        if self.status == "failed" and unreachable and len(unreachable) == len(self.sources):
            # the cause in the line itself: cron mail and the scheduler's log show only this
            line += f": no source could be reached, e.g. {next(iter(unreachable.values()))}"
        return line

    def blocked(self) -> list[str]:
        return [name for name, stats in self.sources.items() if stats.get("blocked")]

    def unreachable(self) -> dict[str, str]:
        """Sources none of whose listing pages could be fetched, with the first failure."""
        return {
            name: (stats.get("listing_failed_urls") or ["?"])[0]
            for name, stats in self.sources.items()
            if stats.get("listing_failed") and not stats.get("listing_pages")
        }


def run(config: Config, source_names: list[str] | None = None, *, backfill: bool = False,
        revisit: str = "recent", verbose: bool = False, cluster: bool = False,
        on_page: Callable[[dict], None] | None = None) -> RunSummary:
    """Crawl `source_names` (default: all). Scrapy's log goes to logs/run-N.log beside the
    database, or to stderr at INFO level when `verbose`.

    With `cluster`, workers on the [cluster] Redis fetch and this process stores what they
    hand back (crawler.cluster.coordinator); a cluster run left by a coordinator that died is taken
    over rather than started again."""
    names = source_names or [s.name for s in config.sources]
    for name in names:
        config.source(name)  # unknown names fail before anything starts
    if cluster and not config.cluster.redis_url:
        raise ConfigError(f"{config.path}: --cluster needs [cluster] redis_url, e.g. "
                          f"redis_url = \"redis://127.0.0.1:6379/0\"")
    return frame(config, _Crawl(config, names, backfill=backfill, revisit=revisit,
                                verbose=verbose, cluster=cluster, on_page=on_page))


class _Crawl(Work):
    """A crawl's part of the run frame (jobs.run): adopt a cluster run left behind, crawl,
    pair the languages of each series, sum up with the suspects held back."""

    def __init__(self, config: Config, names: list[str], *, backfill: bool, revisit: str,
                 verbose: bool, cluster: bool, on_page):
        self.config, self.names, self.backfill, self.revisit = config, names, backfill, revisit
        self.verbose, self.cluster, self.on_page = verbose, cluster, on_page
        self.options = {"backfill": backfill, "revisit": revisit,
                        **({"cluster": True} if cluster else {})}
        self.adopted: int | None = None
        self.log_file: Path | None = None

    def prepare(self, db) -> int | None:
        if self.cluster:
            from briefwatch.crawler.cluster.coordinator import adoptable_run

            self.adopted = adoptable_run(db, self.config.cluster.redis_url)
        return self.adopted

    def do(self, db, run_id: int, outcome: Outcome) -> None:
        from briefwatch.crawler import localcrawl

        config = self.config
        self.log_file = None if self.verbose or self.cluster else log_path(config, run_id)
        if self.cluster:
            result = _coordinate(config, db, run_id, self.names, adopted=bool(self.adopted),
                                 backfill=self.backfill, revisit=self.revisit,
                                 on_page=self.on_page)
        else:
            result = localcrawl.crawl(plan(config, db, run_id, self.names,
                                           backfill=self.backfill, revisit=self.revisit), db,
                                      log_level="INFO" if self.verbose else "WARNING",
                                      log_file=self.log_file, on_page=self.on_page)
        outcome.sources = result.sources
        if not result.interrupted:
            outcome.status = "completed" if result.completed else "failed"
        if outcome.status == "completed" and _nothing_reached(result.sources):
            outcome.status = "failed"  # no source could be reached: nothing was crawled

    def after(self, db, run_id: int, outcome: Outcome) -> None:
        if self.config.series():
            _pair_languages(self.config, db, run_id)

    def summary(self, db, run_id: int, outcome: Outcome, seconds: float) -> RunSummary:
        from briefwatch.storage import runs
        from briefwatch.storage.searchindex import damage

        # a crawl with nothing new to store never writes the index: it is looked at here
        return RunSummary(run_id, outcome.status, outcome.sources, seconds, self.log_file,
                          suspects=runs.suspects(db, [run_id])[run_id],
                          index_damage=damage(db))


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
