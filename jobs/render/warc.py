"""`briefwatch export --format warc`: every stored version as WARC/1.1 `response` records
(warcio), the evidence an archivist accepts that a page said what we quote.

Each record carries the bytes as stored, under the status line and headers they were served
with, dated when they were fetched (or, for a web archive's capture, when it was captured).
Digests are SHA-256 (base32, as WARC writes digests): the `sha256` that `show --json` gives
for a version is the same digest in hex. The stored body is what Scrapy handed over, after it
undid any Content-Encoding and chunking, so the record's Content-Length is the body's own and
a Transfer-Encoding header is left out: otherwise no reader could replay the record.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

NOT_KEPT = ("not kept: stored before briefwatch kept response headers; the status, ETag and "
            "Last-Modified are the ones recorded")
# Hop-by-hop or framing headers that describe bytes the record does not hold.
_DROPPED = {"transfer-encoding", "content-length", "content-encoding"}


def _writer_class():
    from warcio.utils import Digester
    from warcio.warcwriter import WARCWriter

    class SHA256Writer(WARCWriter):
        @staticmethod
        def _create_digester():
            return Digester("sha256")

    return SHA256Writer


def write_warc(out, versions: Iterable[dict], *, info: dict, gzip: bool = True) -> int:
    """Write a warcinfo record (`info`: its fields) and one response record per version
    (storage.documents.evidence rows) to the binary stream `out`. Returns how many versions."""
    from warcio.statusandheaders import StatusAndHeaders

    writer = _writer_class()(out, gzip=gzip, warc_version="WARC/1.1")
    writer.write_record(writer.create_warcinfo_record(info.pop("filename", ""), info))
    count = 0
    for row in versions:
        body = row["raw_html"]
        protocol, status = _status(row)
        headers = [(k, v) for k, v in (row["headers"] or _known_headers(row))
                   if k.lower() not in _DROPPED]
        headers.append(("Content-Length", str(len(body))))
        warc_headers = {
            "WARC-Date": _warc_date(row["fetched_at"]),
            "WARC-Briefwatch-Transcript": f"{row['document']} v{row['n']} ({row['source']})",
        }
        if row["headers"] is None:
            warc_headers["WARC-Briefwatch-Headers"] = NOT_KEPT
        if row["origin"] == "archive":
            warc_headers["WARC-Briefwatch-Origin"] = "archive capture"
            warc_headers["WARC-Source-URI"] = row["capture_url"]
        record = writer.create_warc_record(
            row["url"], "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(status, headers, protocol=protocol),
            warc_headers_dict=warc_headers)
        writer.write_record(record)
        count += 1
    return count


def _status(row: dict) -> tuple[str, str]:
    """("HTTP/1.1", "200 OK") from the stored status line, else from the status code."""
    line = row.get("status_line")
    if line:
        protocol, _, status = line.partition(" ")
        return protocol, status
    from http import HTTPStatus

    code = row["http_status"] or 200
    try:
        return "HTTP/1.1", f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return "HTTP/1.1", str(code)


def _known_headers(row: dict) -> list[tuple[str, str]]:
    return [(name, row[key]) for name, key in (("ETag", "etag"),
                                                ("Last-Modified", "last_modified")) if row[key]]


def _warc_date(stored: str) -> str:
    """WARC dates are UTC with a Z (stored times are ISO 8601 with +00:00)."""
    moment = dt.datetime.fromisoformat(stored).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
