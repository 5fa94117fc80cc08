"""Raw pages in zstandard against their site's dictionary and their previous version
(storage/rawstore.py), restored bit for bit; `briefwatch compact` converting an older
database in place, resumably. Real SQLite files; pages in the real templates (demosite)."""

import datetime as dt
import hashlib
import json
import zlib

import pytest
from briefwatch.jobs import demo as demosite
from briefwatch.storage import runs
from briefwatch.storage.db import open_db
from briefwatch.storage.rawstore import TRAIN_AFTER, ZSTD_MAGIC, compact
from briefwatch.storage.text.normalize import canonical_hash, text_hash
from briefwatch.storage.text.turns import unpack_turns
from briefwatch.storage.versions import Fetched, raw_html, record

from tests.helpers import run_cli

GEN = demosite.GENERATIONS["en-2024"]


def pages(count: int, seed: int = 3) -> list[tuple[str, bytes, object]]:
    """(url, page, briefing) of `count` invented briefings in the 2024 template."""
    out = []
    for b in demosite.invent_briefings("en", dt.date(2024, 6, 28), count, seed=seed):
        html = demosite.render_article(GEN, b, demosite.render_body(b, GEN, False), 3, [b], [])
        out.append((f"https://www.fmprc.gov.cn{GEN.folder}{GEN.article_name(b)}",
                    html.encode(), b))
    return out


def fetched(url: str, raw: bytes, b) -> Fetched:
    text = "\n".join(b.paragraphs)
    return Fetched(source="mfa-en", url=url, title=b.title, published=b.date.isoformat(),
                   text=text, text_hash=text_hash(text), canonical_hash=canonical_hash(b.title,
                                                                                       text),
                   extractor="x/1", raw_html=raw)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "bw.db")
    yield database
    database.close()


def _store(db, items, edits: int = 10) -> dict[int, bytes]:
    """Store every page, then an edit of the first `edits`; version id -> the bytes."""
    run = runs.start(db, ["mfa-en"], {})
    for url, raw, b in items:
        record(db, run, fetched(url, raw, b))
    for url, _raw, b in items[:edits]:
        b2 = demosite.reword(b, seed=1)
        raw2 = demosite.render_article(GEN, b2, demosite.render_body(b2, GEN, False), 4, [b2],
                                       []).encode()
        record(db, run, fetched(url, raw2, b2))
    db.conn.commit()
    expected = {}
    for url, raw, _b in items:
        ids = db.execute("SELECT v.id FROM versions v JOIN documents d ON d.id = v.document "
                         "WHERE d.url = ? ORDER BY v.n", [url]).fetchall()
        expected[ids[0][0]] = raw
    return expected


def test_every_page_comes_back_bit_for_bit_and_a_site_shares_a_dictionary(db):
    items = pages(TRAIN_AFTER + 40)
    first = _store(db, items)
    for version_id, raw in first.items():
        assert raw_html(db, version_id) == raw
    rows = db.execute("SELECT id, raw_html, raw_base, sha256 FROM versions ORDER BY id").fetchall()
    assert all(blob[:4] == ZSTD_MAGIC for _, blob, _, _ in rows)
    for version_id, _, _, sha in rows:
        assert hashlib.sha256(raw_html(db, version_id)).hexdigest() == sha
    assert db.execute("SELECT count(*) FROM raw_dictionaries WHERE source = 'mfa-en'"
                      ).fetchone()[0] == 1
    # Pages stored once the dictionary exists cost less than those before it.
    early = [len(blob) for i, blob, base, _ in rows[:TRAIN_AFTER - 1] if base is None]
    late = [len(blob) for i, blob, base, _ in rows[TRAIN_AFTER + 1:len(items)] if base is None]
    assert sum(late) / len(late) < 0.8 * sum(early) / len(early)
    # An edit is stored against the version before it: a fraction of a page.
    edits = [(len(blob), base) for _, blob, base, _ in rows if base is not None]
    assert len(edits) == 10
    assert max(size for size, _ in edits) < min(early) / 3


def _as_an_older_briefwatch_stored_them(db) -> None:
    for version_id, _ in db.execute("SELECT id, raw_base FROM versions ORDER BY id DESC"
                                    ).fetchall():
        raw = raw_html(db, version_id)
        db.execute("UPDATE versions SET raw_html = ?, raw_base = NULL WHERE id = ?",
                   [zlib.compress(raw, 6), version_id])
    db.execute("DELETE FROM raw_dictionaries")
    for version_id, turns in db.execute("SELECT id, turns FROM versions").fetchall():
        db.execute("UPDATE versions SET turns = ? WHERE id = ?",
                   [json.dumps(unpack_turns(turns)), version_id])
    db.conn.commit()


def test_compact_converts_an_older_database_and_carries_on_after_an_interruption(db):
    items = pages(TRAIN_AFTER + 10, seed=5)
    _store(db, items, edits=6)
    expected = {i: raw_html(db, i) for (i,) in db.execute("SELECT id FROM versions")}
    _as_an_older_briefwatch_stored_them(db)
    assert all(raw_html(db, i) == raw for i, raw in expected.items())  # zlib still reads

    class Stop(Exception):
        pass

    def stop_after_two(k, total):
        if k >= 2:
            raise Stop

    with pytest.raises(Stop):
        compact(db, batch=1, progress=stop_after_two)
    db.conn.rollback()
    converted = db.execute("SELECT count(*) FROM versions WHERE substr(raw_html, 1, 4) = ?",
                           [ZSTD_MAGIC]).fetchone()[0]
    assert 0 < converted < len(expected)
    done = compact(db)
    assert done["transcripts"] == len(items) - 2
    assert all(raw_html(db, i) == raw for i, raw in expected.items())
    assert db.execute("SELECT count(*) FROM versions WHERE substr(raw_html, 1, 4) != ?",
                      [ZSTD_MAGIC]).fetchone()[0] == 0
    assert done["after"] < done["before"] / 2
    assert done["turns"] == len(expected)
    assert db.execute("SELECT count(*) FROM versions WHERE turns LIKE '[{%'").fetchone()[0] == 0
    assert compact(db)["versions"] == 0  # nothing left to do


def test_the_compact_command_says_what_it_saved(tmp_path):
    db = open_db(tmp_path / "bw.db")
    _store(db, pages(TRAIN_AFTER + 2, seed=7), edits=3)
    _as_an_older_briefwatch_stored_them(db)
    db.close()
    config = tmp_path / "briefwatch.toml"
    config.write_text('[storage]\npath = "bw.db"\n[[sources]]\nname = "mfa-en"\nspider = "mfa"\n'
                      'start_urls = ["http://127.0.0.1:9/eng/xw/fyrbt/lxjzh/"]\n')
    result = run_cli("compact", config=config)
    assert result.code == 0, result.err
    assert f"compacted {TRAIN_AFTER + 5} versions of {TRAIN_AFTER + 2} transcripts" in result.out
    shown = run_cli("export", "--format", "warc", "-o", tmp_path / "x.warc.gz", config=config)
    assert shown.code == 0, shown.err


def test_a_page_stored_with_a_dictionary_the_file_lost_is_a_clear_error(db):
    _store(db, pages(TRAIN_AFTER + 2, seed=9), edits=0)
    db.execute("DELETE FROM raw_dictionaries")
    last = db.execute("SELECT max(id) FROM versions").fetchone()[0]
    from briefwatch.storage.db import StorageError

    with pytest.raises(StorageError, match="dictionary .* does not hold: the file is damaged"):
        raw_html(db, last)

