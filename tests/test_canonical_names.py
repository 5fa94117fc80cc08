"""One outlet is one name in every output (issue 22): a series crawled by the real CLI from a
local copy of the ministry's archives in which RIA Novosti asks (`RIA Novosti:` in English,
`今日俄罗斯记者：` in Chinese) and so does an outlet only the user's own names file knows
(`Voice of the Strait:` / `台海之声记者：`), answered by spokespersons that file names too. The
Chinese record of one conference then loses RIA Novosti's question, that of another loses Voice
of the Strait's and has an answer reworded. Every output (edit
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
from briefwatch.jobs import demo as ds

from tests.helpers import read_cli, run_cli, write_config
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
    ria_url: str  # the Chinese transcript that lost RIA Novosti's question
    vos_url: str  # the one that lost Voice of the Strait's question, an answer reworded
    spokesperson: tuple[str, str]  # who answers in the second (en, zh)
    posts: list[dict]
    feed: Path
    first_words: dict[str, str]  # of each removed question, as the Chinese record wrote it


def _asking(b: ds.Briefing) -> list[tuple[str, str]]:
    return [next(o for o in ds.OUTLETS if b.paragraphs[k].startswith(o[1] + "记者："))
            for k in ds.question_indices(b)]


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    tmp = tmp_path_factory.mktemp("names")
    root = tmp / "site"
    day = dt.date(2020, 7, 3)
    en = ds.invent_briefings("en", day, 3, seed=11)
    zh = ds.invent_briefings("zh", day, 3, seed=11)
    # One exchange of five goes from the first, one of seven from the third (and an answer
    # there is reworded): the records still mostly meet, so the pairing is sure of the gaps.
    ria = _asking(zh[0])[0]
    cut = next(k for k, o in enumerate(_asking(zh[2])) if o != ria)
    outlets = {ria: RIA, _asking(zh[2])[cut]: VOS}
    first_words = {
        RIA[0]: zh[0].paragraphs[ds.question_indices(zh[0])[0]].split("：", 1)[1][:6],
        VOS[0]: zh[2].paragraphs[ds.question_indices(zh[2])[cut]].split("：", 1)[1][:6]}
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
        edited = [ds.drop_exchange(zh[0], 0), zh[1],
                  ds.reword(ds.drop_exchange(zh[2], cut), seed=3)]
        ds.write_archive(root, "zh-2014", [_renamed(b, outlets) for b in edited], per_page=10)
        second = run_cli("crawl", "--json", "--revisit", "all", config=config)
        assert second.code == 0, second.err
        assert json.loads(second.out)["edited"] == 2
        posts = list(hook.posts)
    spokesperson = next(p for p in ds.SPOKESPERSONS if p[1] == zh[2].spokesperson)
    return Story(config, tmp / "briefwatch.db", names,
                 site.url(zh_archive.article_paths[zh[0].number]),
                 site.url(zh_archive.article_paths[zh[2].number]), spokesperson, posts,
                 tmp / "feed.atom", first_words)


RIA_REMOVED = "question from RIA Novosti (今日俄罗斯) removed"
VOS_REMOVED = "question from Voice of the Strait (台海之声) removed"


def _edit(story: Story, url: str, config: Path | None = None) -> dict:
    (edit,) = [e for e in read_cli("changes", "--json", "--kind", "edited",
                                  config=config or story.config).jsonl() if e["url"] == url]
    return edit


def test_edit_summaries_name_the_outlet_as_pairs_do_with_the_written_form_beside(story):
    shown = run_cli("changes", "--kind", "edited", config=story.config)
    assert shown.code == 0, shown.err
    assert RIA_REMOVED in shown.out and VOS_REMOVED in shown.out
    assert "from 今日俄罗斯" not in shown.out
    for url, outlet in ((story.ria_url, RIA), (story.vos_url, VOS)):
        (removed,) = _edit(story, url)["summary"]["questions_removed"]
        assert (removed["outlet"], removed["outlet_as_written"]) == (outlet[0], outlet[1] + "记者")
        assert removed["first_words"].startswith(story.first_words[outlet[0]])
    history = run_cli("history", story.ria_url, config=story.config)
    assert RIA_REMOVED in history.out
    (later,) = [v for v in read_cli("history", story.ria_url, "--json",
                                   config=story.config).jsonl() if v["change"]]
    assert later["change"]["questions_removed"] == _edit(story, story.ria_url)["summary"][
        "questions_removed"]


def test_the_turns_diff_names_outlets_and_spokespersons_canonically(story):
    en_name, zh_name = story.spokesperson
    lines = run_cli("diff", story.ria_url, "--format", "turns", config=story.config).out
    assert lines.startswith("Question from RIA Novosti (今日俄罗斯) (“"), lines
    data = json.loads(run_cli("diff", story.vos_url, "--format", "json", config=story.config).out)
    (question,) = [t for t in data["turns"] if t["role"] == "question"]
    assert (question["name"], question["name_as_written"], question["speaker"]) == (
        "Voice of the Strait", "台海之声记者", "台海之声记者")
    assert {(a["name"], a["name_as_written"]) for a in question["answers"]} == {
        (en_name, zh_name)}
    assert data["summary"]["questions_removed"][0]["outlet"] == "Voice of the Strait"
    lines = run_cli("diff", story.vos_url, "--format", "turns",
                    config=story.config).out.splitlines()
    assert any(line.startswith("Question from Voice of the Strait (台海之声) (“") and
               line.endswith("removed, with its answer") for line in lines), lines
    # an answer reworded under a question that stays: both named, set off by commas
    assert any(line.startswith(f"Answer by {en_name} ({zh_name}), to ") and ("), reworded: "
               in line) for line in lines), lines
    assert not any(f"Answer by {zh_name}" in line for line in lines)


def test_pairs_compare_exchanges_and_the_divergent_event_say_the_same_names(story):
    rows = read_cli("pairs", "--divergent", "--json", config=story.config).jsonl()
    assert sorted((m["outlet"], m["outlet_as_written"]) for r in rows
                  for m in r["missing_in_zh"]) == [(RIA[0], RIA[0]), (VOS[0], VOS[0])]
    events = read_cli("changes", "--kind", "divergent", "--json", config=story.config).jsonl()
    assert sorted(m["outlet"] for e in events for m in e["summary"]["missing"]) == [
        RIA[0], VOS[0]]
    said = run_cli("changes", "--kind", "divergent", config=story.config).out
    assert "question from RIA Novosti (“" in said and "question from Voice of the Strait (“" in said

    en_name, zh_name = story.spokesperson
    rows = read_cli("exchanges", "--source", "mfa-zh", "--json", config=story.config).jsonl()
    mine = [r for r in rows if r["url"] == story.vos_url]
    assert mine and {(r["spokesperson"], r["spokesperson_as_written"]) for r in mine} == {
        (en_name, zh_name)}
    assert all(r["outlet"] != r["outlet_as_written"] for r in mine)
    assert any(r["outlet"] == VOS[0] and r["outlet_as_written"] == VOS[1] + "记者" for r in rows)
    text = run_cli("exchanges", "--source", "mfa-zh", config=story.config).out
    for r in mine:
        written = r["outlet_as_written"].removesuffix("记者")
        assert f"#{r['index']:<3} {r['outlet']} ({written}) → {en_name} ({zh_name})" in text
    exported = read_cli("export", "--unit", "exchanges", config=story.config).jsonl()
    assert exported == read_cli("exchanges", "--json", config=story.config).jsonl()

    compared = json.loads(run_cli("compare", story.vos_url, "--format", "json",
                                  config=story.config).out)
    zh_side = [e for r in compared["rows"] for e in r["zh"] if e["index"]]
    assert zh_side and {e["spokesperson_as_written"] for e in zh_side} == {zh_name}
    text = run_cli("compare", story.ria_url, config=story.config).out
    assert "RIA Novosti ── NOT IN THE CHINESE TRANSCRIPT" in text


def test_notifications_and_the_feed_name_the_outlet_canonically(story):
    message = story.posts[-1]["message"]
    assert RIA_REMOVED in message and VOS_REMOVED in message
    assert "Question from RIA Novosti (今日俄罗斯) (“" in message
    assert "from 今日俄罗斯" not in message
    feed = story.feed.read_text(encoding="utf-8")
    assert RIA_REMOVED in feed and VOS_REMOVED in feed


def test_the_web_view_names_outlets_and_spokespersons_canonically(story):
    en_name, zh_name = story.spokesperson
    proc, served = start_serve(story.config, "--port", "0")
    try:
        with sqlite3.connect(story.db) as conn:
            ria, vos = (conn.execute("SELECT id FROM documents WHERE url = ?", [url]).fetchone()[0]
                        for url in (story.ria_url, story.vos_url))
        pages = {path: html.unescape(get(served + path)[2]) for path in (
            "/changes", "/feed.atom", f"/t/{ria}", f"/t/{ria}/diff?from=1&to=2", f"/t/{ria}?v=1",
            f"/t/{vos}/languages", "/")}
        assert RIA_REMOVED in pages["/changes"] and VOS_REMOVED in pages["/feed.atom"]
        assert RIA_REMOVED in pages[f"/t/{ria}"]  # its history
        assert "Question from RIA Novosti (今日俄罗斯) (“" in pages[f"/t/{ria}/diff?from=1&to=2"]
        assert "question · RIA Novosti (今日俄罗斯)" in pages[f"/t/{ria}?v=1"]
        assert f"answer · {en_name} ({zh_name})" in pages[f"/t/{ria}?v=1"]
        assert f"→ {en_name} ({zh_name})" in pages[f"/t/{vos}/languages"]
        assert "not in Chinese: RIA Novosti “" in pages["/"]
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def _own_copy(story: Story, tmp_path: Path, names: Path) -> tuple[Path, Path]:
    """(config, database): a copy of the story's database, so that the other tests read what
    the crawls stored, with `names` as the names file."""
    copy = tmp_path / "briefwatch.db"
    with sqlite3.connect(story.db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    config = tmp_path / "c.toml"
    config.write_text(story.config.read_text(encoding="utf-8").replace(
        'path = "briefwatch.db"', f'path = "{copy}"').replace(
        'path = "feed.atom"', f'path = "{tmp_path / "feed.atom"}"').replace(
        str(story.names), str(names)), encoding="utf-8")
    return config, copy


def test_a_running_web_view_reads_the_names_file_again_when_it_changes(story, tmp_path):
    names = _names_file(tmp_path / "mine.toml")
    config, _ = _own_copy(story, tmp_path, names)
    proc, served = start_serve(config, "--port", "0")
    try:
        assert VOS_REMOVED in html.unescape(get(served + "/changes")[2])
        _names_file(names, vos_name="VOS Radio")  # the user renames the outlet while it runs
        shown = html.unescape(get(served + "/changes")[2])
        assert "question from VOS Radio (台海之声) removed" in shown and VOS_REMOVED not in shown
        # a save with a typo: the names read before stay in use, the log says why, once
        names.write_text(names.read_text(encoding="utf-8") + "\n[[outlets]\n", encoding="utf-8")
        for _ in range(2):
            status, _, page = get(served + "/changes")
            assert status == 200 and "question from VOS Radio (台海之声) removed" in html.unescape(
                page)
    finally:
        proc.terminate()
        proc.wait(10)
        log = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert log.count(f"cannot read the names file {names}: ") == 1, log
    assert "the names it held before stay in use" in log and "Traceback" not in log


def test_names_apply_when_shown_and_old_summaries_still_read(story, tmp_path):
    # the user renames an outlet in their file: summaries stored before say the new name
    names = _names_file(tmp_path / "renamed.toml", vos_name="VOS Radio")
    config, copy = _own_copy(story, tmp_path, names)
    shown = run_cli("changes", "--kind", "edited", config=config)
    assert shown.code == 0, shown.err
    assert "question from VOS Radio (台海之声) removed" in shown.out
    assert _edit(story, story.vos_url, config)["summary"]["questions_removed"][0][
        "outlet"] == "VOS Radio"

    # a summary stored before `outlet_as_written` existed: `outlet` held the written form
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE events SET summary = json_set(summary, '$.questions_removed', "
                     "json(?)) WHERE kind = 'edited' AND document = (SELECT id FROM documents "
                     "WHERE url = ?)",
                     [json.dumps([{"outlet": "今日俄罗斯", "first_words": "俄方…"}],
                                 ensure_ascii=False), story.ria_url])
    assert _edit(story, story.ria_url, config)["summary"]["questions_removed"] == [
        {"outlet": "RIA Novosti", "outlet_as_written": "今日俄罗斯", "first_words": "俄方…"}]
    assert RIA_REMOVED in run_cli("changes", "--kind", "edited", config=config).out
