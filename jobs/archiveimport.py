"""`briefwatch archive`: import a web archive's captures of the stored transcripts (and, with
`discover`, of transcripts no listing links any more) as versions at their capture times.

One run, under the crawl lock, like a crawl: the archive crawl (crawler.archive) hands back
captures that the recorder places among the versions (storage.captures); then the live site
is asked once for each transcript known only from the archive, so that one the site has
deleted is flagged removed. Notifications sum an import up in one line per source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from briefwatch.jobs.config import Config

ARCHIVE_SPIDER = "briefwatch.crawler.archive.spider.ArchiveSpider"
# What one import found, per source, in the order the summary line gives them.
FOUND = ("earlier", "edits", "discovered", "same", "rejected", "doubtful", "removed")


@dataclass
class ImportSummary:
    run: int
    status: str  # completed | failed | interrupted
    sources: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    deliveries: list = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(int(stats.get(key, 0) or 0) for stats in self.sources.values())

    def line(self, name: str) -> str:
        stats = self.sources[name]
        parts = [f"{stats.get('captures', 0)} distinct captures"]
        if stats.get("captures_known"):
            parts.append(f"{stats['captures_known']} imported before")
        parts += [f"{stats.get(key, 0)} {_LABELS[key]}" for key in FOUND if stats.get(key)]
        if stats.get("failed") or stats.get("cdx_failed"):
            parts.append(f"{stats.get('failed', 0) + stats.get('cdx_failed', 0)} failed "
                         f"(tried again next import)")
        return f"{name}: " + ", ".join(parts)

    def unreachable(self) -> str | None:
        """The first failure, when no query to the archive was answered at all."""
        return _unreachable(self.sources)

    def as_dict(self) -> dict:
        return {"run": self.run, "status": self.status, "seconds": round(self.seconds, 2),
                "unreachable": self.unreachable(),
                **{key: self.total(key) for key in ("captures", *FOUND, "failed")},
                "sources": self.sources}


_LABELS = {"earlier": "earlier versions", "edits": "edits", "discovered":
           "transcripts found only in the archive", "same": "the same as a stored version",
           "rejected": "not a transcript (error page, redirect)",
           "doubtful": "doubtful (most of the text gone, another title)",
           "removed": "no longer on the site"}


def run(config: Config, source_names: list[str] | None = None, *, url: str | None = None,
        since: str | None = None, until: str | None = None, discover: bool = False,
        verbose: bool = False, on_page: Callable[[dict], None] | None = None) -> ImportSummary:
    from briefwatch.crawler import localcrawl
    from briefwatch.jobs import notify
    from briefwatch.jobs.crawl import log_path
    from briefwatch.jobs.render import feed
    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.lock import crawl_lock

    started = time.monotonic()
    with crawl_lock(config.storage_path):
        db = open_db(config.storage_path)
        try:
            names, targets = _targets(config, db, source_names, url)
            runs.mark_abandoned(db)
            notify.register_channels(config, db)
            options = {"archive": True, "discover": discover, "since": since, "until": until,
                       **({"url": url} if url else {})}
            run_id = runs.start(db, names, options)
            log_file = None if verbose else log_path(config, run_id)
            level = "INFO" if verbose else "WARNING"
            status, stats = "interrupted", {}
            try:
                result = localcrawl.crawl(
                    archive_plan(config, db, run_id, names, targets, since=since, until=until,
                                 discover=discover), db, log_level=level, log_file=log_file,
                    on_page=on_page)
                stats = result.sources
                if not result.interrupted and _unreachable(stats):
                    status = "failed"
                elif not result.interrupted:
                    checked = _check_live(config, db, run_id, names, level, log_file, on_page)
                    status = "completed" if result.completed else "failed"
                    if checked is not None and checked.interrupted:
                        status = "interrupted"
                    for name in names:
                        stats.setdefault(name, {})["live_check"] = (
                            checked.sources.get(name, {}) if checked else {})
            except Exception:
                status = "failed"
                raise
            finally:
                _tally(db, run_id, names, stats)
                runs.finish(db, run_id, status, stats)
            summary = ImportSummary(run_id, status, stats, time.monotonic() - started)
            summary.deliveries = notify.send_pending(config, db)
            feed.write(config, db)
        finally:
            db.close()
    return summary


def _unreachable(stats: dict[str, dict]) -> str | None:
    failed = [s for s in stats.values() if s.get("cdx_failed") and not s.get("cdx_queries")]
    if failed and len(failed) == len(stats):
        return (failed[0].get("cdx_failed_urls") or ["?"])[0]
    return None


def _targets(config: Config, db, source_names, url) -> tuple[list[str], dict[str, list[str]]]:
    """The sources and, for each, the transcript URLs to look up."""
    from briefwatch.storage.documents import NotFound, find

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
    return names, {name: [row[0] for row in db.execute(
        "SELECT url FROM documents WHERE source = ? ORDER BY published DESC, id DESC",
        [name])] for name in names}


def archive_plan(config: Config, db, run_id: int, names: list[str],
                 targets: dict[str, list[str]], *, since, until, discover: bool) -> dict:
    """A crawl plan (crawler.plan) whose spider is the archive's, for each source."""
    from briefwatch.crawler.plan import crawl_table
    from briefwatch.storage.captures import imported

    crawl = crawl_table(config.crawl)
    crawl["download_delay"] = config.archive.download_delay
    crawl["concurrency_per_domain"] = 1  # the archive throttles busy clients
    crawl["retries"] = config.archive.retries
    sources, contexts = [], {}
    for name in names:
        source = config.source(name)
        sources.append({"name": name, "spider": source.spider, "spider_class": ARCHIVE_SPIDER,
                        "start_urls": list(source.start_urls), "options": dict(source.options)})
        contexts[name] = {"known": [], "revisit": [], "backfill": False, "validators": {},
                          "archive": {"cdx_url": config.archive.cdx_url,
                                      "replay_url": config.archive.replay_url,
                                      "spider": source.spider, "targets": targets[name],
                                      "discover": discover, "since": since, "until": until,
                                      "imported": imported(db, name)}}
    return {"run": run_id, "sources": sources, "crawl": crawl, "contexts": contexts}


def _check_live(config: Config, db, run_id: int, names: list[str], level, log_file, on_page):
    """Fetch, once, every transcript known only from the archive: one the site still serves
    is seen live; one it does not is removed (storage.versions.record_suspect)."""
    from briefwatch.crawler import localcrawl
    from briefwatch.crawler.plan import make_plan

    urls = {name: [row[0] for row in db.execute(
        "SELECT url FROM documents WHERE source = ? AND last_seen_in = 'archive' AND "
        "status = 'active'", [name])] for name in names}
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
    for name in names:
        mine = stats.setdefault(name, {})
        row = db.execute(
            "SELECT COALESCE(sum(e.kind = 'edited'), 0), COALESCE(sum(e.kind = 'removed'), 0) "
            "FROM events e JOIN documents d ON d.id = e.document "
            "WHERE e.run = ? AND d.source = ?", [run_id, name]).fetchone()
        mine["edits"], mine["removed"] = row
        mine["discovered"] = mine.pop("new", 0)
