"""`briefwatch archive`: import a web archive's captures of the stored transcripts (and, with
`discover`, of transcripts no listing links any more) as versions at their capture times.

One run, in the frame a crawl runs in (jobs.run: the crawl lock, the run recorded, its
outcome, notifications): the archive crawl (crawler.archive) hands back captures that the
recorder places among the versions (storage.captures); then the live site is asked once for
each transcript known only from the archive, so that one the site has deleted is flagged
removed. Notifications sum an import up in one line per source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefwatch.jobs.config import Config
from briefwatch.jobs.contract import FOUND
from briefwatch.jobs.run import Outcome, Summary, Work, frame

ARCHIVE_SPIDER = "briefwatch.crawler.archive.spider.ArchiveSpider"


@dataclass
class ImportSummary(Summary):
    def line(self, name: str) -> str:
        stats = self.sources[name]
        parts = [f"{stats.get('captures', 0)} distinct captures"]
        if stats.get("skipped_by_digest"):
            parts.append(f"{stats['skipped_by_digest']} matched by digest, not fetched")
        if stats.get("captures_known"):
            parts.append(f"{stats['captures_known']} imported before")
        parts += [f"{stats.get(key, 0)} {_LABELS[key]}" for key in FOUND if stats.get(key)]
        if stats.get("failed") or stats.get("cdx_failed"):
            parts.append(f"{stats.get('failed', 0) + stats.get('cdx_failed', 0)} failed "
                         f"(tried again next import)")
        parts.append(f"{stats.get('requests', 0)} archive requests "
                     f"({_duration(stats.get('paced_seconds', 0))} at the archive's pace)")
        return f"{name}: " + ", ".join(parts)

    def unreachable(self) -> str | None:
        """The first failure, when no query to the archive was answered at all."""
        return _unreachable(self.sources)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


_LABELS = {"earlier": "earlier versions", "edits": "edits", "discovered":
           "transcripts found only in the archive", "same": "the same as a stored version",
           "rejected": "not a transcript (error page, redirect)",
           "doubtful": "doubtful (most of the text gone, another title)",
           "removed": "no longer on the site"}


def run(config: Config, source_names: list[str] | None = None, *, url: str | None = None,
        since: str | None = None, until: str | None = None, discover: bool = False,
        verbose: bool = False, on_page: Callable[[dict], None] | None = None) -> ImportSummary:
    return frame(config, _Import(config, source_names, url=url, since=since, until=until,
                                 discover=discover, verbose=verbose, on_page=on_page))


class _Import(Work):
    """An import's part of the run frame (jobs.run): find the transcripts to look up, crawl
    the archive, ask the live site about those known only from it, tally what was added."""

    def __init__(self, config: Config, source_names: list[str] | None, *, url: str | None,
                 since: str | None, until: str | None, discover: bool, verbose: bool,
                 on_page):
        self.config, self.source_names, self.url = config, source_names, url
        self.since, self.until, self.discover = since, until, discover
        self.verbose, self.on_page = verbose, on_page
        self.options = {"archive": True, "discover": discover, "since": since, "until": until,
                        **({"url": url} if url else {})}

    def prepare(self, db) -> None:
        self.names, self.targets = _targets(self.config, db, self.source_names, self.url,
                                            self.since, self.until)

    def do(self, db, run_id: int, outcome: Outcome) -> None:
        from briefwatch.crawler import localcrawl
        from briefwatch.jobs.crawl import log_path

        config, names = self.config, self.names
        log_file = None if self.verbose else log_path(config, run_id)
        level = "INFO" if self.verbose else "WARNING"
        result = localcrawl.crawl(
            archive_plan(config, db, run_id, names, self.targets, since=self.since,
                         until=self.until, discover=self.discover, one_by_one=bool(self.url)),
            db, log_level=level,
            log_file=log_file, on_page=self.on_page)
        stats = outcome.sources = result.sources
        for mine in stats.values():
            # Each request to the archive waits `download_delay` after the one before.
            mine["paced_seconds"] = round(mine.get("requests", 0)
                                          * config.archive.download_delay, 1)
        if not result.interrupted and _unreachable(stats):
            outcome.status = "failed"
        elif not result.interrupted:
            checked = _check_live(config, db, run_id, names, level, log_file, self.on_page)
            outcome.status = "completed" if result.completed else "failed"
            if checked is not None and checked.interrupted:
                outcome.status = "interrupted"
            for name in names:
                stats.setdefault(name, {})["live_check"] = (
                    checked.sources.get(name, {}) if checked else {})

    def settle(self, db, run_id: int, outcome: Outcome) -> None:
        _tally(db, run_id, self.names, outcome.sources)

    def summary(self, db, run_id: int, outcome: Outcome, seconds: float) -> ImportSummary:
        return ImportSummary(run_id, outcome.status, outcome.sources, seconds)


def _unreachable(stats: dict[str, dict]) -> str | None:
    failed = [s for s in stats.values() if s.get("cdx_failed") and not s.get("cdx_queries")]
    if failed and len(failed) == len(stats):
        return (failed[0].get("cdx_failed_urls") or ["?"])[0]
    return None


def _targets(config: Config, db, source_names, url, since=None, until=None
             ) -> tuple[list[str], dict[str, list[str]]]:
    """The sources and, for each, the transcript URLs to look up: with --since/--until, those
    whose conference date is in the period (one without a date is kept)."""
    from briefwatch.storage.documents import NotFound, find, source_urls

    if url:
        try:
            doc = find(db, url)
        except NotFound:
            if not source_names or len(source_names) != 1:
                raise NotFound(f"{url} is not a stored transcript: name its source too "
                               f"(briefwatch archive --source NAME --url URL)") from None
            return list(source_names), {source_names[0]: [url]}
        config.source(doc["source"])
        return [doc["source"]], {doc["source"]: [doc["url"]]}
    names = source_names or [s.name for s in config.sources]
    for name in names:
        config.source(name)
    return names, {name: source_urls(db, name, since=since, until=until) for name in names}


def archive_plan(config: Config, db, run_id: int, names: list[str],
                 targets: dict[str, list[str]], *, since, until, discover: bool,
                 one_by_one: bool = False) -> dict:
    """A crawl plan (crawler.plan) whose spider is the archive's, for each source: the
    folders to list (crawler.archive.matching.prefixes_for; with `one_by_one`, the one
    transcript of --url is asked about alone) and what is known of each capture."""
    from briefwatch.crawler.archive.matching import prefixes_for
    from briefwatch.crawler.plan import crawl_table
    from briefwatch.crawler.rooms import archive_prefixes
    from briefwatch.storage.captures import imported, known_digests

    crawl = crawl_table(config.crawl)
    crawl["download_delay"] = config.archive.download_delay
    crawl["concurrency_per_domain"] = 1  # the archive throttles busy clients
    crawl["retries"] = config.archive.retries
    sources, contexts = [], {}
    for name in names:
        source = config.source(name)
        sources.append({"name": name, "spider": source.spider, "spider_class": ARCHIVE_SPIDER,
                        "start_urls": list(source.start_urls), "options": dict(source.options)})
        if one_by_one:
            prefixes, alone = [], list(targets[name])
        else:
            room = archive_prefixes(source.spider, source.start_urls, name)
            prefixes, alone = prefixes_for(list(source.start_urls), list(room), targets[name],
                                           discover=discover)
        digests, remembered = known_digests(db, name)
        contexts[name] = {"known": [], "revisit": [], "backfill": False, "validators": {},
                          "archive": {"cdx_url": config.archive.cdx_url,
                                      "replay_url": config.archive.replay_url,
                                      "spider": source.spider, "targets": targets[name],
                                      "prefixes": [vars(p) for p in prefixes],
                                      "one_by_one": alone, "discover": discover,
                                      "since": since, "until": until,
                                      "digests": digests, "remembered": remembered,
                                      "imported": imported(db, name)}}
    return {"run": run_id, "sources": sources, "crawl": crawl, "contexts": contexts}


def _check_live(config: Config, db, run_id: int, names: list[str], level, log_file, on_page):
    """Fetch, once, every transcript known only from the archive: one the site still serves
    is seen live; one it does not is removed (storage.versions.record_suspect)."""
    from briefwatch.crawler import localcrawl
    from briefwatch.crawler.plan import make_plan
    from briefwatch.storage.captures import archive_only

    urls = {name: archive_only(db, name) for name in names}
    if not any(urls.values()):
        return None
    sources = [config.source(name) for name in names if urls[name]]
    plan = make_plan(sources, config.crawl, db, run=run_id, backfill=False, revisit="none",
                     revisit_days=config.crawl.revisit_days)
    for source in sources:
        plan["contexts"][source.name].update(revisit=urls[source.name], walk_listings=False)
    return localcrawl.crawl(plan, db, log_level=level, log_file=log_file, on_page=on_page)


def _tally(db, run_id: int, names: list[str], stats: dict) -> None:
    """What the import added, per source, from the database: the recorder's counts say what
    became of each capture, the events what a reader is told."""
    from briefwatch.storage.runs import edits_and_removals

    for name in names:
        mine = stats.setdefault(name, {})
        mine["edits"], mine["removed"] = edits_and_removals(db, run_id, name)
        mine["discovered"] = mine.pop("new", 0)
