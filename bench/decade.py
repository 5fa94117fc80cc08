"""A decade of briefings in one database, for issue 17's figures (bench/DECADE.md).

    python bench/decade.py generate DIR [--transcripts 50000] [--versions 150000] [--seed 17]

writes DIR/briefwatch.db and DIR/briefwatch.toml: twelve sources over ten years, each
transcript with its versions, every version stored through storage.versions.record (events,
speaker turns, the search index, the raw page compressed) as a nightly crawl would, under a
simulated clock, then the English and Chinese series paired (storage.pairings). The pages are
rendered in the real templates (jobs.demo), 15-60 KB for English (bench/corpus.py), so
that the raw evidence costs what it would. Seeded: the same arguments give the same database.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefwatch.jobs import demo as demosite  # noqa: E402

from bench import corpus  # noqa: E402

# name, template generation, host: three generations of the ministry in two languages, and
# missions mirroring the English remarks in the old and the 2021 templates.
CLI = [sys.executable, "-m", "briefwatch.jobs.cli"]
SOURCES = (
    ("mfa-en", "en-2024", "www.fmprc.gov.cn"),
    ("mfa-zh", "zh-2024", "www.mfa.gov.cn"),
    ("mfa-en-2014", "en-2014", "www.fmprc.gov.cn"),
    ("mfa-zh-2014", "zh-2014", "www.fmprc.gov.cn"),
    ("mfa-en-2021", "en-2021", "www.fmprc.gov.cn"),
    ("us-embassy", "en-2014", "us.china-embassy.gov.cn"),
    ("uk-embassy", "en-2021", "gb.china-embassy.gov.cn"),
    ("vancouver", "en-2014", "vancouver.china-consulate.org"),
    ("sydney", "en-2021", "sydney.china-consulate.gov.cn"),
    ("houston", "en-2014", "houston.china-consulate.gov.cn"),
    ("osaka", "en-2021", "osaka.china-consulate.gov.cn"),
    ("scio-en", "en-2024", "english.scio.gov.cn"),
)
NEWEST = dt.date(2026, 11, 27)
# Versions per transcript: 1 to 6, three on average (a decade of revisits and imports).
VERSION_COUNTS = (1, 1, 2, 3, 3, 4, 5, 5)


class SimulatedClock:
    """storage.clock.now for the generator: the time of the night being stored."""

    def __init__(self):
        self.at = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> str:
        return self.at.isoformat(timespec="seconds")


def plan(transcripts: int, versions: int, seed: int) -> list[tuple]:
    """(night, source index, briefing day, number, versions) for every transcript, and the
    nights its edits arrive, in the order a decade of crawls would store them."""
    r = random.Random(f"decade:{seed}")
    per_source = transcripts // len(SOURCES)
    scale = versions / transcripts / (sum(VERSION_COUNTS) / len(VERSION_COUNTS))
    items = []
    for k in range(len(SOURCES)):
        for day, slot in _days(per_source + (1 if k < transcripts % len(SOURCES) else 0)):
            count = max(1, round(r.choice(VERSION_COUNTS) * scale))
            first = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, k),
                                        tzinfo=dt.UTC)
            edits = sorted(r.sample(range(1, 60), count - 1))
            items.append((first, k, day, slot, 0))
            items += [(first + dt.timedelta(days=e), k, day, slot, j + 1)
                      for j, e in enumerate(edits)]
    items.sort()
    return items


def _days(count: int) -> list[tuple[dt.date, int]]:
    """`count` (day, slot) back from NEWEST over ten years: a source publishes more than one
    transcript on some days (slot 0, 1, …)."""
    span, seen, out = 3650, {}, []
    for i in range(count):
        day = NEWEST - dt.timedelta(days=i * span // count)
        seen[day] = seen.get(day, -1) + 1
        out.append((day, seen[day]))
    return out


def briefing(k: int, day: dt.date, slot: int, seed: int):
    name, generation, _ = SOURCES[k]
    lang = demosite.GENERATIONS[generation].lang
    if lang == "en":
        r = random.Random(f"decade-size:{seed}:{k}:{day}:{slot}")
        b = corpus.long_briefing(day, corpus.page_target(r), seed + k + 100 * slot,
                                 per_paragraph=corpus.PARAGRAPH_MARKUP_BYTES,
                                 fixed=corpus.PAGE_FURNITURE_BYTES)
    else:
        b = demosite.invent_briefing("zh", day, seed * 1000 + k + 100 * slot)
    # One number per source, day and slot, in the URL and the page.
    days = (day - dt.date(2000, 1, 1)).days
    return dataclasses.replace(b, number=(k + 1) * 10_000_000 + days * 4 + slot)


def edited(b, j: int, seed: int):
    """Edit j of a briefing: a few sentences reworded, or (every third edit) an exchange cut."""
    if j % 3 == 0 and len(demosite.question_indices(b)) > 1:
        return demosite.drop_exchange(b, j % len(demosite.question_indices(b)))
    if b.lang == "en":
        return corpus.reworded(b, 0.08, seed=seed * 100 + j)
    return demosite.reword(b, seed=seed * 100 + j)


def render(k: int, b) -> tuple[str, bytes]:
    """The transcript's URL and its page as served."""
    name, generation, host = SOURCES[k]
    gen = demosite.GENERATIONS[generation]
    html = demosite.render_article(gen, b, demosite.render_body(b, gen, False), b.number % 997,
                                   [b], [])
    return f"https://{host}{gen.folder}{gen.article_name(b)}", html.encode("utf-8")


def generate(folder: Path, transcripts: int, versions: int, seed: int) -> dict:
    import briefwatch.storage.runs
    import briefwatch.storage.versions
    from briefwatch.storage.db import open_db
    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
    from briefwatch.storage.text.turns import split_turns

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "briefwatch.db"
    if db_path.exists():
        raise SystemExit(f"{db_path} exists: generate into an empty folder")
    (folder / "briefwatch.toml").write_text(_config(), encoding="utf-8")
    clock = SimulatedClock()
    # the nights of the decade
    briefwatch.storage.versions.now = briefwatch.storage.runs.now = clock
    db = open_db(db_path)
    started = time.monotonic()
    current: dict[tuple[int, dt.date, int], object] = {}
    night, run = None, None
    db.conn.execute("BEGIN")
    for stored, (at, k, day, slot, j) in enumerate(plan(transcripts, versions, seed), 1):
        if at.date() != night:
            # Edits come within 60 days of the first version: older briefings are done with.
            for key in [key for key in current if (at.date() - key[1]).days > 62]:
                del current[key]
            if run is not None:
                briefwatch.storage.runs.finish(db, run, "completed", {})
            night, clock.at = at.date(), at
            run = briefwatch.storage.runs.start(db, [s[0] for s in SOURCES], {"backfill": False,
                                                                   "revisit": "recent"})
        clock.at = at
        key = (k, day, slot)
        b = briefing(k, day, slot, seed) if j == 0 else edited(current[key], j, seed)
        current[key] = b
        url, raw = render(k, b)
        text = corpus.text_of(b)
        page = briefwatch.storage.versions.Fetched(
            source=SOURCES[k][0], url=url, title=b.title, published=day.isoformat(),
            text=text, text_hash=text_hash(text), canonical_hash=canonical_hash(b.title, text),
            extractor="decade/1", raw_html=raw, turns=split_turns(text, b.title),
            conference=conference_key(day, b.title), status_line="HTTP/1.1 200 OK",
            headers=[["Content-Type", "text/html"], ["Server", "Apache"]])
        briefwatch.storage.versions.record(db, run, page)
        if stored % 1000 == 0:
            db.conn.execute("COMMIT")
            db.conn.execute("BEGIN")
            rate = stored / (time.monotonic() - started)
            print(f"{stored} versions stored ({rate:.0f}/s)", file=sys.stderr, flush=True)
    briefwatch.storage.runs.finish(db, run, "completed", {})
    db.conn.execute("COMMIT")
    stored_seconds = time.monotonic() - started
    from briefwatch.storage.pairings import update_pairings
    from briefwatch.storage.text.names import load_names

    update_pairings(db, [("mfa-en", "mfa-zh")], load_names(None), run)
    counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("documents", "versions", "events", "runs", "pairings")}
    db.close()
    return {"seconds": round(time.monotonic() - started, 1),
            "storing_seconds": round(stored_seconds, 1), **counts}


# -- reads -------------------------------------------------------------------------------------

COMMON_EN, COMMON_ZH = "cooperation", "中国"


def _samples(db_path: Path) -> dict:
    """What the reads ask for: the newest transcript with the most versions, a rare English
    phrase and a rare Chinese passage taken from one transcript's text."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    doc = conn.execute("SELECT id FROM documents WHERE versions >= 3 ORDER BY published DESC "
                       "LIMIT 1").fetchone()[0]
    zh = conn.execute("SELECT v.title FROM versions v JOIN documents d ON d.id = v.document "
                      "WHERE d.source = 'mfa-zh' ORDER BY v.id LIMIT 1 OFFSET 777").fetchone()[0]
    title = conn.execute("SELECT title FROM documents WHERE source = 'mfa-en' ORDER BY id "
                         "LIMIT 1 OFFSET 777").fetchone()[0]
    conn.close()
    return {"doc": doc, "rare_en": title.split("Conference on ", 1)[-1],
            "rare_zh": zh[:12]}


def reads(folder: Path, repeat: int = 5) -> dict:
    """Each read command's wall time beyond the CLI's start-up (`--help`), median of `repeat`,
    with its peak memory; then the web view's pages, timed by the server's answer."""
    import resource
    import statistics
    import subprocess

    config = folder / "briefwatch.toml"
    sample = _samples(folder / "briefwatch.db")
    cli = [*CLI, "--config", str(config)]
    commands = {
        "--help (start-up)": ["--help"],
        "list --limit 50": ["list", "--limit", "50"],
        "changes --limit 50": ["changes", "--limit", "50"],
        "show ID": ["show", str(sample["doc"])],
        "history ID": ["history", str(sample["doc"])],
        "diff ID": ["diff", str(sample["doc"])],
        f"search {COMMON_EN}": ["search", COMMON_EN],
        "search (rare English phrase)": ["search", sample["rare_en"]],
        f"search {COMMON_ZH}": ["search", COMMON_ZH],
        "search (rare Chinese passage)": ["search", sample["rare_zh"]],
        "sources": ["sources"],
        "runs": ["runs"],
    }
    out = {"sample": sample, "cli": {}, "web": {}}
    for label, args in commands.items():
        times, peak = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            proc = subprocess.Popen([*cli, *args], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - started)
            peak = max(peak, usage.ru_maxrss)
            if status != 0:
                raise SystemExit(f"{label}: exit {status}: {proc.stderr.read()[:300]!r}")
        out["cli"][label] = {"ms": round(statistics.median(times) * 1000, 1),
                             "peak_mb": round(peak / 1024, 1)}
    startup = out["cli"]["--help (start-up)"]["ms"]
    for row in out["cli"].values():
        row["beyond_startup_ms"] = round(row["ms"] - startup, 1)
    del resource
    out["web"] = _web(config, sample, repeat)
    return out


def _web(config: Path, sample: dict, repeat: int) -> dict:
    import re
    import statistics
    import subprocess
    import urllib.parse
    import urllib.request

    proc = subprocess.Popen([*CLI, "--config", str(config), "serve",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        base = re.search(r"http://\S+?(?=/ )", proc.stdout.readline())[0]
        doc = sample["doc"]
        pages = {"/": "/", "/t/ID": f"/t/{doc}", "/t/ID/diff": f"/t/{doc}/diff",
                 "/changes": "/changes", "/transcripts": "/transcripts",
                 f"/search?q={COMMON_EN}": f"/search?q={COMMON_EN}",
                 "/search?q=(rare English phrase)":
                     "/search?q=" + urllib.parse.quote(sample["rare_en"]),
                 f"/search?q={COMMON_ZH}": "/search?q=" + urllib.parse.quote(COMMON_ZH)}
        out = {}
        for label, path in pages.items():
            times, size = [], 0
            for _ in range(repeat + 1):
                started = time.perf_counter()
                with urllib.request.urlopen(base + path, timeout=120) as answer:
                    size = len(answer.read())
                times.append(time.perf_counter() - started)
            out[label] = {"ms": round(statistics.median(times[1:]) * 1000, 1),
                          "kb": round(size / 1024, 1)}
        out["serve peak memory (MB)"] = round(_peak_kb(proc.pid) / 1024, 1)
        return out
    finally:
        proc.terminate()
        proc.wait(10)


def _peak_kb(pid: int) -> int:
    """A running process's peak resident memory (VmHWM), in KB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def night(folder: Path) -> dict:
    """A quiet night against a database of this size: every source's first listing page,
    served locally and bringing nothing new, `crawl --revisit none`. What grows with the
    archive is what the crawl is handed (every stored URL) and what it looks up."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        for _, generation, _ in SOURCES:
            gen = demosite.GENERATIONS[generation]
            page = root / gen.folder.strip("/") / gen.page_name(0)
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(demosite.render_listing(gen, [], 0, 1, 0, 20, 0, []), encoding="utf-8")
        with demosite.LocalSite(root) as site:
            config = Path(tmp) / "briefwatch.toml"
            text = (folder / "briefwatch.toml").read_text(encoding="utf-8")
            text = text.replace('path = "briefwatch.db"',
                                f'path = "{folder / "briefwatch.db"}"')
            for _, _, host in SOURCES:
                text = text.replace(f"https://{host}/", f"{site.base_url}/")
            config.write_text(text + "\n[crawl]\ndownload_delay = 0\n", encoding="utf-8")
            started = time.perf_counter()
            proc = subprocess.Popen([*CLI, "--config", str(config),
                                     "crawl", "--revisit", "none", "--json"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            peak = 0
            while proc.poll() is None:
                peak = max(peak, _tree_peak_kb(proc.pid))
                time.sleep(0.05)
            out, err = proc.communicate()
            seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"the quiet night failed: {err.decode()[-500:]}")
    summary = json.loads(out)
    return {"seconds": round(seconds, 2), "peak_mb": round(peak / 1024, 1),
            "requests": summary["sources"] and sum(s.get("requests", 0)
                                                    for s in summary["sources"].values()),
            "new": summary["new"]}


def _tree_peak_kb(pid: int) -> int:
    """The largest VmHWM among a process and its children."""
    peaks = [_peak_kb(pid)]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        peaks += [_peak_kb(int(c)) for c in children.read_text().split()
                  if Path(f"/proc/{c}").exists()]
    return max(peaks)


def plans(folder: Path) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the reads' queries, as SQLite will run them on this file."""
    import sqlite3

    conn = sqlite3.connect(f"file:{folder / 'briefwatch.db'}?mode=ro", uri=True)
    queries = {
        "list --limit 50": "SELECT id FROM documents ORDER BY published DESC, id DESC LIMIT 50",
        "changes --limit 50": "SELECT e.id FROM events e JOIN documents d ON d.id = e.document "
                              "LEFT JOIN versions v ON v.id = e.version ORDER BY e.id DESC "
                              "LIMIT 50",
        "versions of a transcript": "SELECT id FROM versions WHERE document = 1 ORDER BY n",
        "a transcript by URL": "SELECT id FROM documents WHERE url = 'x'",
        "sources: count": "SELECT count(*) FROM documents WHERE source = 'mfa-en'",
        "sources: newest": "SELECT id FROM documents WHERE source = 'mfa-en' ORDER BY "
                           "published DESC, id DESC LIMIT 1",
        "suspects of runs": "SELECT id FROM suspects WHERE run IN (1, 2)",
        "web index: sources": "SELECT source, count(*), sum(versions), sum(status = 'removed'), "
                              "max(published), max(last_seen) FROM documents GROUP BY source",
    }
    out = {label: [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
           for label, sql in queries.items()}
    conn.close()
    return out


def sizes(folder: Path) -> dict:
    """Bytes per table and index (SQLite's dbstat), and per stored version."""
    import sqlite3

    conn = sqlite3.connect(f"file:{folder / 'briefwatch.db'}?mode=ro", uri=True)
    versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    tables = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
                               "ORDER BY 2 DESC").fetchall())
    columns = conn.execute("SELECT avg(length(text)), avg(length(raw_html)), "
                           "avg(length(turns)), avg(length(headers)) FROM versions").fetchone()
    total = (folder / "briefwatch.db").stat().st_size
    conn.close()
    return {"file_bytes": total, "versions": versions,
            "per_version_kb": round(total / versions / 1024, 2),
            "tables_mb": {k: round(v / 1e6, 1) for k, v in tables.items()},
            "avg_column_bytes": dict(zip(("text", "raw_html", "turns", "headers"),
                                         (round(c or 0) for c in columns), strict=True))}


def _config() -> str:
    lines = ['[storage]', 'path = "briefwatch.db"', ""]
    for name, generation, host in SOURCES:
        gen = demosite.GENERATIONS[generation]
        lines += ["[[sources]]", f'name = "{name}"', 'spider = "mfa"',
                  f'start_urls = ["https://{host}{gen.folder}"]']
        if name == "mfa-en":
            lines.append('pair = "mfa-zh"')
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/decade.py")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write DIR/briefwatch.db and DIR/briefwatch.toml")
    gen.add_argument("folder", type=Path)
    gen.add_argument("--transcripts", type=int, default=50_000)
    gen.add_argument("--versions", type=int, default=150_000)
    gen.add_argument("--seed", type=int, default=17)
    for name, help_ in (("reads", "time the read commands and the web view's pages"),
                        ("night", "time a quiet night's crawl against this database"),
                        ("plans", "EXPLAIN QUERY PLAN of the reads' queries"),
                        ("sizes", "where the bytes go")):
        sub.add_parser(name, help=help_).add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    import json

    if args.command == "generate":
        print(generate(args.folder, args.transcripts, args.versions, args.seed))
    elif args.command == "reads":
        print(json.dumps(reads(args.folder), ensure_ascii=False, indent=1))
    elif args.command == "night":
        print(json.dumps(night(args.folder), indent=1))
    elif args.command == "plans":
        print(json.dumps(plans(args.folder), ensure_ascii=False, indent=1))
    else:
        print(json.dumps(sizes(args.folder), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
