"""The CDX API and replay URLs, as the Internet Archive documents them
(https://github.com/internetarchive/wayback/tree/master/wayback-cdx-server): pure functions.

A query answers JSON rows whose first row names the fields; a query with `showResumeKey`
that has more to give ends with an empty row and a row holding the key to pass back as
`resumeKey`. `collapse=digest` drops captures identical to the one before them; a capture's
raw bytes, without the archive's toolbar or rewritten links, are at
`{replay}{timestamp}id_/{original}`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

CAPTURE_FIELDS = ("timestamp", "original", "digest")
_HTML_OK = (("filter", "statuscode:200"), ("filter", "mimetype:text/html"))
# Rows per page of a prefix query. Requests are what the archive's pace makes dear: 25,000 rows
# (about 3 MB of JSON) a page lists 50,000 transcripts captured twice each in 4 requests; the
# Internet Archive answers pages of 20,000-50,000 rows (../shared/briefing-rooms.md).
PREFIX_PAGE = 25000
_REPLAY = re.compile(r"/(\d{14})(?:[a-z]{2}_)?/(.+)$")


def captures_query(cdx_url: str, url: str, *, since: str | None = None,
                   until: str | None = None) -> str:
    """Every 200 HTML capture of `url`, identical neighbours collapsed."""
    params = [("url", url), ("output", "json"), ("fl", ",".join(CAPTURE_FIELDS)), *_HTML_OK,
              ("collapse", "digest")]
    return f"{cdx_url}?{urlencode(params + _period(since, until))}"


def prefix_query(cdx_url: str, prefix: str, *, since: str | None = None,
                 until: str | None = None, resume_key: str | None = None,
                 limit: int = PREFIX_PAGE) -> str:
    """Every URL captured under `prefix`, once per URL, `limit` at a time."""
    params = [("url", prefix), ("matchType", "prefix"), ("output", "json"),
              ("fl", "original,timestamp"), *_HTML_OK, ("collapse", "urlkey"),
              ("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{cdx_url}?{urlencode(params + _period(since, until))}"


def prefix_captures_query(cdx_url: str, prefix: str, *, since: str | None = None,
                          until: str | None = None, resume_key: str | None = None,
                          limit: int = PREFIX_PAGE) -> str:
    """Every 200 HTML capture under `prefix` with its digest, `limit` rows at a time, sorted
    by URL then time. Not collapsed: `collapse=digest` compares neighbouring rows, and the
    last capture of one URL may have the bytes of the first of the next (an error page)."""
    params = [("url", prefix), ("matchType", "prefix"), ("output", "json"),
              ("fl", ",".join(CAPTURE_FIELDS)), *_HTML_OK,
              ("limit", str(limit)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{cdx_url}?{urlencode(params + _period(since, until))}"


def digest_hex(digest: str | None) -> str | None:
    """A CDX digest as hex: the Wayback Machine gives the payload's SHA-1 in base 32, pywb
    may prefix it `sha1:`, some archives give hex. None when it is no SHA-1 at all."""
    if not digest:
        return None
    value = digest.split(":", 1)[1] if digest.lower().startswith("sha1:") else digest
    if len(value) == 40:
        try:
            return bytes.fromhex(value).hex()
        except ValueError:
            return None
    if len(value) == 32:
        try:
            return base64.b32decode(value.upper()).hex()
        except (binascii.Error, ValueError):
            return None
    return None


def _period(since: str | None, until: str | None) -> list[tuple[str, str]]:
    """CDX from/to take a timestamp prefix: 2020-03-05 -> 20200305."""
    out = []
    if since:
        out.append(("from", since.replace("-", "")))
    if until:
        out.append(("to", until.replace("-", "")))
    return out


def rows(data) -> tuple[list[dict], str | None]:
    """The rows of a JSON answer as dicts, and the resume key if there is more."""
    if not data:
        return [], None
    header, body = data[0], data[1:]
    resume = None
    if len(body) >= 2 and body[-2] == [] and len(body[-1]) == 1:
        resume, body = body[-1][0], body[:-2]
    return [dict(zip(header, row, strict=False)) for row in body if row], resume


def replay_url(replay: str, timestamp: str, original: str) -> str:
    return f"{replay.rstrip('/')}/{timestamp}id_/{original}"


def from_replay(url: str) -> tuple[str, str] | None:
    """(timestamp, original) of a replay URL, or None."""
    match = _REPLAY.search(url)
    return (match[1], match[2]) if match else None


def iso(timestamp: str) -> str:
    """A CDX timestamp (14 digits, UTC) in the stored form, ISO 8601 with +00:00."""
    moment = dt.datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
    return moment.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def live_url(original: str, schemes: dict[str, str]) -> str:
    """The URL a transcript is known by, from a capture's original URL: archives keep
    `http://host:80/…` and doubled slashes as they were crawled. `schemes`: host -> the
    scheme the source's start URLs use for it."""
    parts = urlsplit(original if "://" in original else f"http://{original}")
    host = (parts.hostname or "").lower()
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    return urlunsplit((schemes.get(host, parts.scheme), netloc, path, parts.query, ""))


def original_headers(pairs: list[list[str]]) -> list[list[str]]:
    """The captured response's own headers. The Wayback Machine serves them prefixed with
    `X-Archive-Orig-` beside its own (Content-Type stays as it was); an archive that serves
    the captured headers as they were (pywb) is taken at its word."""
    prefix = "x-archive-orig-"
    orig = [[k[len(prefix):], v] for k, v in pairs if k.lower().startswith(prefix)]
    if not orig:
        return pairs
    names = {k.lower() for k, _ in orig}
    kept = [[k, v] for k, v in pairs if k.lower() == "content-type" and "content-type" not in names]
    return kept + orig


def ungzip(body: bytes) -> bytes:
    """Wayback may hand back a capture's bytes still gzipped, with no Content-Encoding."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError):
            return body
    return body
