"""How a long crawl shows it is alive: a status line on a terminal, a line every minute or so
in a log or a cron mail."""

from __future__ import annotations

import click
from briefwatch.jobs.cli.common import safe


class StatusLine:
    """Progress on a terminal: one status line, redrawn as pages are handled."""

    def __init__(self):
        from rich.console import Console

        self.counts: dict[str, int] = {}
        self.status = Console(stderr=True).status("crawling…")
        self.status.start()

    def update(self, message: dict) -> None:
        self.counts[message["verb"]] = self.counts.get(message["verb"], 0) + 1
        counts = ", ".join(f"{n} {verb}" for verb, n in sorted(self.counts.items()))
        self.status.update(f"crawling {safe(message['source'])}: {counts}")

    def stop(self) -> None:
        self.status.stop()


class ProgressLog:
    """Progress off a terminal, where a status line cannot redraw itself: every `every`
    seconds, a line saying what is crawled and what was handled so far, so that a log or a
    cron mail shows a long or stuck crawl for what it is. (None at the start: a crawl that
    fails at once says so in one line.)"""

    def __init__(self, every: float, sources: list[str]):
        import threading
        import time

        self.counts: dict[str, int] = {}
        self.sources = ", ".join(safe(s) for s in sources)
        self.every, self.clock, self.started = every, time.monotonic, time.monotonic()
        self.lock, self.done = threading.Lock(), threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.thread.start()

    def update(self, message: dict) -> None:
        with self.lock:
            self.counts[message["verb"]] = self.counts.get(message["verb"], 0) + 1

    def _beat(self) -> None:
        while not self.done.wait(self.every):
            with self.lock:
                counts = dict(self.counts)
            stored = (f"{sum(counts.values())} pages: "
                      + ", ".join(f"{n} {verb}" for verb, n in sorted(counts.items()))
                      if counts else "no page handled yet")
            click.echo(f"briefwatch: crawling {self.sources} for "
                       f"{self.clock() - self.started:.0f}s: {stored}", err=True)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
