"""Figure b, the yardstick: the archive's page bytes through raw trafilatura and through
briefwatch's own extractor, one process, one thread.

    python bench/yardstick.py DIR [--json]

reads every transcript page (t*.html, t*.shtml) under DIR into memory, then times
`trafilatura.extract(html, include_comments=False)` over all of them, and then
`crawler.extract.extract(html, url)` over the same strings. Reading and decoding are not timed;
each function is called once on the first page before timing (imports, caches).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load_pages(folder: Path) -> list[tuple[str, str]]:
    paths = sorted(p for pattern in ("t*.html", "t*.shtml") for p in folder.rglob(pattern))
    return [(p.as_posix(), p.read_bytes().decode("utf-8")) for p in paths]


def measure(pages: list[tuple[str, str]]) -> dict:
    import trafilatura
    from briefwatch.crawler.extract import Rejected, extract

    trafilatura.extract(pages[0][1], include_comments=False)
    extract(pages[0][1], "http://127.0.0.1/" + pages[0][0])
    out = {"pages": len(pages), "bytes": sum(len(h.encode()) for _, h in pages)}

    wall, cpu = time.perf_counter(), time.process_time()
    empty = 0
    for _, html in pages:
        if not trafilatura.extract(html, include_comments=False):
            empty += 1
    out["trafilatura_wall"] = time.perf_counter() - wall
    out["trafilatura_cpu"] = time.process_time() - cpu
    out["trafilatura_empty"] = empty

    wall, cpu = time.perf_counter(), time.process_time()
    rejected = 0
    for path, html in pages:
        if isinstance(extract(html, "http://127.0.0.1/" + path), Rejected):
            rejected += 1
    out["extract_wall"] = time.perf_counter() - wall
    out["extract_cpu"] = time.process_time() - cpu
    out["extract_rejected"] = rejected
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/yardstick.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of transcript pages (searched "
                                                  "recursively)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    pages = load_pages(args.folder)
    if not pages:
        parser.error(f"no t*.html or t*.shtml pages under {args.folder}")
    result = measure(pages)
    if args.json:
        print(json.dumps(result))
    else:
        n = result["pages"]
        for key in ("trafilatura", "extract"):
            wall = result[f"{key}_wall"]
            print(f"{key:<12} {wall:7.2f} s  {n / wall:7.1f} pages/s  "
                  f"{1000 * wall / n:6.2f} ms/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
