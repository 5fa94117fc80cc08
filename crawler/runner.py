"""Starting a crawl process (crawler.run) and reading what it reports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CrawlResult:
    returncode: int
    sources: dict[str, dict] = field(default_factory=dict)  # source -> stats

    @property
    def completed(self) -> bool:
        return self.returncode == 0 and bool(self.sources)


def crawl(config_path: Path, run: int, sources: list[str], *, backfill: bool = False,
          revisit: str = "recent", log_level: str = "WARNING", log_file: Path | None = None,
          on_page: Callable[[dict], None] | None = None) -> CrawlResult:
    cmd = [sys.executable, "-m", "crawler.run", "--config", str(config_path), "--run", str(run),
           "--revisit", revisit, "--log-level", log_level]
    if log_file:
        cmd += ["--log-file", str(log_file)]
    for name in sources:
        cmd += ["--source", name]
    if backfill:
        cmd.append("--backfill")
    result = CrawlResult(returncode=-1)
    # stderr is inherited: with no log file, Scrapy's log reaches the user's terminal.
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        try:
            for line in proc.stdout:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if message.get("event") == "page" and on_page:
                    on_page(message)
                elif message.get("event") == "source":
                    result.sources[message["source"]] = message["stats"]
        except KeyboardInterrupt:
            # The child got the same Ctrl-C; let it close its spiders before we record anything.
            proc.wait()
            raise
        result.returncode = proc.wait()
    return result
