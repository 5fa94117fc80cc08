"""Cluster capacity, on demand (not a test): `python bench/clusterbench.py [--pages N]`.

The same generated archive as bench/run.py (realistic 15-60 KB en-2024 pages) is backfilled
three ways on this machine: a local crawl, then `briefwatch crawl --cluster` with 1 and with
2 `briefwatch worker`s on a redis-server of its own. It reports wall time, pages/s, CPU of the
coordinator, of the workers and of Redis, and Redis commands and bytes per page: the figures
behind the README's capacity estimate. Writes bench/CLUSTER.md (--print: stdout only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(ROOT), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import corpus  # noqa: E402
import procs  # noqa: E402
import run  # noqa: E402
from countingsite import CountingSite  # noqa: E402

# bench/run.py's config, with the cluster's Redis.
CONFIG = run.CONFIG.replace("[[sources]]", '[cluster]\nredis_url = "{redis}"\n\n[[sources]]')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self, work: Path):
        import redis

        self.port = _free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(work)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url)
        for _ in range(200):
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)

    def counters(self) -> dict:
        stats, cpu = self.client.info("stats"), self.client.info("cpu")
        return {"commands": stats["total_commands_processed"],
                "net_in": stats["total_net_input_bytes"],
                "net_out": stats["total_net_output_bytes"],
                "cpu": cpu["used_cpu_user"] + cpu["used_cpu_sys"]}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def start_worker(config: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [procs.briefwatch(), "--config", str(config), "worker", "--name", name,
         "--idle-timeout", "0"], cwd=config.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_worker(proc: subprocess.Popen) -> float:
    """SIGTERM, then the CPU seconds of the worker and the crawl processes it waited for."""
    proc.send_signal(signal.SIGTERM)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def backfill(work: Path, site: CountingSite, start_url: str, redis: Redis, workers: int,
             ) -> dict:
    folder = work / f"workers-{workers}"
    folder.mkdir()
    config = folder / "briefwatch.toml"
    config.write_text(CONFIG.format(db="briefwatch.db", redis=redis.url, start_url=start_url))
    argv = [procs.briefwatch(), "--config", str(config), "crawl", "--json"]
    team = []
    if workers:
        argv.append("--cluster")
        team = [start_worker(config, f"w{i}") for i in range(1, workers + 1)]
        time.sleep(2)  # let them connect: their start-up is not part of the run
    site.reset()
    before = redis.counters()
    measured = procs.run(argv, cwd=folder, timeout=1800)
    after = redis.counters()
    worker_cpu = [stop_worker(p) for p in team]
    summary = json.loads(measured.stdout.strip().splitlines()[-1])
    pages = summary["new"]
    out = {"workers": workers, "argv": procs.shown(argv, {str(work): "$WORK"}),
           "wall": measured.wall, "pages": pages, "pages_per_s": pages / measured.wall,
           "coordinator_cpu": measured.cpu, "worker_cpu": worker_cpu,
           "requests": site.snapshot()["requests"]}
    if workers:
        out.update({k: after[k] - before[k] for k in ("commands", "net_in", "net_out", "cpu")})
        out["per_worker"] = summary["sources"]["mfa-en"]["workers"]
    return out


def report(results: list[dict], machine: dict, pages: int, sizes: list[int]) -> str:
    lines = [
        "# briefwatch cluster capacity",
        "",
        f"Written by `python bench/clusterbench.py --pages {pages}` on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Not a test: run on demand.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['python']}; briefwatch {machine['commit']}. Everything ran on this one "
        "machine: the local site, redis-server, the coordinator and the workers share its "
        "cores, so the figures are a floor for what separate machines do.",
        "",
        f"The archive: {pages:,} invented transcripts in the en-2024 template "
        f"(pages {sizes[0] / 1024:.1f}–{sizes[-1] / 1024:.1f} KB, median "
        f"{sizes[len(sizes) // 2] / 1024:.1f} KB), a first crawl (backfill) of each.",
        "",
        "| crawl | wall | pages/s | coordinator CPU | worker CPU | Redis CPU | Redis commands/page "
        "| Redis bytes in+out/page |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        label = "local (`briefwatch crawl`)" if not r["workers"] else \
            f"cluster, {r['workers']} worker{'s' if r['workers'] > 1 else ''}"
        workers_cpu = " + ".join(f"{c:.1f}" for c in r["worker_cpu"]) or "–"
        if r["workers"]:
            redis = (f"{r['cpu']:.1f} s", f"{r['commands'] / r['pages']:.1f}",
                     f"{(r['net_in'] + r['net_out']) / r['pages'] / 1024:.1f} KB")
        else:
            redis = ("–", "–", "–")
        lines.append(f"| {label} | {r['wall']:.1f} s | {r['pages_per_s']:.0f} | "
                     f"{r['coordinator_cpu']:.1f} s | {workers_cpu} s | {' | '.join(redis)} |")
    lines += ["", "Commands:", ""]
    lines += [f"* `{r['argv']}`" + (f" with {r['workers']} × `briefwatch worker --name wN "
                                    f"--idle-timeout 0` started 2 s before"
                                    if r["workers"] else "") for r in results]
    cluster = [r for r in results if r["workers"]]
    if cluster:
        lines += ["", "Pages per worker: " + "; ".join(
            f"{r['workers']} worker(s): " + ", ".join(
                f"{w} {n['pages']}" for w, n in sorted(r["per_worker"].items()))
            for r in cluster)]
        one = next((r for r in cluster if r["workers"] == 1), None)
        if one:
            cost = sum(one["worker_cpu"]) / one["pages"] * 1000
            coord = one["coordinator_cpu"] / one["pages"] * 1000
            lines += [
                "",
                f"* worker CPU per page: **{cost:.1f} ms** (fetch, extract, hand back): one "
                f"worker core does about **{1000 / cost:.0f} pages/s**.",
                f"* coordinator CPU per page: **{coord:.1f} ms** (store, events, index): one "
                f"coordinator stores about **{1000 / coord:.0f} pages/s**, the ceiling of a "
                "cluster whatever its workers.",
                f"* Redis: **{one['commands'] / one['pages']:.1f} commands** and "
                f"**{one['cpu'] / one['pages'] * 1000:.2f} ms CPU** per page.",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/clusterbench.py")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="cluster sizes to measure")
    parser.add_argument("--print", dest="print_only", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which("redis-server"):
        parser.error("needs redis-server (Debian: apt-get install redis-server)")
    from briefwatch.jobs.demo import write_archive

    work = Path(tempfile.mkdtemp(prefix="briefwatch-clusterbench-"))
    site = redis = None
    try:
        newest = dt.date.today()
        while newest.weekday() >= 5:
            newest -= dt.timedelta(days=1)
        briefings = corpus.archive_briefings(newest, args.pages)
        archive = write_archive(work / "site", "en-2024", briefings, per_page=20)
        sizes = sorted((work / "site" / p.lstrip("/")).stat().st_size
                       for p in archive.article_paths.values())
        site = CountingSite(work / "site").start()
        redis = Redis(work)
        results = []
        for n in [0, *(int(x) for x in args.workers.split(","))]:
            print(f"backfill with {n} workers …", file=sys.stderr)
            results.append(backfill(work, site, site.url(archive.listing_path), redis, n))
        text = report(results, procs.machine(), args.pages, sizes)
    finally:
        if redis:
            redis.stop()
        if site:
            site.stop()
        shutil.rmtree(work, ignore_errors=True)
    if args.print_only:
        print(text)
    else:
        (HERE / "CLUSTER.md").write_text(text, "utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
