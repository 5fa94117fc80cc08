"""Diffs bounded by the size of the change (issue 27, item 1): a transcript of repeated
paragraphs, one of them inserted, compares as one paragraph added, in the work of that change;
past its budget a comparison degrades to a coarser, still correct one and says so; a web
request's comparison stops when its client is gone. Real texts, a real SQLite database and the
real WSGI app (called in process: no socket is under test here)."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import signal
from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

import pytest
from briefwatch.storage.text.diff import (
    Budget,
    align,
    compare,
    describe,
    opcodes,
    paragraphs,
    unified,
)
from briefwatch.storage.text.names import load_names

REPEATED = ["The spokesperson said that cooperation will continue to benefit both peoples.",
            "We hope the relevant parties will work together for peace and stability."]
INSERTED = "A brand new paragraph, inserted in the middle of the transcript today."


@contextmanager
def stall_guard(seconds: int):
    """Fails the test if its body runs longer than `seconds`: a stall, not a speed target
    (bench/BOUNDS.md has the timings). Before the fix, the 70,000-paragraph comparison took
    about five minutes."""
    class Stalled(Exception):
        pass

    def stalled(signum, frame):
        raise Stalled

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(seconds)
    try:
        yield
    except Stalled:
        # a fresh failure: the interrupted frame (inside a C loop) has no line to report
        pytest.fail(f"still comparing after {seconds} s: quadratic again?", pytrace=False)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _repeated(n: int) -> list[str]:
    return [REPEATED[k % 2] for k in range(n)]


def _rebuilds(blocks, old: list[str], new: list[str]) -> None:
    """The blocks hold every paragraph of both versions, in order."""
    assert [b.old_text for b in blocks if b.old is not None] == old
    assert [b.new_text for b in blocks if b.new is not None] == new
    assert [b.old for b in blocks if b.old is not None] == list(range(len(old)))
    assert [b.new for b in blocks if b.new is not None] == list(range(len(new)))


def test_one_paragraph_inserted_among_70000_repeated_ones_is_one_paragraph_added():
    old = _repeated(70_000)
    new = [*old[:35_000], INSERTED, *old[35_000:]]
    with stall_guard(60):
        comparison = compare("\n".join(old), "\n".join(new))
    summary = comparison.summary
    assert (summary["paragraphs_added"], summary["paragraphs_removed"],
            summary["paragraphs_changed"]) == (1, 0, 0)
    assert summary["words_changed"] == 12  # every word of the inserted paragraph, no more
    assert "coarse" not in summary
    changed = [b for b in comparison.blocks if b.op != "equal"]
    assert [(b.op, b.new, b.new_text) for b in changed] == [("insert", 35_000, INSERTED)]
    assert describe(summary, load_names()).startswith("1 paragraph added, 12 words changed")


def test_repeated_paragraphs_without_anchors_align_by_their_edits():
    # Two edits 20,000 paragraphs apart and nothing unique between them: neither the common
    # head and tail nor unique anchors help; Myers' algorithm aligns the middle exactly.
    old = _repeated(30_000)
    new = [*old[:5_000], INSERTED, *old[5_000:25_000], *old[25_001:]]
    with stall_guard(60):
        blocks = align(old, new)
    _rebuilds(blocks, old, new)
    assert [(b.op, b.old, b.new) for b in blocks if b.op != "equal"] == [
        ("insert", None, 5_000), ("delete", 25_000, None)]


def test_unique_paragraphs_anchor_the_alignment_of_repeated_ones():
    # Repeated paragraphs between unique ones, edited in several places: anchored on the
    # unique paragraphs, each stretch between two of them is aligned alone.
    old = []
    for k in range(400):
        old += [f"Question {k} from a reporter, about topic number {k}?", *_repeated(50)]
    new = list(old)
    new[51 * 10 + 3] = "A paragraph reworded beyond recognition, entirely new words here."
    del new[51 * 200 + 7]
    new.insert(51 * 300, "An inserted paragraph before question three hundred.")
    with stall_guard(60):
        comparison = compare("\n".join(old), "\n".join(new))
    _rebuilds(comparison.blocks, old, new)
    summary = comparison.summary
    assert (summary["paragraphs_added"], summary["paragraphs_removed"]) == (2, 2)
    assert "coarse" not in summary


def test_identical_texts_are_the_same_comparison_at_once():
    text = "\n".join(_repeated(70_000))
    with stall_guard(20):
        comparison = compare(text, str(text))
    assert comparison.turns == [] and not comparison.coarse
    assert all(b.op == "equal" for b in comparison.blocks)
    assert len(comparison.blocks) == 70_000
    assert comparison.summary["paragraphs_added"] == comparison.summary["words_changed"] == 0


def test_a_spent_budget_gives_a_coarser_correct_diff_that_says_so():
    old = [f"Paragraph {k} of the old version, with words of its own." for k in range(250)]
    new = [*old[:100], "Inserted.", *(p.replace("own", "kind") for p in old[100:])]
    budget = Budget(0)  # spent before it starts
    comparison = compare("\n".join(old), "\n".join(new), budget=budget)
    assert budget.coarse and comparison.coarse and comparison.summary["coarse"] is True
    _rebuilds(comparison.blocks, old, new)
    # the common head is still set aside: only the rest is coarse
    assert all(b.op == "equal" for b in comparison.blocks[:100])
    assert "compared coarsely" in describe(comparison.summary, load_names())
    # a budget that is not spent leaves the summary as it was
    fine = compare("\n".join(old), "\n".join(new))
    assert "coarse" not in fine.summary and not fine.coarse
    assert fine.summary["paragraphs_changed"] == 150


def test_a_client_that_left_ends_the_comparison():
    old = _repeated(2_000)
    new = [*old[:10], INSERTED, *old[10:1990], "Changed near the end.", *old[1991:]]
    budget = Budget(60, gone=lambda: True)
    blocks = align(old, new, budget=budget)
    assert budget.coarse
    _rebuilds(blocks, old, new)


def test_opcodes_tile_both_sides_and_unified_keeps_difflibs_hunks():
    old = paragraphs("Intro.\nA.\nB.\nC.\nReuters: Will he visit?\nWang: Yes.\nD.\nE.\nEnd.")
    new = paragraphs("Intro.\nA.\nB2.\nC.\nWang: Yes, soon.\nD.\nE.\nF.\nEnd.")
    codes = opcodes(old, new)
    assert codes == difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    ours = unified("\n".join(old), "\n".join(new), "v1", "v2", context=1)
    theirs = list(difflib.unified_diff(old, new, "v1", "v2", n=1, lineterm=""))
    assert ours == theirs
    assert unified("same", "same", "v1", "v2") == []


# -- the web view ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def repeated_db(tmp_path_factory):
    """A database holding one transcript of 20,000 repeated paragraphs in two versions, the
    second with one paragraph inserted and one changed near the end: id 1."""
    from briefwatch.storage.db import open_db
    from briefwatch.storage.text.normalize import canonical_hash, conference_key, text_hash
    from briefwatch.storage.text.turns import split_turns
    from briefwatch.storage.versions import Fetched, record

    path = tmp_path_factory.mktemp("bounds") / "bounds.db"
    old = _repeated(20_000)
    new = [*old[:100], INSERTED, *old[100:19_000], "Changed.", *old[19_001:]]
    db = open_db(path)
    day = dt.date(2024, 3, 4)
    title = "Foreign Ministry Spokesperson's Regular Press Conference on March 4, 2024"
    try:
        for paras in (old, new):
            text = "\n".join(paras)
            record(db, None, Fetched(
                source="bench", url="http://127.0.0.1:9/t20240304.html", title=title,
                published=day.isoformat(), text=text, text_hash=text_hash(text),
                canonical_hash=canonical_hash(title, text), extractor="test",
                turns=split_turns(text, title), conference=conference_key(day, title)))
    finally:
        db.close()
    return path


def _get(app, path: str, **environ) -> tuple[str, str]:
    env = {"PATH_INFO": path.split("?")[0], "QUERY_STRING": path.partition("?")[2],
           "wsgi.input": io.BytesIO(), **environ}
    setup_testing_defaults(env)
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    body = b"".join(app(env, start_response)).decode("utf-8")
    return answer["status"], body


def test_the_diff_page_stops_when_its_client_is_gone(repeated_db):
    from briefwatch.jobs.web import App

    app = App(repeated_db)
    status, page = _get(app, "/t/1/diff")
    assert status == "200 OK"
    assert "compared coarsely" not in page
    with stall_guard(30):
        status, page = _get(app, "/t/1/diff", **{"waitress.client_disconnected": lambda: True})
    assert status == "200 OK"
    assert "compared coarsely" in page


def test_the_stored_summary_counts_the_edits_only(repeated_db):
    from briefwatch.storage.db import open_db
    from briefwatch.storage.documents import events

    db = open_db(repeated_db)
    try:
        edited = [e for e in events(db) if e["kind"] == "edited"]
    finally:
        db.close()
    assert len(edited) == 1
    summary = edited[0]["summary"]
    assert (summary["paragraphs_added"], summary["paragraphs_removed"],
            summary["paragraphs_changed"]) == (2, 1, 0)  # "Changed." shares no word
