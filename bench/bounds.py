"""Issue 27, items 1 and 2: a diff bounded by the size of the change, a query refused at once.

    python bench/bounds.py [--before PYTHON] [--transcripts N] [--cap SECONDS] [--out FILE]

Side by side, in one run, for the Python this runs with ("after") and, with `--before`, the
Python of another checkout's virtualenv ("before", e.g. /work/main/.venv/bin/python at the
commit before the fix), each figure in a fresh process of that Python:

* diff: a transcript of N paragraphs, two paragraphs repeated in turn (5.6 MB at 70,000),
  and its second version with one new paragraph inserted in the middle: the seconds of
  storage.text.diff.change_summary (what a crawl stores for the edit) and the summary it gives,
  for N = 1,000, 8,000 and 70,000 (target at 70,000: under a second);
* identical texts of 70,000 paragraphs: storage.text.diff.compare;
* search: a 16,000-word query (80 KB) on a database of `--transcripts` invented
  briefings (bench/corpus.py, stored as a crawl stores them), in process
  (storage.search.search) and through the real CLI (`briefwatch search`, wall time, exit
  status, bytes on stderr) (target: refused at once); and a 100-word query (the cap) found in
  the database, for scale.

A figure that runs past `--cap` seconds (default 120) is stopped and reported as "> cap".
Writes the report to `--out` (default bench/BOUNDS.md) and prints it.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

SIZES = (1_000, 8_000, 70_000)
REPEATED = ("The spokesperson said that cooperation will continue to benefit both peoples.",
            "We hope the relevant parties will work together to uphold peace and stability.")
INSERTED = "A new paragraph, inserted in the middle of the transcript by an edit."
QUERY_WORDS = 16_000

# What each figure runs, in a fresh process of the Python measured: it prints one JSON object.
DIFF_CHILD = """
import json, sys, time
from briefwatch.storage.text.diff import change_summary
n = int(sys.argv[1]); repeated = json.loads(sys.argv[2]); inserted = sys.argv[3]
old = [repeated[k % 2] for k in range(n)]
new = old[:n // 2] + [inserted] + old[n // 2:]
a, b = "\\n".join(old), "\\n".join(new)
start = time.perf_counter()
summary = change_summary(a, b)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "mb": len(a.encode()) / 1e6,
                  "summary": {k: v for k, v in summary.items() if v and k != "turns_changed"}}))
"""
SAME_CHILD = """
import json, sys, time
from briefwatch.storage.text.diff import compare
repeated = json.loads(sys.argv[2])
text = "\\n".join(repeated[k % 2] for k in range(int(sys.argv[1])))
start = time.perf_counter()
compare(text, str(text))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
SEARCH_CHILD = """
import json, sys, time
from briefwatch.storage.db import open_db
from briefwatch.storage.search import BadQuery, search
db = open_db(sys.argv[1]); query = open(sys.argv[2], encoding="utf-8").read()
start = time.perf_counter()
try:
    hits, error = len(search(db, query)), None
except BadQuery as exc:
    hits, error = None, str(exc)
print(json.dumps({"seconds": time.perf_counter() - start, "hits": hits,
                  "error": error and error[:200], "error_chars": error and len(error)}))
"""


def child(python: str, code: str, args: list[str], cap: float) -> dict:
    try:
        proc = subprocess.run([python, "-c", code, *args], capture_output=True, text=True,
                              timeout=cap, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"stopped": cap}
    if proc.returncode:
        return {"failed": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout)


def cli_search(python: str, config: Path, query: str, cap: float) -> dict:
    start = time.perf_counter()
    try:
        proc = subprocess.run([python, "-m", "briefwatch.jobs.cli", "--config", str(config),
                               "search", query], capture_output=True, text=True, timeout=cap,
                              cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    except subprocess.TimeoutExpired:
        return {"stopped": cap}
    return {"seconds": time.perf_counter() - start, "code": proc.returncode,
            "stderr_bytes": len(proc.stderr.encode()), "stdout_bytes": len(proc.stdout.encode()),
            "stderr": proc.stderr.strip()[:160]}


def build(work: Path, transcripts: int) -> tuple[Path, Path]:
    """A config and a database of `transcripts` invented briefings, stored as a crawl does."""
    import corpus
    from briefwatch.storage.db import open_db
    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
    from briefwatch.storage.text.turns import split_turns
    from briefwatch.storage.versions import Fetched, record

    config = work / "briefwatch.toml"
    config.write_text('[storage]\npath = "bounds.db"\n\n[[sources]]\nname = "bench"\n'
                      'spider = "mfa"\nstart_urls = ["http://127.0.0.1:9/eng/"]\n',
                      encoding="utf-8")
    db = open_db(work / "bounds.db")
    try:
        for k, b in enumerate(corpus.archive_briefings(dt.date(2024, 12, 20), transcripts)):
            text = corpus.text_of(b)
            record(db, None, Fetched(
                source="bench", url=f"http://127.0.0.1:9/eng/t{k}.html", title=b.title,
                published=b.date.isoformat(), text=text, text_hash=text_hash(text),
                canonical_hash=canonical_hash(b.title, text), extractor="bench",
                turns=split_turns(text, b.title), conference=conference_key(b.date, b.title)))
    finally:
        db.close()
    return config, work / "bounds.db"


def measure(python: str, config: Path, db: Path, queries: dict[str, Path], cap: float) -> dict:
    repeated = json.dumps(REPEATED)
    out = {"diff": {}, "same": child(python, SAME_CHILD, ["70000", repeated], cap)}
    for n in SIZES:
        out["diff"][n] = child(python, DIFF_CHILD, [str(n), repeated, INSERTED], cap)
        print(f"  {python}: diff of {n:,}: {out['diff'][n]}", file=sys.stderr)
    out["search"] = {name: child(python, SEARCH_CHILD, [str(db), str(path)], cap)
                     for name, path in queries.items()}
    out["cli"] = cli_search(python, config, queries["long"].read_text(encoding="utf-8"), cap)
    print(f"  {python}: search: {out['search']} {out['cli']}", file=sys.stderr)
    return out


def shown(figure: dict, key: str = "seconds") -> str:
    if "stopped" in figure:
        return f"> {figure['stopped']:.0f} s (stopped)"
    if "failed" in figure:
        return f"failed: {figure['failed']}"
    return f"{figure[key]:.3f} s"


def report(results: dict[str, dict], args, transcripts: int) -> str:
    sides = list(results)
    head = "| figure | " + " | ".join(sides) + " |\n|---|" + "---|" * len(sides)
    rows = []
    for n in SIZES:
        rows.append(f"| diff, {n:,} repeated paragraphs, one inserted: seconds | "
                    + " | ".join(shown(results[s]["diff"][n]) for s in sides) + " |")
        rows.append(f"| the summary stored for it ({n:,}) | "
                    + " | ".join(str(results[s]["diff"][n].get("summary", "–"))
                                 for s in sides) + " |")
    rows.append("| identical texts, 70,000 paragraphs (compare) | "
                + " | ".join(shown(results[s]["same"]) for s in sides) + " |")
    rows.append(f"| search, {QUERY_WORDS:,}-word query, in process | "
                + " | ".join(shown(results[s]["search"]["long"]) for s in sides) + " |")
    rows.append(f"| `briefwatch search` {QUERY_WORDS:,} words: wall, exit status, stderr bytes | "
                + " | ".join(f"{shown(results[s]['cli'])}, exit {results[s]['cli'].get('code')}"
                             f", {results[s]['cli'].get('stderr_bytes')} B" for s in sides)
                + " |")
    rows.append("| search, 100-word query found (the cap), in process | "
                + " | ".join(shown(results[s]["search"]["cap"]) for s in sides) + " |")
    said = "\n".join(f"* {s}: `{results[s]['cli'].get('stderr', '')}`" for s in sides)
    sample = results[sides[-1]]["diff"][SIZES[-1]]
    command = (f"python bench/bounds.py{' --before ' + args.before if args.before else ''} "
               f"--transcripts {transcripts} --cap {args.cap:.0f}")
    return f"""# Bounded diffs and queries (issue 27, items 1 and 2)

`{command}`: each figure in a fresh process of each side's Python, one side after the other on
this machine ({platform.processor() or platform.machine()}, {os.cpu_count()} cores shared with
other work, load average {os.getloadavg()[0]:.1f} at the end; Python
{platform.python_version()}). Figures past {args.cap:.0f} s are stopped (the issue measured
the 70,000-paragraph diff before at 295 s). The text is {sample.get('mb', 0):.1f} MB at 70,000
paragraphs; the database {transcripts:,} invented briefings (bench/corpus.py).

{head}
{chr(10).join(rows)}

What `briefwatch search` said to the 16,000-word query:

{said}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", help="the Python of the checkout to compare with")
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--out", default=str(HERE / "BOUNDS.md"))
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # see below
    args = parser.parse_args()
    if args.build:
        build(args.build, args.transcripts)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config, db = build(work, args.transcripts)
        import sqlite3
        with sqlite3.connect(db) as conn:  # a 100-word passage the database holds
            text = conn.execute("SELECT text FROM versions ORDER BY id LIMIT 1").fetchone()[0]
        queries = {"long": work / "long.txt", "cap": work / "cap.txt"}
        # about 80 KB: one argument of a command line holds at most 128 KB
        queries["long"].write_text(" ".join(("time", "will", "prove", "that")[k % 4]
                                            for k in range(QUERY_WORDS)), encoding="utf-8")
        # 100 words as the index counts them (search ignores the punctuation between them)
        import re
        queries["cap"].write_text(" ".join(re.findall(r"[^\W_]+", text)[:100]),
                                  encoding="utf-8")
        sides = {}
        if args.before:
            sides["before"] = args.before
        sides["after"] = sys.executable
        results = {}
        for name, python in sides.items():
            # each side its own database, written by that side's Python: an older briefwatch
            # refuses a database of a newer schema
            (work / name).mkdir()
            if python == sys.executable:
                shutil.copy(db, work / name / db.name)
                shutil.copy(config, work / name / config.name)
            else:
                subprocess.run([python, __file__, "--build", str(work / name),
                                "--transcripts", str(args.transcripts)], check=True)
            results[name] = measure(python, work / name / config.name, work / name / db.name,
                                    queries, args.cap)
    text = report(results, args, args.transcripts)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
