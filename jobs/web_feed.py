"""The web view's Atom feed: recent events, each linking to its page in the web view."""

from __future__ import annotations

import datetime as dt
import re

FEED_ID = "urn:briefwatch:web:changes"
# XML 1.0 has no place for these: a scraped title holding one would make lxml refuse the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def atom_feed(events: list[dict], base_url: str) -> bytes:
    """An Atom document of `events` (storage.browse.recent_events: newest first), whose entries
    link to the transcript, or for an edit to the two versions side by side, under `base_url`.
    """
    from feedgen.feed import FeedGenerator

    from storage.diff import describe

    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title("briefwatch: new and edited briefings")
    feed.author({"name": "briefwatch"})
    feed.link(href=f"{base_url}/feed.atom", rel="self")
    feed.link(href=f"{base_url}/changes", rel="alternate")
    newest = events[0]["detected_at"] if events else "1970-01-01T00:00:00+00:00"
    feed.updated(dt.datetime.fromisoformat(newest))
    # feedgen lists the entry added last first: add the oldest first.
    for event in reversed(events):
        entry = feed.add_entry()
        entry.id(f"{FEED_ID}:event:{event['id']}")
        title = _NOT_XML.sub("", " ".join((event["title"] or event["url"]).split()))
        entry.title(f"{event['kind']}: {title}")
        version = event["version"]
        if event["kind"] == "edited" and version and version > 1:
            link = f"{base_url}/t/{event['document']}/diff?from={version - 1}&to={version}"
        else:
            link = f"{base_url}/t/{event['document']}" + (f"?v={version}" if version else "")
        entry.link(href=link)
        entry.updated(dt.datetime.fromisoformat(event["detected_at"]))
        change = describe(event["summary"]) if event["summary"] else ""
        entry.summary(_NOT_XML.sub("", f"{event['kind']} transcript ({event['source']}, version "
                                       f"{version}): {event['url']}"
                                       + (f"; {change}" if change else "")))
    return feed.atom_str(pretty=True)
