"""A local crawl: this process starts a crawl process (crawler.crawlprocess), which only
fetches, and extracts and stores what it hands back.

Two processes keep both cores busy on a backfill: Scrapy's reactor takes a core by itself,
while decoding, extracting, hashing, splitting turns and writing SQLite take about as much
again. The crawl process gets the plan (crawler.plan) on its standard input; pages come back
through a pipe (crawler.handover) and are stored with the same code as in cluster mode
(crawler.recorder), in transactions of up to 200 pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

from briefwatch.crawler.crawlstats import CrawlResult

# How long a crawl told to stop may take to close its spiders before it is killed.
STOP_GRACE_SECONDS = 60


def crawl(plan: dict, db, *, log_level: str = "WARNING", log_file=None,
          on_page: Callable[[dict], None] | None = None) -> CrawlResult:
    """Crawl what `plan` (crawler.plan) says as its run, storing into `db`, to the end.
    Ctrl-C or SIGTERM asks the crawl process to stop: its spiders close, what was stored
    stays, and the result says `interrupted` (a second signal kills it)."""
    from briefwatch.crawler.handover import enlarge, page_from, read_frames
    from briefwatch.crawler.recorder import Recorder, name_among, templates_of

    read_end, write_end = os.pipe()
    enlarge(write_end)
    cmd = [sys.executable, "-m", "briefwatch.crawler.crawlprocess", "--log-level", log_level,
           "--results-fd", str(write_end)]
    if log_file:
        cmd += ["--log-file", str(log_file)]
    counts: dict[str, dict] = {}

    def count(source: str, key: str, named: str | None = None) -> None:
        mine = counts.setdefault(source, {})
        mine[key] = mine.get(key, 0) + 1
        name_among(mine, key, named)

    result = CrawlResult(returncode=-1)
    recorder = Recorder(db, plan["run"], count=count, emit=on_page,
                        templates=templates_of(plan["sources"]))
    # A session of its own: a terminal's Ctrl-C reaches only us, and we pass on one polite
    # SIGTERM (a second signal would make Scrapy abandon its spiders uncleanly).
    # stderr is inherited: with no log file, Scrapy's log reaches the user's terminal.
    env = {**os.environ, "BRIEFWATCH_PARENT_PID": str(os.getpid())}
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                pass_fds=(write_end,), start_new_session=True, env=env)
    finally:
        os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as stream, _stop_on_signals(proc, result):
            _send_plan(proc, plan)
            for header, body in read_frames(stream):
                if header.get("kind") == "source":
                    result.sources[header["source"]] = header["stats"]
                elif header.get("kind") == "page":
                    recorder.record(page_from(header, body))
        recorder.commit()
    except BaseException:
        # Storing failed (a full disk, a broken database) or we were killed: nobody reads the
        # pipe any more, so the crawl process would wait on it for ever. Keep what was stored.
        proc.kill()
        with contextlib.suppress(Exception):
            recorder.commit()
        raise
    finally:
        result.returncode = proc.wait()
    for name, mine in counts.items():
        # What was stored counts even when the crawl process died before its report.
        result.sources.setdefault(name, {}).update(mine)
    return result


def _send_plan(proc: subprocess.Popen, plan: dict) -> None:
    """The plan on the crawl process's standard input, read whole before it starts; a crawl
    process that died at once closed its end, and says why on stderr."""
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.write(json.dumps(plan).encode())
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()


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
