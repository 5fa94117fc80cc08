"""Bounded queries (issue 27, item 2): a query past the caps is refused at once in one line
(exit 2 in the CLI, 400 in the web view) without being repeated whole, the CLI's echo of a
query that found nothing is shortened, and a snippet stays a snippet however long its match.
A real SQLite database, the real CLI in a subprocess, the real WSGI app called in process."""

from __future__ import annotations

import datetime as dt
import io
from wsgiref.util import setup_testing_defaults

import pytest
from briefwatch.storage.search import MAX_QUERY_WORDS, search

from tests.helpers import read_cli, run_cli, write_config

GIANT = "x" * 1_000_000  # a word of a megabyte: a page's base64 blob, say
LONG_QUERY = " ".join(f"word{k % 50}" for k in range(16_000))  # 16,000 words, about 110 KB


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A config and a database holding two transcripts: an ordinary one, and one whose text
    holds GIANT after the words "blob follows"."""
    from briefwatch.storage.db import open_db
    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
    from briefwatch.storage.text.turns import split_turns
    from briefwatch.storage.versions import Fetched, record

    base = tmp_path_factory.mktemp("query")
    config = write_config(base / "briefwatch.toml", [
        {"name": "bench", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/eng/"]}],
        db="query.db")
    texts = ["Time will prove that cooperation benefits both peoples.\nThank you.",
             f"The attachment is below.\nblob follows {GIANT} and that is all."]
    store = open_db(base / "query.db")
    try:
        for k, text in enumerate(texts):
            day = dt.date(2024, 3, 4 + k)
            title = f"Regular Press Conference on March {4 + k}, 2024"
            record(store, None, Fetched(
                source="bench", url=f"http://127.0.0.1:9/eng/t{k}.html", title=title,
                published=day.isoformat(), text=text, text_hash=text_hash(text),
                canonical_hash=canonical_hash(title, text), extractor="test",
                turns=split_turns(text, title), conference=conference_key(day, title)))
    finally:
        store.close()
    return config, base / "query.db"


def test_a_16000_word_query_is_refused_in_one_line_without_its_echo(db):
    config, _ = db
    result = run_cli("search", LONG_QUERY, config=config)
    assert result.code == 2, result
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "16,000 words" in result.err and f"at most {MAX_QUERY_WORDS}" in result.err
    assert len(result.err) < 300  # the query is not repeated


def test_a_query_past_the_character_cap_is_refused_too(db):
    config, _ = db
    result = run_cli("search", "x" * 5_000, config=config)
    assert result.code == 2, result
    assert "1 word and 5,000 characters" in result.err and len(result.err) < 300


def test_a_query_that_finds_nothing_is_echoed_shortened(db):
    config, _ = db
    query = " ".join(f"nowhere{k}" for k in range(90))  # under the caps, about 800 characters
    result = run_cli("search", query, config=config)
    assert result.code == 0, result
    assert result.err.startswith("nothing matches 'nowhere0 nowhere1")
    assert len(result.err) < 120 and "…" in result.err


def test_a_query_under_the_caps_still_finds_its_passage(db):
    config, _ = db
    hits = read_cli("search", "Time will prove that", "--json", config=config).jsonl()
    assert [h["snippet"] for h in hits] == [
        "[Time will prove that] cooperation benefits both peoples. Thank you."]


def test_a_snippet_is_bounded_however_long_its_match(db):
    from briefwatch.storage.db import open_db

    store = open_db(db[1])
    try:
        # the last word may be cut short: "x" matches the whole megabyte word
        (hit,) = search(store, "blob follows x")
    finally:
        store.close()
    assert len(hit["snippet"]) < 600
    assert hit["snippet"].startswith("…") or hit["snippet"].startswith("The attachment")
    assert "[blob follows xxx" in hit["snippet"] and "x…x" in hit["snippet"]


def _get(app, path: str, query: str) -> tuple[str, str]:
    env = {"PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(env)
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    return answer.setdefault("body", b"".join(app(env, start_response)).decode()), \
        answer["status"]


def test_the_web_view_refuses_a_long_query_with_a_400(db):
    import urllib.parse

    from briefwatch.jobs.web import App

    app = App(db[1])
    body, status = _get(app, "/search", urllib.parse.urlencode({"q": LONG_QUERY}))
    assert status == "400 Bad Request"
    assert "16,000 words" in body and "word49 word0" not in body
    assert len(body) < 20_000
    body, status = _get(app, "/search", urllib.parse.urlencode({"q": "Time will prove"}))
    assert status == "200 OK" and "1 transcript holds" in body
