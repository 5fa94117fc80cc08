"""`briefwatch demo`: the whole loop, offline, in well under a minute.

A local copy of the Foreign Ministry's English archive (invented transcripts in the real
template) is served on 127.0.0.1 and crawled; then a new briefing is published and an older one
reworded, the way the ministry does, and a second crawl flags both and shows the diff.
"""

from __future__ import annotations

import datetime as dt
import signal
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from briefwatch.jobs.config import load_config

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


def run_demo(workdir: Path | None, echo: Callable[[str], None],
             command: Callable[[list[str]], None], *, serve: bool = False) -> None:
    """`command(args)` runs a briefwatch command (the CLI passes itself: the demo shows what
    `changes` and `diff` print). With `serve` (and a `workdir`), the demo site stays up
    afterwards, until Ctrl-C, for editing pages and crawling again."""
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="briefwatch-demo-") as tmp:
            _demo(Path(tmp), echo, command, serve=False)
            echo("\n(the demo's files were in a temporary folder, now removed; "
                 "'briefwatch demo --dir DIR' keeps them)")
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        _demo(workdir, echo, command, serve=serve)
        if not serve:
            echo(f"\nThe demo's site, config and database are in {workdir}; try:\n"
                 f"  briefwatch --config {workdir / 'briefwatch.toml'} list\n"
                 f"('briefwatch demo --dir {workdir} --serve' keeps its site up to crawl again)")


def _wait_for_stop() -> None:
    """Until Ctrl-C or SIGTERM. Handlers of our own: a process started with SIGINT ignored
    (by a job control or a test runner) would not otherwise hear Ctrl-C at all."""
    stop = threading.Event()

    def ask(signum, frame) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, ask)
    while not stop.wait(0.5):
        pass


def _demo(base: Path, echo: Callable[[str], None],
          command: Callable[[list[str]], None], *, serve: bool) -> None:
    from briefwatch.jobs.crawl import run
    from briefwatch.jobs.demo.briefings import invent_briefings, reword
    from briefwatch.jobs.demo.server import LocalSite
    from briefwatch.jobs.demo.site import write_archive

    # The demo tells its story from the start each time: a database of an earlier demo holds
    # URLs of a site (a port) that is gone.
    for old in [*base.glob("demo.db*"), *base.glob("logs/run-*.log")]:
        old.unlink()
    site_root = base / "site"
    # The generator skips weekends: the newest briefing is the last weekday up to today, and
    # the archive the demo starts from ends the weekday before it.
    newest = invent_briefings("en", dt.date.today(), count=1, seed=8)[0]
    briefings = invent_briefings("en", newest.date - dt.timedelta(days=1), count=12, seed=7)
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

        edited = reword(briefings[1], seed=3)
        published = [newest, briefings[0], edited, *briefings[2:]]
        write_archive(site_root, "en-2024", published, per_page=5, visits=1733)
        echo(f"\n2. The site publishes a new briefing ({newest.date}) and quietly rewords the "
             f"one of {edited.date};\n   its visit counter and sidebars change too. "
             f"Second crawl:")
        second = run(config)
        echo("   " + second.line())

        echo(f"\n3. briefwatch changes --run {second.run}")
        command(["--config", str(config_path), "changes", "--run", str(second.run)])
        url = site.url(archive.article_paths[edited.number])
        echo(f"\n4. briefwatch diff {url}")
        command(["--config", str(config_path), "diff", url])
        if serve:
            echo(f"\nThe demo site stays up at {site.base_url}/ (its pages are in "
                 f"{site_root}): edit one, then\n  briefwatch --config {config_path} crawl "
                 f"--revisit all\nCtrl-C stops it.")
            _wait_for_stop()
            echo("demo site stopped")

