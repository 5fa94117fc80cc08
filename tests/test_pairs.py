"""The two languages of a series, through the real CLI: a local copy of the ministry's English
and Chinese archives (the same invented conferences in both), crawled, paired, and edited in
one language."""

from __future__ import annotations

import datetime as dt
import json
import re

from briefwatch.jobs import demo as ds
from briefwatch.storage.text.names import load_names

from tests.helpers import read_cli, run_cli, write_config
from tests.test_notify import Webhook
from tests.test_web import _start as start_serve
from tests.test_web import get


def _series(tmp_path, site, en_archive, zh_archive):
    """A config following the two archives as one series; every conference revisited."""
    return write_config(tmp_path / "c.toml", [
        {"name": "mfa-en", "spider": "mfa", "pair": "mfa-zh",
         "start_urls": [site.url(en_archive.listing_path)]},
        {"name": "mfa-zh", "spider": "mfa", "start_urls": [site.url(zh_archive.listing_path)]},
    ], revisit_days=100000)


def _crawl(config, *args: str) -> dict:
    result = run_cli("crawl", "--json", *args, config=config)
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)


def test_a_series_pairs_every_conference_and_names_an_exchange_cut_from_one_language(tmp_path):
    root = tmp_path / "site"
    day = dt.date(2020, 7, 3)
    en = ds.invent_briefings("en", day, 6, seed=11)
    zh = ds.invent_briefings("zh", day, 6, seed=11)
    en_archive = ds.write_archive(root, "en-2014", en, per_page=10)
    zh_archive = ds.write_archive(root, "zh-2014", zh, per_page=10)
    with ds.LocalSite(root) as site:
        config = _series(tmp_path, site, en_archive, zh_archive)
        _crawl(config)
        rows = read_cli("pairs", "--json", config=config).jsonl()
        assert [r["date"] for r in rows] == sorted(b.date.isoformat() for b in en)
        for row in rows:
            assert row["series"] == ["mfa-en", "mfa-zh"]
            assert row["en"]["exchanges"] == row["zh"]["exchanges"] == len(row["matched"]) > 0
            assert (row["missing_in_en"], row["missing_in_zh"], row["merged"]) == ([], [], [])
        assert read_cli("pairs", "--divergent", "--json", config=config).jsonl() == []
        assert read_cli("changes", "--kind", "divergent", "--json", config=config).jsonl() == []

        # The Chinese record of one conference loses its second exchange.
        cut = zh[2]
        prefix, _ = next(p.split("：", 1) for p in cut.paragraphs if "记者：" in p
                         and p != next(q for q in cut.paragraphs if "记者：" in q))
        ds.write_archive(root, "zh-2014", [*zh[:2], ds.drop_exchange(cut, 1), *zh[3:]],
                         per_page=10)
        summary = _crawl(config, "--revisit", "all")
        assert summary["edited"] == 1
        (row,) = read_cli("pairs", "--divergent", "--json", config=config).jsonl()
        assert row["date"] == cut.date.isoformat()
        assert row["missing_in_en"] == [] and row["merged"] == []
        (missing,) = row["missing_in_zh"]
        outlet = load_names().outlet(prefix)
        assert (missing["index"], missing["outlet"]) == (2, outlet)
        assert row["zh"]["exchanges"] == row["en"]["exchanges"] - 1

        (event,) = read_cli("changes", "--kind", "divergent", "--json", config=config).jsonl()
        assert event["url"] == site.url(zh_archive.article_paths[cut.number])
        assert event["summary"]["language"] == "zh"
        assert [m["outlet"] for m in event["summary"]["missing"]] == [outlet]
        shown = run_cli("changes", "--kind", "divergent", config=config).out
        assert f"question from {outlet}" in shown and "not in the Chinese transcript" in shown
        text = run_cli("pairs", "--divergent", config=config).out
        assert "not in the Chinese transcript" in text

        # Exchanges, with the same exchange in the other language
        listed = read_cli("exchanges", "--source", "mfa-en", "--json", config=config).jsonl()
        assert {r["status"] for r in listed} == {"in both", "only here"}
        only = [r for r in listed if r["status"] == "only here"]
        assert [(r["conference"], r["index"], r["outlet"]) for r in only] == [
            (cut.date.isoformat(), 2, outlet)]
        both = next(r for r in listed if r["status"] == "in both")
        assert both["paired"]["source"] == "mfa-zh" and both["language"] == "en"
        by_outlet = read_cli("exchanges", "--outlet", prefix, "--json", config=config).jsonl()
        assert by_outlet and {r["outlet"] for r in by_outlet} == {outlet}

        # The conference in both languages: text, JSON, a standalone page, the web view.
        zh_id = row["zh"]["id"]
        compared = json.loads(run_cli("compare", str(zh_id), "--format", "json",
                                      config=config).out)
        assert compared["divergent"] is True and compared["en"]["id"] == row["en"]["id"]
        states = [r["state"] for r in compared["rows"]]
        assert states.count("missing_in_zh") == 1 and set(states) <= {
            "opening", "in both", "missing_in_zh"}
        gap = next(r for r in compared["rows"] if r["state"] == "missing_in_zh")
        assert gap["zh"] == [] and gap["en"][0]["outlet"] == outlet
        assert "NOT IN THE CHINESE TRANSCRIPT" in run_cli("compare", str(zh_id),
                                                          config=config).out
        page = run_cli("compare", str(zh_id), "--format", "html", config=config).out
        assert page.count('class="missing"') == 1 and "not in the Chinese transcript" in page
        assert "<script" not in page
        unpaired = run_cli("compare", str(row["en"]["id"] + 1000), config=config)
        assert unpaired.code == 1
        proc, served = start_serve(config, "--port", "0")
        try:
            status, _, body = get(served + f"/t/{row['en']['id']}/languages")
            assert status == 200 and body.count('class="missing"') == 1
            _, _, body = get(served + "/")
            assert "Where the two languages differ" in body
            assert f"/t/{row['en']['id']}/languages" in body
            _, _, body = get(served + f"/t/{zh_id}")
            assert "both languages side by side" in body and "the records differ" in body
            status, _, body = get(served + "/changes?kind=divergent")
            assert status == 200 and "not in the Chinese transcript" in body
        finally:
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
            proc.stderr.close()

        # Search, within the exchanges of one outlet or one spokesperson.
        asked = next(r for r in listed if r["status"] == "only here")
        phrase = " ".join(asked["question"].split()[:4])
        hits = read_cli("search", phrase, "--json", config=config).jsonl()
        within = read_cli("search", phrase, "--outlet", prefix, "--json", config=config).jsonl()
        assert asked["url"] in {h["url"] for h in within}
        assert {h["url"] for h in within} <= {h["url"] for h in hits}
        # only transcripts where that outlet asked something with the phrase
        assert {h["url"] for h in within} <= {r["url"] for r in listed if r["outlet"] == outlet
                                               and phrase.split()[0] in r["question"]}
        person = asked["spokesperson"]
        assert read_cli("search", phrase, "--spokesperson", person, "--json",
                       config=config).jsonl()
        assert read_cli("search", phrase, "--spokesperson", "Nobody Here", "--json",
                       config=config).jsonl() == []

        # One row per exchange with its counterpart, in JSONL, CSV (for Excel) and Parquet.
        exported = read_cli("export", "--unit", "exchanges", config=config).jsonl()
        assert exported == read_cli("exchanges", "--json", config=config).jsonl()
        prefixes = {o[0] + ":" for o in ds.OUTLETS} | {o[1] + "记者：" for o in ds.OUTLETS}
        per_briefing = sum(1 for b in [*en, *zh] for p in b.paragraphs
                           if any(p.startswith(prefix) for prefix in prefixes))
        # the cut exchange is there once, ended at the version the edit removed it from
        assert len(exported) == per_briefing
        (ended,) = [r for r in exported if r["last_version"] is not None]
        assert (ended["source"], ended["outlet"], ended["last_version"]) == ("mfa-zh", outlet, 1)
        assert {r["language"] for r in exported} == {"en", "zh"}
        assert run_cli("export", "--unit", "exchanges", "--format", "csv", "-o",
                       tmp_path / "x.csv", config=config).code == 0
        raw = (tmp_path / "x.csv").read_bytes()
        assert raw.startswith("\ufeff".encode())
        import csv

        with open(tmp_path / "x.csv", encoding="utf-8-sig", newline="") as f:
            table = list(csv.DictReader(f))
        assert len(table) == len(exported)
        assert [r["question"] for r in table] == [r["question"] for r in exported]
        assert table[0]["paired_source"] == (exported[0]["paired"] or {}).get("source", "")
        assert run_cli("export", "--unit", "exchanges", "--format", "parquet", "-o",
                       tmp_path / "x.parquet", config=config).code == 0
        import pyarrow.parquet as pq

        parquet = pq.read_table(tmp_path / "x.parquet").to_pylist()
        assert [(r["url"], r["index"], r["outlet"], r["status"]) for r in parquet] == [
            (r["url"], r["index"], r["outlet"], r["status"]) for r in exported]
        assert all(r["paired_index"] == (e["paired"] or {}).get("index")
                   for r, e in zip(parquet, exported, strict=True))
        wrong = run_cli("export", "--format", "parquet", config=config)
        assert wrong.code == 2 and "--unit exchanges" in wrong.err

        # Nothing changes: nothing is recomputed, no event is added.
        _crawl(config, "--revisit", "all")
        assert len(read_cli("changes", "--kind", "divergent", "--json",
                           config=config).jsonl()) == 1

        # The exchange comes back: the records converge, and that is said too.
        ds.write_archive(root, "zh-2014", zh, per_page=10)
        _crawl(config, "--revisit", "all")
        assert read_cli("pairs", "--divergent", "--json", config=config).jsonl() == []
        events = read_cli("changes", "--kind", "divergent", "--json", config=config).jsonl()
        assert [len(e["summary"]["present_again"]) for e in events] == [0, 1]


def test_pair_mistakes_are_one_line_errors(tmp_path):
    base = {"spider": "mfa", "start_urls": ["http://127.0.0.1:9/index.html"]}
    for sources, message in (
        ([{"name": "a", "pair": "b", **base}], "no source is named 'b'"),
        ([{"name": "a", "pair": "a", **base}], "names the source itself"),
        ([{"name": "a", "pair": "b", **base}, {"name": "b", **base},
          {"name": "c", "pair": "b", **base}], "'b' is paired twice"),
    ):
        config = write_config(tmp_path / "c.toml", sources)
        result = run_cli("pairs", config=config)
        assert result.code == 2 and message in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1
    config = write_config(tmp_path / "n.toml", [{"name": "a", **base}])
    config.write_text(config.read_text() + '\n[names]\nfile = "mine.toml"\n')
    (tmp_path / "mine.toml").write_text("[[outlets]]\nname = \n", encoding="utf-8")
    result = run_cli("pairs", config=config)
    assert result.code == 2 and "[names] file: cannot read the names file" in result.err


def test_divergence_reaches_the_webhook_and_the_feed_and_a_first_crawl_sums_it_up(tmp_path):
    root = tmp_path / "site"
    day = dt.date(2020, 7, 3)
    en = ds.invent_briefings("en", day, 5, seed=5)  # the oldest is not published in Chinese
    zh = ds.invent_briefings("zh", day, 4, seed=5)
    en_archive = ds.write_archive(root, "en-2014", en, per_page=10)
    # the Chinese record already lacks an exchange when we start watching
    zh_archive = ds.write_archive(root, "zh-2014", [ds.drop_exchange(zh[0], 0), *zh[1:]],
                                  per_page=10)
    with ds.LocalSite(root) as site, Webhook() as hook:
        config = _series(tmp_path, site, en_archive, zh_archive)
        config.write_text(config.read_text() + f'\n[notify]\nurls = ["{hook.url()}"]\n'
                          f'[feed]\npath = "feed.atom"\n', encoding="utf-8")
        _crawl(config)
        (first,) = hook.posts
        assert "mfa-zh: first crawl found 1 transcript lacking exchanges" in first["message"]
        (alone,) = read_cli("pairs", "--unpaired", "--json", config=config).jsonl()
        assert (alone["source"], alone["date"]) == ("mfa-en", en[-1].date.isoformat())
        assert len(read_cli("pairs", "--json", config=config).jsonl()) == 4
        assert "DIVERGENT" not in first["message"]  # summed up, not listed

        # later, an edit cuts an exchange from the English record of another conference
        ds.write_archive(root, "en-2014", [en[0], ds.drop_exchange(en[1], -1), *en[2:]],
                         per_page=10)
        _crawl(config, "--revisit", "all")
        second = hook.posts[-1]
        # the subject says the news: the question cut, and the divergence it made (+1 more)
        assert re.fullmatch(r"briefwatch: .+ question removed from \w{3} \d+ briefing "
                            r"\(\+1 more\)", second["title"]), second["title"]
        assert "DIVERGENT:" in second["message"]
        assert "not in the English transcript" in second["message"]
    feed = (tmp_path / "feed.atom").read_text(encoding="utf-8")
    assert "divergent" in feed and "not in the English transcript" in feed


# The failure classes of real pages (issue 22), in our own words, in the real templates: a Q:/A:
# conference whose title alone names the spokesperson, with a journalist's back-and-forth
# written as extra turns in Chinese, the spokesperson's rhetorical question and her sentences
# ending in a colon, a follow-up, and a question asked after the conference; and an
# outlet-labelled one with an aside, a predecessor introducing her successor, an ASCII colon and
# a label run into its text.
_QA = {
    "en": ["Q: Will the two foreign ministers meet in Nairobi on May 12?",
           "A: Yes, they will meet in Nairobi on May 12 and sign 3 agreements.",
           "Journalist: So the meeting is confirmed.",
           "A: It is confirmed. Is that not what I just said?",
           "Q: The navy of Ruritania sailed 2 destroyers near the islands. What is your comment?",
           "A: Is this what they call freedom of navigation? I want to stress 3 points: first, "
           "stop the hype; second, stop the provocations; third, respect the 2002 declaration.",
           "Case one: a destroyer entered the waters 5 times in April.",
           "Follow-up: When will the fisheries talks resume?",
           "A: In June, in Beijing.",
           "The following question was raised after the press conference: Does China have a "
           "comment on the typhoon in Fiji?",
           "A: We extend our sympathies to the people of Fiji."],
    "zh": ["问：两国外长是否将于5月12日在内罗毕会面？",
           "答：是的，两国外长将于5月12日在内罗毕会面，并签署3项协议。",
           "记者：所以会面已经确定了。",
           "答：已经确定。我刚才不是说过了吗？",
           "记者：好。（笑）",
           "问：鲁里塔尼亚海军派2艘驱逐舰驶近群岛，你对此有何评论？",
           "答：这难道就是他们所说的航行自由吗？！",
           "我想强调3点：第一，停止炒作；第二，停止挑衅；第三，尊重2002年宣言。",
           "案例一：一艘驱逐舰4月份5次闯入有关海域。",
           "追问：渔业谈判何时恢复？",
           "答：6月，在北京。",
           "会后有记者问及：中方对斐济台风有何评论？",
           "答：我们向斐济人民表示慰问。"],
}
_OUTLETS = {
    "en": ["{prev}: Good afternoon. Let me introduce my colleague {name}, our new spokesperson.",
           "{name}: Thank you. I have 1 announcement: the forum opens on June 3.",
           "Reuters: Will the forum on June 3 discuss the 4 trade disputes?",
           "{name}: It will. Do you have a follow-up?",
           "Reuters: Yes.",
           "{name}: Please go ahead after AFP.",
           "AFP:How many delegations will attend the forum?",
           "{name}: 60 delegations. As a Chinese saying goes, a friend from afar brings joy."],
    "zh": ["{prev}：下午好。我向大家介绍我的同事{name}，新任发言人。",
           "{name}：谢谢。我发布1条消息：论坛将于6月3日开幕。",
           "路透社记者:6月3日的论坛是否将讨论4项贸易争端？",
           "{name}：会讨论。你还有追问吗？",
           "路透社记者：是的。",
           "{name}：请在法新社之后提问。",
           "法新社记者：将有多少代表团出席论坛？",
           "{name}：60个代表团。",
           "中国有句古话：有朋自远方来，不亦乐乎。"],
}


def test_the_failure_classes_of_real_pages_pair_one_to_one_and_name_the_spokesperson(tmp_path):
    import dataclasses

    root = tmp_path / "site"
    day = dt.date(2020, 7, 3)
    made = {}
    for lang in ("en", "zh"):
        days = ds.invent_briefings(lang, day, 2, seed=5)
        name = days[0].spokesperson
        prev = ds.SPOKESPERSONS[(ds.SPOKESPERSONS.index(next(
            p for p in ds.SPOKESPERSONS if name in p)) + 1) % len(ds.SPOKESPERSONS)][
            0 if lang == "en" else 1]
        made[lang] = [
            dataclasses.replace(days[0], paragraphs=tuple(
                p.format(name=name, prev=prev) for p in _OUTLETS[lang])),
            dataclasses.replace(days[1], paragraphs=tuple(_QA[lang]))]
    en_archive = ds.write_archive(root, "en-2014", made["en"], per_page=10)
    zh_archive = ds.write_archive(root, "zh-2014", made["zh"], per_page=10)
    with ds.LocalSite(root) as site:
        config = _series(tmp_path, site, en_archive, zh_archive)
        _crawl(config)
        rows = read_cli("pairs", "--json", config=config).jsonl()
        assert len(rows) == 2
        for row in rows:
            assert (row["missing_in_en"], row["missing_in_zh"], row["merged"],
                    row["uncertain"]) == ([], [], [], None), row
        qa, outlets = sorted(rows, key=lambda r: r["date"])
        assert qa["en"]["exchanges"] == qa["zh"]["exchanges"] == 4
        assert outlets["en"]["exchanges"] == outlets["zh"]["exchanges"] == 2
        assert read_cli("changes", "--kind", "divergent", "--json", config=config).jsonl() == []

        listed = read_cli("exchanges", "--json", config=config).jsonl()
        # (invented spokespersons are not in the names table: each is named as written)
        hosts = {(f"mfa-{b.lang}", b.date.isoformat()): b.spokesperson
                 for lang in made for b in made[lang]}
        for row in listed:
            assert row["spokesperson"] == hosts[row["source"], row["conference"]], row
        asked = [r["question"] for r in listed if r["source"] == "mfa-zh"]
        assert not any(q.startswith(("我想强调", "案例一", "中国有句古话", "好。")) for q in asked)
        after = next(r for r in listed if "Fiji" in r["question"])
        assert after["question"].startswith("Does China have a comment")
        assert after["outlet"] is None
        person = hosts["mfa-en", qa["date"]]
        by_person = read_cli("exchanges", "--spokesperson", person, "--json",
                            config=config).jsonl()
        assert {r["conference"] for r in by_person} == {qa["date"], outlets["date"]}


def test_an_upgrade_reads_stored_versions_by_the_new_rules_and_tells_nothing_of_the_old(tmp_path):
    """A database whose turns were split by the old rules (the spokesperson's `案例一：` taken for
    a speaker) and whose pair was called divergent for it: the upgrade (m012) splits the
    stored versions again, and the next crawl recomputes the pair with no event."""
    import dataclasses
    import sqlite3

    from briefwatch.storage.pairings import RULES
    from briefwatch.storage.text.turns import pack_turns, split_turns, unpack_turns

    root = tmp_path / "site"
    day = dt.date(2020, 7, 3)
    made = {lang: [dataclasses.replace(ds.invent_briefings(lang, day, 1, seed=5)[0],
                                       paragraphs=tuple(_QA[lang]))] for lang in ("en", "zh")}
    en_archive = ds.write_archive(root, "en-2014", made["en"], per_page=10)
    zh_archive = ds.write_archive(root, "zh-2014", made["zh"], per_page=10)
    with ds.LocalSite(root) as site:
        config = _series(tmp_path, site, en_archive, zh_archive)
        _crawl(config)
        path = tmp_path / "briefwatch.db"
        with sqlite3.connect(path) as conn:
            version, text, title, stored = conn.execute(
                "SELECT v.id, v.text, v.title, v.turns FROM versions v JOIN documents d "
                "ON d.id = v.document WHERE d.source = 'mfa-zh'").fetchone()
            paragraphs = [p for p in text.split("\n") if p.strip()]
            case = next(i for i, p in enumerate(paragraphs) if p.startswith("案例一"))
            old = []
            for turn in unpack_turns(stored):
                if turn["start"] < case < turn["end"]:
                    old += [{**turn, "end": case}, {"role": "question", "speaker": "案例一",
                                                    "name": "案例一", "start": case,
                                                    "end": turn["end"]}]
                else:
                    old.append(turn)
            conn.execute("UPDATE versions SET turns = ? WHERE id = ?", [pack_turns(old), version])
            conn.execute("UPDATE pairings SET divergent = 1, missing_in_en = ?", [json.dumps(
                [{"index": 4, "outlet": "案例一", "outlet_as_written": "案例一",
                  "first_words": "一艘驱逐舰4月份5次闯入有关海域。"}], ensure_ascii=False)])
            conn.execute("ALTER TABLE pairings DROP COLUMN uncertain")
            conn.execute("ALTER TABLE pairings DROP COLUMN rules")
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = "
                         "'m012_turns_and_pairings_anew'")
        conn.close()
        assert len(read_cli("pairs", "--divergent", "--json", config=config).jsonl()) == 1

        _crawl(config)
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT turns FROM versions WHERE id = ?",
                                [version]).fetchone()[0] == pack_turns(split_turns(text, title))
            assert conn.execute("SELECT divergent, uncertain, rules FROM pairings"
                                ).fetchall() == [(0, None, RULES)]
        conn.close()
        assert read_cli("pairs", "--divergent", "--json", config=config).jsonl() == []
        assert read_cli("changes", "--kind", "divergent", "--json", config=config).jsonl() == []
