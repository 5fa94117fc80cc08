"""Everything a page yields without the database: the transcript, its hashes, its speaker
turns, its conference key. A pure function of the page, run wherever the page is stored
from (crawler.recorder: `briefwatch crawl`, `scrapy crawl`) or, in cluster mode, by the
worker that fetched it (crawler.pipelines.ExtractPipeline), so that the coordinator only
stores."""

from __future__ import annotations

from dataclasses import dataclass

from briefwatch.crawler.decode import NotText, decode_html
from briefwatch.crawler.extract import Rejected, Template, extract
from briefwatch.crawler.items import FetchedPage
from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
from briefwatch.storage.text.turns import split_turns


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


def prepare_fetched(item: FetchedPage, template: Template | None = None) -> FetchedPage:
    """Decode and prepare a fetched page: sets `item.transcript`, or `item.rejected`."""
    if item.status != 200 or item.rejected:
        return item  # not modified, gone, or not text: nothing to extract
    html = item.html
    if not html:
        try:
            html, _ = decode_html(item.body, item.content_type)
        except NotText as exc:
            item.rejected = str(exc)
            return item
    result = prepare(html, item.final_url, item.listing_title, item.listing_date, template)
    # Nothing downstream needs the decoded copy; keep memory to one copy of each page.
    item.html = ""
    if isinstance(result, Rejected):
        item.rejected = result.reason
    else:
        item.transcript = result
    return item
