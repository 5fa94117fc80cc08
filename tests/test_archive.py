"""`briefwatch archive` against a local web archive (tests/sites/wayback.py) and a local copy of
the ministry's site, through the real CLI; `export --format warc` read back with warcio and
replayed in pywb."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from briefwatch.jobs.demo import (
    LocalSite,
    drop_exchange,
    invent_briefings,
    question_indices,
    write_archive,
)

from tests.helpers import REPO, run_cli, write_config
from tests.sites.wayback import Wayback
from tests.test_notify import Webhook


@dataclass
class Imported:
    config: Path
    db: Path
    wayback: Wayback
    urls: dict[str, str]  # role -> transcript URL
    summary: dict
    again: dict
    dropped_question: str


def _archive_table(wayback: Wayback) -> str:
    return (f'\n[archive]\ncdx_url = "{wayback.cdx_url}"\nreplay_url = "{wayback.replay_url}"\n'
            f"download_delay = 0\n")


def _read(root: Path, path: str) -> bytes:
    return (root / path.lstrip("/")).read_bytes()


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Imported:
    base = tmp_path_factory.mktemp("archive")
    root = base / "site"
    en = invent_briefings("en", dt.date(2024, 3, 20), 9, seed=21)
    deleted, en = en[-1], en[:-1]
    original = en[1]
    live = [en[0], drop_exchange(original, 1), *en[2:]]
    with LocalSite(root) as site, Wayback() as wayback:
        # What the site said before: the page of en[1] with the exchange it later dropped,
        # and a transcript the site has since deleted.
        before = write_archive(root, "en-2024", [original, deleted], per_page=4)
        old_page = _read(root, before.article_paths[original.number])
        deleted_page = _read(root, before.article_paths[deleted.number])
        listing = _read(root, before.listing_path)
        now = write_archive(root, "en-2024", live, per_page=4)
        urls = {"edited": site.url(now.article_paths[original.number]),
                "error_capture": site.url(now.article_paths[en[2].number]),
                "redirect_capture": site.url(now.article_paths[en[3].number]),
                "beyond_cap": site.url(now.article_paths[en[5].number]),
                "deleted": site.url(before.article_paths[deleted.number]),
                "listing": site.url(now.listing_path)}
        headers = [("Content-Type", "text/html"), ("Server", "Apache"),
                   ("Last-Modified", "Mon, 11 Mar 2024 08:00:00 GMT")]
        wayback.add(urls["edited"], "20240311080000", old_page, headers=headers)
        wayback.add(urls["edited"], "20240314090000", _read(root, now.article_paths[
            original.number]), headers=headers)
        wayback.add(urls["error_capture"], "20240312000000", _read(root, "/error.htm"))
        wayback.add(urls["redirect_capture"], "20240312000000", b"",
                    location=site.url("/error.htm"))
        wayback.add(urls["beyond_cap"], "20240315000000",
                    _read(root, now.article_paths[en[5].number]))
        wayback.add(urls["deleted"], "20240316000000", deleted_page, headers=headers)
        wayback.add(urls["listing"], "20240316000000", listing)  # not a transcript
        config = write_config(base / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [urls["listing"]],
             "max_pages": 1}])
        config.write_text(config.read_text() + _archive_table(wayback))
        crawled = run_cli("crawl", "--json", config=config)
        assert crawled.code == 0, crawled.err
        assert json.loads(crawled.out)["new"] == 4  # the listing's first page only
        result = run_cli("archive", "--discover", "--json", config=config)
        assert result.code == 0, (result.out, result.err)
        again = run_cli("archive", "--discover", "--json", config=config)
        assert again.code == 0, (again.out, again.err)
    question = original.paragraphs[question_indices(original)[1]]
    return Imported(config, base / "briefwatch.db", wayback, urls, json.loads(result.out),
                    json.loads(again.out), question)


def test_an_import_finds_the_earlier_wording_the_deleted_transcript_and_rejects_error_pages(
        imported):
    source = imported.summary["sources"]["mfa-en"]
    assert imported.summary["status"] == "completed"
    assert (source["earlier"], source["edits"], source["discovered"], source["same"],
            source["rejected"], source["removed"]) == (1, 1, 2, 1, 2, 1), source
    assert source["captures"] == 6  # the listing page's capture is no transcript


def test_an_old_edit_found_only_in_captures_shows_in_history_and_diff(imported, cli):
    history = cli("history", imported.urls["edited"], "--json", config=imported.config)
    versions = history.jsonl()
    assert [(v["version"], v["origin"]) for v in versions] == [(1, "archive"), (2, "live")]
    assert versions[0]["fetched_at"] == "2024-03-11T08:00:00+00:00"
    assert versions[0]["capture_url"].endswith("/web/20240311080000id_/"
                                               + imported.urls["edited"])
    text = cli("history", imported.urls["edited"], config=imported.config).out
    assert "archive capture" in text.splitlines()[0]
    turns = cli("diff", imported.urls["edited"], "--format", "turns", config=imported.config)
    assert turns.code == 0, turns.err
    outlet = imported.dropped_question.split(": ", 1)[0]
    assert "removed" in turns.out and outlet in turns.out, turns.out
    # The edit is dated when a capture first shows it, not when briefwatch fetched the page.
    changes = [e for e in cli("changes", "--json", config=imported.config).jsonl()
               if e["url"] == imported.urls["edited"] and e["kind"] == "edited"]
    assert [e["detected_at"] for e in changes] == ["2024-03-14T09:00:00+00:00"]


def test_an_import_run_again_adds_nothing(imported, cli):
    source = imported.again["sources"]["mfa-en"]
    assert source["captures_known"] == 6, source
    assert (source.get("earlier", 0), source.get("discovered", 0), source["edits"]) == (0, 0, 0)
    history = cli("history", imported.urls["edited"], "--json", config=imported.config)
    assert len(history.jsonl()) == 2  # the live version is not duplicated


def test_discover_finds_transcripts_no_listing_links_and_flags_the_deleted_one(imported, cli):
    deleted = json.loads(cli("show", imported.urls["deleted"], "--json",
                             config=imported.config).out)
    assert deleted["status"] == "removed"
    assert (deleted["last_seen"], deleted["last_seen_in"]) == ("2024-03-16T00:00:00+00:00",
                                                               "archive")
    shown = cli("show", imported.urls["deleted"], config=imported.config).out
    assert "last seen 2024-03-16" in shown and "archive" in shown
    beyond = json.loads(cli("show", imported.urls["beyond_cap"], "--json",
                            config=imported.config).out)
    assert (beyond["status"], beyond["last_seen_in"], beyond["versions"]) == (
        "active", "live", 1)


def test_show_json_gives_each_versions_sha256_of_the_raw_bytes(imported, cli):
    shown = json.loads(cli("show", imported.urls["edited"], "--version", "1", "--json",
                           config=imported.config).out)
    assert shown["origin"] == "archive"
    assert len(shown["sha256"]) == 64


def test_a_warc_export_reads_back_with_digests_matching_the_stored_bytes(imported, cli,
                                                                        tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "mfa.warc.gz"
    result = cli("export", "--format", "warc", "-o", out, config=imported.config)
    assert result.code == 0, result.err
    records = []
    with out.open("rb") as fh:
        for record in ArchiveIterator(fh):
            records.append((record.rec_type, dict(record.rec_headers.headers),
                            record.content_stream().read(),
                            record.http_headers.statusline if record.http_headers else None))
    assert records[0][0] == "warcinfo"
    responses = [r for r in records if r[0] == "response"]
    stored = {}
    for doc in cli("list", "--json", config=imported.config).jsonl():
        for ver in cli("history", doc["url"], "--json", config=imported.config).jsonl():
            stored[(doc["url"], ver["fetched_at"])] = ver
    assert len(responses) == len(stored) == 7
    import base64

    for _, headers, payload, status in responses:
        date = headers["WARC-Date"].replace("Z", "+00:00")
        ver = stored[(headers["WARC-Target-URI"], date)]
        digest = hashlib.sha256(payload).digest()
        assert digest.hex() == ver["sha256"]
        assert headers["WARC-Payload-Digest"] == "sha256:" + base64.b32encode(digest).decode()
        assert status.startswith("200")
        if ver["origin"] == "archive":
            assert headers["WARC-Source-URI"] == ver["capture_url"]
    index = subprocess.run([str(Path(sys.executable).parent / "warcio"), "index", str(out)],
                           capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    assert sum(json.loads(line)["warc-type"] == "response"
               for line in index.stdout.splitlines()) == 7


# pywb lives in a virtualenv of its own (`make install` builds it; see the Makefile).
PYWB_BIN = Path(os.environ.get("BRIEFWATCH_PYWB_BIN", REPO / ".venv-pywb" / "bin"))


def test_an_exported_warc_replays_in_pywb(imported, cli, tmp_path):
    out = tmp_path / "evidence.warc.gz"
    assert cli("export", "--format", "warc", "--url", imported.urls["edited"], "-o", out,
               config=imported.config).code == 0
    bin_dir = PYWB_BIN
    assert (bin_dir / "wayback").exists(), f"no pywb in {bin_dir}: run 'make install'"
    subprocess.run([str(bin_dir / "wb-manager"), "init", "evidence"], cwd=tmp_path, check=True,
                   capture_output=True)
    subprocess.run([str(bin_dir / "wb-manager"), "add", "evidence", str(out)], cwd=tmp_path,
                   check=True, capture_output=True)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        versions = cli("history", imported.urls["edited"], "--json",
                       config=imported.config).jsonl()
        old = versions[0]
        stamp = old["fetched_at"][:19].replace("-", "").replace("T", "").replace(":", "")
        replay = f"http://127.0.0.1:{port}/evidence/{stamp}id_/{imported.urls['edited']}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(replay, timeout=10) as answer:
                    body = answer.read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log = server.stderr.read1(4000) if server.poll() is not None else b""
                    raise AssertionError(f"pywb did not replay {replay}: {log!r}") from None
                time.sleep(0.3)
        assert hashlib.sha256(body).hexdigest() == old["sha256"]
    finally:
        server.terminate()
        server.wait(10)


def test_an_archive_answering_429_and_503_is_retried_nothing_is_lost_and_one_line_told(
        tmp_path, cli):
    root = tmp_path / "site"
    en = invent_briefings("en", dt.date(2024, 5, 10), 2, seed=5)
    with LocalSite(root) as site, Wayback() as wayback, Webhook() as hook:
        before = write_archive(root, "en-2024", [replace(en[0])], per_page=4)
        url = site.url(before.article_paths[en[0].number])
        old_page = _read(root, before.article_paths[en[0].number])
        now = write_archive(root, "en-2024", [drop_exchange(en[0], 0)], per_page=4)
        wayback.add(url, "20240501000000", old_page)
        config = write_config(tmp_path / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(now.listing_path)]}])
        config.write_text(config.read_text() + _archive_table(wayback)
                          + f'\n[notify]\nurls = ["{hook.url()}"]\n')
        assert cli("crawl", config=config).code == 0
        later = cli("archive", "--url", url, "--since", "2024-05-02", "--json", config=config)
        assert json.loads(later.out)["captures"] == 0, later.out
        wayback.refuse = {"/cdx": [429, 503], "/web": [503, 429]}
        result = cli("archive", "--url", url, "--json", config=config)
        assert result.code == 0, (result.out, result.err)
        assert wayback.refuse == {"/cdx": [], "/web": []}
        told = hook.posts[-1]["message"]
    source = json.loads(result.out)["sources"]["mfa-en"]
    assert (source["earlier"], source["edits"]) == (1, 1), source
    assert [v["origin"] for v in cli("history", url, "--json", config=config).jsonl()] == [
        "archive", "live"]
    run = json.loads(result.out)["run"]
    assert told.strip() == (f"mfa-en: archive import found 1 earlier version, 1 edit "
                            f"('briefwatch changes --run {run}')"), told


def test_an_unreachable_archive_fails_in_one_line_and_changes_nothing(tmp_path, cli):
    root = tmp_path / "site"
    en = invent_briefings("en", dt.date(2024, 5, 10), 2, seed=6)
    with LocalSite(root) as site:
        now = write_archive(root, "en-2024", en, per_page=4)
        config = write_config(tmp_path / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(now.listing_path)]}])
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config.write_text(config.read_text() + f'\n[archive]\ncdx_url = "http://127.0.0.1:{port}'
                          f'/cdx"\nreplay_url = "http://127.0.0.1:{port}/web/"\n'
                          f"download_delay = 0\nretries = 1\n")
        assert cli("crawl", config=config).code == 0
    result = cli("archive", config=config)
    assert result.code == 1
    assert result.err.strip().count("\n") == 0, result.err
    assert "archive" in result.err and f"127.0.0.1:{port}" in result.err
    versions = [len(cli("history", d["url"], "--json", config=config).jsonl())
                for d in cli("list", "--json", config=config).jsonl()]
    assert versions == [1, 1]


@pytest.mark.parametrize("table, message", [
    ('cdx_url = "ftp://archive.example/cdx"', "[archive] cdx_url must be an http:// or https://"),
    ("download_delay = -1", "[archive] download_delay must be 0 or more"),
    ("retries = 99", "[archive] retries must be between 0 and 20"),
    ('replay = "x"', "unknown key"),
])
def test_a_bad_archive_table_is_one_line(tmp_path, cli, table, message):
    config = write_config(tmp_path / "briefwatch.toml", [
        {"name": "mfa-en", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/en/"]}])
    config.write_text(config.read_text() + f"\n[archive]\n{table}\n")
    result = cli("archive", config=config)
    assert result.code != 0
    assert message in result.err and result.err.strip().count("\n") == 0, result.err



def test_the_web_view_marks_archive_captures_and_where_a_transcript_was_last_seen(imported):
    from tests.test_web import _start, get

    proc, base = _start(imported.config, "--port", "0")
    try:
        doc = json.loads(run_cli("show", imported.urls["edited"], "--json",
                                 config=imported.config).out)
        status, _, page = get(f"{base}/t/{doc['id']}?v=1")
        assert status == 200
        assert "captured 2024-03-11 08:00:00 UTC by a web archive" in page
        assert page.count(">archive capture</a>") == 1  # v1 in the history table, not v2
        status, _, diff = get(f"{base}/t/{doc['id']}/diff?from=1&to=2")
        assert "version 1 · 2024-03-11 08:00:00 UTC · archive capture" in diff
        gone = json.loads(run_cli("show", imported.urls["deleted"], "--json",
                                  config=imported.config).out)
        _, _, page = get(f"{base}/t/{gone['id']}")
        assert "last seen 2024-03-16 00:00:00 UTC in a web archive" in page
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def test_a_prefix_listing_is_read_page_by_page_with_its_resume_key():
    from briefwatch.crawler.archive import cdx

    with Wayback() as wayback:
        for i in range(7):
            wayback.add(f"http://www.example.org/eng/t{i}.shtml", f"2020010{i + 1}000000", "x")
            wayback.add(f"http://www.example.org/eng/t{i}.shtml", f"2021010{i + 1}000000", "y")
        wayback.add("http://www.example.org/other/t9.shtml", "20200101000000", "z")
        seen, key, pages = [], None, 0
        while True:
            query = cdx.prefix_query(wayback.cdx_url, "www.example.org/eng/", resume_key=key,
                                     limit=3)
            with urllib.request.urlopen(query, timeout=10) as answer:
                rows, key = cdx.rows(json.load(answer))
            pages += 1
            seen += [row["original"] for row in rows]
            if not key:
                break
    assert pages == 3
    assert seen == [f"http://www.example.org/eng/t{i}.shtml" for i in range(7)]
