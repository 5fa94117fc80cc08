"""Issue 27's figures, before and after, side by side in one run on this machine.

    python bench/issue27.py --before CHECKOUT [--transcripts 3000] [--seconds 15] [--out FILE]

CHECKOUT is a checkout of briefwatch from before the issue's fixes with its own virtualenv
(`CHECKOUT/.venv`, `pip install -e .`); "after" is this checkout's Python. One after the other:

* bench/bounds.py: a 70,000-paragraph diff with one paragraph inserted (and 1,000 and 8,000),
  identical texts of 70,000 paragraphs, a 16,000-word query (target: under a second; refused at
  once);
* bench/servebench.py: `serve` under 8 and 32 concurrent clients on a database of
  `--transcripts` transcripts made by bench/decade.py (target: no error, p99 under a second at
  32);
* bench/biglisting.py: a crawl of a listing page of 25,000 and of 100,000 links (peak RSS).

Writes one Markdown report to `--out` (default bench/ISSUE27.md) and prints it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run(argv: list[str], timeout: float = 3600) -> str:
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    print(f"  ({time.monotonic() - started:.0f} s) {' '.join(argv)}", file=sys.stderr)
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(prog="python bench/issue27.py")
    parser.add_argument("--before", type=Path, required=True, help="the checkout before")
    parser.add_argument("--transcripts", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--out", type=Path, default=HERE / "ISSUE27.md")
    args = parser.parse_args()
    before_python = str(args.before / ".venv" / "bin" / "python")
    after_python = sys.executable
    commit = {side: subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                                   capture_output=True, text=True).stdout.strip()
              for side, path in (("before", args.before), ("after", ROOT))}
    sections = []
    with tempfile.TemporaryDirectory() as folder:
        bounds = Path(folder) / "bounds.md"
        run([after_python, str(HERE / "bounds.py"), "--before", before_python,
             "--transcripts", "1000", "--cap", "60", "--out", str(bounds)])
        table = [line for line in bounds.read_text(encoding="utf-8").splitlines()
                 if line.startswith("|")]
        sections.append("## Diffs and queries (bench/bounds.py)\n\n" + "\n".join(table))

        served = Path(folder) / "served"
        # made by the before side, which the after side upgrades when it first opens it
        run([before_python, str(args.before / "bench" / "decade.py"), "generate", str(served),
             "--transcripts", str(args.transcripts), "--versions", str(2 * args.transcripts)])
        table = run([after_python, str(HERE / "servebench.py"), str(served),
                     "--briefwatch", f"{args.before / '.venv' / 'bin' / 'briefwatch'}",
                     "--label", f"before ({commit['before']})",
                     "--briefwatch", f"{after_python} -m briefwatch.jobs.cli",
                     "--label", f"after ({commit['after']})",
                     "--seconds", str(args.seconds)])
        sections.append(f"## `serve` under concurrent clients (bench/servebench.py, "
                        f"{args.transcripts:,} transcripts, {args.seconds:.0f} s each)\n\n"
                        + table.strip())

        rows = ["| side | listing page | what the crawl did |", "|---|---|---|"]
        for side, python in (("before", before_python), ("after", after_python)):
            for links in (25_000, 100_000):
                said = run([python, str(HERE / "biglisting.py"), "--links", str(links),
                            "--seconds", "60"]).strip().splitlines()
                summary = "; ".join(line for line in said[:3] if not line.startswith("listing"))
                rows.append(f"| {side} ({commit[side]}) | {links:,} links | {summary} |")
        sections.append("## A crawl of a huge listing page (bench/biglisting.py, stopped at "
                        "60 s)\n\n" + "\n".join(rows))

    load = os.getloadavg()[0]
    text = (f"# Issue 27, before and after, in one run\n\n`python bench/issue27.py --before "
            f"{args.before}`, {dt.date.today().isoformat()}, on {platform.machine()} with "
            f"{os.cpu_count()} cores (load average {load:.1f} at the end), Python "
            f"{platform.python_version()}. Before: {commit['before']}; after: "
            f"{commit['after']}. Each figure is one run.\n\n" + "\n\n".join(sections) + "\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
