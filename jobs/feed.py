"""The Atom feed of recent events, written after each run to [feed] path (feedgen)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jobs.config import PROJECT_URL, Config

FEED_ENTRIES = 100


def atom(events: list[dict], *, feed_id: str = "urn:briefwatch:changes",
         self_url: str | None = None) -> bytes:
    """An Atom document of `events` (dicts as storage.documents.events returns), newest first."""
    import datetime as dt

    from feedgen.feed import FeedGenerator

    from storage.diff import describe

    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title("briefwatch: new and edited briefings")
    feed.author({"name": "briefwatch"})
    feed.link(href=self_url or PROJECT_URL, rel="self" if self_url else "alternate")
    feed.generator("briefwatch", uri=PROJECT_URL)
    newest = events[-1]["detected_at"] if events else "1970-01-01T00:00:00+00:00"
    feed.updated(dt.datetime.fromisoformat(newest))
    # feedgen puts entries added later first; add oldest first for a newest-first feed.
    for event in events:
        entry = feed.add_entry()
        entry.id(f"{feed_id}:event:{event['id']}")
        title = " ".join((event["title"] or event["url"]).split())
        entry.title(f"{event['kind']}: {title}")
        entry.link(href=event["url"])
        entry.updated(dt.datetime.fromisoformat(event["detected_at"]))
        change = describe(event.get("summary")) if event["kind"] == "edited" else ""
        entry.summary(f"{event['kind']} transcript ({event['source']}, version "
                      f"{event['version']})" + (f": {change}" if change else ""))
    return feed.atom_str(pretty=True)


def write(config: Config, db) -> Path | None:
    if config.feed_path is None:
        return None
    from storage.documents import events

    recent = events(db)[-FEED_ENTRIES:]
    data = atom(recent)
    config.feed_path.parent.mkdir(parents=True, exist_ok=True)
    # Readers polling the file never see half of it.
    fd, tmp = tempfile.mkstemp(dir=config.feed_path.parent, prefix=".feed-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, config.feed_path)
    return config.feed_path
