"""Edit classes and significance: from real comparisons, stored with each event, computed for
the events of a database written before they existed, and filtered by `changes`."""

import json

import sqlite_utils
from briefwatch.storage import runs
from briefwatch.storage.db import open_db
from briefwatch.storage.documents import events
from briefwatch.storage.migrations import migrations
from briefwatch.storage.text.diff import change_summary
from briefwatch.storage.text.editclass import classify
from briefwatch.storage.text.turns import split_turns
from briefwatch.storage.versions import record

from tests.helpers import read_cli, run_cli, write_config
from tests.test_storage import page

TITLE = "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference on July 3, 2020"
OLD = ("Wang Wenbin: Good afternoon. The Foreign Minister will visit Beijng next week.\n"
       "Reuters: Will China respond to the sanctions?\n"
       "Wang Wenbin: We will respond in due course.\n"
       "AFP: What about the South China Sea talks?\n"
       "Wang Wenbin: The talks went well.")


def _class(new: str, old: str = OLD, old_title: str = TITLE, new_title: str = TITLE):
    summary = change_summary(old, new, split_turns(old, old_title), split_turns(new, new_title),
                             old_title, new_title)
    return classify("edited", summary)


def test_each_kind_of_edit_has_its_class():
    assert _class(OLD.replace("Beijng", "Beijing"))[0] == "typo"
    assert _class(OLD.replace("well.", "well;"))[0] == "typo"
    assert _class(OLD.replace("due course", "a timely manner"))[0] == "wording"
    # A whole word taken out is not a typo, however short.
    assert _class(OLD.replace("went well", "went not well"))[0] == "wording"
    assert _class(OLD.replace("next week.", "next week. He will meet his counterpart."))[0] == \
        "sentence"
    assert _class(OLD, new_title=TITLE.replace("July 3", "July 4"))[0] == "title"
    removed = OLD.replace("AFP: What about the South China Sea talks?\n"
                          "Wang Wenbin: The talks went well.", "")
    assert _class(removed) == ("exchange", 0.95)
    assert classify("removed", {"reason": "HTTP 404"}) == ("status", 1.0)
    assert classify("restored", None) == ("status", 1.0)
    assert classify("new", None) == (None, 0.5)


def test_significance_orders_what_matters():
    typo = _class(OLD.replace("Beijng", "Beijing"))[1]
    wording = _class(OLD.replace("due course", "a timely manner"))[1]
    # A key term in the removed words weighs more than the same amount of other words.
    keyed = _class(OLD.replace("the sanctions", "the measures"))[1]
    removed = _class(OLD.replace("Reuters: Will China respond to the sanctions?\n"
                                 "Wang Wenbin: We will respond in due course.\n", ""))[1]
    assert typo < wording < keyed < removed < 1.0


def test_old_events_get_their_class_from_their_summary(tmp_path):
    old = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m014_edit_classes")
    run = runs.start(old, ["mfa-en"], {})
    old.execute("INSERT INTO documents (source, url, title, first_seen, last_seen) "
                "VALUES ('mfa-en', 'http://x/1', 't', 'a', 'a')")
    old.execute("INSERT INTO versions (document, n, fetched_at, title, text, text_hash, "
                "canonical_hash, extractor) VALUES (1, 1, 'a', 't', ?, 'h', 'c', 'x')",
                [" ".join(["word"] * 100)])
    summaries = {
        "removed": {"reason": "HTTP 404"},
        "edited": {"paragraphs_added": 0, "paragraphs_removed": 0, "paragraphs_changed": 1,
                   "words_changed": 10, "turns_added": 0, "turns_removed": 1,
                   "turns_changed": 0, "questions_removed": [{"outlet": "Reuters"}]},
        "restored": None,
    }
    for kind, summary in summaries.items():
        old.execute("INSERT INTO events (run, document, version, kind, detected_at, summary) "
                    "VALUES (?, 1, 1, ?, 'a', ?)", [run, kind, json.dumps(summary)
                                                    if summary else None])
    old.execute("INSERT INTO events (run, document, version, kind, detected_at, summary) "
                "VALUES (?, 1, 1, 'edited', 'a', ?)", [run, json.dumps(
                    {"paragraphs_added": 0, "paragraphs_removed": 0, "paragraphs_changed": 1,
                     "words_changed": 0})])
    old.conn.commit()
    old.close()
    db = open_db(tmp_path / "old.db")
    got = [(e["kind"], e["edit_class"], e["significance"]) for e in events(db)]
    # 10 of 100 words changed: 0.3 × 2 × 0.1.
    assert got == [("removed", "status", 1.0), ("edited", "exchange", 0.56),
                   ("restored", "status", 1.0), ("edited", "typo", 0.0)]
    db.close()


def test_changes_filters_and_sorts_by_significance(tmp_path):
    config = write_config(tmp_path / "briefwatch.toml", [])
    db = open_db(tmp_path / "briefwatch.db")
    run = runs.start(db, ["mfa-en"], {})
    record(db, run, page(OLD, TITLE))
    record(db, run, page(OLD.replace("Beijng", "Beijing"), TITLE))
    record(db, run, page(OLD.replace("Beijng", "Beijing").replace(
        "AFP: What about the South China Sea talks?\nWang Wenbin: The talks went well.",
        "AFP: What about the talks?\nWang Wenbin: Fine."), TITLE))
    db.close()
    rows = read_cli("changes", "--json", config=config).jsonl()
    assert [(r["kind"], r["edit_class"]) for r in rows] == [
        ("new", None), ("edited", "typo"), ("edited", "wording")]
    assert rows[1]["significance"] < rows[2]["significance"] < rows[0]["significance"]
    top = read_cli("changes", "--json", "--min-significance", "0.1", config=config).jsonl()
    assert [r["edit_class"] for r in top] == [None, "wording"]
    ranked = read_cli("changes", "--order", "significance", "--json", "--limit", "2",
                     config=config).jsonl()
    assert [r["edit_class"] for r in ranked] == [None, "wording"]
    text = run_cli("changes", config=config).out
    assert "[typo 0.0" in text and "[wording 0." in text, text
    bad = run_cli("changes", "--min-significance", "2", config=config)
    assert bad.code == 2 and "--min-significance" in bad.err
