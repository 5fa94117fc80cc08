"""What a spider hands to the pipelines: a transcript page as fetched, not yet interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class FetchedPage:
    source: str
    url: str  # the URL the transcript is known by (before any redirect)
    final_url: str  # where the body came from
    status: int
    body: bytes
    # The body decoded (header charset, else the page's meta charset, else detected), when the
    # spider had to (SCIO joins pages); else crawler.prepare.prepare_fetched decodes `body`.
    html: str
    etag: str | None = None
    last_modified: str | None = None
    listing_title: str = ""
    listing_date: str = ""
    content_type: str | None = None  # the Content-Type header, for decoding
    # The response as served, kept as evidence: "HTTP/1.1 200 OK" and (name, value) pairs.
    status_line: str | None = None
    headers: list | None = None
    # A web archive's capture (crawler.archive): its replay URL and time (ISO 8601, UTC).
    capture_url: str | None = None
    captured_at: str | None = None
    # Its CDX digest (hex SHA-1 of the payload), remembered once fetched; `capture_known`: not
    # fetched, the digest is a stored version's SHA-1 (storage.captures.record_known_capture).
    capture_digest: str | None = None
    capture_known: bool = False
    # Set by the ExtractPipeline: a crawler.prepare.Prepared, or why the page is not one.
    transcript: Any = None
    rejected: str = ""
