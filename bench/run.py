"""The briefwatch benchmark suite, run on demand (not a test): `make bench`.

    python bench/run.py            # full: a 2,000-transcript archive; writes bench/RESULTS.md
    python bench/run.py --quick    # 200 transcripts, to check the bench itself; prints the report
    python bench/run.py --only a,b --keep /tmp/bw   # some figures; keep the generated data

Figures (bench/README.md says what each means):
  a  backfill of a generated local archive through `briefwatch crawl --json`
  b  the yardstick: the same pages through raw trafilatura and crawler.extract.extract
  c  a quiet night (default revisit) and a full revisit (--revisit all) of unchanged pages
  d  diff latency, 30 KB and 150 KB pairs, every --format, in process and through the CLI
  e  database bytes per transcript, and growth after 10 quiet nights
  f  start-up: --help, a crawl with nothing to do, import time of briefwatch.jobs.cli
  p  where the backfill's time goes: cProfile of `briefwatch crawl` (extracting and storing)
     on a 200-page backfill
Everything is written under a tempfile.mkdtemp() folder, removed at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pstats
import re
import resource
import shutil
import statistics
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
import diffbench  # noqa: E402
import procs  # noqa: E402
from countingsite import CountingSite  # noqa: E402

CLI_MODULE = "briefwatch.jobs.cli"
CLI = [sys.executable, "-m", CLI_MODULE]
FIGURES = "abcdefp"
GENERATION = "en-2024"
PER_PAGE = 20  # transcripts per listing page
QUIET_NIGHTS = 10
HELP_RUNS = 10
IDLE_RUNS = 5
PROFILE_PAGES = 200
FOUR_PAGES = 200  # transcripts per source of the four-source quiet night
CONFIG = """\
[storage]
path = "{db}"

[crawl]
download_delay = 0
concurrency_per_domain = 16

[[sources]]
name = "mfa-en"
spider = "mfa"
start_urls = ["{start_url}"]
"""


def newest_weekday(today: dt.date) -> dt.date:
    while today.weekday() >= 5:
        today -= dt.timedelta(days=1)
    return today


class Bench:
    def __init__(self, work: Path, pages: int, log=print):
        self.work, self.pages, self.log = work, pages, log
        self.results: dict = {}
        self.sites: list[CountingSite] = []

    def shown(self, argv: list[str]) -> str:
        return procs.shown(argv, {str(self.work): "$WORK"})

    # -- the archive ------------------------------------------------------------------------

    def archive(self, name: str, briefings) -> tuple[CountingSite, Path, dict]:
        from briefwatch.jobs.demo import write_archive

        root = self.work / name / "site"
        archive = write_archive(root, GENERATION, briefings, per_page=PER_PAGE)
        site = CountingSite(root).start()
        self.sites.append(site)
        config = self.work / name / "briefwatch.toml"
        config.write_text(CONFIG.format(db="briefwatch.db",
                                        start_url=site.url(archive.listing_path)), "utf-8")
        sizes = sorted((root / p.lstrip("/")).stat().st_size
                       for p in archive.article_paths.values())
        info = {"root": root, "folder": root / archive.listing_path.strip("/").rsplit("/", 1)[0],
                "listing_pages": archive.pages, "sizes": sizes,
                "start_url": site.url(archive.listing_path)}
        return site, config, info

    def crawl(self, config: Path, site: CountingSite, *extra: str) -> dict:
        argv = [procs.briefwatch(), "--config", str(config), "crawl", "--json", *extra]
        site.reset()
        before = resource.getrusage(resource.RUSAGE_SELF)
        measured = procs.run(argv, cwd=config.parent, timeout=1200)
        after = resource.getrusage(resource.RUSAGE_SELF)
        summary = json.loads(measured.stdout.strip().splitlines()[-1])
        return {"argv": self.shown(argv), "wall": measured.wall, "cpu": measured.cpu,
                "user": measured.user, "system": measured.system,
                "maxrss_mb": measured.maxrss_kb / 1024, "summary": summary,
                "site": site.snapshot(),
                "server_cpu": (after.ru_utime - before.ru_utime)
                + (after.ru_stime - before.ru_stime),
                "stderr": measured.stderr.strip()}

    # -- figures ----------------------------------------------------------------------------

    def setup_main(self) -> None:
        self.log(f"generating an archive of {self.pages} transcripts …")
        start = time.perf_counter()
        briefings = corpus.archive_briefings(newest_weekday(dt.date.today()), self.pages)
        self.site, self.config, self.info = self.archive("main", briefings)
        self.results["archive"] = {
            "pages": self.pages, "listing_pages": self.info["listing_pages"],
            "sizes": self.info["sizes"], "seconds": time.perf_counter() - start,
            "newest": briefings[0].date.isoformat(), "oldest": briefings[-1].date.isoformat(),
            "config": self.config.read_text("utf-8").replace(self.site.base_url, "$SITE"),
        }

    def backfill(self) -> None:
        self.log("a. backfill …")
        run = self.crawl(self.config, self.site)
        self.results["a"] = run
        self.results["e_after_backfill"] = self.db_state()

    def yardstick(self) -> None:
        self.log("b. yardstick …")
        argv = [sys.executable, str(HERE / "yardstick.py"), str(self.info["folder"]), "--json"]
        measured = procs.run(argv, timeout=1200)
        out = json.loads(measured.stdout)
        out["argv"] = self.shown(argv)
        self.results["b"] = out

    def revisits(self) -> None:
        self.log("c. quiet night and full revisit …")
        self.results["c_quiet"] = self.crawl(self.config, self.site)
        self.results["c_all"] = self.crawl(self.config, self.site, "--revisit", "all")

    def diffs(self) -> None:
        self.log("d. diff latency …")
        work = self.work / "diff"
        work.mkdir()
        out = diffbench.run(work)
        out["example"] = self.shown(out.pop("example_argv"))
        self.results["d"] = out

    def nights(self) -> None:
        self.log(f"e. {QUIET_NIGHTS} quiet nights …")
        before = self.db_state()
        walls, requests = [], []
        for _ in range(QUIET_NIGHTS):
            run = self.crawl(self.config, self.site)
            walls.append(run["wall"])
            requests.append(run["site"]["requests"])
            last = run
        self.results["e"] = {"before": before, "after": self.db_state(), "walls": walls,
                             "requests": requests, "argv": last["argv"]}

    def db_state(self) -> dict:
        import sqlite3

        db = self.config.parent / "briefwatch.db"
        files = {suffix: (Path(f"{db}{suffix}").stat().st_size
                          if Path(f"{db}{suffix}").exists() else 0)
                 for suffix in ("", "-wal", "-shm")}
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            one = conn.execute
            state = {
                "files": files,
                "documents": one("SELECT count(*) FROM documents").fetchone()[0],
                "versions": one("SELECT count(*) FROM versions").fetchone()[0],
                "events": one("SELECT count(*) FROM events").fetchone()[0],
                "runs": one("SELECT count(*) FROM runs").fetchone()[0],
                "page_size": one("PRAGMA page_size").fetchone()[0],
                "pages": one("PRAGMA page_count").fetchone()[0],
                "freelist": one("PRAGMA freelist_count").fetchone()[0],
            }
            row = one("SELECT sum(length(raw_html)), sum(length(CAST(text AS BLOB))), "
                      "sum(length(CAST(turns AS BLOB))) FROM versions").fetchone()
            state["raw_html"], state["text"], state["turns"] = (v or 0 for v in row)
            try:  # space by table (the FTS5 index's shadow tables counted together)
                tables: dict[str, int] = {}
                for name, size in one("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                    key = "versions_fts (FTS5 search index)" \
                        if name.startswith("versions_fts") else name
                    tables[key] = tables.get(key, 0) + size
                state["tables"] = dict(sorted(tables.items(), key=lambda kv: -kv[1]))
            except sqlite3.OperationalError:  # SQLite built without dbstat
                state["tables"] = {}
        finally:
            conn.close()
        return state

    def startup(self) -> None:
        self.log("f. start-up …")
        help_argv = [procs.briefwatch(), "--help"]
        procs.run(help_argv, cwd=self.work)  # warm the page cache once
        helps = [procs.run(help_argv, cwd=self.work).wall for _ in range(HELP_RUNS)]
        # A crawl with nothing to do: one listing page whose items are all stored, and none
        # recent enough to revisit.
        briefings = corpus.archive_briefings(dt.date(2019, 6, 28), 3, seed=5)
        site, config, _ = self.archive("idle", briefings)
        first = self.crawl(config, site)
        idle = [self.crawl(config, site) for _ in range(IDLE_RUNS)]
        four = self.four_sources()
        imp_argv = [sys.executable, "-X", "importtime", "-c", f"import {CLI_MODULE}"]
        measured = procs.run(imp_argv, cwd=ROOT)
        self.results["f"] = {
            "help": helps, "help_argv": self.shown(help_argv),
            "idle_first": first, "idle": idle, "four": four,
            "importtime": _importtime(measured.stderr), "importtime_argv": self.shown(imp_argv),
        }

    def four_sources(self) -> list[dict]:
        """Quiet nights of four sources, one per archive generation the `mfa` spider knows,
        each with the last 30 days' transcripts to revisit: the issue's "quiet night of four
        sources" (goal under 3 s)."""
        from briefwatch.jobs.demo import GENERATIONS, invent_briefings, write_archive

        root = self.work / "four" / "site"
        newest = newest_weekday(dt.date.today())
        listings = {}
        for k, gen in enumerate(("en-2014", "zh-2014", "en-2024", "zh-2024")):
            briefings = invent_briefings(GENERATIONS[gen].lang, newest, FOUR_PAGES, seed=k)
            listings[gen] = write_archive(root, gen, briefings, per_page=PER_PAGE).listing_path
        site = CountingSite(root).start()
        self.sites.append(site)
        config = self.work / "four" / "briefwatch.toml"
        config.write_text(CONFIG.split("[[sources]]")[0].format(db="briefwatch.db") + "".join(
            f'[[sources]]\nname = "{gen}"\nspider = "mfa"\n'
            f'start_urls = ["{site.url(path)}"]\n\n' for gen, path in listings.items()), "utf-8")
        self.crawl(config, site)  # the backfill
        return [self.crawl(config, site) for _ in range(IDLE_RUNS)]

    def profile(self) -> None:
        self.log(f"p. profiling a {PROFILE_PAGES}-page backfill (the storing process) …")
        briefings = corpus.archive_briefings(newest_weekday(dt.date.today()), PROFILE_PAGES,
                                             seed=3)
        site, config, _ = self.archive("profile", briefings)
        prof = config.parent / "crawl.prof"
        argv = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", CLI_MODULE,
                "--config", str(config), "crawl", "--json"]
        site.reset()
        measured = procs.run(argv, cwd=ROOT, timeout=1200)
        pages = json.loads(measured.stdout.strip().splitlines()[-1])["new"]
        # The same crawl without the profiler, for the profiler's overhead.
        site2, config2, _ = self.archive("profile-plain", briefings)
        plain_argv = [*CLI, "--config", str(config2), "crawl",
                      "--json"]
        plain = procs.run(plain_argv, cwd=ROOT, timeout=1200)
        self.results["p"] = {
            "argv": self.shown(argv), "wall": measured.wall, "cpu": measured.cpu,
            "pages": pages, "plain_wall": plain.wall, "plain_cpu": plain.cpu,
            "plain_argv": self.shown(plain_argv),
            **_profile_tables(prof),
        }

    def close(self) -> None:
        for site in self.sites:
            site.stop()


# --- Reading profiles and import times -----------------------------------------------------------


def _where(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name
    path = path.replace(str(ROOT) + "/", "")
    path = re.sub(r".*/site-packages/", "", path)
    path = re.sub(r".*/lib/python3\.\d+/", "", path)
    return f"{path}:{line}({name})"


PLUMBING = re.compile(r"^(?:<|asyncio/|runpy|twisted/|scrapy/utils/(?:asyncio|defer)|click/|"
                      r"jobs/cli\.py:\d+\((?:<module>|main|crawl)\)|jobs/crawl\.py)")


def _profile_tables(prof: Path, top: int = 15) -> dict:
    stats = pstats.Stats(str(prof))
    rows = []
    for func, (cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append({"func": _where(func), "ncalls": nc if nc == cc else f"{nc}/{cc}",
                     "tottime": tt, "cumtime": ct, "key": func})
    total = max(r["cumtime"] for r in rows)

    def cum(path_end: str, name: str, nth: int | None = None) -> float:
        found = sorted((r for r in rows if r["key"][0].endswith(path_end)
                        and r["key"][2] == name), key=lambda r: r["key"][1])
        if nth is not None:  # the nth definition of that name in the file, by line
            return found[nth]["cumtime"] if nth < len(found) else 0.0
        return max((r["cumtime"] for r in found), default=0.0)

    crawl = cum("crawler/localcrawl.py", "crawl")
    prepare = cum("crawler/prepare.py", "prepare_fetched")
    record = cum("crawler/recorder.py", "record")
    groups = [
        ("the whole `briefwatch crawl` process (profiled)", total),
        ("before and after the crawl: imports, config, lock, run row, notify, feed",
         total - crawl),
        ("crawler.localcrawl.crawl (the crawl process fetches meanwhile)", crawl),
        ("  crawler.prepare.prepare_fetched", prepare),
        ("    crawler.decode.decode_html", cum("crawler/decode.py", "decode_html")),
        ("    crawler.extract.extract", cum("crawler/extract.py", "extract")),
        ("      lxml.html.document_fromstring (parse)",
         cum("lxml/html/__init__.py", "document_fromstring")),
        ("      _paragraphs (_block_text walk + clean)", cum("crawler/extract.py",
                                                             "_paragraphs")),
        ("    storage.text.normalize.canonical_hash", cum("storage/text/normalize.py",
                                                     "canonical_hash")),
        ("    storage.text.turns.split_turns", cum("storage/text/turns.py", "split_turns")),
        ("  crawler.recorder.Recorder.record", record),
        ("    storage.versions.record", cum("storage/versions.py", "record")),
        ("      _insert_version (INSERT, FTS5 index, zlib)",
         cum("storage/versions.py", "_insert_version")),
        ("  WriteBatch commits", cum("storage/db.py", "commit")),
        ("  the rest: waiting for pages from the pipe, decoding frames",
         crawl - prepare - record - cum("storage/db.py", "commit")),
    ]
    by_cum = sorted(rows, key=lambda r: r["cumtime"], reverse=True)
    own = [r for r in by_cum if r["key"][0].startswith(str(ROOT))
           and not PLUMBING.match(r["func"])]
    by_tot = sorted(rows, key=lambda r: r["tottime"], reverse=True)

    def strip(selected: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "key"} for r in selected[:top]]

    return {"total": total, "cumulative": strip(by_cum), "own": strip(own),
            "tottime": strip(by_tot), "groups": groups}


def _importtime(stderr: str, top: int = 10) -> list[dict]:
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m:
            rows.append({"self_ms": int(m.group(1)) / 1000, "cum_ms": int(m.group(2)) / 1000,
                         "depth": len(m.group(3)) // 2, "module": m.group(4)})
    return sorted(rows, key=lambda r: r["cum_ms"], reverse=True)[:top]


# --- The report --------------------------------------------------------------------------------


def _kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _table(head: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def _crawl_rows(label: str, run: dict) -> list:
    s, site = run["summary"], run["site"]
    statuses = site["statuses"]
    n304 = statuses.get(304, statuses.get("304", 0))
    total = max(1, site["requests"])
    return [label, f"{run['wall']:.2f} s", site["requests"],
            f"{n304} ({100 * n304 / total:.0f}%)", _kb(site["bytes_sent"]),
            f"{s['new']} new, {s['edited']} edited, {s['unchanged']} unchanged, "
            f"{s['failed']} failed", f"{run['cpu']:.2f} s"]


def report(results: dict, machine: dict, mode: str, command: str, loads: tuple,
           total_seconds: float) -> str:
    L: list[str] = []
    add = L.append
    add("# briefwatch benchmarks")
    add("")
    add(f"Written by `{command}` on {machine['date']} ({mode}; the whole suite took "
        f"{total_seconds:.0f} s). Not a test: run on demand with `make bench`.")
    add("`$WORK` below is the suite's temporary folder (kept with `--keep DIR`); `$SITE` the "
        "local site it serves on 127.0.0.1. Each figure's section starts with the command that "
        "reproduces it, then the command it measured.")
    add("")
    add("## Machine")
    add("")
    rows = [["CPU", machine["cpu"]], ["cores", machine["cores"]], ["RAM", machine["ram"]],
            ["OS", machine["os"]], ["Python", machine["python"]],
            ["SQLite", machine["sqlite"]],
            ["libraries", ", ".join(f"{k} {v}" for k, v in machine["packages"].items())],
            ["briefwatch", f"commit {machine['commit']}; tree {machine['tree']}"],
            ["load average", f"{loads[0]:.2f} before, {loads[1]:.2f} after (1 min; other "
                             f"work on the machine slows every figure)"]]
    L += _table(["", ""], rows)
    add("")

    summary = _goals(results)
    if summary:
        add("## Goals")
        add("")
        L += _table(["figure", "measured", "goal", "met"], summary)
        add("")

    if "a" in results:
        a, arch = results["a"], results["archive"]
        sizes = arch["sizes"]
        n = a["summary"]["new"]
        add("## a. Backfill")
        add("")
        add("Reproduce: `python bench/run.py --only a`  ")
        add(f"Measured: `{a['argv']}` (first crawl of a fresh database: walks every listing "
            f"page), cwd `$WORK/main`, with this config:")
        add("")
        add("```toml")
        L += arch["config"].rstrip().splitlines()
        add("```")
        add("")
        add(f"The archive: {arch['pages']:,} invented transcripts (bench/corpus.py) in the "
            f"{GENERATION} template (jobs.demo.write_archive), {arch['listing_pages']} "
            f"listing pages of {PER_PAGE}, conferences {arch['oldest']} to {arch['newest']}; "
            f"generated in {arch['seconds']:.1f} s. Transcript page sizes: min "
            f"{_kb(sizes[0])}, median {_kb(statistics.median(sizes))}, max {_kb(sizes[-1])} "
            f"(p10 {_kb(sizes[len(sizes) // 10])}, p90 {_kb(sizes[9 * len(sizes) // 10])}; "
            f"{_mb(sum(sizes))} in all).")
        add("")
        rows = [
            ["wall time (`briefwatch crawl`, start-up included)", f"{a['wall']:.2f} s"],
            ["run's own `seconds` (crawl --json)", f"{a['summary']['seconds']:.2f} s"],
            ["transcripts stored", f"{n:,} new, {a['summary']['failed']} failed, "
                                   f"{a['summary']['rejected']} rejected"],
            ["pages/s (transcripts / wall)", f"{n / a['wall']:.1f}"],
            ["requests (LocalSite)", f"{a['site']['requests']:,} "
                                     f"({a['site']['requests'] / a['wall']:.1f}/s)"],
            ["bytes sent by the server", _mb(a["site"]["bytes_sent"])],
            ["CPU of the crawl (CLI + crawl process, wait4)",
             f"{a['cpu']:.2f} s (user {a['user']:.2f}, system {a['system']:.2f})"],
            ["CPU per transcript page", f"{1000 * a['cpu'] / max(1, n):.1f} ms"],
            ["CPU use while crawling", f"{a['cpu'] / a['wall']:.2f} cores of "
                                       f"{os.cpu_count()}"],
            ["peak RSS (the larger of the two processes)", f"{a['maxrss_mb']:.0f} MB"],
            ["CPU of the local server (bench process)", f"{a['server_cpu']:.2f} s"],
        ]
        L += _table(["backfill", "value"], rows)
        add("")

    if "b" in results:
        b = results["b"]
        n = b["pages"]
        add("## b. The yardstick")
        add("")
        add("Reproduce: `python bench/run.py --only b` (or, on any folder of pages, "
            "`python bench/yardstick.py DIR`)  ")
        add(f"Measured: `{b['argv']}`: the {n:,} transcript pages ({_mb(b['bytes'])}) "
            "read into memory, then one process, one thread.")
        add("")
        rows = [["raw `trafilatura.extract(html, include_comments=False)`",
                 f"{b['trafilatura_wall']:.2f} s", f"{n / b['trafilatura_wall']:.1f}",
                 f"{1000 * b['trafilatura_wall'] / n:.2f} ms",
                 f"{b['trafilatura_empty']} empty"],
                ["briefwatch `crawler.extract.extract(html, url)`",
                 f"{b['extract_wall']:.2f} s", f"{n / b['extract_wall']:.1f}",
                 f"{1000 * b['extract_wall'] / n:.2f} ms", f"{b['extract_rejected']} rejected"]]
        L += _table(["extractor", "wall", "pages/s", "per page", "failures"], rows)
        add("")
        if "a" in results:
            ratio = results["a"]["wall"] / b["trafilatura_wall"]
            add(f"* **backfill_wall / trafilatura_wall = {ratio:.2f}** (goal ≤ 1.0)")
        add(f"* extract_wall / trafilatura_wall = "
            f"{b['extract_wall'] / b['trafilatura_wall']:.2f}")
        add("")

    if "c_quiet" in results:
        add("## c. Quiet night and full revisit (nothing changed on the site)")
        add("")
        add("Reproduce: `python bench/run.py --only c` (runs the backfill of a first)  ")
        add(f"Measured: `{results['c_quiet']['argv']}` (quiet night: default `--revisit "
            f"recent`, conferences within 30 days) then "
            f"`{results['c_all']['argv']}`. Bytes are everything the server wrote (status "
            f"lines, headers, bodies), counted by bench/countingsite.py.")
        add("")
        L += _table(["run", "wall", "requests", "304s", "bytes sent", "outcome", "CPU"],
                    [_crawl_rows("quiet night", results["c_quiet"]),
                     _crawl_rows("full revisit (`--revisit all`)", results["c_all"])])
        add("")
        for key, label in (("c_quiet", "quiet night"), ("c_all", "full revisit")):
            st = results[key]["summary"]["sources"].get("mfa-en", {})
            statuses = ", ".join(f"{k}: {v}" for k, v in
                                 sorted(results[key]["site"]["statuses"].items()))
            add(f"* {label}: status codes {statuses}; {st.get('listing_pages', '?')} listing "
                f"page(s), {st.get('not_modified', 0)} not modified")
        add("")

    if "d" in results:
        d = results["d"]
        add("## d. Diff latency")
        add("")
        add("Reproduce: `python bench/run.py --only d` (or `python bench/diffbench.py`)  ")
        add("Measured in process: what `briefwatch diff` does for each format — both versions "
            "loaded (storage.documents.find/version), `storage.comparisons.compare_versions` "
            "with the stored turns, then the renderer (`storage.text.diff.unified`, "
            "`jobs.render.terminal.words`, `side_by_side` at 120 columns, "
            "`jobs.render.pages.diff_document`, `jobs.contract.diff_record` + `json.dumps`, "
            "`jobs.render.terminal.turns`); median of repeats. Loading is shown apart; "
            "each format's time includes `compare` (the CLI computes it once per call; "
            "`unified` does not use it). Through the CLI: the median of "
            f"{d['cli_runs']} subprocesses per format, start-up included, after one that "
            "compiles the modules: this checkout's code first on PYTHONPATH, bytecode cached "
            "(PYTHONPYCACHEPREFIX in `$WORK`) as an installed package has it, e.g. "
            f"`{d['example']}`.")
        add("")
        head = ["pair", "paragraphs (changed)", "load", "compare"] + \
            [f"`{f}`" for f in diffbench.FORMATS]
        rows = []
        for c in d["cases"]:
            rows.append([f"{c['old_kb']} KB, {c['kind']} (in process)",
                         f"{c['paragraphs']} ({c['changed']})", f"{c['load_ms']:.1f} ms",
                         f"{c['compare_ms']:.1f} ms"]
                        + [f"{c['formats_ms'][f]:.1f} ms" for f in diffbench.FORMATS])
            rows.append([f"{c['old_kb']} KB, {c['kind']} (CLI)", "", "", ""]
                        + [f"{c['cli_ms'][f]:.0f} ms" for f in diffbench.FORMATS])
        L += _table(head, rows)
        add("")
        add(f"The floor under the CLI figures: `python -c STATEMENTS`, median of "
            f"{d['floor_runs']} runs; each row imports what the row above does, and more. "
            "Without a bytecode cache (PYTHONDONTWRITEBYTECODE=1, nothing written), modules "
            "that have no `__pycache__` beside them are compiled at every start.")
        add("")
        L += _table(["start-up", "bytecode cached", "PYTHONDONTWRITEBYTECODE=1"],
                    [[row["label"], f"{row['cached_ms']:.0f} ms", f"{row['uncached_ms']:.0f} ms"]
                     for row in d["floor"]])
        add("")

    if "e" in results:
        e0, e = results["e_after_backfill"], results["e"]
        add("## e. Database size and growth")
        add("")
        add("Reproduce: `python bench/run.py --only e` (runs the backfill of a first)  ")
        add(f"Measured: the database files (`briefwatch.db`, `-wal`, `-shm`) after the backfill; "
            f"then {QUIET_NIGHTS} more quiet nights (after figure c's two crawls, when c runs) "
            f"(`{e['argv']}`).")
        add("")
        total0 = sum(e0["files"].values())
        docs = max(1, e0["documents"])
        rows = [
            ["after the backfill", f"{e0['documents']:,}", f"{e0['versions']:,}",
             _mb(total0), _kb(total0 / docs), _kb(e0["raw_html"] / docs),
             _kb(e0["text"] / docs), _kb(e0["turns"] / docs)],
        ]
        for label, st in ((f"before {QUIET_NIGHTS} quiet nights", e["before"]),
                          (f"after {QUIET_NIGHTS} quiet nights", e["after"])):
            total = sum(st["files"].values())
            rows.append([label, f"{st['documents']:,}", f"{st['versions']:,}", _mb(total),
                         _kb(total / max(1, st["documents"])),
                         _kb(st["raw_html"] / max(1, st["documents"])),
                         _kb(st["text"] / max(1, st["documents"])),
                         _kb(st["turns"] / max(1, st["documents"]))])
        L += _table(["", "transcripts", "versions", "files (db+wal+shm)", "per transcript",
                     "raw HTML (zlib) per transcript", "text per transcript",
                     "turns JSON per transcript"], rows)
        add("")
        grow = sum(e["after"]["files"].values()) - sum(e["before"]["files"].values())
        add(f"* growth over {QUIET_NIGHTS} quiet nights: **{grow:+,} bytes, "
            f"{e['after']['versions'] - e['before']['versions']:+} versions**, "
            f"{e['after']['events'] - e['before']['events']:+} events, "
            f"{e['after']['runs'] - e['before']['runs']:+} runs (goal: zero new versions)")
        if e0.get("tables"):
            add("* space by table after the backfill (dbstat; indexes apart): " + ", ".join(
                f"{name} {_mb(size)}" for name, size in list(e0["tables"].items())[:6]))
        add("* files after the backfill: " + ", ".join(
            f"briefwatch.db{k} {v:,} B" for k, v in e0["files"].items()))
        add(f"* quiet nights: median {statistics.median(e['walls']):.2f} s, requests "
            f"{min(e['requests'])}–{max(e['requests'])} each")
        add("")

    if "f" in results:
        f = results["f"]
        add("## f. Start-up")
        add("")
        add("Reproduce: `python bench/run.py --only f`")
        add("")
        idle = [r["wall"] for r in f["idle"]]
        rows = [[f"`{f['help_argv']}`", f"median {statistics.median(f['help']):.3f} s "
                 f"(min {min(f['help']):.3f}, max {max(f['help']):.3f}; {len(f['help'])} runs)"],
                [f"`{f['idle'][0]['argv']}`, nothing to do (one listing page, its 3 "
                 f"transcripts stored, none recent)",
                 f"median {statistics.median(idle):.2f} s (min {min(idle):.2f}, max "
                 f"{max(idle):.2f}; {len(idle)} runs; {f['idle'][0]['site']['requests']} "
                 f"requests; CPU {f['idle'][0]['cpu']:.2f} s; peak RSS "
                 f"{f['idle'][0]['maxrss_mb']:.0f} MB)"]]
        four = f["four"]
        walls = [r["wall"] for r in four]
        summary = four[0]["summary"]
        rows.append([f"`{four[0]['argv']}`, a quiet night of four sources (mfa en-2014, "
                     f"zh-2014, en-2024, zh-2024; {FOUR_PAGES} transcripts each, "
                     f"{summary['unchanged']} recent ones revisited)",
                     f"median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max "
                     f"{max(walls):.2f}; {len(walls)} runs; {four[0]['site']['requests']} "
                     f"requests, {four[0]['site']['statuses'].get(304, 0)} answered 304; CPU "
                     f"{four[0]['cpu']:.2f} s)"])
        L += _table(["command", "wall"], rows)
        add("")
        add(f"`{f['importtime_argv']}`, top 10 by cumulative time:")
        add("")
        L += _table(["module", "cumulative", "self", "depth"],
                    [[f"`{r['module']}`", f"{r['cum_ms']:.1f} ms", f"{r['self_ms']:.1f} ms",
                      r["depth"]] for r in f["importtime"]])
        add("")

    if "p" in results:
        p = results["p"]
        add("## Where the backfill's time goes "
            "(cProfile of `briefwatch crawl`, which extracts and stores)")
        add("")
        add("Reproduce: `python bench/run.py --only p`  ")
        add(f"Measured: `{p['argv']}` on a fresh {PROFILE_PAGES}-transcript archive. "
            f"{p['pages']} transcripts in "
            f"{p['wall']:.2f} s under the profiler (CPU {p['cpu']:.2f} s); the same crawl "
            f"unprofiled (`{p['plain_argv']}`) took {p['plain_wall']:.2f} s (CPU "
            f"{p['plain_cpu']:.2f} s, both processes). The profile is of the `briefwatch "
            f"crawl` process, which extracts and stores; the crawl process it starts only "
            f"fetches (its CPU is in the CPU figures, not in the profile).")
        add("")
        add("Grouped (cumulative seconds, profiled; indented rows are parts of the row above):")
        add("")
        L += _table(["part", "cumulative", "share"],
                    [[k.replace("  ", "&nbsp;&nbsp;"), f"{v:.2f} s",
                      f"{100 * v / p['total']:.0f}%"] for k, v in p["groups"]])
        add("")
        for heading, key in (
                ("Top 15 by cumulative time (everything, plumbing included):", "cumulative"),
                ("Top 15 by cumulative time among briefwatch's own functions:", "own"),
                ("Top 15 by own time (tottime):", "tottime")):
            add(heading)
            add("")
            L += _table(["function", "calls", "tottime", "cumtime"],
                        [[f"`{r['func']}`", r["ncalls"], f"{r['tottime']:.2f}",
                          f"{r['cumtime']:.2f}"] for r in p[key]])
            add("")
    return "\n".join(L) + "\n"


def _goals(results: dict) -> list[list[str]]:
    rows = []

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    if "a" in results and "b" in results:
        ratio = results["a"]["wall"] / results["b"]["trafilatura_wall"]
        rows.append(["b. backfill_wall / trafilatura_wall", f"{ratio:.2f}", "≤ 1.0",
                     met(ratio <= 1.0)])
    if "d" in results:
        big = [c for c in results["d"]["cases"] if c["size_kb"] == max(diffbench.SIZES_KB)]
        for c in big:
            worst = max(c["formats_ms"].values())
            fmt = max(c["formats_ms"], key=c["formats_ms"].get)
            rows.append([f"d. 150 KB diff, {c['kind']}, in process (slowest format: {fmt})",
                         f"{worst:.1f} ms", "< 100 ms", met(worst < 100)])
            worst = max(c["cli_ms"].values())
            fmt = max(c["cli_ms"], key=c["cli_ms"].get)
            rows.append([f"d. 150 KB diff, {c['kind']}, CLI with start-up (slowest: {fmt})",
                         f"{worst:.0f} ms", "< 100 ms", met(worst < 100)])
    if "e" in results:
        e = results["e"]
        grown = e["after"]["versions"] - e["before"]["versions"]
        rows.append([f"e. new versions after {QUIET_NIGHTS} quiet nights", str(grown), "0",
                     met(grown == 0)])
    if "f" in results:
        median = statistics.median(results["f"]["help"])
        rows.append(["f. `briefwatch --help`, median", f"{median:.3f} s", "< 0.3 s",
                     met(median < 0.3)])
        four = statistics.median(r["wall"] for r in results["f"]["four"])
        rows.append(["f. quiet night of four sources, median", f"{four:.2f} s", "< 3 s",
                     met(four < 3)])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="200 transcripts instead of 2,000, to check the bench itself; "
                             "prints the report instead of writing bench/RESULTS.md")
    parser.add_argument("--pages", type=int, help="transcripts in the archive (overrides)")
    parser.add_argument("--only", default=FIGURES, metavar="LETTERS",
                        help=f"figures to run, e.g. 'a,b' (default: all of {FIGURES}); c and e "
                             f"run a first")
    parser.add_argument("--out", type=Path,
                        help="where to write the report [default: bench/RESULTS.md; with "
                             "--quick, stdout]")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate everything in DIR and keep it (default: a temporary "
                             "folder, removed)")
    args = parser.parse_args(argv)
    only = set(args.only.replace(",", "").replace(" ", ""))
    if not only or only - set(FIGURES):
        parser.error(f"--only takes letters among {FIGURES}")
    if only & set("ce"):
        only.add("a")
    pages = args.pages or (200 if args.quick else 2000)
    out = args.out or (None if args.quick else HERE / "RESULTS.md")

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    machine = procs.machine()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        work = args.keep.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="briefwatch-bench-"))

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr,
              flush=True)

    bench = Bench(work, pages, log)
    try:
        if only & set("abce"):
            bench.setup_main()
        if "a" in only:
            bench.backfill()
        if "b" in only:
            bench.yardstick()
        if "c" in only:
            bench.revisits()
        if "e" in only:
            bench.nights()
        if "d" in only:
            bench.diffs()
        if "f" in only:
            bench.startup()
        if "p" in only:
            bench.profile()
    finally:
        bench.close()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    mode = f"{'quick' if args.quick else 'full'}: {pages:,} transcripts"
    if only != set(FIGURES):
        mode += f", figures {''.join(sorted(only))}"
    command = "python bench/run.py" + (" --quick" if args.quick else "") + \
        (f" --pages {args.pages}" if args.pages else "") + \
        (f" --only {''.join(sorted(only))}" if only != set(FIGURES) else "")
    text = report(bench.results, machine, mode, command,
                  (load_before, os.getloadavg()[0]), time.perf_counter() - started)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
