"""Starting a crawl process (crawler.run) and reading what it reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


def crawl(config_path: Path, run: int, sources: list[str], *, backfill: bool = False,
          revisit: str = "recent", log_level: str = "WARNING", log_file: Path | None = None,
          on_page: Callable[[dict], None] | None = None) -> CrawlResult:
    """Run one crawl process to its end. Ctrl-C or SIGTERM (as KeyboardInterrupt) asks it to
    stop: its spiders close, what it stored stays, and the result says `interrupted`."""
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config_path), "--run", str(run),
           "--revisit", revisit, "--log-level", log_level]
    if log_file:
        cmd += ["--log-file", str(log_file)]
    for name in sources:
        cmd += ["--source", name]
    if backfill:
        cmd.append("--backfill")
    result = CrawlResult(returncode=-1)
    # A session of its own: a terminal's Ctrl-C reaches only us, and we pass on one polite
    # SIGTERM (a second signal would make Scrapy abandon its spiders uncleanly).
    # stderr is inherited: with no log file, Scrapy's log reaches the user's terminal.
    env = {**os.environ, "BRIEFWATCH_PARENT_PID": str(os.getpid())}
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                          start_new_session=True, env=env) as proc:
        while True:
            try:
                _read(proc, result, on_page)
                break
            except KeyboardInterrupt:
                if result.interrupted:
                    proc.kill()
                    continue
                result.interrupted = True
                proc.send_signal(signal.SIGTERM)
                threading.Timer(STOP_GRACE_SECONDS, proc.kill).start()
        result.returncode = proc.wait()
    return result


def _read(proc: subprocess.Popen, result: CrawlResult, on_page) -> None:
    for line in proc.stdout:
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if message.get("event") == "page" and on_page:
            on_page(message)
        elif message.get("event") == "source":
            result.sources[message["source"]] = message["stats"]
