"""Atom feeds of recent events (feedgen): the file [feed] path, rewritten after each run, and
the web view's /feed.atom."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from briefwatch.jobs.config import PROJECT_URL, Config
from briefwatch.jobs.wholefile import written_whole

FEED_ENTRIES = 100
FEED_ID = "urn:briefwatch:changes"
# XML 1.0 has no place for these: a scraped title holding one would make lxml refuse the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom(events: list[dict], *, names, feed_id: str = FEED_ID,
         link: Callable[[dict], str] | None = None, self_url: str | None = None,
         alternate: str | None = None) -> bytes:
    """An Atom document of `events` (oldest first, as storage.documents.events gives them),
    newest entry first, outlets named by `names` (the config's names table). `link` gives an
    entry's link; by default the transcript's own URL."""
    import datetime as dt

    from briefwatch.storage.text.diff import describe
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title("briefwatch: new and edited briefings")
    feed.author({"name": "briefwatch"})
    if self_url:
        feed.link(href=self_url, rel="self")
    feed.link(href=alternate or PROJECT_URL, rel="alternate")
    feed.generator("briefwatch", uri=PROJECT_URL)
    newest = events[-1]["detected_at"] if events else "1970-01-01T00:00:00+00:00"
    feed.updated(dt.datetime.fromisoformat(newest))
    # feedgen puts the entry added last first: add the oldest first.
    for event in events:
        entry = feed.add_entry()
        entry.id(f"{feed_id}:event:{event['id']}")
        title = _NOT_XML.sub("", " ".join((event["title"] or event["url"]).split()))
        entry.title(f"{event['kind']}: {title}")
        entry.link(href=link(event) if link else event["url"])
        entry.updated(dt.datetime.fromisoformat(event["detected_at"]))
        change = describe(event["summary"], names) if event["summary"] else ""
        entry.summary(_NOT_XML.sub("", f"{event['kind']} transcript ({event['source']}, "
                                       f"version {event['version']}): {event['url']}"
                                       + (f"; {change}" if change else "")))
    return feed.atom_str(pretty=True)


class FeedError(OSError):
    """The feed file cannot be written: says which and why, in one line."""


def write(config: Config, db) -> Path | None:
    """Rewrite [feed] path with the latest events, or FeedError (no half-written file, no
    temporary one left behind)."""
    if config.feed_path is None:
        return None
    from briefwatch.storage.documents import events

    data = atom(events(db, newest=FEED_ENTRIES), names=config.names())
    path = config.feed_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with written_whole(path, binary=True) as out:  # readers never see half of it
            out.write(data)
    except OSError as exc:
        raise FeedError(f"cannot write the Atom feed {path}: {exc.strerror or exc}; check "
                        f"[feed] path and its folder (the next run writes it again)") from None
    return path
