"""One outlet is one name in every output (issue 22): a series crawled by the real CLI from a
local copy of the ministry's archives in which RIA Novosti asks (`RIA Novosti:` in English,
`今日俄罗斯记者：` in Chinese) and so does an outlet only the user's own names file knows
(`Voice of the Strait:` / `台海之声记者：`), answered by spokespersons that file names too. The
Chinese record then loses both questions and another answer is reworded. Every output (edit
summaries, `diff --format turns` and JSON, `changes --json`, the divergent event, pairs, compare,
exchanges, notifications, the feed and the web view) names each outlet and spokesperson by its
canonical name, with the written form beside it where it differs; the names are applied when
shown, so a change of the names file changes old summaries too, and summaries stored before
`outlet_as_written` existed read as well."""

from __future__ import annotations

import datetime as dt
import html
import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from jobs import demosite as ds
from tests.conftest import run_cli, write_config
from tests.test_notify import Webhook
from tests.test_web import _start as start_serve
from tests.test_web import get

RIA = ("RIA Novosti", "今日俄罗斯")
VOS = ("Voice of the Strait", "台海之声")


def _names_file(path: Path, vos_name: str = VOS[0]) -> Path:
    lines = ["[[outlets]]", f'name = "{vos_name}"', f'en = ["{VOS[0]}"]', f'zh = ["{VOS[1]}"]',
             ""]
    for en, zh in ds.SPOKESPERSONS:
        lines += ["[[spokespersons]]", f'name = "{en}"', f'zh = ["{zh}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _renamed(b: ds.Briefing, outlets: dict[tuple[str, str], tuple[str, str]]) -> ds.Briefing:
    """The briefing with these outlets asking under other names, in its language."""
    paras = []
    for p in b.paragraphs:
        for old, new in outlets.items():
            before, after = ((f"{old[0]}: ", f"{new[0]}: ") if b.lang == "en" else
                             (f"{old[1]}记者：", f"{new[1]}记者："))
            if p.startswith(before):
                p = after + p[len(before):]
        paras.append(p)
    return replace(b, paragraphs=tuple(paras))


@dataclass
class Story:
    config: Path
    db: Path
    names: Path
    zh_url: str  # the Chinese transcript that lost RIA Novosti's and VOS's questions
    reworded_url: str  # a Chinese transcript whose answer was reworded
    spokesperson: tuple[str, str]  # who answers in the reworded one (en, zh)
    posts: list[dict]
    feed: Path
    first_words: list[str]  # of the two removed questions, as the Chinese record wrote them


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    tmp = tmp_path_factory.mktemp("names")
    root = tmp / "site"
    day = dt.date(2020, 7, 3)
    en = ds.invent_briefings("en", day, 3, seed=11)
    zh = ds.invent_briefings("zh", day, 3, seed=11)
    target = zh[0]  # five questions: two go, three stay
    asked = [next(o for o in ds.OUTLETS if target.paragraphs[k].startswith(o[1] + "记者："))
             for k in ds._question_indices(target)[:2]]
    outlets = {asked[0]: RIA, asked[1]: VOS}
    first_words = [target.paragraphs[k].split("：", 1)[1][:6]
                   for k in ds._question_indices(target)[:2]]
    en_archive = ds.write_archive(root, "en-2014", [_renamed(b, outlets) for b in en],
                                  per_page=10)
    zh_archive = ds.write_archive(root, "zh-2014", [_renamed(b, outlets) for b in zh],
                                  per_page=10)
    names = _names_file(tmp / "mine.toml")
    with ds.LocalSite(root) as site, Webhook() as hook:
        config = write_config(tmp / "c.toml", [
            {"name": "mfa-en", "spider": "mfa", "pair": "mfa-zh",
             "start_urls": [site.url(en_archive.listing_path)]},
            {"name": "mfa-zh", "spider": "mfa", "start_urls": [site.url(zh_archive.listing_path)]},
        ], revisit_days=100000)
        config.write_text(config.read_text(encoding="utf-8")
                          + f'\n[notify]\nurls = ["{hook.url()}"]\n[feed]\npath = "feed.atom"\n'
                          f'[names]\nfile = "{names}"\n', encoding="utf-8")
        first = run_cli("crawl", config=config)
        assert first.code == 0, first.err
        dropped = ds.drop_exchange(ds.drop_exchange(target, 0), 0)
        ds.write_archive(root, "zh-2014", [_renamed(b, outlets) for b in
                                           (dropped, zh[1], ds.reword(zh[2], seed=3))],
                         per_page=10)
        second = run_cli("crawl", "--revisit", "all", config=config)
        assert second.code == 0, second.err
        posts = list(hook.posts)
    spokesperson = next(p for p in ds.SPOKESPERSONS if p[1] == zh[2].spokesperson)
    return Story(config, tmp / "briefwatch.db", names,
                 site.url(zh_archive.article_paths[target.number]),
                 site.url(zh_archive.article_paths[zh[2].number]), spokesperson, posts,
                 tmp / "feed.atom", first_words)


REMOVED = "questions from RIA Novosti (今日俄罗斯) and from Voice of the Strait (台海之声) removed"


def test_edit_summaries_name_the_outlet_as_pairs_do_with_the_written_form_beside(story):
    shown = run_cli("changes", "--kind", "edited", config=story.config)
    assert shown.code == 0, shown.err
    assert REMOVED in shown.out and "今日俄罗斯 removed" not in shown.out
    (edit,) = [e for e in run_cli("changes", "--json", "--kind", "edited",
                                  config=story.config).jsonl() if e["url"] == story.zh_url]
    removed = edit["summary"]["questions_removed"]
    assert [(q["outlet"], q["outlet_as_written"]) for q in removed] == [
        ("RIA Novosti", "今日俄罗斯记者"), ("Voice of the Strait", "台海之声记者")]
    assert [q["first_words"][:6] for q in removed] == story.first_words
    history = run_cli("history", story.zh_url, config=story.config)
    assert REMOVED in history.out
    (later,) = [v for v in run_cli("history", story.zh_url, "--json",
                                   config=story.config).jsonl() if v["change"]]
    assert later["change"]["questions_removed"] == removed


def test_the_turns_diff_names_outlets_and_spokespersons_canonically(story):
    lines = run_cli("diff", story.zh_url, "--format", "turns", config=story.config).out
    assert lines.splitlines()[0].startswith("Question from RIA Novosti (今日俄罗斯) (“")
    assert "Question from Voice of the Strait (台海之声) (“" in lines
    data = json.loads(run_cli("diff", story.zh_url, "--format", "json", config=story.config).out)
    questions = [t for t in data["turns"] if t["role"] == "question"]
    assert [(t["name"], t["name_as_written"], t["speaker"]) for t in questions] == [
        ("RIA Novosti", "今日俄罗斯记者", "今日俄罗斯记者"),
        ("Voice of the Strait", "台海之声记者", "台海之声记者")]
    en_name, zh_name = story.spokesperson
    answers = [a for t in questions for a in t["answers"]]
    assert answers and {(a["name"], a["name_as_written"]) for a in answers} == {
        (en_name, zh_name)}
    assert data["summary"]["questions_removed"][0]["outlet"] == "RIA Novosti"
    reworded = run_cli("diff", story.reworded_url, "--format", "turns",
                       config=story.config).out.splitlines()
    assert any(line.startswith(f"Answer by {en_name} ({zh_name}), to ") and
               line.endswith("reworded: " + line.split("reworded: ")[-1]) for line in reworded), \
        reworded
    assert not any(f"Answer by {zh_name}" in line for line in reworded)


def test_pairs_compare_exchanges_and_the_divergent_event_say_the_same_names(story):
    (row,) = run_cli("pairs", "--divergent", "--json", config=story.config).jsonl()
    assert [(m["outlet"], m["outlet_as_written"]) for m in row["missing_in_zh"]] == [
        ("RIA Novosti", "RIA Novosti"), ("Voice of the Strait", "Voice of the Strait")]
    (event,) = run_cli("changes", "--kind", "divergent", "--json", config=story.config).jsonl()
    assert [m["outlet"] for m in event["summary"]["missing"]] == [RIA[0], VOS[0]]
    said = run_cli("changes", "--kind", "divergent", config=story.config).out
    assert "question from RIA Novosti (“" in said and "question from Voice of the Strait (“" in said

    en_name, zh_name = story.spokesperson
    rows = run_cli("exchanges", "--source", "mfa-zh", "--json", config=story.config).jsonl()
    mine = [r for r in rows if r["url"] == story.reworded_url]
    assert mine and {(r["spokesperson"], r["spokesperson_as_written"]) for r in mine} == {
        (en_name, zh_name)}
    assert all(r["outlet"] != r["outlet_as_written"] for r in mine)
    text = run_cli("exchanges", "--source", "mfa-zh", config=story.config).out
    for r in mine:
        written = r["outlet_as_written"].removesuffix("记者")
        assert f"#{r['index']:<3} {r['outlet']} ({written}) → {en_name} ({zh_name})" in text
    exported = run_cli("export", "--unit", "exchanges", config=story.config).jsonl()
    assert exported == run_cli("exchanges", "--json", config=story.config).jsonl()

    compared = json.loads(run_cli("compare", story.reworded_url, "--format", "json",
                                  config=story.config).out)
    zh_side = [e for r in compared["rows"] for e in r["zh"] if e["index"]]
    assert zh_side and {e["spokesperson_as_written"] for e in zh_side} == {zh_name}
    text = run_cli("compare", story.zh_url, config=story.config).out
    assert "RIA Novosti ── NOT IN THE CHINESE TRANSCRIPT" in text


def test_notifications_and_the_feed_name_the_outlet_canonically(story):
    message = story.posts[-1]["message"]
    assert REMOVED in message
    assert "Question from RIA Novosti (今日俄罗斯) (“" in message
    assert "from 今日俄罗斯" not in message
    assert REMOVED in story.feed.read_text(encoding="utf-8")


def test_the_web_view_names_outlets_and_spokespersons_canonically(story):
    en_name, zh_name = story.spokesperson
    proc, served = start_serve(story.config, "--port", "0")
    try:
        with sqlite3.connect(story.db) as conn:
            doc = conn.execute("SELECT id FROM documents WHERE url = ?",
                               [story.zh_url]).fetchone()[0]
            reworded = conn.execute("SELECT id FROM documents WHERE url = ?",
                                    [story.reworded_url]).fetchone()[0]
        pages = {path: html.unescape(get(served + path)[2]) for path in (
            "/changes", "/feed.atom", f"/t/{doc}", f"/t/{doc}/diff?from=1&to=2", f"/t/{doc}?v=1",
            f"/t/{reworded}/languages", "/")}
        assert REMOVED in pages["/changes"] and REMOVED in pages["/feed.atom"]
        assert REMOVED in pages[f"/t/{doc}"]  # its history
        assert "Question from RIA Novosti (今日俄罗斯) (“" in pages[f"/t/{doc}/diff?from=1&to=2"]
        assert "question · RIA Novosti (今日俄罗斯)" in pages[f"/t/{doc}?v=1"]
        assert f"answer · {en_name} ({zh_name})" in pages[f"/t/{doc}?v=1"]
        assert f"→ {en_name} ({zh_name})" in pages[f"/t/{reworded}/languages"]
        assert "not in Chinese: RIA Novosti “" in pages["/"]
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def test_names_apply_when_shown_and_old_summaries_still_read(story, tmp_path):
    # a copy of the database, so that the other tests read what the crawls stored
    copy = tmp_path / "briefwatch.db"
    with sqlite3.connect(story.db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    # the user renames an outlet in their file: summaries stored before say the new name
    names = _names_file(tmp_path / "renamed.toml", vos_name="VOS Radio")
    config = tmp_path / "c.toml"
    config.write_text(story.config.read_text(encoding="utf-8").replace(
        'path = "briefwatch.db"', f'path = "{copy}"').replace(
        'path = "feed.atom"', f'path = "{tmp_path / "feed.atom"}"').replace(
        str(story.names), str(names)), encoding="utf-8")
    shown = run_cli("changes", "--kind", "edited", config=config)
    assert shown.code == 0, shown.err
    assert ("questions from RIA Novosti (今日俄罗斯) and from VOS Radio (台海之声) removed"
            in shown.out)

    # a summary stored before `outlet_as_written` existed: `outlet` held the written form
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE events SET summary = json_set(summary, '$.questions_removed', "
                     "json(?)) WHERE kind = 'edited' AND document = (SELECT id FROM documents "
                     "WHERE url = ?)",
                     [json.dumps([{"outlet": "今日俄罗斯", "first_words": "俄方…"}],
                                 ensure_ascii=False), story.zh_url])
    (edit,) = [e for e in run_cli("changes", "--json", "--kind", "edited",
                                  config=config).jsonl() if e["url"] == story.zh_url]
    assert edit["summary"]["questions_removed"] == [
        {"outlet": "RIA Novosti", "outlet_as_written": "今日俄罗斯", "first_words": "俄方…"}]
    assert "question from RIA Novosti (今日俄罗斯) removed" in run_cli(
        "changes", "--kind", "edited", config=config).out
