"""Running a command and measuring it: wall time, CPU and peak RSS of its process tree; and
a description of the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
BIN = Path(sys.executable).parent


@dataclass
class Measured:
    argv: list[str]
    returncode: int
    wall: float  # seconds
    user: float  # CPU seconds of the process and every descendant it waited for
    system: float
    # The largest peak RSS among them (KiB): VmHWM sampled from /proc where there is one.
    # wait4's ru_maxrss would count the benchmark's own memory, which a child shares between
    # fork and exec: with a 10,000-page corpus in memory that alone is 300 MB.
    maxrss_kb: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system


def briefwatch() -> str:
    """The `briefwatch` script beside this Python (the venv's), else the one on PATH."""
    script = BIN / "briefwatch"
    return str(script) if script.exists() else "briefwatch"


def run(argv: list[str], *, timeout: float = 600, cwd: Path | None = None,
        env: dict | None = None, check: bool = True) -> Measured:
    """Run `argv` to its end and measure it with wait4(2): its rusage covers the process and
    the children it waited for (`briefwatch crawl` waits for its crawl process), and ru_maxrss
    is the largest of their peaks. Killed after `timeout` seconds."""
    with open(os.devnull, "rb") as stdin, \
            _tempfile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=err,
                                cwd=cwd or ROOT, env=env)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        sampler = _PeakRss(proc.pid)
        try:
            out = proc.stdout.read()
            proc.stdout.close()
            sampler.stop()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        result = Measured(argv, proc.returncode, wall, usage.ru_utime, usage.ru_stime,
                          sampler.peak_kb or usage.ru_maxrss, out.decode("utf-8", "replace"),
                          err.read().decode("utf-8", "replace"))
    if check and result.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} exited {result.returncode}:\n"
                           f"{result.stderr[-3000:]}")
    return result


class _PeakRss:
    """The largest VmHWM (peak RSS since exec) of a process and its descendants, read from
    /proc every 50 ms while it runs; 0 where there is no /proc."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if Path(f"/proc/{pid}").exists():
            self._thread.start()

    def _run(self) -> None:
        while not self._done.is_set():
            for pid in self._tree(self.pid):
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except (OSError, ValueError):
                    pass
            self._done.wait(0.05)

    @staticmethod
    def _tree(pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            current = todo.pop()
            found.append(current)
            try:
                for task in Path(f"/proc/{current}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, ValueError):
                pass
        return found

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()


def _tempfile():
    import tempfile

    return tempfile.TemporaryFile()


def shown(argv: list[str], replace: dict[str, str] | None = None) -> str:
    """A command as a user would type it: the venv's scripts by name, temporary paths named."""
    text = shlex.join(argv)
    text = text.replace(str(BIN / "briefwatch"), "briefwatch").replace(sys.executable, "python")
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return text


# --- The machine -------------------------------------------------------------------------------

PACKAGES = ("scrapy", "twisted", "trafilatura", "lxml", "lxml_html_clean", "sqlite-utils",
            "click", "rich", "jinja2", "fast-diff-match-patch", "apscheduler", "apprise")


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "ram": ram,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()} "
                  f"({sys.executable})",
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "tree": _tree_state(),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.rstrip("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _tree_state() -> str:
    changed = [line for line in _git("status", "--porcelain").splitlines()
               if not line[3:].startswith("bench/")]
    if not changed:
        return "clean (outside bench/)"
    names = ", ".join(line[3:] for line in changed[:8]) + (", …" if len(changed) > 8 else "")
    return f"with uncommitted changes outside bench/ ({names})"
