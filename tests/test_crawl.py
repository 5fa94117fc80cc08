"""End to end: local copies of the ministry's archives on 127.0.0.1, crawled by the real CLI.

The pages are our own invented transcripts in the real templates (jobs.demo); every
assertion compares what briefwatch stored with what the generator published.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from briefwatch.jobs.demo import (
    GENERATIONS,
    LocalSite,
    drop_exchange,
    invent_briefings,
    reword,
    write_archive,
)

from tests.helpers import CLI, REPO, crawl, read_cli, run_cli, write_config


def export(config: Path) -> dict[str, dict]:
    result = read_cli("export", config=config)
    assert result.code == 0, result.err
    return {row["url"]: row for row in result.jsonl()}


def events(config: Path, *args: str) -> list[dict]:
    result = read_cli("changes", "--json", *args, config=config)
    assert result.code == 0, result.err
    return result.jsonl()


def listing_pages_requested(site: LocalSite, generation: str) -> set[int]:
    gen = GENERATIONS[generation]
    pattern = re.compile(rf"{re.escape(gen.folder)}{gen.stem}(?:_(\d+))?\.{gen.ext}$")
    pages = set()
    for path in site.requests:
        match = pattern.match(path.split("?")[0])
        if match:
            pages.add(int(match[1] or 0))
    return pages


def assert_captured(stored: dict[str, dict], site: LocalSite, archive, briefings) -> None:
    for briefing in briefings:
        url = site.url(archive.article_paths[briefing.number])
        assert url in stored, f"missing {url}"
        row = stored[url]
        assert row["title"] == briefing.title
        assert row["published"] == briefing.date.isoformat()
        assert row["text"].split("\n") == list(briefing.paragraphs), url


# -- the 2014–2020 archives, English and Chinese: 13 listing pages each, of 16 transcripts (the
# real ones hold 40: the walk is the same with two fifths of the pages to fetch) ---------------


BACKFILLED = 13 * 16 - 3  # per language: the last listing page not full


@pytest.fixture(scope="module")
def archive_2014(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive-2014")
    newest = dt.date(2020, 7, 3)
    en = invent_briefings("en", newest, BACKFILLED, seed=1)
    zh = invent_briefings("zh", newest, BACKFILLED, seed=2)
    en_archive = write_archive(root / "site", "en-2014", en, per_page=16, visits=10)
    zh_archive = write_archive(root / "site", "zh-2014", zh, per_page=16, visits=10)
    with LocalSite(root / "site") as site:
        config = write_config(root / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(en_archive.listing_path)]},
            {"name": "mfa-zh", "spider": "mfa", "start_urls": [site.url(zh_archive.listing_path)]},
        ])
        summary = crawl(config)
        yield {"site": site, "config": config, "summary": summary, "en": (en_archive, en),
               "zh": (zh_archive, zh), "backfill_requests": len(site.requests)}


def test_backfill_walks_every_listing_page(archive_2014):
    site = archive_2014["site"]
    assert archive_2014["en"][0].pages == 13
    assert listing_pages_requested(site, "en-2014") == set(range(13))
    assert listing_pages_requested(site, "zh-2014") == set(range(13))
    assert not [p for p in site.requests if "pepp4_" in p], "followed the bot trap"


def test_backfill_captures_every_transcript_exactly(archive_2014):
    summary = archive_2014["summary"]
    assert summary["status"] == "completed"
    assert (summary["new"], summary["edited"], summary["failed"], summary["rejected"]) == (
        2 * BACKFILLED, 0, 0, 0)
    stored = export(archive_2014["config"])
    assert len(stored) == 2 * BACKFILLED
    site = archive_2014["site"]
    assert_captured(stored, site, *archive_2014["en"])
    assert_captured(stored, site, *archive_2014["zh"])
    for row in stored.values():
        for furniture in ("Suggest to a friend", "Visits:", "推荐给朋友", "版权所有", "访问量",
                          "Español", "Related"):
            assert furniture not in row["text"]


def test_each_transcript_is_new_exactly_once(archive_2014):
    new = events(archive_2014["config"], "--kind", "new")
    assert len(new) == len({e["url"] for e in new}) == 2 * BACKFILLED
    assert {e["source"] for e in new} == {"mfa-en", "mfa-zh"}
    assert all(e["version"] == 1 and e["run"] == archive_2014["summary"]["run"] for e in new)


def test_quiet_night_reads_one_listing_page_per_source(archive_2014):
    site = archive_2014["site"]
    before = len(site.requests)
    summary = crawl(archive_2014["config"])
    assert (summary["new"], summary["edited"]) == (0, 0)
    quiet = site.requests[before:]
    assert listing_pages_requested(LocalSiteView(quiet), "en-2014") == {0}
    assert listing_pages_requested(LocalSiteView(quiet), "zh-2014") == {0}
    # robots.txt (and its redirect) plus one listing page per source; nothing recent to revisit
    assert len(quiet) <= 8, quiet
    assert len(events(archive_2014["config"])) == 2 * BACKFILLED


class LocalSiteView:
    def __init__(self, requests):
        self.requests = requests


# -- a small archive that the site then changes ---------------------------------------------


@pytest.fixture
def small(tmp_path):
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2019, 12, 20), 30, seed=5)
    archive = write_archive(root, "en-2014", briefings, per_page=10, visits=1)
    with LocalSite(root) as site:
        config = write_config(tmp_path / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}])
        first = crawl(config)
        assert first["new"] == 30
        yield {"root": root, "site": site, "config": config, "briefings": briefings,
               "archive": archive}


def test_new_then_edited_then_unchanged(small):
    briefings, config, site = small["briefings"], small["config"], small["site"]
    fresh = invent_briefings("en", dt.date(2019, 12, 27), 5, seed=5)[:4]
    fresh = [b for b in fresh if b.date > briefings[0].date]
    target = briefings[6]
    edited = reword(target, seed=2)
    assert edited.paragraphs != target.paragraphs
    published = [*fresh, *briefings[:6], edited, *briefings[7:]]
    archive = write_archive(small["root"], "en-2014", published, per_page=10, visits=2)

    summary = crawl(config, "--revisit", "all")
    assert (summary["new"], summary["edited"], summary["unchanged"]) == (len(fresh), 1, 29)
    again = crawl(config, "--revisit", "all")
    assert (again["new"], again["edited"], again["unchanged"]) == (0, 0, 30 + len(fresh))

    url = site.url(archive.article_paths[target.number])
    edits = events(config, "--kind", "edited")
    assert [(e["url"], e["version"]) for e in edits] == [(url, 2)]
    assert edits[0]["summary"]["paragraphs_changed"] >= 1
    assert {e["url"] for e in events(config, "--kind", "new", "--run", str(summary["run"]))} == {
        site.url(archive.article_paths[b.number]) for b in fresh}

    diff = run_cli("diff", url, config=config)
    assert diff.code == 0, diff.err
    lines = diff.out.splitlines()
    removed = [p for p in target.paragraphs if p not in edited.paragraphs]
    added = [p for p in edited.paragraphs if p not in target.paragraphs]
    assert removed and added
    for paragraph in removed:
        assert f"-{paragraph}" in lines
    for paragraph in added:
        assert f"+{paragraph}" in lines
    assert "\x1b[" not in diff.out  # no colour when not a terminal

    history = read_cli("history", url, "--json", config=config).jsonl()
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["change"]["paragraphs_changed"] >= 1
    shown = json.loads(run_cli("show", url, "--json", "--version", "1", config=config).out)
    assert shown["text"].split("\n") == list(target.paragraphs)
    assert shown["versions"] == 2


def test_incremental_crawl_stops_at_the_first_page_with_nothing_new(small):
    briefings, config, site = small["briefings"], small["config"], small["site"]
    fresh = [b for b in invent_briefings("en", dt.date(2020, 1, 10), 20, seed=5)
             if b.date > briefings[0].date][:12]
    assert len(fresh) == 12
    write_archive(small["root"], "en-2014", [*fresh, *briefings], per_page=10, visits=3)
    before = len(site.requests)
    summary = crawl(config)
    assert (summary["new"], summary["edited"]) == (12, 0)
    # page 0: 10 new; page 1: 2 new + 8 known; page 2: nothing new, so no page 3 or 4
    assert listing_pages_requested(LocalSiteView(site.requests[before:]), "en-2014") == {0, 1, 2}

    backfill = crawl(config, "--backfill")
    assert (backfill["new"], backfill["edited"]) == (0, 0)
    assert listing_pages_requested(site, "en-2014") == {0, 1, 2, 3, 4}


def test_typography_and_furniture_are_not_edits(small):
    config = small["config"]
    write_archive(small["root"], "en-2014", small["briefings"], per_page=10, visits=999,
                  typography=True)
    summary = crawl(config, "--revisit", "all")
    assert (summary["new"], summary["edited"], summary["unchanged"]) == (0, 0, 30)
    assert events(config, "--kind", "edited") == []


def test_a_dropped_question_is_an_edit_with_its_summary(small):
    config, site = small["config"], small["site"]
    target = small["briefings"][3]
    cut = drop_exchange(target, 0)
    write_archive(small["root"], "en-2014",
                  [*small["briefings"][:3], cut, *small["briefings"][4:]], per_page=10)
    summary = crawl(config, "--revisit", "all")
    assert summary["edited"] == 1
    (edit,) = events(config, "--kind", "edited")
    assert edit["url"] == site.url(small["archive"].article_paths[target.number])
    removed = len(target.paragraphs) - len(cut.paragraphs)
    assert edit["summary"]["paragraphs_removed"] == removed >= 2
    gone = next(p for p in target.paragraphs if p not in cut.paragraphs)
    found = read_cli("search", gone, "--json", config=config).jsonl()
    # the passage survives only in version 1 of the edited transcript
    assert {f["url"]: f["versions"] for f in found}[edit["url"]] == [1]


def test_a_removed_page_is_suspect_then_removed_then_restored(small):
    config, briefings = small["config"], small["briefings"]
    url = small["site"].url(small["archive"].article_paths[briefings[4].number])
    # The page now redirects to the site's error page (a soft 404).
    write_archive(small["root"], "en-2014", [*briefings[:4], *briefings[5:]], per_page=10)
    first = crawl(config, "--revisit", "all")
    assert (first["suspect"], first["removed"], first["edited"], first["new"]) == (1, 0, 0, 0)
    # which page, and why, in crawl --json, runs --json and runs (issue 15, 5)
    (held,) = first["suspects"]
    assert held["url"] == url and "error page" in held["reason"]
    listed = read_cli("runs", "--json", config=config).jsonl()[-1]
    assert [s["url"] for s in listed["suspects"]] == [url]
    assert f"suspect: {url}" in run_cli("runs", config=config).out
    from tests.test_web import _start, get

    proc, base = _start(config, "--port", "0")
    try:
        _, _, page = get(base + "/")
        assert "Held back by the last run" in page and "error page" in page
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    second = crawl(config, "--revisit", "all")
    assert (second["suspect"], second["removed"], second["edited"]) == (0, 1, 0)
    assert export(config)[url]["versions"] == 1
    assert export(config)[url]["status"] == "removed"
    (removed,) = events(config, "--kind", "removed")
    assert removed["url"] == url and removed["run"] == second["run"]
    assert "error page" in removed["summary"]["reason"]
    assert "1 removed" in run_cli("runs", config=config).out
    suspects = _suspect_rows(config)

    # Still gone on later runs: no new suspect, no new removal, nothing counted (issue 15, 4).
    for _ in range(2):
        later = crawl(config, "--revisit", "all")
        assert (later["suspect"], later["removed"]) == (0, 0)
        assert later["sources"]["mfa-en"]["still_removed"] == 1
    assert _suspect_rows(config) == suspects
    assert len(events(config, "--kind", "removed")) == 1

    # The transcript comes back as it was: restored, and still one version.
    write_archive(small["root"], "en-2014", briefings, per_page=10)
    third = crawl(config, "--revisit", "all")
    assert (third["restored"], third["edited"], third["new"]) == (1, 0, 0)
    assert export(config)[url]["status"] == "active"
    assert [e["kind"] for e in events(config) if e["url"] == url] == ["new", "removed",
                                                                       "restored"]


def _suspect_rows(config) -> int:
    import sqlite3

    db = config.parent / "briefwatch.db"
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM suspects").fetchone()[0]


def test_revisit_recent_refetches_only_recent_conferences(tmp_path):
    today = dt.date.today()
    briefings = invent_briefings("en", today, 60, seed=9)  # about twelve weeks of weekdays
    root = tmp_path / "site"
    archive = write_archive(root, "en-2024", briefings, per_page=20)
    with LocalSite(root) as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "en", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}],
            revisit_days=30)
        assert crawl(config)["new"] == 60
        recent = [b for b in briefings if b.date >= today - dt.timedelta(days=30)]
        assert 0 < len(recent) < 60
        summary = crawl(config)
        assert summary["unchanged"] == len(recent)
        assert crawl(config, "--revisit", "none")["unchanged"] == 0
        assert crawl(config, "--revisit", "all")["unchanged"] == 60


# -- every other site generation --------------------------------------------------------------


@pytest.mark.parametrize("generation", ["en-2021", "en-2024", "zh-2024", "zh-2014"])
def test_each_generation_is_captured_whole(tmp_path, generation):
    lang = GENERATIONS[generation].lang
    briefings = invent_briefings(lang, dt.date(2024, 2, 7), 25, seed=3)
    archive = write_archive(tmp_path / "site", generation, briefings, per_page=10)
    with LocalSite(tmp_path / "site") as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "src", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}])
        summary = crawl(config)
        assert (summary["new"], summary["rejected"], summary["failed"]) == (25, 0, 0)
        assert listing_pages_requested(site, generation) == {0, 1, 2}
        assert_captured(export(config), site, archive, briefings)


def test_the_folder_url_of_a_listing_works(tmp_path):
    briefings = invent_briefings("en", dt.date(2024, 2, 7), 12, seed=3)
    write_archive(tmp_path / "site", "en-2024", briefings, per_page=5)
    with LocalSite(tmp_path / "site") as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "src", "spider": "mfa", "start_urls": [site.url("/eng/xw/fyrbt/lxjzh/")]}])
        assert crawl(config)["new"] == 12


def test_links_to_other_hosts_are_never_followed(tmp_path):
    briefings = invent_briefings("en", dt.date(2020, 7, 3), 5, seed=4)
    archive = write_archive(tmp_path / "site", "en-2014", briefings, per_page=10)
    other_root = tmp_path / "other"
    write_archive(other_root, "en-2014", briefings, per_page=10)
    with LocalSite(tmp_path / "site") as site, LocalSite(other_root) as other:
        listing = tmp_path / "site" / archive.listing_path.lstrip("/")
        foreign = other.url(archive.article_paths[briefings[0].number]).replace("127.0.0.1",
                                                                                 "localhost")
        listing.write_text(listing.read_text(encoding="utf-8").replace(
            "</ul>", f'<li><a href="{foreign}">Mirror</a></li></ul>', 1), encoding="utf-8")
        config = write_config(tmp_path / "c.toml", [
            {"name": "src", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}])
        assert crawl(config)["new"] == 5
        assert other.requests == []


def test_a_second_crawl_while_one_runs_exits_at_once(small):
    from briefwatch.storage.lock import crawl_lock

    config = small["config"]
    with crawl_lock(config.parent / "briefwatch.db"):
        result = run_cli("crawl", config=config)
    assert result.code == 1
    assert re.search(r"another crawl is running on .*: pid \d+, started \d{4}-", result.err)
    assert len(result.err.strip().splitlines()) == 1
    assert crawl(config)["status"] == "completed"  # the lock was released


def test_runs_lists_each_crawl(small):
    runs = read_cli("runs", "--json", config=small["config"]).jsonl()
    assert [r["status"] for r in runs] == ["completed"]
    assert runs[0]["counts"]["new"] == 30
    assert runs[0]["stats"]["mfa-en"]["listing_pages"] == 3
    assert runs[0]["finished"] >= runs[0]["started"]


def test_export_csv_and_list(small):
    result = run_cli("export", "--format", "csv", config=small["config"])
    assert result.code == 0
    header = result.out.splitlines()[0]
    # a byte-order mark first, or Excel reads the Chinese as Latin-1 (issue 15)
    assert header == "\ufeffurl,source,title,published,first_seen,last_seen,versions,status,text"
    listed = read_cli("list", "--json", config=small["config"]).jsonl()
    assert len(listed) == 30
    assert listed[0]["published"] == small["briefings"][0].date.isoformat()


def test_scrapy_commands_work_from_the_repository_root(small, tmp_path):
    import os
    import subprocess
    import sys

    from tests.helpers import REPO

    scrapy = [sys.executable, "-m", "scrapy.cmdline"]
    env = {**os.environ, "BRIEFWATCH_CONFIG": str(small["config"])}
    listed = subprocess.run([*scrapy, "list"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=60)
    from briefwatch.spiders.registry import SPIDERS

    assert listed.stdout.split() == sorted(SPIDERS), listed.stderr
    write_archive(small["root"], "en-2014",
                  [*invent_briefings("en", dt.date(2019, 12, 23), 1, seed=5),
                   *small["briefings"]], per_page=10)
    crawled = subprocess.run([*scrapy, "crawl", "mfa"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=120)
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    runs = read_cli("runs", "--json", config=small["config"]).jsonl()
    assert runs[-1]["counts"]["new"] == 1
    assert runs[-1]["status"] == "completed"


def test_demo_runs_offline():
    result = run_cli("demo", timeout=180)
    assert result.code == 0, result.err
    assert re.search(r"run 1 completed: 24 new, 0 edited", result.out)
    assert re.search(r"run 2 completed: 2 new, 2 edited, 22 unchanged", result.out)
    assert re.search(r"^-Wang|^-\w", result.out, re.M)
    assert re.search(r"^\+\w", result.out, re.M)
    # issue 26: a Chinese series paired with the English one, a conference that now differs
    # between its languages, and the edits told as a journalist reads them
    assert re.search(r"^    \[exchange 0\.\d\d\] question from .+ removed", result.out, re.M)
    assert re.search(r"divergent\n    \(?question from .+ not in the English transcript",
                     result.out)
    assert re.search(r"^Question from .+ removed, with its answers?$", result.out, re.M)
    assert re.search(r"^Answer by .+ reworded: \d+ words? changed$", result.out, re.M)


def test_demo_in_a_folder_runs_again_and_can_keep_its_site_up(tmp_path):
    """Issue 15, 1: a second `demo --dir` crawled the first one's URLs (a closed port) and
    listed every briefing twice; and nothing served the demo site once it ended."""
    import signal
    import subprocess
    import urllib.request

    folder = tmp_path / "demo"
    for _ in range(2):
        again = run_cli("demo", "--dir", folder, timeout=180)
        assert again.code == 0, again.err
        assert re.search(r"run 1 completed: 24 new, 0 edited, 0 unchanged, 0 rejected, "
                         r"0 failed", again.out)
    listed = read_cli("list", "--json", config=folder / "briefwatch.toml").jsonl()
    assert len(listed) == 26 and len({r["url"] for r in listed}) == 26

    proc = subprocess.Popen([*CLI, "demo", "--dir", str(folder),
                             "--serve"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            match = re.search(r"stays up at (http://127\.0\.0\.1:\d+)/", line)
            if match:
                break
        else:
            raise AssertionError("the demo never said where its site stays up")
        config = folder / "briefwatch.toml"
        with urllib.request.urlopen(match[1] + "/", timeout=10) as response:
            assert response.status in (200, 404)
        crawled = run_cli("crawl", "--json", "--revisit", "all", config=config)
        assert crawled.code == 0 and json.loads(crawled.out)["unchanged"] == 26
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    assert run_cli("demo", "--serve").code == 2


def test_a_crawl_off_a_terminal_logs_progress_lines(tmp_path):
    # issue 15: when not on a terminal nothing was printed until the end (97 s of silence)
    import subprocess
    import threading
    import time

    from briefwatch.jobs import demo as ds

    release = threading.Event()

    class Held(ds.SiteHandler):
        """The last transcript hangs until the test has seen a progress line."""

        def _answer(self, send_body: bool) -> None:
            if self.path.endswith(held):
                release.wait(120)
            super()._answer(send_body)

    class HeldSite(LocalSite):
        handler_base = Held

    briefings = invent_briefings("en", dt.date(2020, 7, 3), 4, seed=5)
    archive = write_archive(tmp_path / "site", "en-2014", briefings, per_page=10)
    held = archive.article_paths[briefings[-1].number]
    with HeldSite(tmp_path / "site") as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}])
        proc = subprocess.Popen(
            [*CLI, "--config", str(config), "crawl",
             "--progress-every", "0.2"], cwd=REPO, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8")
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        try:
            while not any("3 pages: 3 new" in line for line in lines):
                assert time.monotonic() < deadline and proc.poll() is None, lines
                time.sleep(0.1)
        finally:
            release.set()
        out = proc.stdout.read()  # stderr is the reader's
        proc.wait(timeout=120)
        reader.join(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, lines
    assert "run 1 completed: 4 new" in out
    progress = [line for line in lines if line.startswith("briefwatch: crawling mfa-en for ")]
    assert progress and all(re.fullmatch(r"briefwatch: crawling mfa-en for \d+s: "
                                         r"(no page handled yet|\d+ pages: \d+ new)\n", line)
                            for line in progress), lines
