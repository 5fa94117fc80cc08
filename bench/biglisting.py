"""A listing page of 100,000 transcript links (issue 27: the crawl process reached 457 MB on one):
`python bench/biglisting.py [--links N] [--seconds S]` writes it in the ministry's 2014
template, serves it on 127.0.0.1 with the error page for every transcript, runs `briefwatch
crawl` on it for at most S seconds, and prints the peak RSS of the crawl's processes, what the
crawl said, and how many transcript requests the site saw.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefwatch.jobs.demo import LocalSite, invent_briefings, write_archive  # noqa: E402

from bench.procs import briefwatch, run  # noqa: E402


def big_listing(root: Path, links: int) -> str:
    """The listing path: one real listing page whose one item is repeated `links` times, each
    linking a transcript of its own (none exists: each answers the site's error page)."""
    archive = write_archive(root, "en-2014", invent_briefings("en", dt.date(2020, 1, 6), 1,
                                                               seed=1), per_page=10)
    page = root / archive.listing_path.lstrip("/")
    html = page.read_text(encoding="utf-8")
    item = re.search(r'<li><a href="\./t\d+\.s?html".*?</li>', html, re.S)[0]
    name = re.search(r"t\d+\.s?html", item)[0]
    short = re.sub(r">[^<]+</a>", ">Regular Press Conference</a>", item)  # under the 16 MB cap
    many = "".join(short.replace(name, f"t{9_000_000 + k}.shtml") for k in range(links))
    page.write_text(html.replace(item, many), encoding="utf-8")
    return archive.listing_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        path = big_listing(root, args.links)
        with LocalSite(root) as site:
            config = Path(folder) / "briefwatch.toml"
            config.write_text(f'[storage]\npath = "bw.db"\n[crawl]\ndownload_delay = 0\n'
                              f'concurrency_per_domain = 16\n[[sources]]\nname = "mfa-en"\n'
                              f'spider = "mfa"\nstart_urls = ["{site.url(path)}"]\n',
                              encoding="utf-8")
            size = (root / path.lstrip("/")).stat().st_size
            measured = run([briefwatch(), "--config", str(config), "crawl"],
                           timeout=args.seconds, check=False)
            fetched = sum(1 for p in site.requests if re.search(r"/t\d+\.shtml$", p))
    print(f"listing page: {args.links:,} links, {size / 1e6:.1f} MB")
    print(f"crawl: exit {measured.returncode} after {measured.wall:.1f} s "
          f"(stopped at {args.seconds:.0f} s), peak RSS {measured.maxrss_kb / 1024:.0f} MB")
    print(f"transcript requests the site saw: {fetched:,}")
    print("said:", (measured.stdout + measured.stderr).strip()[-600:])


if __name__ == "__main__":
    main()
