"""What an archive import does with each capture a CDX query lists, decided locally: nothing
(not a transcript asked for, or a duplicate of a capture already listed), count it as known
(imported before, or fetched before with that digest), record it without fetching (its digest
is the SHA-1 of a stored version's raw bytes), or fetch it. Pure data, no Scrapy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefwatch.crawler.archive import cdx
from w3lib.url import canonicalize_url

SKIP, KNOWN, MATCHED, FETCH = "skip", "known", "matched", "fetch"


def url_key(url: str) -> str:
    """A URL without its scheme, canonical: how captures and transcripts are matched."""
    return canonicalize_url(url).split("://", 1)[-1]


@dataclass
class Prefix:
    """A folder the archive is asked about: `prefix` (host and path, as the CDX API takes
    it); with `listing` (a source's listing URL) or `article` (a regex of the room's
    transcript paths), URLs under it that look like transcripts are discovered. `scheme`:
    the one its transcripts' URLs have (archives keep http and https captures alike)."""

    prefix: str
    listing: str | None = None
    article: str | None = None
    scheme: str = "http"

    @property
    def discovers(self) -> bool:
        return self.listing is not None or self.article is not None


@dataclass
class CaptureIndex:
    """`targets`: the transcript URLs asked for; `digests`: url -> the hex SHA-1s of its
    stored versions' raw bytes and of every capture of it fetched before (`remembered`);
    `imported`: replay URLs recorded by an import before digests were kept."""

    targets: list[str]
    digests: dict[str, list[str]] = field(default_factory=dict)
    remembered: dict[str, list[str]] = field(default_factory=dict)
    imported: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._targets = {url_key(u) for u in self.targets}
        self._versions = {url_key(u): set(d) for u, d in self.digests.items()}
        self._remembered = {url_key(u): set(d) for u, d in self.remembered.items()}
        self._imported = {_replay_key(u) for u in self.imported}
        self._listed: dict[str, set[str]] = {}  # url key -> digests listed in this import

    def wanted(self, url: str) -> bool:
        return url_key(url) in self._targets

    def decide(self, url: str, timestamp: str, original: str, digest: str | None) -> str:
        """What to do with a capture of `url` (a transcript asked for or discovered)."""
        key = url_key(url)
        hexed = cdx.digest_hex(digest)
        listed = self._listed.setdefault(key, set())
        if hexed is not None:
            if hexed in listed:
                return SKIP  # the same bytes as a capture listed before: nothing new
            listed.add(hexed)
        if f"{timestamp} {url_key(original)}" in self._imported:
            return KNOWN
        if hexed is not None and hexed in self._remembered.get(key, ()):
            return KNOWN
        if hexed is not None and hexed in self._versions.get(key, ()):
            return MATCHED
        return FETCH


def _replay_key(capture_url: str) -> str:
    found = cdx.from_replay(capture_url)
    return f"{found[0]} {url_key(found[1])}" if found else capture_url


def discovered(prefix: Prefix, url: str, own) -> bool:
    """Whether `url`, listed under `prefix`, is a transcript: the room's pattern, else the
    source's own spider's (`archived_article`)."""
    if prefix.article:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return re.search(prefix.article, path) is not None
    listing = prefix.listing or f"http://{prefix.prefix}"
    return own.archived_article(url, listing)


def prefixes_for(listings: list[str], room: list[tuple[str, str]], targets: list[str],
                 *, discover: bool) -> tuple[list[Prefix], list[str]]:
    """The prefixes that cover a source's transcripts (and, with `discover`, its listings'
    folders and its room's old trees), and the transcripts left to ask about one by one: a
    transcript at a host's root would make its prefix the whole host."""
    found: list[Prefix] = []
    for listing in listings:
        parts = urlsplit(listing)
        folder = parts.path.rsplit("/", 1)[0] + "/"
        found.append(Prefix(f"{parts.netloc}{folder}", listing if discover else None,
                            scheme=parts.scheme))
    for url, article in room:
        parts = urlsplit(url)
        prefix = parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")
        found.append(Prefix(prefix, None, (article or None) if discover else None,
                            scheme=parts.scheme))
        if discover and not article:
            found[-1].listing = url
    one_by_one = []
    for url in targets:
        key = _bare(url)
        if any(key.startswith(_bare(p.prefix)) for p in found):
            continue
        parts = urlsplit(url)
        folder = parts.path.rsplit("/", 1)[0] + "/"
        if folder == "/":
            one_by_one.append(url)
        else:
            found.append(Prefix(f"{parts.netloc}{folder}", scheme=parts.scheme))
    kept = _outermost(found)
    if not discover:  # only the folders that hold a transcript asked for
        keys = [_bare(url) for url in targets]
        kept = [p for p in kept if any(k.startswith(_bare(p.prefix)) for k in keys)]
    return kept, one_by_one


def _bare(prefix: str) -> str:
    """A prefix as the archive compares it: no scheme, no `www.`, no default port."""
    value = prefix.split("://", 1)[-1].lower()
    value = value.removeprefix("www.")
    return value.replace(":80/", "/").replace(":443/", "/")


def _outermost(prefixes: list[Prefix]) -> list[Prefix]:
    """Each folder once: a prefix under another is dropped (its discovery rule kept by the
    outer one only if the outer one has none)."""
    kept: list[Prefix] = []
    for p in sorted(prefixes, key=lambda p: len(_bare(p.prefix))):
        outer = next((k for k in kept if _bare(p.prefix).startswith(_bare(k.prefix))), None)
        if outer is None:
            kept.append(p)
        elif not outer.discovers and p.discovers:
            outer.listing, outer.article = p.listing, p.article
    return kept
