"""What the ministry deleted: every exchange of every version, each once (issue 22, item 4).

First storage.exchangehistory on invented briefings split by the real turn splitter and
exchange builder; then the real CLI against a local copy of the ministry's two archives,
crawled, edited (a question removed, another reworded), crawled again.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import replace

from briefwatch.jobs import demo as ds
from briefwatch.storage.exchangehistory import exchange_history, same_exchanges, through_paragraphs
from briefwatch.storage.pairings import exchanges_of
from briefwatch.storage.text.names import load_names

from tests.helpers import read_cli, run_cli
from tests.test_pairs import _crawl, _series

DAY = dt.date(2020, 7, 3)
_PREFIXES = tuple(f"{o[0]}: " for o in ds.OUTLETS) + tuple(f"{o[1]}记者：" for o in ds.OUTLETS)


def _questions(b: ds.Briefing) -> list[int]:
    return [k for k, p in enumerate(b.paragraphs) if p.startswith(_PREFIXES)]


def _version(b: ds.Briefing, n: int) -> dict:
    """A version as storage.documents.versions gives it (turns split when read)."""
    return {"n": n, "text": "\n".join(b.paragraphs), "title": b.title, "turns": None,
            "fetched_at": f"2020-07-{3 + n:02d}T02:00:00+00:00"}


def _reword_question(b: ds.Briefing, k: int, new_ask: str) -> ds.Briefing:
    """The k-th question asked otherwise (its last sentence replaced), its answer kept."""
    at = _questions(b)[k]
    prefix, _, said = b.paragraphs[at].partition(": ")
    context = said.rsplit(". ", 1)[0]
    paragraphs = list(b.paragraphs)
    paragraphs[at] = f"{prefix}: {context}. {new_ask}"
    return replace(b, paragraphs=tuple(paragraphs))


def _longest(briefings: list[ds.Briefing]) -> ds.Briefing:
    return max(briefings, key=lambda b: len(_questions(b)))


def _asked(rows: list[dict]) -> list[tuple]:
    return [(r["index"], r["version"], r["first_version"], r["last_version"]) for r in rows
            if r["index"]]


def test_an_exchange_removed_ends_at_its_last_version_and_one_reworded_goes_on():
    names = load_names()
    b = _longest(ds.invent_briefings("en", DAY, 8, seed=3))
    count = len(_questions(b))
    assert count >= 4
    edited = ds.drop_exchange(_reword_question(b, 0, "How do you respond?"), 1)
    rows = exchange_history([_version(b, 1), _version(edited, 2)], names)
    # the removed one stands where it stood, in its own wording; the others in the newest
    assert _asked(rows) == [(1, 2, 1, None), (2, 1, 1, 1),
                            *[(k, 2, 1, None) for k in range(2, count)]]
    removed = rows[2]
    assert removed["removed_at"] == _version(edited, 2)["fetched_at"]
    assert removed["question"] == next(e["question"] for e in exchanges_of(_version(b, 1), names)
                                       if e["index"] == 2)
    assert rows[1]["question"].endswith("How do you respond?")
    assert rows[0]["index"] == 0 and rows[0]["last_version"] is None  # the opening goes on
    assert all(r["removed_at"] is None for r in rows if r is not removed)


def test_an_exchange_added_starts_at_its_version_and_one_brought_back_is_another():
    names = load_names()
    b = _longest(ds.invent_briefings("en", DAY, 8, seed=4))
    cut = ds.drop_exchange(b, -1)
    versions = [_version(cut, 1), _version(b, 2), _version(cut, 3), _version(b, 4)]
    rows = [r for r in exchange_history(versions, names) if r["index"]]
    last = len(_questions(b))
    spans = [(r["first_version"], r["last_version"]) for r in rows if r["index"] == last]
    assert spans == [(2, 2), (4, None)]  # added, removed, added again: two exchanges
    assert sum(1 for r in rows if r["last_version"] is None) == last


def test_a_question_reworded_beyond_recognition_keeps_its_exchange_by_its_answer():
    names = load_names()
    b = _longest(ds.invent_briefings("en", DAY, 8, seed=5))
    at = _questions(b)[2]
    prefix = b.paragraphs[at].split(": ", 1)[0]
    paragraphs = list(b.paragraphs)
    paragraphs[at] = f"{prefix}: Quite another matter altogether, then?"
    edited = replace(b, paragraphs=tuple(paragraphs))
    rows = [r for r in exchange_history([_version(b, 1), _version(edited, 2)], names)
            if r["index"]]
    assert [r["last_version"] for r in rows] == [None] * len(_questions(b))
    assert rows[2]["question"] == "Quite another matter altogether, then?"


def test_the_shortcut_for_unchanged_questions_gives_what_the_alignment_gives():
    names = load_names()
    checked = 0
    for lang in ("en", "zh"):
        for b in ds.invent_briefings(lang, DAY, 30, seed=9):
            for seed in range(3):
                old, new = (exchanges_of(_version(x, 1), names) for x in (b, ds.reword(b, seed)))
                text_old, text_new = "\n".join(b.paragraphs), "\n".join(
                    ds.reword(b, seed).paragraphs)
                shortcut = same_exchanges(text_old, old, text_new, new)
                assert shortcut == {k: k for k in range(len(old))}
                assert through_paragraphs(text_old, old, text_new, new) == shortcut
                checked += 1
    assert checked == 180


def test_one_version_is_its_exchanges_as_they_are():
    names = load_names()
    b = ds.invent_briefings("zh", DAY, 1, seed=6)[0]
    rows = exchange_history([_version(b, 1)], names)
    assert [{k: v for k, v in r.items() if k not in (
        "version", "first_version", "last_version", "removed_at")} for r in rows] == \
        exchanges_of(_version(b, 1), names)
    assert {(r["version"], r["first_version"], r["last_version"], r["removed_at"])
            for r in rows} == {(1, 1, None, None)}
    assert exchange_history([], names) == []


# -- through the CLI -------------------------------------------------------------------------


def test_exchanges_of_every_version_name_what_an_edit_removed(tmp_path):
    root = tmp_path / "site"
    en = ds.invent_briefings("en", DAY, 4, seed=22)
    zh = ds.invent_briefings("zh", DAY, 4, seed=22)
    en_archive = ds.write_archive(root, "en-2014", en, per_page=10)
    zh_archive = ds.write_archive(root, "zh-2014", zh, per_page=10)
    target = _longest(en)
    questions = len(_questions(target))
    assert questions >= 3
    with ds.LocalSite(root) as site:
        config = _series(tmp_path, site, en_archive, zh_archive)
        _crawl(config)
        url = site.url(en_archive.article_paths[target.number])
        before = [r for r in read_cli("exchanges", "--json", config=config).jsonl()
                  if r["url"] == url]
        assert [r["index"] for r in before] == list(range(1, questions + 1))
        gone, kept = before[1], before[0]

        # The ministry rewords the first question of the English transcript and deletes the
        # second, with its answer.
        edited = ds.drop_exchange(_reword_question(target, 0, "Can you confirm that?"), 1)
        ds.write_archive(root, "en-2014", [edited if b is target else b for b in en],
                         per_page=10)
        assert _crawl(config, "--revisit", "all")["edited"] == 1

        rows = read_cli("exchanges", "--json", config=config).jsonl()
        mine = [r for r in rows if r["url"] == url]
        # every exchange once: the removed one where it stood
        assert [(r["index"], r["version"], r["first_version"], r["last_version"])
                for r in mine] == [(1, 2, 1, None), (2, 1, 1, 1),
                                   *[(k, 2, 1, None) for k in range(2, questions)]]
        reworded, removed = mine[0], mine[1]
        assert removed["question"] == gone["question"] and removed["outlet"] == gone["outlet"]
        v2 = read_cli("history", url, "--json", config=config).jsonl()[1]
        assert removed["removed_at"] == v2["fetched_at"] and v2["version"] == 2
        assert reworded["question"].endswith("Can you confirm that?")
        assert reworded["question"] != kept["question"] and reworded["removed_at"] is None
        assert sum(1 for r in rows if r["question"] == gone["question"]
                   and r["source"] == "mfa-en") == 1
        # the pairing is of the latest versions: the removed exchange is in none
        assert (removed["status"], removed["paired"]) == ("unpaired", None)
        assert reworded["status"] == "in both" and reworded["paired"]["source"] == "mfa-zh"
        # the transcript on every row; the old keys keep their meanings
        listed = {d["url"]: d for d in read_cli("list", "--json", config=config).jsonl()}
        for row in rows:
            doc = listed[row["url"]]
            assert (row["id"], row["title"], row["document_status"]) == (
                doc["id"], doc["title"], doc["status"])
            assert row["transcript_kind"] == "briefing"
            assert row["status"] in ("in both", "only here", "unpaired")
        assert list(rows[0]) == [
            "conference", "source", "language", "url", "version", "index", "outlet",
            "outlet_as_written", "spokesperson", "question", "answer", "paired", "status",
            "id", "title", "transcript_kind", "document_status", "first_version",
            "last_version", "removed_at", "spokesperson_as_written"]
        untouched = [r for r in rows if r["url"] != url]
        assert {(r["version"], r["first_version"], r["last_version"], r["removed_at"])
                for r in untouched} == {(1, 1, None, None)}

        # --removed: exactly the one the edit deleted, in JSON and in words
        assert read_cli("exchanges", "--removed", "--json", config=config).jsonl() == [removed]
        said = run_cli("exchanges", "--removed", "--utc", config=config)
        assert said.code == 0 and said.out.count("\n    http") == 1
        assert "last in v1; removed by v2" in said.out
        hint = f"briefwatch diff {removed['id']} --from 1 --to 2 --format turns"
        assert hint in said.out
        turns = run_cli("diff", str(removed["id"]), "--from", "1", "--to", "2", "--format",
                        "turns", config=config).out
        assert f"Question from {removed['outlet']}" in turns and "with its answer" in turns
        assert read_cli("exchanges", "--removed", "--source", "mfa-zh", "--json",
                       config=config).jsonl() == []

        # --with-opening: each transcript's announcements too, as exchange 0
        opened = read_cli("exchanges", "--with-opening", "--json", config=config).jsonl()
        openings = [r for r in opened if r["index"] == 0]
        assert len(openings) == len(en) + len(zh)
        assert [r for r in opened if r["index"] != 0] == rows
        first = next(r for r in openings if r["url"] == url)
        assert first["answer"] == target.paragraphs[0] or first["answer"].startswith(
            target.paragraphs[0])
        assert first["question"] == "" and first["outlet"] is None

        # The export carries the same rows, and the new columns with stable types.
        assert read_cli("export", "--unit", "exchanges", config=config).jsonl() == rows
        assert read_cli("export", "--unit", "exchanges", "--with-opening",
                       config=config).jsonl() == opened
        assert run_cli("export", "--unit", "exchanges", "--format", "csv", "-o",
                       tmp_path / "x.csv", config=config).code == 0
        with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as f:
            table = list(csv.DictReader(f))
        assert len(table) == len(rows)
        assert list(table[0])[-8:] == ["id", "title", "transcript_kind", "document_status",
                                       "first_version", "last_version", "removed_at",
                                       "spokesperson_as_written"]
        (cell,) = [r for r in table if r["removed_at"]]
        assert (cell["url"], cell["index"], cell["first_version"], cell["last_version"],
                cell["removed_at"], cell["status"]) == (
            url, "2", "1", "1", removed["removed_at"], "unpaired")
        assert {r["last_version"] for r in table if not r["removed_at"]} == {""}
        assert run_cli("export", "--unit", "exchanges", "--format", "parquet", "-o",
                       tmp_path / "x.parquet", config=config).code == 0
        import pyarrow.parquet as pq

        parquet = pq.read_table(tmp_path / "x.parquet")
        types = {f.name: str(f.type) for f in parquet.schema}
        assert {k: types[k] for k in ("id", "first_version", "last_version", "title",
                                      "transcript_kind", "document_status", "removed_at")} == {
            "id": "int64", "first_version": "int64", "last_version": "int64",
            "title": "string", "transcript_kind": "string", "document_status": "string",
            "removed_at": "string"}
        assert [(r["id"], r["index"], r["last_version"], r["removed_at"])
                for r in parquet.to_pylist()] == [
            (r["id"], r["index"], r["last_version"], r["removed_at"]) for r in rows]
        wrong = run_cli("export", "--with-opening", config=config)
        assert wrong.code == 2 and "--unit exchanges" in wrong.err

        # The site deletes another English transcript: its exchanges stay, the row says so.
        other = next(b for b in en if b is not target)
        ds.write_archive(root, "en-2014", [edited if b is target else b for b in en
                                           if b is not other], per_page=10)
        _crawl(config, "--revisit", "all")
        _crawl(config, "--revisit", "all")  # a soft 404 on two runs in a row
        gone_url = site.url(en_archive.article_paths[other.number])
        after = read_cli("exchanges", "--json", config=config).jsonl()
        theirs = [r for r in after if r["url"] == gone_url]
        assert theirs and {r["document_status"] for r in theirs} == {"removed"}
        assert {r["last_version"] for r in theirs} == {None}  # no edit removed them
        assert {r["document_status"] for r in after if r["url"] != gone_url} == {"active"}
        assert json.loads(json.dumps(after))  # plain JSON all through
