"""Storage on real SQLite files: schema, versions, events, transactions, bad files."""

import sqlite3

import pytest
from briefwatch.storage import runs
from briefwatch.storage.db import StorageError, open_db
from briefwatch.storage.documents import NotFound, events, find, versions
from briefwatch.storage.search import BadQuery, search
from briefwatch.storage.text.normalize import canonical_hash, text_hash
from briefwatch.storage.versions import Fetched, record

URL = "http://127.0.0.1/t1.shtml"


def page(text: str, title: str = "Regular Press Conference on July 3, 2020", **kw) -> Fetched:
    return Fetched(source="mfa-en", url=kw.pop("url", URL), title=title, published="2020-07-03",
                   text=text, text_hash=text_hash(text),
                   canonical_hash=canonical_hash(title, text),
                   extractor=kw.pop("extractor", "x/1"), raw_html=b"<html>" + text.encode(), **kw)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "bw.db")
    yield database
    database.close()


def test_schema(db):
    assert set(db.table_names()) >= {"runs", "documents", "versions", "events", "versions_fts",
                                      "_sqlite_migrations"}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [c.name for c in db["versions"].columns] == [
        "id", "document", "n", "run", "fetched_at", "title", "published", "text", "text_hash",
        "canonical_hash", "extractor", "http_status", "etag", "last_modified", "raw_html", "turns",
        "meta", "sha256", "status_line", "headers", "origin", "capture_url", "raw_base", "sha1"]
    assert [c.name for c in db["documents"].columns] == [
        "id", "source", "url", "title", "published", "first_seen", "last_seen", "status",
        "versions", "etag", "last_modified", "conference", "suspect_runs", "suspect_last_run",
        "last_seen_in"]
    assert [c.name for c in db["suspects"].columns] == [
        "id", "run", "document", "detected_at", "reason", "http_status", "canonical_hash"]
    assert [c.name for c in db["events"].columns] == [
        "id", "run", "document", "version", "kind", "detected_at", "summary", "notified_at",
        "edit_class", "significance"]
    assert [c.name for c in db["channels"].columns] == [
        "key", "label", "since_event", "added", "last_attempt", "last_error"]
    assert [c.name for c in db["deliveries"].columns] == ["event", "channel", "sent_at"]
    assert [c.name for c in db["capture_digests"].columns] == [
        "url", "digest", "source", "captured_at", "outcome"]
    assert [m["name"] for m in db["_sqlite_migrations"].rows] == [
        "m001_initial", "m002_version_turns", "m003_notifications", "m004_revisits_and_copies",
        "m005_suspect_fetches", "m006_word_search", "m007_pairings",
        "m008_evidence_and_archive", "m009_compact_raw_pages",
        "m010_read_indexes", "m011_listing_reach", "m012_turns_and_pairings_anew",
        "m013_capture_digests", "m014_edit_classes", "m015_turns_of_tied_speakers"]


def test_new_unchanged_edited(db):
    run = runs.start(db, ["mfa-en"], {})
    assert record(db, run, page("A: one.\nB: two.")).verb == "new"
    assert record(db, run, page("A: one.\nB: two.")).verb == "unchanged"
    assert record(db, run, page("A:\u00a0one.\nB: two.  ")).verb == "unchanged"
    outcome = record(db, run, page("A: one.\nB: three."))
    assert (outcome.verb, outcome.version) == ("edited", 2)
    doc = find(db, URL)
    assert doc["versions"] == 2
    assert [v["n"] for v in versions(db, doc["id"])] == [1, 2]
    kinds = [(e["kind"], e["version"], e["run"]) for e in events(db)]
    assert kinds == [("new", 1, run), ("edited", 2, run)]
    # Without turns from the crawler, storage splits the text into turns itself.
    assert events(db, kind="edited")[0]["summary"] == {
        "paragraphs_added": 0, "paragraphs_removed": 0, "paragraphs_changed": 1,
        "words_changed": 1, "turns_added": 0, "turns_removed": 0, "turns_changed": 1,
        "questions_removed": [], "questions_added": [], "exchange_turns_added": 0,
        "exchange_turns_removed": 0,
        "sentences_added": 0, "sentences_removed": 0, "edit_runs": 1, "typo_runs": 0,
        "key_terms": [], "words_total": 4}


def test_the_upgrade_splits_stored_turns_again(tmp_path):
    """A version stored while an unanswered last question was read as an answer (its outlet
    tied with the spokesperson): m015 splits it again, as exchanges and pairings read it."""
    from briefwatch.storage.text.turns import pack_turns, unpack_turns

    asked = ("Kenya's minister will visit.\nReuters: Will the minister visit?\n"
             "Ada Okonjo: We will release information.\nCCTV: How does China view the forum?\n"
             "Ada Okonjo: It is a success.\nReuters: What of the remarks on Taiwan?")
    path = tmp_path / "bw.db"
    db = open_db(path)
    record(db, None, page(asked))
    old = unpack_turns(db.execute("SELECT turns FROM versions").fetchone()[0])
    assert old[-1]["role"] == "question"
    old[-1] = {**old[-1], "role": "answer"}  # as the rules before m015 read it
    db.execute("UPDATE versions SET turns = ?", [pack_turns(old)])
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_turns_of_tied_speakers'")
    db.conn.commit()
    db.close()

    db = open_db(path)
    assert unpack_turns(db.execute("SELECT turns FROM versions").fetchone()[0])[-1][
        "role"] == "question"
    db.close()


def test_extractor_change_is_not_an_edit_when_old_html_reextracts_the_same(db):
    record(db, None, page("A: one."))
    same = page("A: one, reformatted.", extractor="x/2")
    assert record(db, None, same, rehash_previous=lambda raw: same.canonical_hash).verb == \
        "unchanged"
    assert record(db, None, same, rehash_previous=lambda raw: "other").verb == "edited"


def test_version_and_event_are_one_transaction(db):
    record(db, None, page("A: one."))

    def explode(raw):
        raise RuntimeError("crash while recording")

    with pytest.raises(RuntimeError):
        record(db, None, page("A: two.", extractor="x/2"), rehash_previous=explode)
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_search_finds_a_removed_passage_and_names_its_version(db):
    record(db, None, page("Reuters: Time will prove who is right.\nA: Yes."))
    record(db, None, page("A: Yes."))
    record(db, None, page("中央电视台记者：钓鱼岛问题。", url="http://127.0.0.1/t2.shtml"))
    hits = search(db, "time will PROVE")
    assert [(h["url"], h["versions"]) for h in hits] == [(URL, [1])]
    assert "[" in hits[0]["snippet"]
    assert [h["url"] for h in search(db, "钓鱼岛")] == ["http://127.0.0.1/t2.shtml"]
    # two-character Chinese words, the commonest kind, are found too
    assert [h["url"] for h in search(db, "问题")] == ["http://127.0.0.1/t2.shtml"]
    # a passage copied up to the middle of a word still matches
    assert [h["url"] for h in search(db, "Time will pro")] == [URL]
    with pytest.raises(BadQuery):
        search(db, " -- ")


def test_not_found(db):
    with pytest.raises(NotFound, match="briefwatch list"):
        find(db, "http://nowhere/")
    with pytest.raises(NotFound):
        find(db, "42")


def test_abandoned_run_is_marked_interrupted(db):
    run = runs.start(db, ["a"], {})
    db.execute("UPDATE runs SET pid = 2147483646 WHERE id = ?", [run])
    assert runs.mark_abandoned(db) == 1
    assert runs.list_runs(db)[0]["status"] == "interrupted"


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 100)
    with pytest.raises(StorageError, match="not a briefwatch database"):
        open_db(path)
    assert path.read_bytes() == b"my precious notes\n" * 100


def test_another_programs_database_is_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(StorageError, match="another program"):
        open_db(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "bw.db"
    db = open_db(path)
    db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
               "VALUES ('briefwatch', 'm999_future', '2030-01-01')")
    db.close()
    with pytest.raises(StorageError, match="newer briefwatch"):
        open_db(path)


def test_a_full_walk_follows_any_run_that_left_work_undone(db):
    assert runs.needs_full_walk(db, "mfa-en")  # never crawled
    first = runs.start(db, ["mfa-en"], {})
    runs.finish(db, first, "completed", {"mfa-en": {"new": 3, "failed": 0}})
    assert not runs.needs_full_walk(db, "mfa-en")
    assert runs.needs_full_walk(db, "mfa-zh")
    killed = runs.start(db, ["mfa-en"], {})
    db.execute("UPDATE runs SET status = 'interrupted' WHERE id = ?", [killed])
    assert runs.needs_full_walk(db, "mfa-en")
    for stats in ({"failed": 2}, {"listing_failed": 1}):
        run = runs.start(db, ["mfa-en"], {})
        runs.finish(db, run, "completed", {"mfa-en": stats})
        assert runs.needs_full_walk(db, "mfa-en")
    clean = runs.start(db, ["mfa-en"], {})
    runs.finish(db, clean, "completed", {"mfa-en": {"unchanged": 3}})
    assert not runs.needs_full_walk(db, "mfa-en")
    # a run still going says nothing yet
    runs.start(db, ["mfa-en"], {})
    assert not runs.needs_full_walk(db, "mfa-en")


@pytest.mark.parametrize(("text", "query", "marked"), [
    ("Hong Kong's motherland and the land of the free.", "land", "[land]"),
    ("On that day a question was asked.", "a", "[a]"),
    ("On that day a question was asked.", "quest", "[question]"),  # cut short: the word
    ("中方坚决支持香港维护国家安全法。", "香港", "[香港]"),
    ("日本政府对钓鱼岛及其附属岛屿的主张", "钓鱼岛", "[钓鱼岛]"),
    ("Land reform, and the motherland.", "land", "[Land]"),
])
def test_a_snippet_marks_exactly_what_matched(db, text, query, marked):
    record(db, None, page(text))
    (hit,) = search(db, query)
    assert marked in hit["snippet"], hit["snippet"]
    assert hit["snippet"].count("[") == 1


def test_a_reading_command_reads_one_state_of_the_database(tmp_path):
    """What a reading command reads in several queries agrees: a crawl's commit made while it
    reads is not half in what it saw (publish's transcripts and their versions, say)."""
    from briefwatch.storage.db import open_reader

    path = tmp_path / "bw.db"
    writer = open_db(path)
    record(writer, None, page("A: one."))
    reader = open_reader(path)
    try:
        assert reader.execute("SELECT count(*) FROM documents").fetchone() == (1,)
        record(writer, None, page("A: two.", url="http://127.0.0.1/t2.shtml"))
        record(writer, None, page("A: one, edited."))
        assert reader.execute("SELECT count(*) FROM documents").fetchone() == (1,)
        assert reader.execute("SELECT count(*) FROM versions").fetchone() == (1,)
        later = open_reader(path)
        assert later.execute("SELECT count(*) FROM versions").fetchone() == (3,)
        later.close()
    finally:
        reader.close()
        writer.close()
