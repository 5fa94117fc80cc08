"""What `briefwatch archive` costs in requests to the archive (issue 25), written to
bench/ARCHIVE.md.

    python bench/archivebench.py [--sizes 500,50000] [--out bench/ARCHIVE.md] [--keep DIR]

For each size, a database holding that many transcripts of one source (stored through
storage.versions.record, as a crawl stores them: raw page, SHA-256 and SHA-1, turns, search
index), and a local CDX server (tests/sites/wayback.py, written from the Internet Archive's
documentation) holding two captures of every transcript with the bytes stored, and one old
capture of one transcript before an edit. Then the real CLI, in a subprocess: a first import,
and a repeat import with nothing new. Measured: the requests the archive answered (counted by
the server), what they cost at the Internet Archive's pace of one request a second, the
import's own wall time with no delay, and the peak RSS of its processes. Nothing touches the
internet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sites.wayback import Wayback  # noqa: E402

CLI = [sys.executable, "-m", "briefwatch.jobs.cli"]
HOST = "https://www.fmprc.gov.cn"
FOLDER = "/eng/xw/fyrbt/lxjzh/"
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="news_header"><h1 class="news_header_title">{title}</h1>
<p class="news_header_time"><span class="xltime">{day}</span></p></div>
<div class="content_text"><div class="view_dedault"><div class="TRS_UEDITOR">
{paragraphs}
</div></div></div></body></html>"""


def _page(n: int, day: dt.date, edited: bool = False) -> tuple[str, str, bytes]:
    title = (f"Foreign Ministry Spokesperson Lin Jian's Regular Press Conference on "
             f"{day:%B} {day.day}, {day.year}")
    paras = [f"Reuters: What is China's comment on item {n} of {day}?",
             f"Lin Jian: We have noted the reports on item {n}. China's position is consistent "
             f"and clear, and we call on all parties to stay calm.",
             f"AFP: A follow-up on item {n}: will China send a delegation?",
             "Lin Jian: We will release information in due course." if not edited else
             "Lin Jian: I have nothing to offer at the moment. Please check back later."]
    url = f"{HOST}{FOLDER}{day:%Y%m}/t{day:%Y%m%d}_{11000000 + n}.html"
    body = PAGE.format(title=title, day=day.isoformat(),
                       paragraphs="\n".join(f"<p>{p}</p>" for p in paras))
    return url, title, body.encode()


def generate(folder: Path, count: int) -> tuple[Path, list[tuple[str, bytes]]]:
    """The database and config of `count` transcripts; the (url, stored bytes) of each."""
    from briefwatch.crawler.prepare import prepare
    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.versions import Fetched, record

    folder.mkdir(parents=True, exist_ok=True)
    db = open_db(folder / "briefwatch.db")
    run = runs.start(db, ["mfa-en"], {"backfill": True})
    pages, first = [], dt.date(2024, 12, 31)
    db.conn.execute("BEGIN")
    for n in range(count):
        day = first - dt.timedelta(days=n // 3)
        url, _, raw = _page(n, day)
        # The one transcript whose old capture is replayed is extracted as a crawl would; the
        # others, all of one shape, are read with two regexes (the same text, much faster).
        fields = vars(prepare(raw.decode(), url)) if n == 0 else _quick(day, raw)
        record(db, run, Fetched(source="mfa-en", url=url, raw_html=raw,
                                status_line="HTTP/1.1 200 OK",
                                headers=[["Content-Type", "text/html"]], **fields))
        pages.append((url, raw))
        if n % 2000 == 1999:
            db.conn.execute("COMMIT")
            db.conn.execute("BEGIN")
    db.conn.execute("COMMIT")
    runs.finish(db, run, "completed", {})
    db.close()
    return folder / "briefwatch.db", pages


def _quick(day: dt.date, raw: bytes) -> dict:
    import re

    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash

    html = raw.decode()
    title = re.search(r'news_header_title">([^<]+)<', html)[1]
    text = "\n\n".join(re.findall(r"<p>([^<]+)</p>", html))
    return {"title": title, "published": day.isoformat(), "text": text,
            "text_hash": text_hash(text), "canonical_hash": canonical_hash(title, text),
            "extractor": "bench/archive", "turns": None,
            "conference": conference_key(day, title), "meta": None}


def config(folder: Path, wayback: Wayback) -> Path:
    path = folder / "briefwatch.toml"
    path.write_text(
        f'[storage]\npath = "briefwatch.db"\n\n[archive]\ncdx_url = "{wayback.cdx_url}"\n'
        f'replay_url = "{wayback.replay_url}"\ndownload_delay = 0\n\n[[sources]]\n'
        f'name = "mfa-en"\nspider = "mfa"\nstart_urls = ["{HOST}{FOLDER}"]\n', encoding="utf-8")
    return path


def archive(path: Path, wayback: Wayback) -> dict:
    wayback.reset_counts()
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen([*CLI, "--config", str(path), "archive", "--json"],
                                stdout=out, stderr=err, text=True)
        # wait4: this import's processes alone (the CLI and the crawl process it waited for)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"archive failed: {err.read()}")
        summary = json.loads(out.read())
    counts = wayback.counts()
    source = summary["sources"]["mfa-en"]
    return {"requests": counts["all"], "cdx": counts["cdx"], "replays": counts["replay"],
            "reported": summary["requests"], "skipped_by_digest": source.get(
                "skipped_by_digest", 0), "captures": source.get("captures", 0),
            "known": source.get("captures_known", 0), "earlier": source.get("earlier", 0),
            "same": source.get("same", 0), "wall": round(seconds, 1),
            "at_pace_s": counts["all"] * 1.0,
            "rss_mb": round(usage.ru_maxrss / 1024)}


def bench(size: int, work: Path) -> dict:
    folder = work / f"n{size}"
    started = time.monotonic()
    db, pages = generate(folder, size)
    built = time.monotonic() - started
    with Wayback() as wayback:
        for k, (url, raw) in enumerate(pages):
            wayback.add(url, "20250105000000", raw)
            wayback.add(url, "20250301000000", raw)
            if k == 0:  # the old edit
                day = dt.date(2024, 12, 31)
                wayback.add(url, "20241231120000", _page(0, day, edited=True)[2])
        path = config(folder, wayback)
        first = archive(path, wayback)
        again = archive(path, wayback)
    return {"size": size, "captures": len(pages) * 2 + 1, "built_s": round(built, 1),
            "first": first, "again": again}


def report(results: list[dict]) -> str:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    lines = [
        "# Archive import at the archive's pace (issue 25)", "",
        "`python bench/archivebench.py` (this file). One source whose every transcript the "
        "local CDX server (tests/sites/wayback.py) holds twice with the bytes stored, plus one "
        "old capture before an edit. Requests are what the archive answered (robots.txt, CDX "
        "queries, replays), counted by the server; *at 1 s* is what they cost at the Internet "
        "Archive's pace of about one request a second; *wall* is the import's own time with "
        "`download_delay = 0` (the CLI, the crawl process, recording); *RSS* the peak of its "
        "largest process.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}; commit {head}.", "",
        "Before (issue 25, the per-transcript path): 480 transcripts took 962 requests to "
        "import and 503 to import again.", "",
        "| transcripts | captures | import | requests (CDX + replays) | skipped by digest | "
        "earlier versions | at 1 s | wall | RSS |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for label, m in (("first", r["first"]), ("repeat", r["again"])):
            lines.append(
                f"| {r['size']:,} | {r['captures']:,} | {label} | {m['requests']} "
                f"({m['cdx']} + {m['replays']}) | {m['skipped_by_digest']:,} | {m['earlier']} | "
                f"{_span(m['at_pace_s'])} | {m['wall']} s | {m['rss_mb']} MB |")
    lines += ["", "Goals (issue 25): a first import of 500 transcripts with one differing "
              "capture in at most 50 requests, a repeat import in at most 10; the same for "
              "50,000.", ""]
    for r in results:
        ok = r["first"]["requests"] <= 50 and r["again"]["requests"] <= 10
        lines.append(f"* {r['size']:,} transcripts: {'met' if ok else 'NOT met'} "
                     f"({r['first']['requests']} and {r['again']['requests']} requests; the "
                     f"database built in {r['built_s']} s, not counted).")
    lines += ["", "A prefix page holds 25,000 rows (`cdx.PREFIX_PAGE`): 50,000 transcripts "
              "with two captures each are 5 pages (4 full, 1 with the last row). With 5,000 "
              "rows a page they took 21 pages: 23 requests to import, 22 to import again. "
              "The first import records each capture whose digest is a stored version's SHA-1 "
              "without fetching it (it may date an edit); "
              "the repeat finds every capture already noted and fetches nothing.", ""]
    return "\n".join(lines)


def _span(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,50000")
    parser.add_argument("--out", default=str(ROOT / "bench" / "ARCHIVE.md"))
    parser.add_argument("--keep", help="generate in this folder and keep it")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="archivebench-"))
    try:
        results = []
        for size in (int(s) for s in args.sizes.split(",")):
            results.append(bench(size, work))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
        text = report(results)
        Path(args.out).write_text(text, encoding="utf-8")
        print(text)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
