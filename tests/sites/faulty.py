"""A local site that misbehaves on demand, as government sites do.

`FaultySite.plan[path]` is a list of faults served to the next requests of that path, one
each, after which the path is served normally; `FaultySite.always[path]` is a fault served to
every request. Faults:

  "503"          503 with Retry-After: 1
  "reset"        the connection is closed with no answer
  "truncate"     Content-Length of the whole page, half of it sent, connection closed
  "slow"         the answer comes after `slow_seconds`
  "maintenance"  200 with the site's 系统维护 (system maintenance) page
  "soft404"      302 to /error.htm
  "404"          404 Not Found
  "lying-charset" the page's bytes re-encoded as GB18030, with `charset=utf-8` in the header
  "huge"         a 200 "HTML" body larger than the crawler's size cap
  "binary"       PNG bytes labelled text/html
  "nested"       deeply nested, unclosed markup
  "loop"         a redirect to itself
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse

from briefwatch.jobs import demo as ds

MAINTENANCE = ("<html><head><meta charset='utf-8'><title>系统维护</title></head><body>"
               "<div class='box'><p>系统维护中，请稍后访问。</p><p>System maintenance.</p></div>"
               "</body></html>").encode()


class _FaultyHandler(ds.SiteHandler):
    site: FaultySite

    def _answer(self, send_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        fault = self.site.next_fault(path)
        if fault is None:
            super()._answer(send_body)
            return
        self.site.record(path)
        if fault == "503":
            self._send(503, {"Retry-After": "1", "Content-Type": "text/html"}, b"busy", 4)
        elif fault == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
        elif fault == "truncate":
            data = self._page(path)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault == "slow":
            time.sleep(self.site.slow_seconds)
            super()._answer(send_body)
        elif fault == "maintenance":
            self._send(200, {"Content-Type": "text/html"}, MAINTENANCE, len(MAINTENANCE))
        elif fault == "soft404":
            self._redirect(302, "/error.htm", send_body)
        elif fault == "404":
            self._send(404, {"Content-Type": "text/html"}, b"Not Found", 9)
        elif fault == "lying-charset":
            data = self._page(path).decode("utf-8").encode("gb18030")
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, data, len(data))
        elif fault == "huge":
            data = b"<html><body>" + b"<p>x</p>" * (3 * 1024 * 1024) + b"</body></html>"
            self._send(200, {"Content-Type": "text/html"}, data, len(data))
        elif fault == "binary":
            data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
            self._send(200, {"Content-Type": "text/html"}, data, len(data))
        elif fault == "nested":
            data = (b"<html><body><div class='content_mod'><div class='content'>"
                    + b"<div><span>" * 60000 + b"deep" + b"</body></html>")
            self._send(200, {"Content-Type": "text/html"}, data, len(data))
        elif fault == "loop":
            self._redirect(302, path, send_body)
        else:
            raise ValueError(f"unknown fault {fault!r}")

    def _page(self, path: str) -> bytes:
        target = self.site.resolve(path)
        return target.read_bytes() if target is not None and not isinstance(target, str) else b""


class FaultySite(ds.LocalSite):
    handler_base = _FaultyHandler

    def __init__(self, root, port: int = 0, *, slow_seconds: float = 2.0):
        super().__init__(root, port)
        self.plan: dict[str, list[str]] = {}
        self.always: dict[str, str] = {}
        self.slow_seconds = slow_seconds
        self._plan_lock = threading.Lock()

    def next_fault(self, path: str) -> str | None:
        with self._plan_lock:
            if path in self.always:
                return self.always[path]
            queued = self.plan.get(path)
            return queued.pop(0) if queued else None
