"""Bytes to text for pages whose servers misdescribe them.

Government sites send `Content-Type: text/html` with no charset and declare gb2312 in a meta
tag, or send a header charset that contradicts the bytes. A wrong guess turns every character
into another one and would be stored as an edit of the whole transcript, so an encoding is
trusted only if the bytes decode under it without error; single-byte encodings, which accept
any bytes, are tried last.
"""

from __future__ import annotations

import codecs
import re

HEADER_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
# Superset encodings: a page that says gb2312 routinely uses characters only GBK/GB18030 have.
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "ascii": "cp1252",
         "us-ascii": "cp1252", "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}
SINGLE_BYTE = {"cp1252", "iso8859-1", "latin-1"}


class NotText(ValueError):
    """The body is binary data, whatever its Content-Type says."""


def decode_html(body: bytes, content_type: bytes | str | None = None) -> tuple[str, str]:
    """The page's text and the encoding that produced it."""
    head = body[:2048]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotText("binary content labelled as HTML")
    if isinstance(content_type, str):
        content_type = content_type.encode("latin-1", "replace")
    candidates = []
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            candidates.append(name)
    for pattern, text in ((HEADER_CHARSET, content_type or b""), (META_CHARSET, head)):
        found = pattern.search(text)
        if found:
            candidates.append(found[1].decode("ascii", "replace"))
    candidates += ["utf-8", "gb18030"]
    known = []
    for name in candidates:
        name = WIDER.get(name.lower(), name.lower())
        try:
            name = codecs.lookup(name).name
        except LookupError:
            continue
        if name not in known:
            known.append(name)
    # Multi-byte encodings reject bytes that are not theirs; single-byte ones accept anything.
    ordered = [n for n in known if n not in SINGLE_BYTE] + [n for n in known if n in SINGLE_BYTE]
    for name in ordered:
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue
    return body.decode("cp1252", errors="replace"), "cp1252"
