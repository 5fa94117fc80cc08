"""Figure d: diff latency, in process and through the CLI.

    python bench/diffbench.py [--json]

stores four transcripts with two versions each in a fresh database (storage.versions.record,
as the crawl does): about 30 KB and 150 KB of text, the second version either reworded in
about 5% of its paragraphs or in every paragraph. Then, for each format of
`briefwatch diff --format`, it times what `briefwatch diff` does in process (loading both versions,
storage.text.diff.compare, the format's renderer) and runs the real CLI, several times each. Last,
the floor under the CLI figures: the same Python starting with nothing to do, then importing
what `briefwatch diff` imports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import corpus  # noqa: E402
import procs  # noqa: E402

FORMATS = ("unified", "words", "side-by-side", "html", "json", "turns")
CLI_RUNS = 7  # per pair and format, in rounds: a start-up varies with the machine's other work
FLOOR_RUNS = 11
# Python statements for the floor: each row imports what the one above does, and more.
_DIFF_IMPORTS = ("import briefwatch.jobs.cli, briefwatch.storage.db, briefwatch.storage.documents, "
                 "briefwatch.storage.comparisons, briefwatch.jobs.render.terminal, "
                 "briefwatch.storage.text.turns, fast_diff_match_patch")
FLOOR = (
    ("`python -c pass`", "pass"),
    ("+ `import briefwatch.jobs.cli` (click, the config)", "import briefwatch.jobs.cli"),
    ("+ what `diff --format words` imports", _DIFF_IMPORTS),
    ("+ jinja2 and jobs.render.pages (`--format html`)",
     _DIFF_IMPORTS + ", jinja2, briefwatch.jobs.render.pages"),
)
SIZES_KB = (30, 150)
KINDS = (("reworded 5%", 0.05), ("every paragraph", 1.0))
CONFIG = """\
[storage]
path = "diff.db"

[[sources]]
name = "bench"
spider = "mfa"
start_urls = ["http://127.0.0.1:9/eng/xw/fyrbt/lxjzh/"]
"""


def build(work: Path) -> tuple[Path, list[dict]]:
    """A config and database holding the four pairs; one case per pair."""
    from briefwatch.storage.db import open_db
    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
    from briefwatch.storage.text.turns import split_turns
    from briefwatch.storage.versions import Fetched, record

    config = work / "briefwatch.toml"
    config.write_text(CONFIG, encoding="utf-8")
    db = open_db(work / "diff.db")
    cases = []
    try:
        for k, size in enumerate(SIZES_KB):
            day = dt.date(2024, 3, 4) + dt.timedelta(days=7 * k)
            old = corpus.long_briefing(day, size * 1024, seed=11)
            for j, (kind, share) in enumerate(KINDS):
                new = corpus.reworded(old, share, seed=j)
                url = f"http://127.0.0.1:9/eng/xw/fyrbt/lxjzh/{day:%Y%m}/t{day:%Y%m%d}_{j}.html"
                for b in (old, new):
                    text = corpus.text_of(b)
                    record(db, None, Fetched(
                        source="bench", url=url, title=b.title, published=day.isoformat(),
                        text=text, text_hash=text_hash(text),
                        canonical_hash=canonical_hash(b.title, text), extractor="bench",
                        turns=split_turns(text, b.title),
                        conference=conference_key(day, b.title)))
                changed = sum(x != y for x, y in zip(old.paragraphs, new.paragraphs,
                                                     strict=True))
                cases.append({"size_kb": size, "kind": kind, "url": url,
                              "old_kb": round(len(corpus.text_of(old).encode()) / 1024, 1),
                              "new_kb": round(len(corpus.text_of(new).encode()) / 1024, 1),
                              "paragraphs": len(old.paragraphs), "changed": changed})
    finally:
        db.close()
    return config, cases


def _timed(fn, budget: float = 1.0, least: int = 3, most: int = 25) -> float:
    """Median milliseconds of fn() over repeats (at least `least`, until `budget` s)."""
    times: list[float] = []
    spent = 0.0
    while len(times) < least or (spent < budget and len(times) < most):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    return 1000 * statistics.median(times)


def in_process(db_path: Path, cases: list[dict]) -> None:
    """Adds `load_ms`, `compare_ms` and `formats_ms` (compare + render, as `briefwatch diff`
    does: storage.comparisons, then jobs.render or jobs.contract)."""
    from briefwatch.jobs.cli.common import safe
    from briefwatch.jobs.contract import diff_record
    from briefwatch.jobs.render import terminal
    from briefwatch.jobs.render.pages import diff_document
    from briefwatch.storage.comparisons import compare_versions
    from briefwatch.storage.db import open_db
    from briefwatch.storage.documents import find, version
    from briefwatch.storage.text.diff import unified
    from briefwatch.storage.text.names import load_names

    names = load_names(None)

    db = open_db(db_path, create=False)
    try:
        for case in cases:
            def load(case=case):
                doc = find(db, case["url"])
                return doc, version(db, doc["id"], 1), version(db, doc["id"], 2)

            doc, a, b = load()
            case["load_ms"] = _timed(load)
            labels = f"v1 {a['fetched_at']}", f"v2 {b['fetched_at']}"

            def cmp(a=a, b=b):
                return compare_versions(a, b, names).comparison

            case["compare_ms"] = _timed(cmp)
            renderers = {
                "unified": lambda a=a, b=b, labels=labels: unified(
                    safe(a["text"]), safe(b["text"]), *labels, context=1),
                "words": lambda labels=labels: terminal.words(cmp(), *labels, 1, False, safe),
                "side-by-side": lambda labels=labels: terminal.side_by_side(
                    cmp(), *labels, 1, 120, False, safe),
                "html": lambda doc=doc, a=a, b=b: diff_document(doc, a, b, cmp(), 1),
                "json": lambda doc=doc, a=a, b=b: json.dumps(
                    diff_record(cmp(), doc, a, b), ensure_ascii=False, default=str),
                "turns": lambda: terminal.turns(cmp(), None, safe),
            }
            for fn in renderers.values():
                fn()  # imports (rich, jinja2) and template compilation: not timed
            case["formats_ms"] = {fmt: _timed(fn) for fmt, fn in renderers.items()}
            case["output_kb"] = {fmt: round(len(str(fn()).encode()) / 1024, 1)
                                 for fmt, fn in renderers.items()}
    finally:
        db.close()


def cli_env(work: Path, *, bytecode: bool = True) -> dict:
    """The environment of the subprocesses: this checkout's code first (the venv may have
    briefwatch installed from another one), and compiled modules cached, in $WORK, as an
    installed package has them, even where PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def through_cli(config: Path, cases: list[dict], env: dict) -> list[str]:
    """Adds `cli_ms` per format: the median of CLI_RUNS `briefwatch diff` subprocesses, start-up
    included, after one run that compiles and caches the modules. Returns one example
    command."""
    examples = []
    for case in cases:
        argvs = {fmt: [procs.briefwatch(), "--config", str(config), "diff", case["url"],
                       "--format", fmt] for fmt in FORMATS}
        walls: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
        for k in range(CLI_RUNS + 1):
            for fmt, argv in argvs.items():
                measured = procs.run(argv, timeout=120, env=env)
                if k:
                    walls[fmt].append(1000 * measured.wall)
        case["cli_ms"] = {fmt: statistics.median(w) for fmt, w in walls.items()}
        examples.append(argvs[FORMATS[-1]])
    return examples[-1] if examples else []


def floor(work: Path) -> list[dict]:
    """Wall ms (median of FLOOR_RUNS) of each FLOOR statement, with bytecode cached and with
    every module of this checkout compiled anew (PYTHONDONTWRITEBYTECODE)."""
    rows = []
    for label, code in FLOOR:
        row = {"label": label, "code": code}
        for key, env in (("cached_ms", cli_env(work)),
                         ("uncached_ms", cli_env(work, bytecode=False))):
            argv = [sys.executable, "-c", code]
            procs.run(argv, env=env)
            row[key] = statistics.median(1000 * procs.run(argv, env=env).wall
                                         for _ in range(FLOOR_RUNS))
        rows.append(row)
    return rows


def run(work: Path) -> dict:
    config, cases = build(work)
    in_process(work / "diff.db", cases)
    example = through_cli(config, cases, cli_env(work))
    return {"cases": cases, "example_argv": example, "config": str(config),
            "floor": floor(work), "cli_runs": CLI_RUNS, "floor_runs": FLOOR_RUNS}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python bench/diffbench.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="briefwatch-diffbench-"))
    try:
        result = run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
        return 0
    for case in result["cases"]:
        print(f"{case['size_kb']} KB, {case['kind']}: compare {case['compare_ms']:.1f} ms")
        for fmt in FORMATS:
            print(f"  {fmt:<13} in process {case['formats_ms'][fmt]:7.1f} ms   "
                  f"CLI {case['cli_ms'][fmt]:7.0f} ms")
    for row in result["floor"]:
        print(f"{row['label']:<45} {row['cached_ms']:5.0f} ms cached, "
              f"{row['uncached_ms']:5.0f} ms compiling this checkout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
