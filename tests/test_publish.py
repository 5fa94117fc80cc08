"""`briefwatch publish` (issue 24): the real CLI writes a database of a local site's pages in the
real templates (tests/sites/published.py: English and Chinese, an edit that removed a
question, a divergent conference, an archive capture); a real `datasette` serves it on a free
port of 127.0.0.1 and is asked through its JSON API, and once in headless Chromium."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

import pytest

from tests.helpers import REPO, run_cli, run_cli_on_a_full_disk, wait_for
from tests.sites.published import HONG_KONG, build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TABLES = ("transcripts", "versions", "exchanges", "events", "pairs")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("publish")
    published = build(base)
    out, meta = base / "briefings.db", base / "metadata.json"
    result = run_cli("publish", out, "--metadata", meta, config=published.config)
    assert result.code == 0, result.err
    return published, out, meta


@pytest.fixture(scope="module")
def datasette(site):
    _, out, meta = site
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(out), "-m",
                             str(meta), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    base = f"http://127.0.0.1:{port}/briefings"

    def answers():
        try:
            with urllib.request.urlopen(base + ".json", timeout=5):
                return True
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()
            return False

    wait_for(answers, 60, "datasette to answer")
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


def api(base: str, path: str, **params) -> dict:
    query = urllib.parse.urlencode({**params, "_shape": "objects"})
    with urllib.request.urlopen(f"{base}/{path}.json?{query}", timeout=30) as response:
        return json.load(response)


def search(base: str, table: str, query: str) -> list[dict]:
    answer = api(base, table, _search=query)
    # Datasette says so when it searched; a table without a search box ignores _search.
    assert f'search matches "{query}"' in answer["human_description_en"], answer
    return answer["rows"]


def test_the_published_tables_link_and_hold_no_internals(site):
    published, out, _ = site
    conn = sqlite3.connect(out)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE '%_fts%'")}
    assert tables == set(TABLES)
    for table in TABLES:
        types = {r[2] for r in conn.execute(f"PRAGMA table_info({table})")}
        assert "BLOB" not in types, table
    links = {(t, r[3], r[2]) for t in TABLES for r in conn.execute(
        f"PRAGMA foreign_key_list({t})")}
    assert {("versions", "transcript", "transcripts"), ("exchanges", "paired_exchange",
            "exchanges"), ("events", "version", "versions"),
            ("pairs", "zh_transcript", "transcripts")} <= links
    archive = conn.execute("SELECT v.version, v.capture_url FROM versions v JOIN transcripts t "
                           "ON t.id = v.transcript WHERE t.url = ? AND v.origin = 'archive'",
                           [published.urls["archived"]]).fetchall()
    assert len(archive) == 1 and archive[0][0] == 1 and "/web/2024" in archive[0][1]
    removed = conn.execute("SELECT question, last_version, removed_at, paired_exchange "
                           "FROM exchanges WHERE removed_at IS NOT NULL").fetchall()
    assert [(q, last) for q, last, _, _ in removed] == [
        (published.dropped_question.split(": ", 1)[1], 1)]
    assert conn.execute("SELECT count(*) FROM pairs WHERE divergent = 1").fetchone()[0] == 1
    # The exchanges of both languages point at each other.
    assert conn.execute("SELECT count(*) FROM exchanges a JOIN exchanges b "
                        "ON b.id = a.paired_exchange AND a.id = b.paired_exchange").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM events WHERE kind = 'edited' AND description "
                        "LIKE 'question from Kyodo News removed%'").fetchone()[0] == 1


def test_every_table_has_a_search_box(datasette):
    for table in ("transcripts", "versions", "exchanges"):
        search(datasette, table, "China")


def test_chinese_words_as_typed_an_english_phrase_and_a_removed_passage_are_found(
        datasette, site):
    published, _, _ = site
    for table in ("transcripts", "versions"):
        rows = search(datasette, table, "香港")
        assert [HONG_KONG[1] in r["text"] for r in rows] == [True]
        assert len(search(datasette, table, "台湾")) == 1
        assert len(search(datasette, table, '"Hong Kong Special Administrative Region"')) == 1
    # A word of two characters in the questions and answers, and a phrase of them.
    rows = search(datasette, "exchanges", "中方")
    assert rows and {r["language"] for r in rows} == {"zh"}
    assert all("中方" in r["question"] + r["answer"] for r in rows)
    assert search(datasette, "exchanges", '"中方如何看待"')
    # The removed question: in the version that had it, and as the exchange an edit removed.
    question = published.dropped_question.split(": ", 1)[1]
    phrase = '"' + question.rstrip("?") + '"'
    assert [r["version"] for r in search(datasette, "versions", phrase)] == [1]
    assert [r["removed_at"] is not None for r in search(datasette, "exchanges", phrase)] == [True]
    # Nothing found is nothing found (the search is applied, not ignored).
    assert search(datasette, "versions", "香港台湾") == []


def test_each_canned_query_answers(datasette, site):
    published, _, _ = site
    removed = api(datasette, "questions_removed")["rows"]
    assert [r["outlet"] for r in removed] == ["Kyodo News"]
    differ = api(datasette, "languages_differ")["rows"]
    assert len(differ) == 1 and "Kyodo News" in differ[0]["missing_in_en"]
    asked = api(datasette, "outlet_questions", outlet="Kyodo News")["rows"]
    assert asked and len(api(datasette, "outlet_questions", outlet="共同社记者")["rows"]) >= 1
    url = published.urls["archived"]
    then = api(datasette, "transcript_at", transcript=url, date="2024-03-09")["rows"]
    assert [(r["version"], r["origin"]) for r in then] == [(1, "archive")]
    now = api(datasette, "transcript_at", transcript=url, date="2030-01-01")["rows"]
    assert [r["version"] for r in now] == [2]


def test_the_metadata_describes_every_column(site):
    _, out, meta = site
    metadata = json.loads(meta.read_text(encoding="utf-8"))
    database = metadata["databases"]["briefings"]
    conn = sqlite3.connect(out)
    for table in TABLES:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        assert list(database["tables"][table]["columns"]) == columns, table
    assert set(database["tables"]["exchanges"]["facets"]) >= {"source", "outlet",
                                                               "spokesperson", "status"}
    assert "127.0.0.1" in metadata["source"] and metadata["license"]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
def test_the_search_page_shows_the_matches_in_a_browser(datasette):
    url = f"{datasette}/versions?" + urllib.parse.urlencode({"_search": "香港"})
    with tempfile.TemporaryDirectory(prefix="bw-chromium-") as profile:
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=90).stdout
    assert 'name="_search"' in dom and 'value="香港"' in dom  # the box, as typed
    assert "1 row where search matches" in dom
    assert HONG_KONG[1] in dom


def test_publish_again_replaces_the_file_whole(site, tmp_path):
    """A second publish replaces the first; one that fails half-way leaves it as it was, and
    no temporary file."""
    from briefwatch.storage.db import open_reader
    from briefwatch.storage.publish import publish
    from briefwatch.storage.text.names import Names

    published, out, _ = site
    copy = tmp_path / "briefings.db"
    shutil.copy(out, copy)
    before = copy.read_bytes()
    result = run_cli("publish", copy, "--source", "mfa-zh", config=published.config)
    assert result.code == 0, result.err
    assert "4 transcripts" in result.err
    counts = sqlite3.connect(copy).execute("SELECT count(*) FROM transcripts").fetchone()
    assert counts == (4,)
    shutil.copy(out, copy)

    def failing():
        yield from ()
        raise KeyboardInterrupt

    db = open_reader(published.config.parent / "briefwatch.db")
    with pytest.raises(KeyboardInterrupt):
        publish(db, copy, names=Names(), exchanges=failing())
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefings.db"]


def test_a_publish_the_disk_cannot_hold_is_one_line_and_leaves_the_earlier_one(site, tmp_path):
    published, out, _ = site
    copy = tmp_path / "briefings.db"
    shutil.copy(out, copy)
    before = copy.read_bytes()
    proc = run_cli_on_a_full_disk(len(before) // 2, "publish", copy, config=published.config)
    assert proc.code == 1, proc.err
    lines = proc.err.strip().splitlines()
    assert len(lines) == 1, proc.err
    assert lines[0].startswith(f"briefwatch: error: cannot write {copy}: ") and lines[
        0].endswith("; the earlier publish is left as it was"), lines
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefings.db"]


@pytest.mark.parametrize("args, message", [
    (["briefwatch.db"], "is the briefwatch database itself"),
    (["foreign.db"], "is not a database briefwatch published"),
    (["out.db", "--source", "nope"], "nope"),
    (["out.db", "--since", "March"], "not a time: give an ISO 8601 date"),
    (["missing/out.db"], "does not exist"),
])
def test_bad_targets_and_options_are_refused_in_one_line(site, args, message):
    published, _, _ = site
    folder = published.config.parent
    foreign = folder / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE IF NOT EXISTS mine (x)").connection.commit()
    kept = foreign.read_bytes()
    result = run_cli("publish", *args, config=published.config, cwd=folder)
    assert result.code == 2, result
    assert message in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert foreign.read_bytes() == kept
    assert not (folder / "out.db").exists()


def test_the_plugin_is_datasettes_entry_point():
    from importlib.metadata import entry_points

    assert [e.value for e in entry_points(group="datasette") if e.name == "briefwatch"] == [
        "briefwatch.jobs.datasetteplugin"]
