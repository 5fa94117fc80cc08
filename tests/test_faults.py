"""The fault-injection suite: a misbehaving local site, the real CLI, and nothing false.

Every fault of tests/sites/faulty.py is thrown at one crawl; the crawl must end with zero false
edits, zero false removals and nothing missed. Then kill -9 in the middle of a crawl.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from briefwatch.jobs.demo import invent_briefings, reword, write_archive

from tests import helpers
from tests.helpers import CLI, REPO, read_cli, run_cli, stored, wait_for
from tests.sites.faulty import FaultySite


def config_file(tmp_path: Path, listing: str, **crawl) -> Path:
    # download_timeout: short enough for the "slow" fault to time out, long enough for a loaded
    # machine to serve everything else
    settings = {"download_delay": 0, "concurrency_per_domain": 8, "download_timeout": 2.5,
                **crawl}
    lines = ["[storage]", 'path = "bw.db"', "[crawl]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    lines += ["[[sources]]", 'name = "mfa-en"', 'spider = "mfa"', f'start_urls = ["{listing}"]']
    path = tmp_path / "briefwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crawl(config: Path, *args: str) -> dict:
    return helpers.crawl(config, *args, timeout=300)  # a faulty site's retries take time


def kinds(config: Path) -> list[str]:
    return [e["kind"] for e in read_cli("changes", "--json", config=config).jsonl()]


def test_every_fault_at_once_and_nothing_false(tmp_path):
    root = tmp_path / "site"
    old = invent_briefings("en", dt.date(2020, 6, 26), 20, seed=31)
    write_archive(root, "en-2014", old, per_page=10)
    with FaultySite(root, slow_seconds=6) as site:
        archive = write_archive(root, "en-2014", old, per_page=10)
        config = config_file(tmp_path, site.url(archive.listing_path))
        assert crawl(config)["new"] == 20

        fresh = [b for b in invent_briefings("en", dt.date(2020, 7, 1), 6, seed=31)
                 if b.date > old[0].date]
        assert len(fresh) == 3
        edited = reword(old[5], seed=3)
        now = [*fresh, *old[:5], edited, *old[6:]]
        archive = write_archive(root, "en-2014", now, per_page=10)
        path = {b.number: archive.article_paths[b.number] for b in now}
        a, b, c = (path[x.number] for x in fresh)
        site.plan.update({
            a: ["503", "503"],            # transient: retried within the run
            b: ["reset"],
            c: ["truncate"],
            path[edited.number]: ["slow"],  # longer than download_timeout: retried
            path[old[1].number]: ["soft404"],
            path[old[2].number]: ["truncate"] * 6,   # still failing after every retry
            archive.listing_path.replace("default.shtml", "default_1.shtml"): ["503"] * 6,
        })
        site.always.update({
            path[old[0].number]: "maintenance",
            path[old[3].number]: "lying-charset",
            path[old[4].number]: "binary",
            path[old[6].number]: "huge",
            path[old[7].number]: "nested",
            path[old[8].number]: "loop",
        })
        second = crawl(config, "--revisit", "all")
        assert (second["new"], second["edited"], second["removed"]) == (3, 1, 0)
        # maintenance, soft 404, binary, nested: held as suspect, never stored
        assert second["suspect"] == 4
        # still truncated, huge, redirect loop: failed, named in a warning
        assert second["failed"] == 3
        assert "could not be fetched" in second["stderr"]
        assert second["sources"]["mfa-en"]["listing_failed"] == 1

        rows = stored(config)
        for briefing in now:
            row = rows[site.url(path[briefing.number])]
            assert row["text"].split("\n") == list(briefing.paragraphs)
            assert row["title"] == briefing.title
            assert row["status"] == "active"
        assert sorted(kinds(config)) == ["edited"] + ["new"] * 23

        # The site recovers: everything is as it was, nothing restored, nothing edited.
        site.always.clear()
        site.plan.clear()
        third = crawl(config, "--revisit", "all")
        assert (third["new"], third["edited"], third["removed"], third["restored"]) == (
            0, 0, 0, 0)
        assert third["unchanged"] == 23 and third["failed"] == 0 and third["suspect"] == 0
        assert sorted(kinds(config)) == ["edited"] + ["new"] * 23


def test_404_removes_at_once_and_the_page_can_come_back(tmp_path):
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2020, 6, 26), 5, seed=32)
    with FaultySite(root) as site:
        archive = write_archive(root, "en-2014", briefings, per_page=10)
        config = config_file(tmp_path, site.url(archive.listing_path))
        crawl(config)
        target = archive.article_paths[briefings[2].number]
        site.always[target] = "404"
        summary = crawl(config, "--revisit", "all")
        assert (summary["removed"], summary["failed"]) == (1, 0)
        assert stored(config)[site.url(target)]["status"] == "removed"
        site.always.clear()
        assert crawl(config, "--revisit", "all")["restored"] == 1
        assert kinds(config) == ["new"] * 5 + ["removed", "restored"]


def test_a_sudden_loss_of_text_is_held_until_it_is_seen_twice(tmp_path):
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2020, 6, 26), 3, seed=33)
    with FaultySite(root) as site:
        archive = write_archive(root, "en-2014", briefings, per_page=10)
        config = config_file(tmp_path, site.url(archive.listing_path))
        crawl(config)
        cut = briefings[1]
        shortened = type(cut)(**{**cut.__dict__, "paragraphs": cut.paragraphs[:2]})
        write_archive(root, "en-2014", [briefings[0], shortened, briefings[2]], per_page=10)
        first = crawl(config, "--revisit", "all")
        assert (first["edited"], first["suspect"]) == (0, 1)
        second = crawl(config, "--revisit", "all")  # the site keeps saying it: an edit
        assert (second["edited"], second["suspect"]) == (1, 0)
        url = site.url(archive.article_paths[cut.number])
        assert stored(config)[url]["text"].split("\n") == list(shortened.paragraphs)


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("moment", [0.8, 1.6])
def test_kill_9_in_the_middle_of_a_crawl(tmp_path, moment):
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2020, 6, 26), 60, seed=34)
    with FaultySite(root, slow_seconds=0.3) as site:
        archive = write_archive(root, "en-2014", briefings, per_page=20)
        for briefing in briefings:
            site.always[archive.article_paths[briefing.number]] = "slow"
        config = config_file(tmp_path, site.url(archive.listing_path),
                             concurrency_per_domain=2, download_timeout=10)
        env = {k: v for k, v in os.environ.items() if k != "BRIEFWATCH_CONFIG"}
        proc = subprocess.Popen([*CLI, "--config", str(config),
                                 "crawl"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        db = tmp_path / "bw.db"
        wait_for(lambda: db.exists() and _count(db, "documents") >= 3, 60,
                 "three transcripts stored")
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # The crawl process dies with it (PR_SET_PDEATHSIG): on a loaded machine it may take a
        # moment to be scheduled and go; an orphan that went on crawling would never settle.
        partial = _settled_count(db)
        assert 0 < partial < 60
        assert integrity(db) == "ok"
        time.sleep(1.5)
        assert _count(db, "documents") == partial, "an orphaned crawl went on writing"
        # Whoever looks next (a reader, before any crawl relabels it) is told the truth: the
        # run was interrupted, and found what its events hold.
        killed = read_cli("runs", "--json", config=config).jsonl()[-1]
        assert killed["status"] == "interrupted" and killed["counts"]["new"] == partial, killed

        site.always.clear()
        summary = crawl(config)
        assert summary["status"] == "completed"
        assert integrity(db) == "ok"
        rows = stored(config)
        assert len(rows) == 60
        new_events = read_cli("changes", "--json", "--kind", "new", config=config).jsonl()
        assert sorted(e["url"] for e in new_events) == sorted(rows)
        history = read_cli("runs", "--json", config=config).jsonl()
        assert [r["status"] for r in history] == ["interrupted", "completed"]
        assert history[0]["counts"]["new"] == partial  # as the next crawl recorded it
        assert history[0]["counts"]["new"] + history[1]["counts"]["new"] == 60


def _settled_count(db: Path) -> int:
    """The number of stored transcripts once it has not changed for a second."""
    deadline = time.monotonic() + 15
    last = _count(db, "documents")
    steady_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = _count(db, "documents")
        if now != last:
            last, steady_since = now, time.monotonic()
        elif time.monotonic() - steady_since >= 1.0:
            return now
    raise AssertionError("the number of stored transcripts never settled: a crawl went on")


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_a_host_that_refuses_connections_is_given_up_and_the_run_failed(tmp_path):
    """Issue 15, 6: every revisit retried against a dead host took minutes; the run said
    `completed` beside exit 1."""
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2020, 6, 26), 24, seed=8)
    archive = write_archive(root, "en-2014", briefings, per_page=10)
    with FaultySite(root) as site:
        config = config_file(tmp_path, site.url(archive.listing_path), revisit_days=100000)
        assert crawl(config)["new"] == 24
    # the site is gone: its port refuses connections
    result = run_cli("crawl", "--json", "--revisit", "all", config=config, timeout=300)
    assert result.code == 1
    assert result.err.strip().splitlines()[-1].startswith(
        "briefwatch: error: no source could be reached")
    summary = json.loads(result.out)
    assert summary["status"] == "failed" and summary["unreachable"]
    stats = summary["sources"]["mfa-en"]
    assert stats["failed"] == 24  # every revisit counted, none stored or flagged
    # one request and its retries found the host refusing; the others were never sent
    assert stats["requests"] <= 8, stats
    assert read_cli("runs", "--json", config=config).jsonl()[-1]["status"] == "failed"
    assert read_cli("changes", "--kind", "removed", "--json", config=config).jsonl() == []
