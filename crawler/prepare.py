"""Everything a page yields without the database: the transcript, its hashes, its speaker
turns, its conference key. One pure function, so that a worker process can run it while the
crawl process goes on fetching (crawler.pipelines)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract import Rejected, Template, extract
from crawler.normalize import canonical_hash, conference_key, text_hash
from crawler.turns import split_turns


@dataclass(frozen=True)
class Prepared:
    title: str
    published: str | None  # YYYY-MM-DD
    text: str
    text_hash: str
    canonical_hash: str
    extractor: str
    turns: list[dict]
    conference: str | None
    meta: dict | None


def prepare(html: str, url: str, listing_title: str = "", listing_date: str = "",
            template: Template | None = None) -> Prepared | Rejected:
    transcript = extract(html, url, listing_title=listing_title, listing_date=listing_date,
                         template=template)
    if isinstance(transcript, Rejected):
        return transcript
    return Prepared(
        title=transcript.title,
        published=transcript.published.isoformat() if transcript.published else None,
        text=transcript.text,
        text_hash=text_hash(transcript.text),
        canonical_hash=canonical_hash(transcript.title, transcript.text),
        extractor=transcript.extractor,
        turns=split_turns(transcript.text, transcript.title),
        conference=conference_key(transcript.published, transcript.title),
        meta=transcript.meta,
    )
