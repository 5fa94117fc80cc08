"""Running one crawl: a crawl process (crawler.run) fetches, this process extracts and stores.

Two processes keep both cores busy on a backfill: Scrapy's reactor takes a core by itself,
while decoding, extracting, hashing, splitting turns and writing SQLite take about as much
again. Pages come through a pipe (crawler.handover), and are stored here with the same code
as in cluster mode (crawler.recorder), in transactions of up to 200 pages.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

# How long a crawl told to stop may take to close its spiders before it is killed.
STOP_GRACE_SECONDS = 60


@dataclass
class CrawlResult:
    returncode: int
    sources: dict[str, dict] = field(default_factory=dict)  # source -> stats
    interrupted: bool = False

    @property
    def completed(self) -> bool:
        return (self.returncode == 0 and bool(self.sources) and not self.interrupted
                and all(s.get("finish_reason") == "finished" for s in self.sources.values()))


def crawl(config, db, run: int, sources: list[str], *, backfill: bool = False,
          revisit: str = "recent", log_level: str = "WARNING", log_file=None,
          on_page: Callable[[dict], None] | None = None) -> CrawlResult:
    """Crawl `sources` of `config` as run `run`, storing into `db`, to the end. Ctrl-C or
    SIGTERM asks the crawl process to stop: its spiders close, what was stored stays, and the
    result says `interrupted` (a second signal kills it)."""
    from crawler.handover import enlarge, page_from, read_frames
    from crawler.prepare import prepare_fetched
    from crawler.recorder import Recorder
    from spiders.registry import extract_template
    from storage.db import WriteBatch

    read_end, write_end = os.pipe()
    enlarge(write_end)
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config.path), "--run", str(run),
           "--revisit", revisit, "--log-level", log_level, "--results-fd", str(write_end)]
    if log_file:
        cmd += ["--log-file", str(log_file)]
    for name in sources:
        cmd += ["--source", name]
    if backfill:
        cmd.append("--backfill")
    templates = {name: extract_template(config.source(name).spider, name,
                                        config.source(name).options) for name in sources}
    counts: dict[str, dict] = {}

    def count(source: str, key: str) -> None:
        mine = counts.setdefault(source, {})
        mine[key] = mine.get(key, 0) + 1

    result = CrawlResult(returncode=-1)
    recorder = Recorder(db, run, count=count, emit=on_page, templates=templates)
    # A session of its own: a terminal's Ctrl-C reaches only us, and we pass on one polite
    # SIGTERM (a second signal would make Scrapy abandon its spiders uncleanly).
    # stderr is inherited: with no log file, Scrapy's log reaches the user's terminal.
    env = {**os.environ, "BRIEFWATCH_PARENT_PID": str(os.getpid())}
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                pass_fds=(write_end,), start_new_session=True, env=env)
    finally:
        os.close(write_end)
    batch = None
    try:
        batch = WriteBatch(db)
        with os.fdopen(read_end, "rb") as stream, _stop_on_signals(proc, result):
            for header, body in read_frames(stream):
                if header.get("kind") == "source":
                    result.sources[header["source"]] = header["stats"]
                elif header.get("kind") == "page":
                    page = prepare_fetched(page_from(header, body), templates[header["source"]])
                    recorder.record(page)
                    batch.wrote()
        batch.commit()
    except BaseException:
        # Storing failed (a full disk, a broken database) or we were killed: nobody reads the
        # pipe any more, so the crawl process would wait on it for ever. Keep what was stored.
        proc.kill()
        if batch is not None:
            with contextlib.suppress(Exception):
                batch.commit()
        raise
    finally:
        result.returncode = proc.wait()
    for name, mine in counts.items():
        # What was stored counts even when the crawl process died before its report.
        result.sources.setdefault(name, {}).update(mine)
    return result


@contextlib.contextmanager
def _stop_on_signals(proc: subprocess.Popen, result: CrawlResult):
    """The first Ctrl-C/SIGTERM stops the crawl process politely; pages it still hands over
    are stored. Signals are handled between pages, never in the middle of storing one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    timer = threading.Timer(STOP_GRACE_SECONDS, proc.kill)
    timer.daemon = True

    def stop(signum, frame) -> None:
        if result.interrupted:
            proc.kill()
            return
        result.interrupted = True
        proc.send_signal(signal.SIGTERM)
        timer.start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        timer.cancel()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
