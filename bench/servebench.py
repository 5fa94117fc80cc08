"""`briefwatch serve` under concurrent clients, for issue 27's figures (bench/SERVE.md).

    python bench/servebench.py DIR [--briefwatch CMD ...] [--clients 8 32] [--seconds 15]

DIR holds a database made by `python bench/decade.py generate DIR --transcripts 3000`. Each
CMD (default: this checkout's `python -m briefwatch.jobs.cli`; give an older checkout's
`.venv/bin/briefwatch` for "before") serves it; for each number of clients, that many threads
ask for the view's pages in turn (/, /transcripts, /changes, a transcript, its diff) for the
given seconds, each request with a 10 s timeout. Printed: requests/s, p50, p99, the slowest,
errors (timeouts, refused connections, answers other than 200), as a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

TIMEOUT = 10.0


def pages(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        edited = [row[0] for row in conn.execute(
            "SELECT document FROM versions WHERE n = 2 ORDER BY document LIMIT 20")]
    paths = ["/", "/transcripts", "/changes", "/transcripts?page=5"]
    for doc in edited:
        paths += [f"/t/{doc}", f"/t/{doc}/diff"]
    return paths


def load(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            error = ""
            try:
                with urllib.request.urlopen(base + path, timeout=TIMEOUT) as answer:
                    answer.read()
                    if answer.status != 200:
                        error = f"status {answer.status}"
            except Exception as exc:  # a timeout, a refusal, a 5xx: all count as errors
                error = f"{type(exc).__name__}: {exc}"[:120]
            took = time.perf_counter() - started
            with lock:
                times.append(took)
                if error:
                    errors.append(error)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    times.sort()
    return {"requests": len(times), "rps": len(times) / elapsed,
            "p50": statistics.median(times) if times else 0.0,
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0,
            "max": times[-1] if times else 0.0, "errors": len(errors),
            "error_kinds": sorted(set(errors))[:3]}


def serve(command: list[str], config: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([*command, "--config", str(config), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    base = re.search(r"http://\S+?(?=/ )", line)[0]
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "/transcripts", timeout=10):
                break
        except OSError:
            time.sleep(0.1)
    return proc, base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/servebench.py")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--briefwatch", action="append", metavar="CMD",
                        help="the command serving the view, as a shell word list; repeatable")
    parser.add_argument("--label", action="append", help="a name for each --briefwatch")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args(argv)
    commands = [shlex.split(c) for c in (args.briefwatch
                                         or [f"{sys.executable} -m briefwatch.jobs.cli"])]
    labels = args.label or [" ".join(c) for c in commands]
    config = args.folder / "briefwatch.toml"
    paths = pages(args.folder / "briefwatch.db")
    print("| server | clients | requests | requests/s | p50 (ms) | p99 (ms) | slowest (ms) "
          "| errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for command, label in zip(commands, labels, strict=True):
        for clients in args.clients:
            proc, base = serve(command, config)
            try:
                r = load(base, paths, clients, args.seconds)
            finally:
                proc.terminate()
                proc.wait(10)
            kinds = f" ({'; '.join(r['error_kinds'])})" if r["errors"] else ""
            print(f"| {label} | {clients} | {r['requests']} | {r['rps']:.1f} | "
                  f"{r['p50'] * 1000:.0f} | {r['p99'] * 1000:.0f} | {r['max'] * 1000:.0f} | "
                  f"{r['errors']}{kinds} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
