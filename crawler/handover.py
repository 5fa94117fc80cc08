"""Pages from the crawl process to the process that stores them, through a pipe.

`briefwatch crawl` stores what its crawl process fetched: the crawl process only fetches
(Scrapy keeps its core busy), the parent decodes, extracts and stores on the other core
(crawler.localcrawl). A frame is a 4-byte length, a JSON header, a NUL byte, then the raw body.
"""

from __future__ import annotations

import json
import os
import struct

from briefwatch.crawler.items import FetchedPage

_LENGTH = struct.Struct(">I")
F_SETPIPE_SZ = 1031  # Linux: a larger pipe lets the crawl run ahead of a busy writer


def enlarge(fd: int, size: int = 1 << 20) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, F_SETPIPE_SZ, size)
    except (ImportError, OSError):
        pass


def write_frame(out, header: dict, body: bytes = b"") -> None:
    payload = json.dumps(header, ensure_ascii=False, default=str).encode() + b"\0" + body
    out.write(_LENGTH.pack(len(payload)) + payload)
    out.flush()


def read_frames(stream):
    """(header, body) pairs until the writer closes its end."""
    while True:
        head = stream.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            return
        (size,) = _LENGTH.unpack(head)
        payload = stream.read(size)
        if len(payload) < size:
            return  # the crawl process died mid-frame
        header, _, body = payload.partition(b"\0")
        yield json.loads(header), body


def page_header(item: FetchedPage) -> dict:
    return {k: v for k, v in vars(item).items()
            if k not in ("body", "html", "transcript", "lease")}


def page_from(header: dict, body: bytes) -> FetchedPage:
    from briefwatch.crawler.prepare import Prepared

    fields = {k: v for k, v in header.items()
              if k in FetchedPage.__dataclass_fields__ and k not in ("body", "transcript")}
    fields.setdefault("html", "")
    transcript = header.get("transcript")
    return FetchedPage(**fields, body=body,
                       transcript=Prepared(**transcript) if transcript else None)


class HandOverPipeline:
    """In the crawl process: every fetched page goes to the parent, which stores it."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.out = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.out = results_stream(self.crawler.settings.getint("BRIEFWATCH_RESULTS_FD"))

    def process_item(self, item: FetchedPage) -> FetchedPage:
        header = page_header(item)
        header["kind"] = "page"
        if item.html:
            header["html"] = item.html  # decoded by the spider (SCIO's joined pages)
        write_frame(self.out, header, item.body)
        item.body, item.html = b"", ""
        return item


_STREAMS: dict[int, object] = {}


def results_stream(fd: int):
    """One writer per descriptor for every spider of the crawl process."""
    if fd not in _STREAMS:
        _STREAMS[fd] = os.fdopen(fd, "wb", buffering=1 << 16)
    return _STREAMS[fd]
