"""What one crawl of one source is handed: its config, the URLs already stored, and the mode.

Spiders read this instead of the database, so that they stay small and testable: which
transcripts are known, which to re-fetch, whether to walk the whole archive. It travels in
the crawl's plan (crawler.plan).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

REVISIT_MODES = ("recent", "all", "none")


@dataclass(frozen=True)
class CrawlContext:
    source: str
    start_urls: tuple[str, ...]
    options: dict = field(default_factory=dict)
    run: int | None = None
    known: frozenset[str] = frozenset()
    revisit: tuple[str, ...] = ()
    backfill: bool = False
    # url -> (ETag, Last-Modified) of its last 200 answer, for conditional revisits
    validators: dict = field(default_factory=dict)
    # An archive import (crawler.archive.spider): the archive's endpoints, what to look up.
    archive: dict = field(default_factory=dict)
    # False: fetch only the transcripts to revisit, read no listing page.
    walk_listings: bool = True

    @property
    def first_crawl(self) -> bool:
        return not self.known


def revisit_urls(known: list[dict], mode: str, days: int, today: dt.date | None = None,
                 ) -> tuple[str, ...]:
    """Transcripts to re-fetch so that edits are seen: recent ones, all, or none.

    'Recent' goes by the conference date; a transcript with none goes by when it was first seen.
    """
    if mode == "none":
        return ()
    if mode == "all":
        return tuple(sorted(row["url"] for row in known))
    cutoff = (today or dt.date.today()) - dt.timedelta(days=days)
    chosen = []
    for row in known:
        day = row.get("published") or (row.get("first_seen") or "")[:10]
        try:
            recent = dt.date.fromisoformat(day) >= cutoff
        except ValueError:
            recent = True
        if recent:
            chosen.append(row["url"])
    return tuple(sorted(chosen))


def build_context(source, db, *, backfill: bool, revisit: str, revisit_days: int
                  ) -> CrawlContext:
    """A source's context from what the database holds (crawler.plan.make_plan uses it)."""
    from briefwatch.storage.runs import needs_full_walk
    from briefwatch.storage.versions import known_documents

    known = known_documents(db, source.name)
    return CrawlContext(
        source=source.name,
        start_urls=tuple(source.start_urls),
        options=dict(source.options),
        known=frozenset(row["url"] for row in known),
        revisit=revisit_urls(known, revisit, revisit_days),
        validators={row["url"]: (row["etag"], row["last_modified"]) for row in known
                    if row.get("etag") or row.get("last_modified")},
        # The first crawl of a source walks the whole archive, and so does the crawl after one
        # that was interrupted or could not fetch everything.
        backfill=backfill or not known or needs_full_walk(db, source.name),
    )
