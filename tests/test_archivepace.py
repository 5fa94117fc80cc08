"""`briefwatch archive` at the archive's pace: prefix queries matched locally, captures whose
digest is a stored version's never replayed, every capture fetched once in the life of a
database; against the local CDX server of tests/sites/wayback.py, which counts requests."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from briefwatch.jobs.demo import LocalSite, drop_exchange, invent_briefings, write_archive

from tests.helpers import run_cli, write_config
from tests.sites import families as fs
from tests.sites.wayback import Wayback


def _archive_table(wayback: Wayback) -> str:
    return (f'\n[archive]\ncdx_url = "{wayback.cdx_url}"\nreplay_url = "{wayback.replay_url}"\n'
            f"download_delay = 0\n")


def _read(root: Path, path: str) -> bytes:
    return (root / path.lstrip("/")).read_bytes()


def _import(config: Path, *args: str) -> dict:
    result = run_cli("archive", "--json", *args, config=config)
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)


@dataclass
class Paced:
    config: Path
    db: Path
    urls: dict[str, str]
    first: dict
    first_counts: dict
    again: dict
    again_counts: dict
    old_path: dict
    old_path_counts: dict
    replayed: list[str]
    told: str  # the summary of a fourth import


@pytest.fixture(scope="module")
def paced(tmp_path_factory) -> Paced:
    base = tmp_path_factory.mktemp("paced")
    root = base / "site"
    en = invent_briefings("en", dt.date(2024, 3, 20), 10, seed=31)
    gone, en = en[-1], en[:-1]
    with LocalSite(root) as site, Wayback() as wayback:
        before = write_archive(root, "en-2024", [en[1], gone], per_page=4)
        old_page = _read(root, before.article_paths[en[1].number])
        gone_url = site.url(before.article_paths[gone.number])
        now = write_archive(root, "en-2024", [en[0], drop_exchange(en[1], 1), *en[2:]],
                            per_page=4)
        urls = {b.number: site.url(now.article_paths[b.number]) for b in en}
        # Every transcript captured twice with the bytes briefwatch stored, except en[2], whose
        # payload the archive kept gzipped (its digest cannot match); en[1] also before an edit;
        # a transcript the site deleted, captured only as the site's error page.
        for k, b in enumerate(en):
            live = _read(root, now.article_paths[b.number])
            if k == 2:
                wayback.add(urls[b.number], "20240316000000", gzip.compress(live))
                continue
            wayback.add(urls[b.number], "20240314090000", live)
            wayback.add(urls[b.number], "20240318000000", live)
        wayback.add(urls[en[1].number], "20240311080000", old_page)
        wayback.add(gone_url, "20240316000000", _read(root, "/error.htm"))
        wayback.page_cap = 4  # the prefix listing comes in several pages
        config = write_config(base / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(now.listing_path)]}])
        config.write_text(config.read_text() + _archive_table(wayback))
        assert run_cli("crawl", config=config).code == 0
        first = _import(config, "--discover")
        first_counts = wayback.counts()
        replayed = [p for p in wayback.requests if p.startswith("/web/")]
        wayback.reset_counts()
        again = _import(config, "--discover")
        again_counts = wayback.counts()
        # A database imported before digests were remembered: only `captures` says what was
        # imported (the rejected capture of a URL never stored was not noted there).
        with sqlite3.connect(base / "briefwatch.db") as conn:
            conn.execute("DELETE FROM capture_digests")
        conn.close()
        wayback.reset_counts()
        old_path = _import(config, "--discover")
        old_path_counts = wayback.counts()
        told = run_cli("archive", config=config)
        assert told.code == 0, told.err
    urls = {"edited": urls[en[1].number], "gzipped": urls[en[2].number], "gone": gone_url,
            "plain": urls[en[3].number]}
    return Paced(config, base / "briefwatch.db", urls, first, first_counts, again, again_counts,
                 old_path, old_path_counts, replayed, told.out)


def test_a_first_import_replays_only_the_captures_it_cannot_match(paced):
    source = paced.first["sources"]["mfa-en"]
    assert paced.first["status"] == "completed"
    # the old edit, the gzipped payload, the error page of the deleted transcript
    assert sorted(p.rsplit("/", 1)[-1] for p in paced.replayed) == sorted(
        u.rsplit("/", 1)[-1] for u in (paced.urls["edited"], paced.urls["gzipped"],
                                       paced.urls["gone"]))
    assert paced.first_counts["replay"] == 3
    assert source["skipped_by_digest"] == 8  # 8 transcripts' identical captures, once each
    assert source["captures"] == 8 + 3
    assert (source["earlier"], source["edits"], source["same"], source["rejected"]) == (
        1, 1, 8 + 1, 1), source
    # Prefix pages: the transcripts were never asked about one by one.
    assert source["cdx_queries"] == paced.first_counts["cdx"] == 5  # 19 rows, 4 a page
    assert source["requests"] == paced.first_counts["all"]
    assert source["paced_seconds"] == 0  # download_delay = 0


def test_a_capture_matched_by_digest_still_dates_the_edit_it_shows(paced, cli):
    history = cli("history", paced.urls["edited"], "--json", config=paced.config).jsonl()
    assert [(v["version"], v["origin"]) for v in history] == [(1, "archive"), (2, "live")]
    changes = [e for e in cli("changes", "--json", config=paced.config).jsonl()
               if e["url"] == paced.urls["edited"] and e["kind"] == "edited"]
    # The capture of the live bytes at 2024-03-14, never replayed, shows the edit by then.
    assert [e["detected_at"] for e in changes] == ["2024-03-14T09:00:00+00:00"]
    plain = cli("history", paced.urls["plain"], "--json", config=paced.config).jsonl()
    assert [v["origin"] for v in plain] == ["live"]


def test_a_repeat_import_with_nothing_new_replays_nothing(paced):
    source = paced.again["sources"]["mfa-en"]
    assert paced.again_counts["replay"] == 0, paced.again_counts
    assert paced.again_counts["cdx"] == 5
    assert source["captures_known"] == source["captures"] == 11
    assert (source.get("earlier", 0), source.get("discovered", 0), source["edits"],
            source.get("skipped_by_digest", 0)) == (0, 0, 0, 0)


def test_a_compressed_payload_is_fetched_once_and_never_again(paced, cli):
    assert sum(paced.urls["gzipped"].rsplit("/", 1)[-1] in p for p in paced.replayed) == 1
    with sqlite3.connect(paced.db) as conn:
        # (its digest is of the gzipped bytes: no version's SHA-1)
        assert conn.execute("SELECT count(*) FROM versions WHERE sha1 IS NULL").fetchone()[0] == 0
    conn.close()
    history = cli("history", paced.urls["gzipped"], "--json", config=paced.config).jsonl()
    assert [v["origin"] for v in history] == ["live"]


def test_a_rejected_capture_of_a_url_never_stored_is_not_fetched_again(paced, cli):
    assert paced.again_counts["replay"] == 0
    assert paced.first["sources"]["mfa-en"]["discovered"] == 0
    shown = cli("show", paced.urls["gone"], "--json", config=paced.config)
    assert shown.code != 0  # never stored: the capture was the site's error page


def test_a_database_imported_by_the_old_path_imports_nothing_twice(paced, cli):
    source = paced.old_path["sources"]["mfa-en"]
    # Only the error page of the URL never stored, which the old path did not note anywhere.
    assert paced.old_path_counts["replay"] == 1
    assert (source.get("earlier", 0), source["edits"], source.get("discovered", 0)) == (0, 0, 0)
    history = cli("history", paced.urls["edited"], "--json", config=paced.config).jsonl()
    assert len(history) == 2


def test_the_summary_line_says_what_the_import_cost(paced):
    line = next(x for x in paced.told.splitlines() if x.startswith("mfa-en:"))
    assert "archive requests" in line and "at the archive's pace" in line, line


def test_the_migration_computes_each_stored_versions_sha1_from_its_raw_bytes(tmp_path):
    from briefwatch.storage.db import open_db
    from briefwatch.storage.versions import raw_html

    root = tmp_path / "site"
    en = invent_briefings("en", dt.date(2024, 5, 10), 3, seed=7)
    with LocalSite(root) as site:
        now = write_archive(root, "en-2024", en, per_page=4)
        config = write_config(tmp_path / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(now.listing_path)]}])
        assert run_cli("crawl", config=config).code == 0
        write_archive(root, "en-2024", [drop_exchange(en[0], 0), *en[1:]], per_page=4)
        assert run_cli("crawl", "--revisit", "all", config=config).code == 0
    path = tmp_path / "briefwatch.db"
    with sqlite3.connect(path) as conn:  # as a database written before m013 was
        conn.execute("DROP TABLE capture_digests")
        conn.execute("ALTER TABLE versions DROP COLUMN sha1")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_capture_digests'")
    conn.close()
    db = open_db(path)
    rows = list(db.query("SELECT id, sha1, raw_base FROM versions ORDER BY id"))
    assert len(rows) == 4 and any(r["raw_base"] for r in rows)  # an edit stored as a delta
    for row in rows:
        assert row["sha1"] == hashlib.sha1(raw_html(db, row["id"])).hexdigest()
    db.close()


def test_a_scio_capture_is_imported_with_its_later_pages(tmp_path, cli):
    root = tmp_path / "site"
    with LocalSite(root) as site, Wayback() as wayback:
        old = fs.write_scio(root, 2, per_page=3, pages_per_briefing=3, edits={0: 1})
        first = old.articles[0]
        pages = [_read(root, p) for p in first.page_paths]
        now = fs.write_scio(root, 2, per_page=3, pages_per_briefing=3)
        for k, (path, body) in enumerate(zip(first.page_paths, pages, strict=True)):
            wayback.add(site.url(path), f"2017010{5 + k}000000", body)
        config = write_config(tmp_path / "briefwatch.toml", [
            {"name": "scio", "spider": "scio", "start_urls": [site.url(now.listing_path)]}])
        config.write_text(config.read_text() + _archive_table(wayback))
        assert run_cli("crawl", config=config).code == 0
        summary = _import(config)
        assert wayback.counts()["replay"] == 3, wayback.requests  # the first page, then 2 and 3
    source = summary["sources"]["scio"]
    assert (source["earlier"], source["edits"]) == (1, 1), source
    url = site.url(first.path)
    history = cli("history", url, "--json", config=config).jsonl()
    assert [v["origin"] for v in history] == ["archive", "live"]
    text = json.loads(cli("show", url, "--version", "1", "--json", config=config).out)["text"]
    assert first.paragraphs[-1] in text and first.paragraphs[3] in text  # pages 3 and 1
    assert text != json.loads(cli("show", url, "--json", config=config).out)["text"]


def test_cdx_digests_are_read_in_every_form_archives_give_them():
    from briefwatch.crawler.archive import cdx

    raw = b"<html>page</html>"
    sha1 = hashlib.sha1(raw).hexdigest()
    import base64

    b32 = base64.b32encode(hashlib.sha1(raw).digest()).decode()
    assert cdx.digest_hex(b32) == cdx.digest_hex(f"sha1:{b32}") == cdx.digest_hex(sha1) == sha1
    assert cdx.digest_hex("-") is None and cdx.digest_hex(None) is None
    assert cdx.digest_hex("Z" * 40) is None


def test_a_sources_prefixes_cover_its_transcripts_and_its_rooms_old_trees():
    from briefwatch.crawler.archive.matching import prefixes_for
    from briefwatch.crawler.rooms import archive_prefixes, room

    mnd = room("mnd-zh")
    prefixes = archive_prefixes("mnd", mnd.start_urls, "mnd-zh")
    assert ("http://www.mod.gov.cn/jzhzt/", prefixes[0][1]) == prefixes[0]
    targets = ["http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/16312345.html",
               "http://www.mod.gov.cn/gfbw/xwfyr/fyrthhdjzw/16300001.html",
               "http://www.mod.gov.cn/root.html"]
    found, alone = prefixes_for(list(mnd.start_urls), list(prefixes), targets, discover=True)
    assert sorted(p.prefix for p in found) == ["www.mod.gov.cn/gfbw/xwfyr/",
                                               "www.mod.gov.cn/jzhzt/", "www.mod.gov.cn/xwfyr/"]
    assert alone == ["http://www.mod.gov.cn/root.html"]  # a host's root: asked about alone
    # Without --discover, only the folders holding a transcript asked for are listed.
    found, _ = prefixes_for(list(mnd.start_urls), list(prefixes), targets, discover=False)
    assert [p.prefix for p in found] == ["www.mod.gov.cn/gfbw/xwfyr/"]
    # A copy of a room's site elsewhere has none of its old trees.
    assert archive_prefixes("mnd", ("http://127.0.0.1:8000/index.html",), "mnd-zh") == ()


@pytest.mark.parametrize("name, url, expected", [
    ("mnd-zh", "http://www.mod.gov.cn/jzhzt/2022-01/27/content_4903360.htm", True),
    ("mnd-zh", "http://www.mod.gov.cn/jzhzt/2022-01/27/index.htm", False),
    ("mnd-en", "http://eng.mod.gov.cn/xb/News_213114/NewsRelease/16200001.html", True),
    ("mnd-en", "http://eng.mod.gov.cn/news/2021-03/25/content_4881234.htm", True),
    ("tao", "https://www.gwytb.gov.cn/xwdt/xwfb/wyly/202103/t20210317_12338191.htm", True),
    ("state-live", "https://www.state.gov/briefings/department-press-briefing-may-1-2025/",
     True),
    ("mfa-en", "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/"
               "202001/t20200102_693503.html", True),
])
def test_each_rooms_old_trees_are_read_for_its_transcripts(name, url, expected):
    from briefwatch.crawler.archive.matching import discovered, prefixes_for
    from briefwatch.crawler.context import CrawlContext
    from briefwatch.crawler.rooms import archive_prefixes, room
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    chosen = room(name)
    prefixes = archive_prefixes(chosen.spider, chosen.start_urls, name)
    found, _ = prefixes_for(list(chosen.start_urls), list(prefixes), [], discover=True)
    under = [p for p in found if url.split("://", 1)[1].startswith(p.prefix)]
    assert under, (url, [p.prefix for p in found])
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["briefwatch.spiders"]}))
    own = loader.load(chosen.spider)(context=CrawlContext(name, chosen.start_urls))
    assert discovered(under[0], url, own) is expected


def test_since_and_until_limit_the_transcripts_looked_up_by_conference_date(tmp_path):
    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.documents import source_urls
    from briefwatch.storage.text.normalize import canonical_hash, text_hash
    from briefwatch.storage.versions import Fetched, record

    db = open_db(tmp_path / "briefwatch.db")
    run = runs.start(db, ["mfa-en"], {})
    for k, published in enumerate(("2019-05-02", "2021-07-01", "2023-01-09", None)):
        text = f"Q: question {k}?\nA: answer {k}."
        record(db, run, Fetched(source="mfa-en", url=f"http://x.example/eng/t{k}.html",
                                title=f"Press conference {k}", published=published, text=text,
                                text_hash=text_hash(text),
                                canonical_hash=canonical_hash(f"Press conference {k}", text),
                                extractor="test", raw_html=text.encode()))
    assert source_urls(db, "mfa-en", since="2020-01-01", until="2022-12-31") == [
        "http://x.example/eng/t1.html", "http://x.example/eng/t3.html"]  # no date: kept
    assert len(source_urls(db, "mfa-en", since="2021-07-01")) == 3
    assert len(source_urls(db, "mfa-en", until="2021-07-01")) == 3
    assert len(source_urls(db, "mfa-en")) == 4
    db.close()
