"""The frame every run that writes the database goes through, a crawl (jobs.crawl) or an archive
import (jobs.archiveimport), and the summary each hands back.

`frame` holds the crawl lock and the database, records the run, has the work done, records its
outcome whatever happened, and then announces its events and rewrites the feed. What a crawl or
an import does in it is a `Work`: its steps are called in this order:

    lock → open_db → work.prepare (and runs.adopt of the run it takes over) → mark_abandoned
    → register_channels → runs.start (unless taken over) → work.do → work.settle and
    runs.finish (in a finally) → work.after → work.summary → notify.send_pending → feed.write
    → close db → release lock
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from briefwatch.jobs.config import Config


@dataclass
class Summary:
    """What a run did, per source; a crawl's and an import's add what they count."""

    run: int
    status: str  # completed | failed | interrupted
    sources: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    # Keyword-only: a kind of summary puts its own positional fields after `seconds`.
    deliveries: list = field(default_factory=list, kw_only=True)  # jobs.notify.Delivery
    feed: Path | None = field(default=None, kw_only=True)  # the Atom file rewritten, if any
    feed_error: str | None = field(default=None, kw_only=True)  # why it could not be

    def total(self, key: str) -> int:
        return sum(int(stats.get(key, 0) or 0) for stats in self.sources.values())


@dataclass
class Outcome:
    """How the work went, as runs.finish records it: what it got to is kept even when it
    fails or is interrupted."""

    status: str = "interrupted"  # until the work says otherwise
    sources: dict[str, dict] = field(default_factory=dict)  # stats per source


class Work:
    """What one kind of run does inside `frame`. `names` and `options` are what the run is
    recorded with (runs.start); `prepare` may settle them."""

    names: list[str]
    options: dict

    def prepare(self, db) -> int | None:
        """Before the run is recorded: the id of an earlier run this one carries on (the
        frame adopts it rather than start one), else None."""
        return None

    def do(self, db, run_id: int, outcome: Outcome) -> None:
        """The work itself, setting `outcome` as it goes; an exception makes the run failed."""
        raise NotImplementedError

    def settle(self, db, run_id: int, outcome: Outcome) -> None:
        """Whatever happened, just before the outcome is recorded: complete its stats."""

    def after(self, db, run_id: int, outcome: Outcome) -> None:
        """Once the outcome is recorded, unless the work raised."""

    def summary(self, db, run_id: int, outcome: Outcome, seconds: float) -> Summary:
        raise NotImplementedError


def frame(config: Config, work: Work) -> Summary:
    """Run `work` under the crawl lock (storage.lock: one run per database at a time) and hand
    back its summary, with the notifications sent and the feed rewritten. A signal stops the
    crawl process, whose result says so: the run is `interrupted` and announced like any other.
    A KeyboardInterrupt that escapes the work leaves the run recorded as interrupted and
    propagates, nothing announced. A full or failing disk is said in one line naming the
    database (storage.errors.disk_trouble)."""
    from briefwatch.storage.errors import disk_failures_said

    started = time.monotonic()
    with disk_failures_said(config.storage_path):
        return _framed(config, work, started)


def _framed(config: Config, work: Work, started: float) -> Summary:
    from briefwatch.jobs import notify
    from briefwatch.jobs.render import feed
    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.lock import crawl_lock

    with crawl_lock(config.storage_path):
        db = open_db(config.storage_path)
        try:
            carried_on = work.prepare(db)
            if carried_on:
                runs.adopt(db, carried_on)  # before mark_abandoned, which would take it for dead
            runs.mark_abandoned(db)
            notify.register_channels(config, db)
            run_id = carried_on or runs.start(db, work.names, work.options)
            outcome = Outcome()
            try:
                work.do(db, run_id, outcome)
            except Exception:
                outcome.status = "failed"
                raise
            finally:
                work.settle(db, run_id, outcome)
                runs.finish(db, run_id, outcome.status, outcome.sources)
            work.after(db, run_id, outcome)
            summary = work.summary(db, run_id, outcome, time.monotonic() - started)
            # Events of an interrupted run are real too: they are announced like any other.
            summary.deliveries = notify.send_pending(config, db)
            try:
                summary.feed = feed.write(config, db)
            except feed.FeedError as exc:
                summary.feed_error = str(exc)  # what was stored and told stands
        finally:
            db.close()
    return summary
