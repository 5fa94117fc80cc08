"""`briefwatch demo`: the whole loop, offline, in well under a minute.

A local copy of the Foreign Ministry's English and Chinese archives (invented transcripts in
the real templates, the same conferences in both languages) is served on 127.0.0.1 and crawled
as one series; then a new briefing is published, an older one polished, and a question cut
from the English transcript of another while the Chinese keeps it, the way the ministry does.
A second crawl flags them, tells which conference now differs between its languages, and shows
the edit as a journalist reads it (`diff --format turns`) beside the unified diff.
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
pair = "mfa-zh"

[[sources]]
name = "mfa-zh"
spider = "mfa"
start_urls = ["{zh_start_url}"]
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
    from briefwatch.jobs.demo.briefings import drop_exchange, invent_briefings, polish
    from briefwatch.jobs.demo.server import LocalSite
    from briefwatch.jobs.demo.site import write_archive

    # The demo tells its story from the start each time: a database of an earlier demo holds
    # URLs of a site (a port) that is gone.
    for old in [*base.glob("demo.db*"), *base.glob("logs/run-*.log")]:
        old.unlink()
    site_root = base / "site"
    # The generator skips weekends: the newest briefing is the last weekday up to today, and
    # the archive the demo starts from ends the weekday before it. The same seeds in both
    # languages: a day's Chinese briefing is its English one's original, exchange for exchange.
    def archive_of(lang: str) -> tuple[object, list]:
        newest = invent_briefings(lang, dt.date.today(), count=1, seed=8)[0]
        return newest, invent_briefings(lang, newest.date - dt.timedelta(days=1), count=12,
                                        seed=7)

    newest, briefings = archive_of("en")
    zh_newest, zh_briefings = archive_of("zh")
    generations = {"en": "en-2024", "zh": "zh-2024"}
    archive = write_archive(site_root, "en-2024", briefings, per_page=5, visits=1200)
    zh_archive = write_archive(site_root, "zh-2024", zh_briefings, per_page=5, visits=1200)
    with LocalSite(site_root) as site:
        config_path = base / "briefwatch.toml"
        config_path.write_text(DEMO_CONFIG.format(
            start_url=site.url(archive.listing_path),
            zh_start_url=site.url(zh_archive.listing_path)), encoding="utf-8")
        config = load_config(config_path)

        echo(f"1. A local copy of the Foreign Ministry's English and Chinese archives is served "
             f"at\n   {site.base_url} ({len(briefings)} conferences in each language, "
             f"{archive.pages} listing pages each),\n   followed as one series. First crawl, "
             f"which walks the whole archive and pairs each\n   conference's two transcripts:")
        first = run(config)
        echo("   " + first.line())

        edited = polish(briefings[1])
        cut = drop_exchange(briefings[2], 1)
        write_archive(site_root, generations["en"], [newest, briefings[0], edited, cut,
                                                     *briefings[3:]], per_page=5, visits=1733)
        write_archive(site_root, generations["zh"], [zh_newest, *zh_briefings], per_page=5,
                      visits=1733)
        echo(f"\n2. The site publishes a new briefing ({newest.date}) in both languages, "
             f"polishes the English\n   of {edited.date}, and cuts a question from the English "
             f"of {cut.date} (the Chinese keeps it);\n   visit counters and sidebars change too. "
             f"Second crawl:")
        second = run(config)
        echo("   " + second.line())

        echo(f"\n3. briefwatch changes --run {second.run} --order significance")
        command(["--config", str(config_path), "changes", "--run", str(second.run), "--order",
                 "significance"])
        echo("\n4. briefwatch pairs --divergent")
        command(["--config", str(config_path), "pairs", "--divergent"])
        cut_url = site.url(archive.article_paths[cut.number])
        echo(f"\n5. briefwatch diff {cut_url} --format turns")
        command(["--config", str(config_path), "diff", cut_url, "--format", "turns"])
        url = site.url(archive.article_paths[edited.number])
        echo(f"\n6. briefwatch diff {url} --format turns, and the unified diff")
        command(["--config", str(config_path), "diff", url, "--format", "turns"])
        command(["--config", str(config_path), "diff", url])
        if serve:
            echo(f"\nThe demo site stays up at {site.base_url}/ (its pages are in "
                 f"{site_root}): edit one, then\n  briefwatch --config {config_path} crawl "
                 f"--revisit all\nCtrl-C stops it.")
            _wait_for_stop()
            echo("demo site stopped")

