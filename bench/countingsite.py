"""jobs.demo.LocalSite, counting what it answers: status codes and bytes written.

Bench-only: the handler is demosite's own, with its socket writer wrapped so that every byte
sent (status line, headers and body) is counted, and each answer's status recorded.
"""

from __future__ import annotations

import threading
from collections import Counter

from briefwatch.jobs.demo import LocalSite, SiteHandler


class _CountingWriter:
    def __init__(self, raw, site: CountingSite):
        self._raw, self._site = raw, site

    def write(self, data) -> int:
        n = self._raw.write(data)
        self._site._count_bytes(len(data))
        return n

    def flush(self) -> None:
        self._raw.flush()

    def __getattr__(self, name):
        return getattr(self._raw, name)


class _CountingHandler(SiteHandler):
    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.site)

    def send_response(self, code, message=None) -> None:
        self.site._count_status(code)
        super().send_response(code, message)


class CountingSite(LocalSite):
    """A LocalSite that also counts `statuses` (code -> answers) and `bytes_sent`."""

    handler_base = _CountingHandler

    def __init__(self, root, port: int = 0):
        super().__init__(root, port)
        self._count_lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
        with self._count_lock:
            self.statuses: Counter[int] = Counter()
            self.bytes_sent = 0

    def _count_bytes(self, n: int) -> None:
        with self._count_lock:
            self.bytes_sent += n

    def _count_status(self, code: int) -> None:
        with self._count_lock:
            self.statuses[int(code)] += 1

    def snapshot(self) -> dict:
        with self._lock, self._count_lock:
            if self.requests and not self.statuses:
                raise RuntimeError("CountingSite counted nothing: LocalSite no longer builds "
                                   "its handler from `handler_base`")
            return {"requests": len(self.requests), "statuses": dict(self.statuses),
                    "bytes_sent": self.bytes_sent}
