"""`briefwatch demo`: the whole loop, offline, in well under a minute.

A local copy of the Foreign Ministry's English archive (invented transcripts in the real
template) is served on 127.0.0.1 and crawled; then a new briefing is published and an older one
reworded, the way the ministry does, and a second crawl flags both and shows the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from jobs.config import load_config

DEMO_CONFIG = """\
# Written by `briefwatch demo`: a local copy of a briefing site, crawled without delay.
[storage]
path = "demo.db"

[crawl]
download_delay = 0
concurrency_per_domain = 8

[[sources]]
name = "mfa-en"
spider = "mfa"
start_urls = ["{start_url}"]
"""


def run_demo(workdir: Path | None, echo: Callable[[str], None]) -> None:
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="briefwatch-demo-") as tmp:
            _demo(Path(tmp), echo)
            echo("\n(the demo's files were in a temporary folder, now removed; "
                 "'briefwatch demo --dir DIR' keeps them)")
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        _demo(workdir, echo)
        echo(f"\nThe demo's site, config and database are in {workdir}; try:\n"
             f"  briefwatch --config {workdir / 'briefwatch.toml'} list")


def _demo(base: Path, echo: Callable[[str], None]) -> None:
    from jobs.cli import cli
    from jobs.demosite import LocalSite, invent_briefings, reword, write_archive
    from jobs.nightly import run

    site_root = base / "site"
    today = dt.date.today()
    briefings = invent_briefings("en", today - dt.timedelta(days=1), count=12, seed=7)
    archive = write_archive(site_root, "en-2024", briefings, per_page=5, visits=1200)
    with LocalSite(site_root) as site:
        config_path = base / "briefwatch.toml"
        config_path.write_text(DEMO_CONFIG.format(start_url=site.url(archive.listing_path)),
                               encoding="utf-8")
        config = load_config(config_path)

        echo(f"1. A local copy of the Foreign Ministry's English archive is served at "
             f"{site.base_url}\n   ({len(briefings)} briefings on {archive.pages} listing "
             f"pages). First crawl, which walks the whole archive:")
        first = run(config)
        echo("   " + first.line())

        newest = dataclasses.replace(
            invent_briefings("en", today, count=1, seed=8)[0],
            number=max(b.number for b in briefings) + 1,
        )
        edited = reword(briefings[1], seed=3)
        published = [newest, briefings[0], edited, *briefings[2:]]
        write_archive(site_root, "en-2024", published, per_page=5, visits=1733)
        echo(f"\n2. The site publishes a new briefing ({newest.date}) and quietly rewords the "
             f"one of {edited.date};\n   its visit counter and sidebars change too. "
             f"Second crawl:")
        second = run(config)
        echo("   " + second.line())

        echo("\n3. briefwatch changes --kind new / --kind edited (this run):")
        since = _run_started(config, second.run)
        for kind in ("new", "edited"):
            cli.main(["--config", str(config_path), "changes", "--since", since, "--kind", kind],
                     prog_name="briefwatch", standalone_mode=False)
        url = site.url(archive.article_paths[edited.number])
        echo(f"\n4. briefwatch diff {url}")
        cli.main(["--config", str(config_path), "diff", url], prog_name="briefwatch",
                 standalone_mode=False)


def _run_started(config, run_id: int) -> str:
    from storage.db import open_db

    db = open_db(config.storage_path)
    try:
        return db.execute("SELECT started FROM runs WHERE id = ?", [run_id]).fetchone()[0]
    finally:
        db.close()
