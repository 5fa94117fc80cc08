"""What the tests share: the real CLI (in a subprocess, as a user's shell runs it), config
files, a crawl and what it stored, and waiting with a deadline generous enough for a loaded
machine. The fake sites are in tests/sites/; pytest's fixtures in conftest.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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


# The CLI with a cap on the size of each file it writes: past it a write fails as on a full
# disk (EFBIG; SIGXFSZ, which would kill it, ignored).
_CAPPED = ("import resource, signal, sys\n"
           "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
           "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv.pop(1)),) * 2)\n"
           "from briefwatch.jobs.cli import main\n"
           "main(sys.argv[1:])\n")


def run_cli_on_a_full_disk(cap: int, *args: str, config: Path | None = None,
                           cwd: Path | None = None) -> Result:
    """run_cli, each file it writes held to `cap` bytes, as a disk that is full past them."""
    cmd = [sys.executable, "-c", _CAPPED, str(cap)]
    cmd += (["--config", str(config)] if config is not None else []) + [str(a) for a in args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or REPO, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, encoding="utf-8")
    return Result(proc.returncode, proc.stdout, proc.stderr)


def read_cli(*args: str, config: Path | None = None) -> Result:
    """A command that only reads, run in this process through the same `main` (its output,
    error line and exit code as run_cli gives them): the checks of what a crawl stored,
    without starting a Python for each. A test whose subject is a command uses run_cli."""
    from briefwatch.jobs.cli import main
    from click.testing import CliRunner

    argv = (["--config", str(config)] if config is not None else []) + [str(a) for a in args]
    with CliRunner().isolation(env={"BRIEFWATCH_CONFIG": None}) as (out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return Result(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


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


def crawl(config: Path, *args: str, timeout: float = 120) -> dict:
    """`briefwatch crawl --json ARGS`, which must succeed: its summary, and what it said on
    stderr as `stderr`."""
    result = run_cli("crawl", "--json", *args, config=config, timeout=timeout)
    assert result.code == 0, (result.out, result.err)
    summary = json.loads(result.out)
    summary["stderr"] = result.err
    return summary


def stored(config: Path) -> dict[str, dict]:
    """Every stored transcript by URL, as `briefwatch export` gives it (its latest text)."""
    return {row["url"]: row for row in read_cli("export", config=config).jsonl()}


def wait_for(condition: Callable[[], object], timeout: float, what: str, *,
             interval: float = 0.1, detail: Callable[[], str] | None = None):
    """The first truthy value of `condition()`, asked every `interval` seconds; after
    `timeout` seconds an AssertionError saying what was awaited (and `detail()`, such as the
    end of a log)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}"
                                 + (f"; {detail()}" if detail else ""))
        time.sleep(interval)
