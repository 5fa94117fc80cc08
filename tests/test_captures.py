"""Archive captures placed among stored versions by time (storage/captures.py), on real
SQLite files, in whatever order they arrive."""

import dataclasses
import hashlib
import itertools
import json

import pytest
from briefwatch.storage import runs
from briefwatch.storage.captures import imported, record_capture, record_rejected_capture
from briefwatch.storage.db import open_db
from briefwatch.storage.documents import events, versions
from briefwatch.storage.versions import record, record_suspect

from tests.test_storage import URL, page

A = "Reuters: Is the forum on?\nWang: Yes.\nAFP: And the talks?\nWang: Soon."
B = "Reuters: Is the forum on?\nWang: Yes."
C = "Reuters: Is the forum on?\nWang: Yes, next week."


def capture(text: str, stamp: str, **kw):
    return dataclasses.replace(page(text, **kw),
                               capture_url=f"http://archive/web/{stamp}id_/{URL}")


def at(stamp: str) -> str:
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T00:00:00+00:00"


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "bw.db")
    yield database
    database.close()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_versions_follow_time_whatever_order_the_captures_arrive_in(db, order):
    run = runs.start(db, ["mfa-en"], {"archive": True})
    record(db, run, page(B))  # the live version, fetched now
    shots = [(A, "20170301"), (C, "20190301"), (B, "20230301")]
    for i in order:
        text, stamp = shots[i]
        record_capture(db, run, capture(text, stamp), at(stamp))
    stored = versions(db, 1)
    assert [(v["n"], v["text"], v["origin"]) for v in stored] == [
        (1, A, "archive"), (2, C, "archive"), (3, B, "live")]
    assert [v["fetched_at"][:10] for v in stored[:2]] == ["2017-03-01", "2019-03-01"]
    edits = [(e["version"], e["detected_at"][:10]) for e in events(db, kind="edited")]
    # A→C seen by 2019, C→B by the 2023 capture that holds the live text already.
    assert sorted(edits) == [(2, "2019-03-01"), (3, "2023-03-01")]
    assert db.execute("SELECT versions FROM documents").fetchone()[0] == 3
    assert len(imported(db, "mfa-en")) == 3


def test_a_capture_of_a_stored_text_adds_no_version_and_an_edit_summary_follows_its_neighbour(db):
    run = runs.start(db, ["mfa-en"], {})
    record(db, run, page(A))
    record(db, run, page(B))
    edit = events(db, kind="edited")[0]
    assert edit["summary"]["questions_removed"][0]["outlet"] == "AFP"
    same = record_capture(db, run, capture(B, "20990101"), at("20990101"))
    assert same.verb == "same"
    # C falls between A and B in time: v2 is now C, and B's edit is from C, not from A.
    db.execute("UPDATE versions SET fetched_at = '2000-01-01T00:00:00+00:00' WHERE n = 1")
    assert record_capture(db, run, capture(C, "20100101"), at("20100101")).verb == "earlier"
    stored = versions(db, 1)
    assert [v["text"] for v in stored] == [A, C, B]
    summaries = {e["version"]: e["summary"] for e in events(db, kind="edited")}
    assert summaries[3]["questions_removed"] == []
    assert summaries[2]["questions_removed"][0]["outlet"] == "AFP"


def test_renumbering_moves_the_pairings_that_name_versions(db):
    run = runs.start(db, ["mfa-en"], {})
    record(db, run, page(B))
    other = record(db, run, page("记者：论坛？\n汪：是。", url="http://127.0.0.1/zh.shtml"))
    db.execute("INSERT INTO pairings (en_document, zh_document, conference, en_version, "
               "zh_version, en_exchanges, zh_exchanges, matched, missing_in_en, missing_in_zh, "
               "merged, divergent, computed_at) VALUES (1, ?, '2020-07-03', 1, 1, 1, 1, '[]', "
               "'[]', '[]', '[]', 0, 'now')", [other.document])
    record_capture(db, run, capture(A, "20170301"), at("20170301"))
    assert db.execute("SELECT en_version, zh_version FROM pairings").fetchone() == (2, 1)


def test_a_transcript_found_only_in_the_archive_is_new_at_its_first_capture(db):
    run = runs.start(db, ["mfa-en"], {"archive": True})
    assert record_capture(db, run, capture(B, "20210301"), at("20210301")).verb == "new"
    assert record_capture(db, run, capture(A, "20200301"), at("20200301")).verb == "earlier"
    doc = db.execute("SELECT first_seen, last_seen, last_seen_in FROM documents").fetchone()
    assert doc == (at("20200301"), at("20210301"), "archive")
    new = events(db, kind="new")
    assert [(e["version"], e["detected_at"]) for e in new] == [(1, at("20200301"))]
    # The live site no longer serves it: a soft 404 removes it at once.
    assert record_suspect(db, run, URL, "the site's error page").verb == "removed"


def test_a_rejected_capture_is_remembered_but_never_a_version(db):
    run = runs.start(db, ["mfa-en"], {})
    record(db, run, page(A))
    assert record_rejected_capture(db, run, URL, "http://archive/web/1id_/x", at("20200101"),
                                   "the site's error page")
    assert not record_rejected_capture(db, run, "http://elsewhere/", "http://archive/web/2id_/y",
                                       at("20200101"), "the site's error page")
    assert len(versions(db, 1)) == 1
    assert imported(db, "mfa-en") == ["http://archive/web/1id_/x"]


def test_each_version_keeps_the_sha256_of_its_raw_bytes_and_its_response(db):
    run = runs.start(db, ["mfa-en"], {})
    record(db, run, dataclasses.replace(page(A), status_line="HTTP/1.1 200 OK",
                                        headers=[["Content-Type", "text/html"]]))
    row = db.execute("SELECT sha256, status_line, headers, origin FROM versions").fetchone()
    assert row[0] == hashlib.sha256(b"<html>" + A.encode()).hexdigest()
    assert (row[1], json.loads(row[2]), row[3]) == ("HTTP/1.1 200 OK",
                                                    [["Content-Type", "text/html"]], "live")
