"""Diffs a reader trusts: paragraphs aligned, words compared inside them, turns named.

The pure functions of storage.text.diff first, then every `diff --format` through the real CLI on a
local site crawled twice (tests/sites/edited.py).
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import subprocess
import sys

import pytest
from briefwatch.jobs.render.terminal import side_by_side
from briefwatch.storage.text.diff import (
    align,
    change_summary,
    compare,
    count_words,
    describe,
    is_word,
    tokens,
    turn_sentence,
    word_diff,
)
from briefwatch.storage.text.names import load_names
from briefwatch.storage.text.turns import split_turns

from tests.helpers import REPO, read_cli, run_cli
from tests.sites.edited import HOSTILE, build

# -- words and paragraphs ------------------------------------------------------------------


def test_word_diff_marks_only_the_changed_words():
    ops = word_diff("Time will prove that cooperation serves both peoples.",
                    "History will prove that cooperation serves both peoples.")
    assert ops == [("-", "Time"), ("+", "History"),
                   ("=", " will prove that cooperation serves both peoples.")]


def test_word_diff_compares_chinese_by_character():
    ops = word_diff("时间将证明，合作符合两国利益。", "历史将证明，合作符合两国利益。")
    assert ("-", "时间") in ops and ("+", "历史") in ops
    assert ("=", "将证明，合作符合两国利益。") in ops


def _sides(ops):
    return ("".join(text for op, text in ops if op != "+"),
            "".join(text for op, text in ops if op != "-"))


def test_word_diff_of_a_heavily_reworded_paragraph_rebuilds_both_sides():
    old = ("China's position on this issue is consistent and clear. We will release "
           "information in due course. Time will prove that cooperation on trade serves the "
           "fundamental interests of both peoples, as the saying goes.")
    new = ("Beijing’s stance here has never changed; details will follow when ready. History "
           "shows that trade co-operation serves both nations' basic interests — so the "
           "saying goes!")
    ops = word_diff(old, new)
    assert _sides(ops) == (old, new)
    assert {op for op, _ in ops} == {"=", "-", "+"}
    # runs of edits come removed first, and no two neighbours share an op
    assert all(a[0] != b[0] and (a[0], b[0]) != ("+", "-")
               for a, b in zip(ops, ops[1:], strict=False))
    zh_old = "中方的立场是一贯的、明确的。我们将适时发布消息。"
    zh_new = "中方立场一贯明确，\u3000有关消息将适时发布！"
    assert _sides(word_diff(zh_old, zh_new)) == (zh_old, zh_new)


def test_every_paragraph_reworded_pairs_each_paragraph_with_its_new_wording():
    old = [f"Question {k}: what is the plan for round {k} of the trade talks with the partners?"
           for k in range(300)]
    new = [f"Question {k}: what is the schedule for round {k} of trade talks with partners?"
           for k in range(300)]
    blocks = align(old, new)
    assert [(b.op, b.old, b.new) for b in blocks] == [("replace", k, k) for k in range(300)]
    for block in blocks:
        assert _sides(block.words) == (block.old_text, block.new_text)
        assert block.words_changed == 3


def test_a_run_of_reworded_paragraphs_with_one_inserted_pairs_by_content():
    topics = ["trade", "climate", "health", "energy", "tourism", "culture", "science", "space",
              "fisheries", "education"]
    old = [f"On {t} {k}, the two sides held talks and reached a broad consensus on {t}."
           for k in range(10) for t in topics]
    new = [p.replace("held talks", "met").replace("broad", "wide") for p in old]
    new.insert(50, "A new paragraph about something else entirely, with none of those words.")
    ops = [(b.op, b.old, b.new) for b in align(old, new)]
    assert ops == [("replace", k, k) for k in range(50)] + [("insert", None, 50)] + \
        [("replace", k, k + 1) for k in range(50, 100)]


def test_words_are_counted_as_the_tokens_that_are_words():
    for text in ("Wang Yi's visit to Xi'an, 2024-03-06.", "王毅外长将于3月访问。 \u3000好",
                 "\u3000开始 and end", "naïve café_2 — ok", ""):
        assert count_words(text) == sum(is_word(t) for t in tokens(text)), text
    assert count_words("a \u3000b") == 2  # a space run holding an ideographic space is no word


def test_a_reworded_paragraph_is_paired_not_removed_and_added():
    old = ["Intro.", "Reuters: What is the plan for trade talks next week?",
           "Wang: We will release information in due course.", "CCTV: Any news on the forum?"]
    new = ["Intro.", "Wang: We will release information in a timely manner.",
           "CCTV: Any news on the forum?"]
    ops = [(b.op, b.old, b.new) for b in align(old, new)]
    assert ops == [("equal", 0, 0), ("delete", 1, None), ("replace", 2, 1), ("equal", 3, 2)]


def test_summary_keeps_its_keys_and_names_the_removed_question():
    old = ("Announcement one.\nReuters: Will the minister visit Kenya next week?\n"
           "Wang Wenbin: We will release information in due course.\n"
           "CCTV: How does China view the forum?\nWang Wenbin: It is a success.")
    new = ("Announcement one.\nCCTV: How does China view the forum?\n"
           "Wang Wenbin: It was a great success.")
    title = "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference"
    summary = change_summary(old, new, split_turns(old, title), split_turns(new, title))
    assert summary == {
        "paragraphs_added": 0, "paragraphs_removed": 2, "paragraphs_changed": 1,
        "words_changed": 19, "turns_added": 0, "turns_removed": 2, "turns_changed": 1,
        "questions_removed": [{"outlet": "Reuters", "outlet_as_written": "Reuters",
                               "first_words": "Will the minister visit Kenya next week?"}],
        "questions_added": [],
        # what the edit class is read from: "is" -> "was a great" is two runs of changed words
        "exchange_turns_added": 0, "exchange_turns_removed": 2, "sentences_added": 0,
        "sentences_removed": 2, "edit_runs": 2, "typo_runs": 0, "key_terms": [],
        "words_total": 16,
    }
    assert describe(summary, load_names()).startswith(
        "question from Reuters removed, 2 paragraphs removed")
    sentences = [turn_sentence(r) for r in compare(old, new, split_turns(old, title),
                                                   split_turns(new, title)).turns]
    assert sentences == [
        "Question from Reuters (“Will the minister visit Kenya next week?”) removed, "
        "with its answer",
        "Answer by Wang Wenbin (to CCTV) reworded: 2 words changed",
    ]


def test_an_answer_cut_after_its_question_was_removed_is_credited_to_that_question():
    # issue 15, bug 9: the question before the answer in the *new* version (the previous
    # question) was named, as if the edit had touched that exchange.
    title = "Department Press Briefing"
    old = ("MR SMITH: Good afternoon.\n"
           "QUESTION: Can you tell us about the talks in Geneva today?\n"
           "MR SMITH: The talks in Geneva went well and we expect more progress soon.\n"
           "QUESTION: And what about the sanctions announced by Treasury this morning?\n"
           "MR SMITH: We have nothing to announce on sanctions today, and I would refer you "
           "to Treasury for the details.\nThose measures follow months of review.")
    new = ("MR SMITH: Good afternoon.\n"
           "QUESTION: Can you tell us about the talks in Geneva today?\n"
           "MR SMITH: The talks in Geneva went well and we expect more progress soon.\n"
           "MR SMITH: We have nothing to announce on sanctions today.\n"
           "Those measures follow months of review.")
    records = compare(old, new, split_turns(old, title), split_turns(new, title)).turns
    assert [turn_sentence(r) for r in records] == [
        "Question (“And what about the sanctions announced by Treasury…”) removed",
        "Answer by MR SMITH (to the removed question “And what about the sanctions "
        "announced by Treasury…”) reworded: 10 words changed",
    ]
    assert records[1]["question"] == {
        "outlet": None, "outlet_as_written": None,
        "first_words": "And what about the sanctions announced by Treasury…", "removed": True}
    # an answer reworded under a question that stays names that question, as it reads now
    kept_old = old.replace("the details", "the figures")
    kept_new = kept_old.replace("And what about", "What about").replace("figures", "numbers")
    records = compare(kept_old, kept_new, split_turns(kept_old, title),
                      split_turns(kept_new, title)).turns
    assert [turn_sentence(r) for r in records] == [
        "Question reworded: 2 words changed",
        "Answer by MR SMITH (to “What about the sanctions announced by Treasury this…”) "
        "reworded: 1 word changed",
    ]
    assert records[1]["question"]["removed"] is False


def test_describe_lists_several_removed_questions_and_old_summaries_still_read():
    assert describe({"questions_removed": [{"outlet": "AFP", "first_words": "x"},
                                           {"outlet": None, "first_words": "Will you…"}],
                     "paragraphs_removed": 4}, load_names()) == \
        "questions from AFP and “Will you…” removed, 4 paragraphs removed"
    # summaries stored before turns were counted
    assert describe({"paragraphs_added": 0, "paragraphs_removed": 0, "paragraphs_changed": 1,
                     "words_changed": 1}, load_names()) == "1 paragraph changed, 1 word changed"


def test_side_by_side_wraps_at_spaces_folds_long_words_and_counts_cjk_double():
    old = "Intro.\nWang: We will release information in due course.\n时间将证明，合作符合两国利益。"
    new = ("Intro.\nWang: We will release information in a timely manner.\n"
           "历史将证明，合作符合两国利益。\nsupercalifragilisticexpialidocious end")
    out = side_by_side(compare(old, new), "v1", "v2", None, 40, False, str)
    assert out.splitlines() == [
        " v1                    v2",
        " Intro.                Intro.",
        " Wang: We will      |  Wang: We will",
        " release               release",
        " information in        information in",
        " [-due course-].       {+a timely",
        "                       manner+}.",
        " [-时间-]将证明，   |  {+历史+}将证明，",
        " 合作符合两国利益      合作符合两国利益",
        " 。                    。",
        "                    >  {+supercalifragi",
        "                       listicexpialidoc",
        "                       ious end+}",
    ]
    coloured = side_by_side(compare(old, new), "v1", "v2", None, 40, True, str)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "[-" not in plain and "{+" not in plain
    assert "\x1b[31m\x1b[9m时间\x1b[0m" in coloured  # red, struck out
    assert "\x1b[32m\x1b[4m历史\x1b[0m" in coloured  # green, underlined


# -- through the CLI, on a site edited between two crawls ------------------------------------


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    return build(tmp_path_factory.mktemp("edited"))


def diff(edited, key: str, *args: str, env: dict | None = None):
    result = run_cli("diff", edited.urls[key], *args, config=edited.config, env=env)
    assert result.code == 0, result.err
    return result


def test_turns_format_names_the_outlet_whose_question_was_removed(edited):
    lines = diff(edited, "dropped", "--format", "turns").out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Question from {edited.dropped_outlet} (“")
    assert lines[0].endswith("”) removed, with its answer")
    question = edited.dropped_question.split(": ", 1)[1]
    assert question.startswith(lines[0].split("(“")[1].split("…")[0])


def test_turns_format_in_chinese(edited):
    # the outlet by its canonical name, as pairs and exchanges name it, the form written beside
    lines = diff(edited, "zh_dropped", "--format", "turns").out.splitlines()
    canonical = load_names().outlet(edited.zh_dropped_outlet)
    assert canonical != edited.zh_dropped_outlet
    assert lines == [line for line in lines if line.startswith(
        f"Question from {canonical} ({edited.zh_dropped_outlet}) (“")]
    assert lines and lines[0].endswith("removed, with its answer")


def test_changes_json_carries_the_turn_counts_and_describe_names_the_question(edited):
    result = run_cli("changes", "--json", "--kind", "edited", config=edited.config)
    by_url = {e["url"]: e["summary"] for e in result.jsonl()}
    summary = by_url[edited.urls["dropped"]]
    assert summary["paragraphs_removed"] >= 2 and summary["turns_removed"] >= 2
    assert summary["questions_removed"][0]["outlet"] == edited.dropped_outlet
    assert by_url[edited.urls["hostile"]]["questions_removed"] == []
    assert by_url[edited.urls["hostile"]]["turns_changed"] >= 1
    text = run_cli("changes", "--kind", "edited", config=edited.config).out
    assert f"question from {edited.dropped_outlet} removed" in text


def test_json_format_carries_the_removed_text_in_aligned_blocks(edited):
    data = json.loads(diff(edited, "dropped", "--format", "json").out)
    assert (data["from"]["version"], data["to"]["version"]) == (1, 2)
    assert data["url"] == edited.urls["dropped"]
    ops = {b["op"] for b in data["blocks"]}
    assert ops <= {"equal", "delete", "insert", "replace"} and "delete" in ops
    deleted = [b for b in data["blocks"] if b["op"] == "delete"]
    assert deleted[0]["old"] == edited.dropped_question and deleted[0]["new"] is None
    assert deleted[1]["old"] == edited.dropped_answer
    assert isinstance(deleted[0]["old_paragraph"], int) and deleted[0]["new_paragraph"] is None
    (turn,) = data["turns"]
    assert (turn["change"], turn["role"], turn["name"], turn["with_answer"]) == (
        "removed", "question", edited.dropped_outlet, True)
    assert turn["answers"][0]["role"] == "answer"
    assert data["summary"]["questions_removed"][0]["outlet"] == edited.dropped_outlet


def test_json_format_words_of_a_reworded_paragraph(edited):
    data = json.loads(diff(edited, "hostile", "--format", "json").out)
    replaced = [b for b in data["blocks"] if b["op"] == "replace"]
    assert replaced
    for block in replaced:
        old = "".join(w["text"] for w in block["words"] if w["op"] != "+")
        new = "".join(w["text"] for w in block["words"] if w["op"] != "-")
        assert (old, new) == (block["old"], block["new"])
        assert block["words_changed"] >= 1


def test_html_format_is_a_standalone_page_with_the_removed_text(edited):
    page = diff(edited, "dropped", "--format", "html").out
    assert page.lstrip().startswith("<!doctype html>")
    assert "<script" not in page.lower() and "<link" not in page  # needs nothing else
    assert f"<del>{html.escape(edited.dropped_question, quote=False)}</del>" in \
        page.replace("&#34;", '"').replace("&#39;", "'")
    assert f"Question from {html.escape(edited.dropped_outlet)}" in page
    assert "removed, with its answer" in page


def test_html_format_escapes_scraped_text(edited):
    page = diff(edited, "hostile", "--format", "html", "-U", "50").out
    assert "&lt;script&gt;alert(" in page
    assert "<script" not in page and "<img" not in page
    assert "<ins>" in page and "<del>" in page


def test_words_format_marks_words_without_colour_when_piped(edited):
    out = diff(edited, "hostile", "--format", "words").out
    assert "\x1b[" not in out
    assert re.search(r"\[-[^\n]+?-\]\{\+[^\n]+?\+\}", out), out
    assert out.splitlines()[0].startswith("--- v1 ")
    removed = diff(edited, "dropped", "--format", "words").out.splitlines()
    assert f"[-{edited.dropped_question}-]" in removed


def test_side_by_side_fits_the_width(edited):
    for columns in ("100", "160"):
        out = diff(edited, "dropped", "--format", "side-by-side",
                   env={"COLUMNS": columns}).out
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= int(columns)
        assert any(line.rstrip().endswith("<") or " < " in line for line in lines)
        assert "[-" + edited.dropped_question[:20] in out.replace("\n", " ")


def test_unified_stays_the_default(edited):
    out = diff(edited, "dropped").out
    assert f"-{edited.dropped_question}" in out.splitlines()
    assert out == diff(edited, "dropped", "--format", "unified").out


def test_versions_without_recorded_turns_are_split_on_the_fly(edited, tmp_path):
    before = {fmt: diff(edited, "dropped", "--format", fmt).out for fmt in ("turns", "json")}
    history = read_cli("history", edited.urls["dropped"], "--json", config=edited.config).jsonl()
    db_path = edited.config.parent / "briefwatch.db"
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT count(*) FROM versions WHERE turns IS NOT NULL").fetchone()
        assert stored[0] > 0  # the crawl recorded them
        saved = conn.execute("SELECT id, turns FROM versions").fetchall()
        conn.execute("UPDATE versions SET turns = NULL")
    try:
        for fmt, out in before.items():
            assert diff(edited, "dropped", "--format", fmt).out == out
        assert read_cli("history", edited.urls["dropped"], "--json",
                       config=edited.config).jsonl() == history
    finally:
        with sqlite3.connect(db_path) as conn:
            conn.executemany("UPDATE versions SET turns = ? WHERE id = ?",
                             [(t, i) for i, t in saved])


def test_history_json_change_has_the_turn_keys(edited):
    history = read_cli("history", edited.urls["dropped"], "--json", config=edited.config).jsonl()
    assert history[0]["change"] is None
    assert history[1]["change"]["questions_removed"][0]["outlet"] == edited.dropped_outlet


def test_same_text_and_single_version(edited):
    only = run_cli("diff", edited.urls["unchanged"], "--format", "turns", config=edited.config)
    assert only.code == 0 and only.out == "" and "only version 1" in only.err
    same = run_cli("diff", edited.urls["dropped"], "--from", "2", "--to", "2", "--format",
                   "words", config=edited.config)
    assert same.code == 0 and same.out == "" and "same text" in same.err


def test_diff_reads_a_current_database_without_importing_sqlite_utils(edited):
    db_path = edited.config.parent / "briefwatch.db"
    code = (
        "import sys\n"
        "from briefwatch.storage.db import Reader, open_reader\n"
        "from briefwatch.storage.documents import find, versions\n"
        f"db = open_reader({str(db_path)!r})\n"
        f"doc = find(db, {edited.urls['dropped']!r})\n"
        "print(type(db) is Reader, [v['n'] for v in versions(db, doc['id'])],\n"
        "      'sqlite_utils' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert proc.stdout.split() == ["True", "[1,", "2]", "False"]


def test_the_reader_knows_the_current_schema_and_leaves_the_rest_to_open_db(tmp_path):
    import sqlite_utils
    from briefwatch.storage.db import SCHEMA, StorageError, open_reader
    from briefwatch.storage.migrations import migrations

    assert tuple(m.name for m in migrations._migrations) == SCHEMA
    old = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(old, stop_before=SCHEMA[-1])
    old.close()
    migrated = open_reader(tmp_path / "old.db")  # not current: open_db migrates it
    assert isinstance(migrated, sqlite_utils.Database)
    assert [m.name for m in migrations.applied(migrated)] == list(SCHEMA)
    migrated.close()
    with pytest.raises(StorageError, match="no database"):
        open_reader(tmp_path / "missing.db")
    (tmp_path / "notes.txt").write_text("not a database")
    with pytest.raises(StorageError, match="not an SQLite file"):
        open_reader(tmp_path / "notes.txt")
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("CREATE TABLE t (x)")
    foreign.close()
    with pytest.raises(StorageError, match="another program"):
        open_reader(tmp_path / "foreign.db")


def test_hostile_text_was_stored_as_text(edited):
    shown = json.loads(run_cli("show", edited.urls["hostile"], "--json",
                               config=edited.config).out)
    assert shown["text"].split("\n")[0] == HOSTILE


def test_turn_sentences_for_added_questions_unnamed_askers_and_announcements():
    old = "The minister will visit Chile.\nQ: Any comment on the talks?\nA: They went well."
    new = ("The minister will visit Chile and Peru next week.\nQ: Any comment on the talks?\n"
           "A: They went well.\nQ: And on the forum?\nA: We will release information.\n"
           "It will be held in Xiamen.")
    changes = compare(old, new, split_turns(old), split_turns(new))
    assert [turn_sentence(r) for r in changes.turns] == [
        "Announcements reworded: 4 words changed",
        "Question (“And on the forum?”) added, with its answer",
    ]
    assert changes.summary["turns_added"] == 2 and changes.summary["questions_removed"] == []
    back = compare(new, old, split_turns(new), split_turns(old))
    assert describe(back.summary, load_names()).startswith(
        "question “And on the forum?” removed, ")


def test_record_summarises_turns_even_when_the_stored_version_has_none(tmp_path):
    from briefwatch.storage.db import open_db
    from briefwatch.storage.documents import events, versions
    from briefwatch.storage.text.normalize import canonical_hash, text_hash
    from briefwatch.storage.versions import Fetched, record

    title = "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference"
    old = "Intro.\nAFP: Will the talks go ahead?\nWang Wenbin: Yes.\nCCTV: And the fair?\n" \
          "Wang Wenbin: It opens on Monday."
    new = "Intro.\nCCTV: And the fair?\nWang Wenbin: It opens on Monday."

    def page(text, turns):
        return Fetched("mfa-en", "http://127.0.0.1/t1.html", title, None, text, text_hash(text),
                       canonical_hash(title, text), "x/1", turns=turns)

    db = open_db(tmp_path / "bw.db")
    record(db, None, page(old, None))
    db.execute("UPDATE versions SET turns = NULL")  # stored before turns were recorded
    record(db, None, page(new, split_turns(new, title)))
    (edit,) = events(db, kind="edited")
    assert edit["summary"]["questions_removed"] == [
        {"outlet": "AFP", "outlet_as_written": "AFP", "first_words": "Will the talks go ahead?"}]
    stored = versions(db, edit["document"])
    assert stored[0]["turns"] is None and stored[1]["turns"] == split_turns(new, title)
    db.close()


def test_cli_search_says_a_passage_was_removed_later_and_whose_words_the_snippet_are(edited):
    # issue 15: the web view said so; the CLI listed the versions and left the reader to guess
    words = " ".join(edited.dropped_question.split(": ", 1)[1].split()[:6])
    hits = read_cli("search", words, "--json", config=edited.config).jsonl()
    (hit,) = [h for h in hits if h["url"] == edited.urls["dropped"]]
    assert (hit["versions"], hit["latest"], hit["snippet_version"]) == ([1], 2, 1)
    result = run_cli("search", words, config=edited.config)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    at = lines.index(f"    {edited.urls['dropped']}")
    assert lines[at - 2].endswith("(v1)"), lines[at - 2]
    assert lines[at - 1] == (f"    not in the latest version (v2): removed by a later edit; "
                             f"'briefwatch diff {hit['id']} --from 1 --to 2' shows it")
    assert lines[at + 1].startswith("    v1: ")


def test_excerpts_end_at_word_boundaries_with_an_ellipsis():
    from briefwatch.jobs.render.terminal import excerpts
    from briefwatch.storage.text.diff import compare

    long = ("The spokesperson said that the consultations on the code of conduct would "
            "continue with the member states in a constructive atmosphere next month")
    for width in range(20, 60):
        (line,) = excerpts(compare(long, ""), 1, width)
        cut = line[len("− “"):-len("…”")]
        assert line.endswith("…”") and len(line) - 4 <= width
        assert long.startswith(cut) and long[len(cut)] == " ", (width, line)
    chinese = "中国外交部发言人汪文斌主持例行记者会，回答了关于南海问题的提问。" * 3
    (line,) = excerpts(compare(chinese, ""), 1, 21)
    assert line == f"− “{chinese[:20]}…”"
    # a reworded paragraph: the excerpt starts at a word, and a mark cut short is closed
    old = long + " and beyond."
    new = long.replace("constructive", "friendly and very constructive") + " and beyond."
    (line,) = excerpts(compare(old, new), 1, 40)
    assert line.startswith("~ “…") and line.endswith("…”")
    shown = line[len("~ “…"):-len("…”")]
    assert long.find(shown.split(" ")[0]) in (0,) or f" {shown.split(' ')[0]}" in long
    assert shown.count("{+") == shown.count("+}")
