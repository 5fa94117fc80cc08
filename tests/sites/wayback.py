"""A local web archive that speaks the Wayback Machine's CDX API and `id_` replay, for the
archive import's tests (no test reaches the Internet Archive).

The CDX server is written from the archive's own documentation
(internetarchive/wayback, wayback-cdx-server/README.md): `url` with `matchType` (exact,
prefix, host, domain) or a trailing `*`; `output=json` (the first row names the fields) or
plain lines; `fl`; `filter=[!]field:regex` (repeatable); `collapse=field[:N]` (adjacent rows
only); `from` / `to` as timestamp prefixes; `limit` (negative: the last N);
`showResumeKey` / `resumeKey` (`page_cap`, when set, caps a page's rows as a server's
configured limit does, so that paging is exercised with a few captures). `digest` is the base-32
SHA-1 of the payload as captured: of a payload kept compressed (`Capture.body` gzipped), the
compressed bytes'. Every request is counted (`counts()`: CDX queries, replays). Replay
serves `/web/{timestamp}id_/{url}` with the captured
status and body, the captured headers prefixed `X-Archive-Orig-` (Content-Type as it was),
and `Memento-Datetime`; a timestamp with no capture redirects to the nearest one.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import functools
import hashlib
import http.server
import json
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass
class Capture:
    url: str
    timestamp: str  # 14 digits
    body: bytes
    status: int = 200
    mimetype: str = "text/html"
    headers: list[tuple[str, str]] = field(default_factory=list)
    location: str | None = None  # where a captured redirect pointed

    @functools.cached_property
    def digest(self) -> str:
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()

    @functools.cached_property
    def _row(self) -> dict:
        return {"urlkey": surt(self.url), "timestamp": self.timestamp, "original": self.url,
                "mimetype": self.mimetype, "statuscode": str(self.status),
                "digest": self.digest, "length": str(len(self.body))}

    def row(self) -> dict:
        return self._row


def surt(url: str) -> str:
    """The archive's sort key: host reversed without www, then the path (scheme and default
    ports dropped), lower case."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    key = ",".join(reversed(host.split("."))) + port + ")" + (parts.path or "/").lower()
    return key + (f"?{parts.query}" if parts.query else "")


class Wayback:
    """`captures` may be added while it runs. `refuse` maps a path prefix ("/cdx", "/web")
    to the statuses its next requests answer instead (e.g. [429, 503])."""

    def __init__(self):
        self.captures: list[Capture] = []
        self.refuse: dict[str, list[int]] = {}
        self.requests: list[str] = []
        self.page_cap: int | None = None
        self._lock = threading.Lock()
        self._server = None
        self.base_url = ""

    def add(self, url: str, timestamp: str, body: bytes | str, **kw) -> Capture:
        capture = Capture(url, timestamp, body.encode() if isinstance(body, str) else body, **kw)
        self.captures.append(capture)
        return capture

    def counts(self) -> dict[str, int]:
        """Requests answered so far: `cdx` queries, `replay`s, `all` (robots.txt too)."""
        with self._lock:
            paths = list(self.requests)
        return {"cdx": sum(p.startswith("/cdx") for p in paths),
                "replay": sum(p.startswith("/web/") for p in paths), "all": len(paths)}

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    @property
    def cdx_url(self) -> str:
        return f"{self.base_url}/cdx/search/cdx"

    @property
    def replay_url(self) -> str:
        return f"{self.base_url}/web/"

    def __enter__(self) -> Wayback:
        handler = type("Handler", (_Handler,), {"archive": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def refused(self, path: str) -> int | None:
        with self._lock:
            self.requests.append(path)
            for prefix, statuses in self.refuse.items():
                if path.startswith(prefix) and statuses:
                    return statuses.pop(0)
        return None

    # -- the CDX API ---------------------------------------------------------------------

    def query(self, params: list[tuple[str, str]]) -> tuple[str, str]:
        args = dict(params)
        url = args.get("url", "")
        match_type = args.get("matchType", "exact")
        if url.endswith("*"):
            url, match_type = url[:-1], "prefix"
        key = surt(url)
        rows = sorted((c.row() for c in self.captures), key=lambda r: (r["urlkey"],
                                                                     r["timestamp"]))
        if match_type == "exact":
            rows = [r for r in rows if r["urlkey"] == key]
        elif match_type == "prefix":
            rows = [r for r in rows if r["urlkey"].startswith(key.rstrip("/"))]
        else:
            host = key.split(")", 1)[0]
            rows = [r for r in rows if r["urlkey"].split(")", 1)[0] == host
                    or (match_type == "domain" and r["urlkey"].startswith(host + ","))]
        low = args.get("from", "").ljust(14, "0")
        high = args.get("to", "").ljust(14, "9") if args.get("to") else "9" * 14
        rows = [r for r in rows if low <= r["timestamp"] <= high]
        for _, spec in (p for p in params if p[0] == "filter"):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            rows = [r for r in rows if bool(re.fullmatch(pattern, r[name])) != negate]
        for _, spec in (p for p in params if p[0] == "collapse"):
            name, _, width = spec.partition(":")
            kept, last = [], None
            for r in rows:
                value = r[name][:int(width)] if width else r[name]
                if value != last:
                    kept.append(r)
                last = value
            rows = kept
        if args.get("resumeKey"):
            after = args["resumeKey"]
            rows = [r for r in rows if f"{r['urlkey']} {r['timestamp']}" > after]
        more = None
        if args.get("limit") or self.page_cap:
            limit = int(args.get("limit") or self.page_cap)
            if self.page_cap and limit > 0:
                limit = min(limit, self.page_cap)
            if limit < 0:
                rows = rows[limit:]
            else:
                if len(rows) > limit:
                    more = f"{rows[limit - 1]['urlkey']} {rows[limit - 1]['timestamp']}"
                rows = rows[:limit]
        fields = [f for f in args.get("fl", ",".join(FIELDS)).split(",") if f]
        table = [[r[f] for f in fields] for r in rows]
        if args.get("output") == "json":
            if not table:
                return "application/json", "[]"
            out = [fields, *table]
            if more and args.get("showResumeKey") == "true":
                out += [[], [more]]
            return "application/json", json.dumps(out)
        lines = [" ".join(row) for row in table]
        if more and args.get("showResumeKey") == "true":
            lines += ["", more]
        return "text/plain", "\n".join(lines) + ("\n" if lines else "")

    # -- replay --------------------------------------------------------------------------

    def find(self, timestamp: str, url: str) -> Capture | None:
        same = [c for c in self.captures if surt(c.url) == surt(url)]
        if not same:
            return None
        return min(same, key=lambda c: abs(int(c.timestamp) - int(timestamp.ljust(14, "0"))))


class _Handler(http.server.BaseHTTPRequestHandler):
    archive: Wayback

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        refused = self.archive.refused(self.path)
        if refused:
            self._send(refused, "text/html", b"<html><body>Slow down</body></html>",
                       [("Retry-After", "1")])
            return
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            self._send(404, "text/html", b"not found")
        elif parts.path == "/cdx/search/cdx":
            kind, text = self.archive.query(parse_qsl(parts.query, keep_blank_values=True))
            self._send(200, kind, text.encode())
        elif parts.path.startswith("/web/"):
            self._replay(self.path[len("/web/"):])
        else:
            self._send(404, "text/html", b"not found")

    def _replay(self, rest: str) -> None:
        match = re.match(r"(\d{1,14})(id_)?/(.+)$", rest)
        if not match:
            self._send(404, "text/html", b"not a replay URL")
            return
        timestamp, original = match[1], match[3]
        capture = self.archive.find(timestamp, original)
        if capture is None:
            self._send(404, "text/html", b"<html><body>Wayback has not archived that URL."
                                         b"</body></html>")
            return
        if capture.timestamp != timestamp.ljust(14, "0")[:14] or capture.url != original:
            self._redirect(f"/web/{capture.timestamp}id_/{capture.url}")
            return
        if capture.location:
            self._redirect(f"/web/{capture.timestamp}id_/{capture.location}", capture)
            return
        moment = dt.datetime.strptime(capture.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
        extra = [(f"X-Archive-Orig-{k}", v) for k, v in capture.headers
                 if k.lower() != "content-type"]
        extra.append(("Memento-Datetime", email.utils.format_datetime(moment, usegmt=True)))
        content_type = next((v for k, v in capture.headers if k.lower() == "content-type"),
                            capture.mimetype)
        self._send(capture.status, content_type, capture.body, extra)

    def _redirect(self, location: str, capture: Capture | None = None) -> None:
        self.send_response(302)
        self.send_header("Location", f"{self.archive.base_url}{location}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, content_type: str, body: bytes,
              headers: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
