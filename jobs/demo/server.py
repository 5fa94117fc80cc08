"""Serving a document root on 127.0.0.1 the way the ministry's server answers: validators
and 304s, folder redirects, and a soft 404 (a redirect to its error page) for a missing page.
"""

from __future__ import annotations

import datetime
import email.utils
import html
import http.server
import mimetypes
import threading
import urllib.parse
from pathlib import Path


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """LocalSite's answers. The tests' misbehaving sites and the bench's counting one
    subclass it (LocalSite.handler_base), overriding `_answer`."""

    site: LocalSite
    server_version, sys_version = "Apache", ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # tests and the demo read site.requests instead of a noisy stderr

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)

    def _answer(self, send_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        self.site.record(path)
        target = None if path == "/robots.txt" else self.site.resolve(path)
        if isinstance(target, str):
            self._redirect(301, target, send_body)
        elif target is not None:
            self._file(target, send_body)
        elif path == "/error.htm":
            self.send_error(404)
        else:
            self._redirect(302, "/error.htm", send_body)  # the real site's soft 404

    def _redirect(self, code: int, location: str, send_body: bool) -> None:
        url, reason = self.site.base_url + location, self.responses[code][0]
        body = (f'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>{code} '
                f"{reason}</title>\n</head><body>\n<h1>{reason}</h1>\n<p>The document has moved "
                f'<a href="{html.escape(url)}">here</a>.</p>\n</body></html>\n').encode()
        self._send(code, {"Location": url, "Content-Type": "text/html; charset=iso-8859-1"},
                   body if send_body else b"", len(body))

    def _send(self, code: int, headers: dict[str, str], body: bytes, length: int) -> None:
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if inm is not None:  # it takes precedence over If-Modified-Since (RFC 9110)
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        try:
            when = email.utils.parsedate_to_datetime(ims) if ims else None
        except (TypeError, ValueError):
            return False
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        return when is not None and int(mtime) <= when.timestamp()

    def _content_type(self, target: Path) -> str:
        if target.suffix in (".html", ".shtml", ".htm"):
            return "text/html"  # no charset, like the real site: pages declare it in a meta tag
        return mimetypes.guess_type(target.name)[0] or "application/octet-stream"

    def _file(self, target: Path, send_body: bool) -> None:
        st = target.stat()
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        headers = {"ETag": etag, "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True)}
        if self._not_modified(etag, st.st_mtime):
            self._send(304, headers, b"", 0)
            return
        ctype = self._content_type(target)
        data = target.read_bytes()
        self._send(200, {"Content-Type": ctype, **headers}, data if send_body else b"", len(data))


class LocalSite:
    """A real HTTP server on 127.0.0.1 serving a document root, in a daemon thread."""

    def __init__(self, root: Path, port: int = 0):
        self.root, self.port, self.base_url = Path(root).resolve(), port, ""
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def record(self, path: str) -> None:
        """Note a request's path in `requests`."""
        with self._lock:
            self.requests.append(path)

    def resolve(self, path: str) -> Path | str | None:
        """The file to serve, a folder URL to redirect to (str), or None if missing."""
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        if candidate.is_dir():
            if not path.endswith("/"):
                return path + "/"
            found = [candidate / n for n in ("index.html", "index.shtml", "default.shtml")]
            return next((f for f in found if f.is_file()), None)
        return candidate if candidate.is_file() else None

    # Subclasses (tests' misbehaving sites) swap in their own request handler.
    handler_base: type = SiteHandler

    def start(self) -> LocalSite:
        handler = type("Handler", (self.handler_base,), {"site": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def url(self, path: str) -> str:
        return self.base_url + ("" if path.startswith("/") else "/") + path

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
