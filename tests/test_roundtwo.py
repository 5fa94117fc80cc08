"""Issue 26's bugs, as a new user met them: numbers too big for SQLite, the feed's file mode,
a damaged search index, diff's exit code, the failed run's summary line, names that do not
resolve, the Defence Ministry's titles, `scrapy crawl`'s politeness; and --since as people say
it, empty results said, the timeline's `divergent`. On a database of two real crawls of a local
site (tests/sites/edited.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import wsgiref.util

import pytest

from tests.helpers import REPO, run_cli, run_cli_on_a_full_disk
from tests.sites.edited import build

HUGE = "999999999999999999999"


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    return build(tmp_path_factory.mktemp("roundtwo"))


def _get(config, path: str, query: str = "") -> tuple[str, str]:
    from briefwatch.jobs.config import load_config
    from briefwatch.jobs.web import App

    environ = {"PATH_INFO": path, "QUERY_STRING": query}
    wsgiref.util.setup_testing_defaults(environ)
    answer = {}
    body = b"".join(App(load_config(config).storage_path)(
        environ, lambda status, headers: answer.update(status=status)))
    return answer["status"], body.decode("utf-8")


def test_numbers_too_big_for_sqlite_are_bad_input_not_a_crash(edited):
    for args in (("list", "--limit", HUGE), ("changes", "--limit", HUGE),
                 ("runs", "--limit", HUGE), ("changes", "--run", HUGE),
                 ("diff", "1", "--from", HUGE)):
        result = run_cli(*args, config=edited.config)
        assert result.code == 2, (args, result.err)
        assert "Error" not in result.err and "is not in the range" in result.err, result.err
    for command in ("show", "history", "diff"):  # an ID no transcript can have: bad input
        shown = run_cli(command, HUGE + "99", config=edited.config)
        assert shown.code == 2 and "is not a transcript ID" in shown.err, shown.err
    missing = run_cli("show", "99999", config=edited.config)  # one that could be: not found
    assert missing.code == 1 and "no transcript with URL or ID" in missing.err, missing.err
    for path, query, status in (("/changes", f"page={HUGE}", "400"),
                                ("/transcripts", f"page={HUGE}", "400"),
                                ("/t/" + HUGE, "", "404"), (f"/t/{HUGE}/languages", "", "404"),
                                ("/t/1", f"v={HUGE}", "400")):
        assert _get(edited.config, path, query)[0].startswith(status), path


def test_the_feed_file_has_the_mode_of_a_file_made_under_the_umask(edited, tmp_path):
    from briefwatch.jobs.config import load_config
    from briefwatch.jobs.render.feed import write
    from briefwatch.storage.db import open_db

    config = tmp_path / "feed.toml"
    db = load_config(edited.config).storage_path
    config.write_text(edited.config.read_text(encoding="utf-8").replace(
        'path = "briefwatch.db"', f'path = "{db}"') + '\n[feed]\npath = "out/changes.atom"\n',
        encoding="utf-8")
    previous = os.umask(0o022)
    try:
        conn = open_db(db)
        path = write(load_config(config), conn)
        conn.close()
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o640)  # the user's choice (a group that publishes it) survives the rewrite
    conn = open_db(db)
    write(load_config(config), conn)
    conn.close()
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_feed_that_cannot_be_written_is_a_warning_after_the_run_it_follows(edited, tmp_path):
    """[feed] path naming a folder: the crawl's summary is printed and its run recorded, one
    warning says which file and why, and no temporary file is left beside it."""
    from briefwatch.jobs.demo.server import LocalSite

    folder = tmp_path / "copy"
    shutil.copytree(edited.config.parent, folder)
    config = folder / edited.config.name
    (folder / "out" / "changes.atom").mkdir(parents=True)
    was = "/".join(edited.urls["unchanged"].split("/")[:3])
    with LocalSite(folder / "site") as site:
        config.write_text(config.read_text(encoding="utf-8").replace(was, site.url("").rstrip("/"))
                          + '\n[feed]\npath = "out/changes.atom"\n', encoding="utf-8")
        crawled = run_cli("crawl", config=config)
    assert crawled.code == 0 and crawled.out.startswith("run 3 completed: "), crawled.out
    warning = [line for line in crawled.err.splitlines() if "Atom feed" in line]
    assert warning == [f"briefwatch: warning: cannot write the Atom feed "
                       f"{folder / 'out' / 'changes.atom'}: Is a directory; check [feed] path "
                       f"and its folder (the next run writes it again)"], crawled.err
    assert "Error" not in crawled.err
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["changes.atom"]


# 16,000 bytes: not even the database's shared-memory index (32 KB) can be made, at its
# opening; 40,000: the crawl's first commit of pages fills the write-ahead log.
@pytest.mark.parametrize("cap", [16_000, 40_000])
def test_a_crawl_on_a_full_disk_says_so_in_one_line_and_the_next_one_stores_it_all(edited,
                                                                                  tmp_path, cap):
    from briefwatch.jobs.demo.server import LocalSite

    folder = tmp_path / "copy"
    shutil.copytree(edited.config.parent, folder)
    config = folder / edited.config.name
    db = folder / "briefwatch.db"
    was = "/".join(edited.urls["unchanged"].split("/")[:3])
    with LocalSite(folder / "site") as site:  # another port: every transcript is new to it
        config.write_text(config.read_text(encoding="utf-8").replace(was, site.url("").rstrip(
            "/")), encoding="utf-8")
        full = run_cli_on_a_full_disk(cap, "crawl", config=config)
        assert full.code == 1, full.err
        assert full.err.startswith(f"briefwatch: error: cannot write the database {db}: the "
                                   f"disk refused a write: full, past a file size limit, or "
                                   f"failing (disk I/O error); free space on its disk and run "
                                   f"again"), full.err
        assert len(full.err.strip().splitlines()) == 1, full.err
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
        again = run_cli("crawl", "--json", config=config)
    assert again.code == 0 and json.loads(again.out)["new"] == 10, again.out


def test_an_export_the_disk_cannot_hold_leaves_the_earlier_file_as_it_was(edited, tmp_path):
    """`export -o` writes whole: a full disk half-way is one line and the file written before
    stays; through a link the linked file is replaced, and /dev/stdout is written in place."""
    out = tmp_path / "transcripts.jsonl"
    assert run_cli("export", "-o", out, config=edited.config).code == 0
    before = out.read_bytes()
    assert len(before) > 4000
    for fmt in ("csv", "warc"):
        full = run_cli_on_a_full_disk(4000, "export", "--format", fmt, "-o", out,
                                      config=edited.config)
        assert full.code == 1 and full.err == (f"briefwatch: error: cannot write {out}: File "
                                               f"too large; the file there is left as it was\n")
        assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["transcripts.jsonl"]
    link = tmp_path / "latest.jsonl"
    link.symlink_to(out.name)
    assert run_cli("export", "--format", "csv", "-o", link, config=edited.config).code == 0
    assert link.is_symlink() and out.read_text(encoding="utf-8-sig").startswith("url,source,")
    shown = run_cli("export", "-o", "/dev/stdout", config=edited.config)
    assert shown.code == 0 and shown.out.encode() == before


def _overwrite_index_pages(db_path) -> None:
    conn = sqlite3.connect(db_path)
    pages = [row[0] for row in conn.execute(
        "SELECT pageno FROM dbstat WHERE name LIKE 'versions_fts%'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db_path, "r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * size)
            fh.write(b"\xab" * size)


def test_a_damaged_search_index_is_said_and_rebuilt(edited, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(edited.config.parent, folder, ignore=shutil.ignore_patterns("site"))
    config = folder / edited.config.name
    _overwrite_index_pages(folder / "briefwatch.db")
    found = run_cli("search", "Taiwan", config=config)
    assert found.code == 1
    assert found.err.count("\n") == 1 and "search index is damaged" in found.err, found.err
    assert "'briefwatch reindex'" in found.err and "Traceback" not in found.err
    status, page = _get(config, "/search", "q=Taiwan")  # the web view says the same
    assert status.startswith("503") and "search index is damaged" in page, (status, page)
    assert "briefwatch reindex" in page
    crawled = run_cli("crawl", "--revisit", "none", config=config)  # the site is gone
    assert "warning: the search index is damaged" in crawled.err, crawled.err
    # a rebuild the disk cannot hold leaves the index as it was (it left none)
    full = run_cli_on_a_full_disk(40_000, "reindex", config=config)
    assert full.code == 1 and full.err.startswith(
        f"briefwatch: error: cannot write the database {folder / 'briefwatch.db'}: the disk "
        f"refused a write") and full.err.count("\n") == 1, full.err
    assert "search index is damaged" in run_cli("search", "Taiwan", config=config).err
    rebuilt = run_cli("reindex", config=config)
    assert rebuilt.code == 0 and rebuilt.out.startswith("reindexed "), rebuilt.err
    again = run_cli("search", edited.dropped_outlet, "--json", config=config)
    before = run_cli("search", edited.dropped_outlet, "--json", config=edited.config)
    assert again.code == 0 and again.jsonl() == before.jsonl() != []
    assert sqlite3.connect(folder / "briefwatch.db").execute(
        "PRAGMA integrity_check").fetchone()[0] == "ok"


def test_diff_of_a_version_that_does_not_exist_is_bad_usage_even_with_one_version(edited):
    one = run_cli("diff", edited.urls["unchanged"], "--from", "1", "--to", "5",
                  config=edited.config)
    assert one.code == 2 and "has only version 1" in one.err, one.err
    two = run_cli("diff", edited.urls["dropped"], "--from", "1", "--to", "5",
                  config=edited.config)
    assert two.code == 2 and "has versions 1 to 2" in two.err, two.err


def test_a_run_that_reached_nothing_says_why_and_counts_the_failed_listing_pages():
    from briefwatch.jobs.crawl import RunSummary

    reason = "https://www.fmprc.gov.cn/eng/ (DNS lookup failed: no results for www.fmprc.gov.cn)"
    stats = {"requests": 8, "listing_failed": 1, "listing_failed_urls": [reason]}
    line = RunSummary(1, "failed", {"mfa-en": dict(stats), "mfa-zh": dict(stats)}, 2.5).line()
    assert line == ("run 1 failed: 0 new, 0 edited, 0 unchanged, 0 rejected, 0 failed, 2 listing "
                    "pages failed (2 sources, 16 requests, 2.5s): no source could be reached, "
                    f"e.g. {reason}")


def test_a_name_that_does_not_resolve_is_tried_once_not_retried():
    result = subprocess.run([sys.executable, "-m", "tests.sites.noresolve", "nowhere.example"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["failures"] == 12 and "DNS lookup failed" in found["first"][0]
    assert found["retries"] == 0 and found["exceptions"] <= 12, found
    assert found["lookups"] == 1, found  # the requests already queued did not ask again


MND_EN = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="publishdate" content="2025-03-27 18:00:00">{meta}
<title>Regular Press Conference of the Ministry of National Defense on March 27 - Ministry of
National Defense</title>
</head><body><div class="header"><h1 class="site-name">Ministry of National Defense</h1></div>
<div class="info">2025-03-27</div><div id="article-content"><!--HTMLBOX-->
<p>Zhang Xiaogang: Good afternoon.</p><p>Reporter: What is your comment?</p>
<!--HTMLBOX--></div></body></html>"""


@pytest.mark.parametrize("meta", [
    '\n<meta name="apple-mobile-web-app-title" content="Regular Press Conference of the '
    'Ministry of National Defense on March 27">', ""])
def test_the_defence_ministrys_site_name_is_not_the_title(meta):
    from briefwatch.crawler.extract import extract

    page = extract(MND_EN.format(meta=meta), "http://eng.mod.gov.cn/xb/News_213114/"
                   "NewsRelease/16377000.html")
    assert page.title == "Regular Press Conference of the Ministry of National Defense on March 27"


def test_scrapy_crawl_alone_keeps_the_delay_floors_and_ca_bundle(tmp_path):
    from briefwatch.spiders.mid import MidSpider
    from scrapy.settings import Settings

    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END "
                                     "CERTIFICATE-----\n", encoding="utf-8")
    config = tmp_path / "briefwatch.toml"
    config.write_text('[[sources]]\nname = "mid-ru"\nspider = "mid"\n'
                      'start_urls = ["https://mid.ru/ru/press_service/spokesman/briefings/"]\n'
                      'ca_bundle = "ca.pem"\n', encoding="utf-8")
    settings = Settings()
    settings.setmodule("briefwatch.jobs.scrapycrawl", priority="project")
    settings.set("BRIEFWATCH_CONFIG", str(config), priority="cmdline")
    MidSpider.update_settings(settings)
    assert settings.getdict("DOWNLOAD_SLOTS")["mid.ru"]["delay"] == 10  # the site's floor
    assert settings.getdict("BRIEFWATCH_CA_BUNDLES") == {"mid.ru": str(tmp_path / "ca.pem")}


def test_since_as_people_say_it():
    from briefwatch.jobs.when import BadSince, since

    now = dt.datetime(2026, 11, 26, 15, 30, tzinfo=dt.UTC)  # a Thursday
    assert since("1d", now=now) == "2026-11-25T15:30:00+00:00"
    assert since("12h", now=now) == "2026-11-26T03:30:00+00:00"
    assert since("yesterday", now=now) == "2026-11-25T00:00:00+00:00"
    assert since("monday", now=now) == "2026-11-23T00:00:00+00:00"
    assert since("thursday", now=now) == "2026-11-26T00:00:00+00:00"
    # midnight in the reader's zone; a conference date is the day it falls on there
    # (23:30 on the 26th in Beijing)
    assert since("yesterday", "Asia/Shanghai", now=now) == "2026-11-24T16:00:00+00:00"
    assert since("yesterday", "Asia/Shanghai", now=now, day=True) == "2026-11-25"
    assert since("2026-11-01", now=now) == "2026-11-01T00:00:00+00:00"
    with pytest.raises(BadSince):
        since("last week", now=now)


def test_since_forms_in_every_command_and_empty_results_said(edited):
    for command in ("changes", "list", "pairs", "exchanges"):
        result = run_cli(command, "--since", "2w", config=edited.config)
        assert result.code == 0, (command, result.err)
        bad = run_cli(command, "--since", "fortnight", config=edited.config)
        assert bad.code == 2 and "an age (30m, 12h, 1d, 2w)" in bad.err, bad.err
    for args, said in ((("list", "--since", "2999-01-01"), "no transcripts match\n"),
                       (("exchanges", "--outlet", "Reuters", "--since", "2999-01-01"),
                        "no exchanges match\n"),
                       (("pairs", "--since", "2999-01-01"), "")):
        quiet = run_cli(*args, config=edited.config)
        assert quiet.code == 0 and quiet.out == "", (args, quiet.err)
        if said:
            assert quiet.err == said, quiet.err
        else:
            assert quiet.err.count("\n") == 1, quiet.err
        as_json = run_cli(*args, "--json", config=edited.config)
        assert as_json.code == 0 and as_json.out == "" and as_json.err == "", as_json.err


def test_the_timeline_offers_divergent(edited):
    status, body = _get(edited.config, "/changes")
    assert status.startswith("200") and 'href="/changes?kind=divergent"' in body
