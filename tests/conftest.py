"""Shared fixtures: the real CLI in a subprocess, config files, local sites on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The real command, as a user's shell runs it (the `briefwatch` script calls the same main).
CLI = [sys.executable, "-m", "briefwatch.jobs.cli"]
REAL_PAGES = REPO.parent / "shared" / "real-pages" / "fmprc-2020"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def jsonl(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


def run_cli(*args: str, config: Path | None = None, cwd: Path | None = None,
            env: dict | None = None, timeout: float = 120) -> Result:
    cmd = list(CLI)
    if config is not None:
        cmd += ["--config", str(config)]
    cmd += [str(a) for a in args]
    full_env = {k: v for k, v in os.environ.items() if k != "BRIEFWATCH_CONFIG"}
    full_env.update({"PYTHONIOENCODING": "utf-8", **(env or {})})
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or REPO, env=full_env,
                          timeout=timeout, encoding="utf-8")
    return Result(proc.returncode, proc.stdout, proc.stderr)


def write_config(path: Path, sources: list[dict], *, db: str = "briefwatch.db",
                 revisit_days: int = 30) -> Path:
    lines = [
        "[storage]", f'path = "{db}"', "",
        "[crawl]", "download_delay = 0", "concurrency_per_domain = 16",
        f"revisit_days = {revisit_days}", "",
    ]
    for source in sources:
        lines.append("[[sources]]")
        for key, value in source.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def cli():
    return run_cli
