"""Notifications end to end: a real SMTP server (aiosmtpd), a real webhook, the real CLI."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import json
import re
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from briefwatch.jobs.demo import LocalSite, invent_briefings, reword, write_archive

from tests.helpers import read_cli, run_cli


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping every message it is handed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        # aiosmtpd checks readiness by connecting to the port it was given: it needs a real one.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def url(self) -> str:
        return (f"mailto://127.0.0.1:{self.port}?from=briefwatch@example.org"
                f"&to=desk@example.org")

    def subjects(self) -> list[str]:
        return [m["subject"] for m in self.messages]

    def bodies(self) -> list[str]:
        return [m.get_body(("plain", "html")).get_content() for m in self.messages]


class Webhook:
    """An HTTP endpoint on 127.0.0.1 that records JSON posts; it can be switched to fail."""

    def __init__(self):
        self.posts: list[dict] = []
        self.up = True
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not hook.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                hook.posts.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, secret: str = "s3cr3t-token") -> str:
        return f"json://hookuser:{secret}@127.0.0.1:{self.server.server_address[1]}/hook"


def config_for(tmp_path: Path, listing: str, urls: list[str], extra: str = "") -> Path:
    path = tmp_path / "briefwatch.toml"
    path.write_text(
        "[storage]\npath = \"bw.db\"\n[crawl]\ndownload_delay = 0\n"
        f"[notify]\nurls = {json.dumps(urls)}\n[feed]\npath = \"feed.atom\"\n"
        f"[[sources]]\nname = \"mfa-en\"\nspider = \"mfa\"\nstart_urls = [\"{listing}\"]\n"
        + extra,
        encoding="utf-8",
    )
    return path


def crawl(config: Path, *args: str):
    result = run_cli("crawl", *args, config=config)
    assert result.code == 0, (result.out, result.err)
    return result


@pytest.fixture
def world(tmp_path):
    root = tmp_path / "site"
    briefings = invent_briefings("en", dt.date(2020, 6, 30), 10, seed=11)
    archive = write_archive(root, "en-2014", briefings, per_page=10)
    with LocalSite(root) as site, Mailbox() as mailbox, Webhook() as hook:
        config = config_for(tmp_path, site.url(archive.listing_path),
                            [mailbox.url(), hook.url()])
        yield {"root": root, "site": site, "mail": mailbox, "hook": hook, "config": config,
               "briefings": briefings, "archive": archive, "tmp": tmp_path}


def test_digests_quiet_nights_and_a_channel_that_was_down(world):
    mail, hook, config = world["mail"], world["hook"], world["config"]
    briefings, site = world["briefings"], world["site"]

    # The first crawl is a backfill: one summary per channel, not ten messages.
    crawl(config)
    assert mail.subjects() == ["briefwatch: 10 new"]
    assert "mfa-en: first crawl stored 10 transcripts" in mail.bodies()[0]
    assert [p["title"] for p in hook.posts] == ["briefwatch: 10 new"]

    # A quiet night sends nothing.
    crawl(config)
    assert len(mail.messages) == 1 and len(hook.posts) == 1

    # Two new briefings and an edit, while the webhook is down.
    fresh = [b for b in invent_briefings("en", dt.date(2020, 7, 2), 3, seed=11)
             if b.date > briefings[0].date]
    assert len(fresh) == 2
    edited = reword(briefings[4], seed=4)
    write_archive(world["root"], "en-2014", [*fresh, *briefings[:4], edited, *briefings[5:]],
                  per_page=10)
    hook.up = False
    result = crawl(config, "--revisit", "all")
    assert "notification to json://hookuser:****@127.0.0.1" in result.err
    assert "s3cr3t-token" not in result.err + result.out
    assert mail.subjects()[1:] == ["briefwatch: 2 new, 1 edited"]
    body = mail.bodies()[1]
    for briefing in [*fresh, edited]:
        assert briefing.title in body
    assert site.url(world["archive"].article_paths[edited.number]) in body
    assert re.search(r"\n  \d+ paragraphs? changed, \d+ words changed", body)
    assert len(hook.posts) == 1

    # Back up: the webhook gets what it missed at the next run, the mailbox nothing twice.
    hook.up = True
    crawl(config)
    assert [p["title"] for p in hook.posts] == ["briefwatch: 10 new", "briefwatch: 2 new, 1 edited"]
    assert edited.title in hook.posts[1]["message"]
    assert len(mail.messages) == 2

    # The Atom feed lists every event, the edit with its summary.
    feed = ET.parse(world["tmp"] / "feed.atom").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 13
    edit_entries = [e for e in entries if e.find("a:title", ns).text.startswith("edited: ")]
    assert len(edit_entries) == 1
    assert edit_entries[0].find("a:link", ns).get("href") == site.url(
        world["archive"].article_paths[edited.number])
    assert re.search(r"paragraphs? changed", edit_entries[0].find("a:summary", ns).text)


def test_notify_test_reports_each_channel_with_secrets_masked(world):
    result = run_cli("notify", "--test", "--json", config=world["config"])
    assert result.code == 0, result.err
    rows = result.jsonl()
    assert [r["ok"] for r in rows] == [True, True]
    assert "s3cr3t-token" not in result.out
    assert any("****" in r["channel"] for r in rows)
    assert world["mail"].subjects() == ["briefwatch: test message"]
    assert world["hook"].posts[0]["title"] == "briefwatch: test message"


def test_notify_test_fails_for_a_channel_that_is_down(world):
    world["hook"].up = False
    result = run_cli("notify", "--test", config=world["config"])
    assert result.code == 1
    (failed,) = [line for line in result.out.splitlines() if "FAILED" in line]
    # one line of ours naming the channel (masked) and why, not apprise's log line
    assert failed.startswith("json://hookuser:****@127.0.0.1:")
    assert "WARNING" not in failed and not re.search(r"\d{4}-\d\d-\d\d \d\d:", failed)
    assert "1 of 2 channels failed" in result.err


def test_sources_route_to_their_own_channels(world, tmp_path):
    mail, hook = world["mail"], world["hook"]
    # the webhook is tagged "desk"; the source asks for that tag only
    config = config_for(tmp_path, world["site"].url(world["archive"].listing_path),
                        [mail.url(), f"desk={hook.url()}"], extra='notify = ["desk"]\n')
    crawl(config)
    assert mail.messages == []
    assert [p["title"] for p in hook.posts] == ["briefwatch: 10 new"]


def test_a_channel_added_later_is_not_sent_the_history(world, tmp_path):
    listing = world["site"].url(world["archive"].listing_path)
    config = config_for(tmp_path, listing, [world["mail"].url()])
    crawl(config)
    assert len(world["mail"].messages) == 1
    config = config_for(tmp_path, listing, [world["mail"].url(), world["hook"].url()])
    crawl(config)
    assert world["hook"].posts == []


# -- what a digest says of each event (a database built through the storage code) ----------

TITLE = "Foreign Ministry Spokesperson Wang Wenbin's Regular Press Conference on July 3, 2020"
BRIEFING = ("The Foreign Minister of Kenya will visit China from March 3 to 5.\n"
            "Reuters: Will the minister visit Kenya next week?\n"
            "Wang Wenbin: We will release information in due course.\n"
            "CCTV: How does China view the forum?\n"
            "Wang Wenbin: It is a success.")
CUT = ("The Foreign Minister of Kenya will visit China from March 3 to 5.\n"
       "CCTV: How does China view the forum?\n"
       "Wang Wenbin: It was a great success.")


def stored_world(tmp_path: Path, hooks: list[str], extra: str = "") -> tuple[Path, object]:
    """A config notifying `hooks`, and its database opened for writing, every channel
    registered (owed what is recorded from now on)."""
    from briefwatch.storage.db import open_db

    config = config_for(tmp_path, "http://127.0.0.1:9/eng/", hooks, extra)
    db = open_db(tmp_path / "bw.db")
    assert run_cli("notify", config=config).code == 0
    return config, db


def stored(text: str, url: str, title: str = TITLE):
    from tests.test_storage import page

    return page(text, title=title, url=url)


def test_an_edit_is_told_in_sentences_an_excerpt_and_a_link_and_a_big_night_stays_short(
        tmp_path):
    from briefwatch.storage.versions import record

    with Webhook() as hook:
        config, db = stored_world(tmp_path, [hook.url()],
                                  '[serve]\nbase_url = "http://briefings.example.org:8080/"\n')
        urls = [f"http://127.0.0.1/t{k}.shtml" for k in range(13)]
        for url in urls:
            record(db, None, stored(BRIEFING, url))
        assert run_cli("notify", config=config).code == 0
        for url in urls:
            record(db, None, stored(CUT, url))
        db.close()
        assert run_cli("notify", config=config).code == 0
    # The subject says the news: the biggest event, a removed question (and how many more).
    assert [p["title"] for p in hook.posts] == [
        "briefwatch: 13 new", "briefwatch: Reuters question removed from Jul 3 briefing "
        "(+12 more)"]
    told = hook.posts[1]["message"].split("\n")
    first = told[:told.index(f"EDITED: {TITLE} [mfa-en]", 1)]
    assert first[1:] == [
        f"  {urls[0]}",
        "  question from Reuters removed, 2 paragraphs removed, 1 paragraph changed, "
        "19 words changed",
        "  Question from Reuters (“Will the minister visit Kenya next week?”) removed, "
        "with its answer",
        "  Answer by Wang Wenbin (to CCTV) reworded: 2 words changed",
        "  − “Reuters: Will the minister visit Kenya next week?”",
        "  − “Wang Wenbin: We will release information in due course.”",
        "  diff: http://briefings.example.org:8080/t/1/diff?from=1&to=2",
    ], told
    # ten edits told in full, the other three in a line each
    assert sum(line.startswith("  diff: ") for line in told) == 10
    assert told[-1] == "(the details of the last 3 left out: 'briefwatch diff URL' shows them)"
    assert len(told) == 13 * 3 + 10 * 5 + 1


TAIWAN = "Reuters: What is China's response to the remarks on Taiwan?"
WATCH = ('[[watch]]\nname = "taiwan"\nterms = ["Taiwan", "台湾"]\nnotify = ["{hook}"]\n')


def test_a_watch_hears_only_of_its_terms_with_the_passages_quoted(tmp_path):
    from briefwatch.storage.versions import record

    with Webhook() as everything, Webhook() as desk:
        config, db = stored_world(tmp_path, [everything.url()],
                                  WATCH.format(hook=desk.url("desk-token")))
        mentions = BRIEFING + "\n" + TAIWAN + "\nWang Wenbin: Taiwan is part of China."
        record(db, None, stored(mentions, "http://127.0.0.1/mentions.shtml"))
        record(db, None, stored("问：外交部对台湾问题有何评论？\n答：台湾是中国的一部分。",
                                "http://127.0.0.1/zh.shtml", "外交部发言人汪文斌主持例行记者会"))
        record(db, None, stored(BRIEFING, "http://127.0.0.1/quiet.shtml"))
        record(db, None, stored(BRIEFING, "http://127.0.0.1/edited.shtml"))
        # an edit adding a passage on the term, one leaving it where it was
        record(db, None, stored(BRIEFING + "\n" + TAIWAN, "http://127.0.0.1/edited.shtml"))
        record(db, None, stored(mentions.replace("due course", "a timely manner"),
                                "http://127.0.0.1/mentions.shtml"))
        db.close()
        assert run_cli("notify", config=config).code == 0
        assert run_cli("notify", config=config).code == 0  # nothing owed twice
    assert [p["title"] for p in everything.posts] == [
        "briefwatch: Reuters question added to Jul 3 briefing (+5 more)"]
    (post,) = desk.posts
    assert post["title"] == "briefwatch: Reuters question added to Jul 3 briefing (+2 more) " \
        "(watch taiwan)"
    body = post["message"]
    assert "quiet.shtml" not in body and body.count("EDITED: ") == 1
    assert f"  taiwan: mentions “{TAIWAN}”" in body
    assert "  taiwan: mentions “问：外交部对台湾问题有何评论？”" in body
    assert f"  taiwan: added “{TAIWAN}”" in body
    assert "edited.shtml" in body.split("EDITED: ")[1]

    shown = run_cli("changes", "--watch", "taiwan", config=config)
    assert shown.code == 0, shown.err
    assert shown.out.count("\n    taiwan: ") == 5  # two in each new transcript
    rows = read_cli("changes", "--watch", "taiwan", "--json", config=config).jsonl()
    assert [(r["kind"], r["url"].rsplit("/", 1)[1]) for r in rows] == [
        ("new", "mentions.shtml"), ("new", "zh.shtml"), ("edited", "edited.shtml")]
    assert rows[2]["passages"] == [{"change": "added", "text": TAIWAN}]
    assert "passages" not in read_cli("changes", "--json", config=config).jsonl()[0]
    wrong = run_cli("changes", "--watch", "tibet", config=config)
    assert wrong.code == 2 and "unknown watch 'tibet' (configured: taiwan)" in wrong.err
    assert len(wrong.err.strip().splitlines()) == 1


def test_a_channel_a_watch_names_hears_only_of_the_watch(tmp_path):
    from briefwatch.jobs.config import load_config
    from briefwatch.jobs.notify import routes

    config = load_config(config_for(
        tmp_path, "http://127.0.0.1:9/eng/", ["json://127.0.0.1:9/all", "desk=json://127.0.0.1:9/d"],
        WATCH.format(hook="desk") + '[[sources]]\nname = "desk-only"\nspider = "mfa"\n'
        'start_urls = ["http://127.0.0.1:9/zh/"]\nnotify = ["desk"]\n'))
    assert [(r.channel.url, sorted(r.sources), [w.name for w in r.watches])
            for r in routes(config)] == [
        ("json://127.0.0.1:9/all", ["mfa-en"], []),
        ("json://127.0.0.1:9/d", ["desk-only"], ["taiwan"]),
    ]


def test_a_first_crawl_is_summed_up_for_a_watch_too(tmp_path):
    from briefwatch.storage import runs
    from briefwatch.storage.versions import record

    with Webhook() as everything, Webhook() as desk:
        config, db = stored_world(tmp_path, [everything.url()],
                                  WATCH.format(hook=desk.url("desk-token")))
        run = runs.start(db, ["mfa-en"], {})
        for k, text in enumerate([BRIEFING + "\n" + TAIWAN, BRIEFING, "问：台湾？\n答：是。"]):
            record(db, run, stored(text, f"http://127.0.0.1/{k}.shtml"))
        runs.finish(db, run, "completed", {"mfa-en": {"first_crawl": True, "new": 3}})
        db.close()
        assert run_cli("notify", config=config).code == 0
    assert everything.posts[0]["message"] == "mfa-en: first crawl stored 3 transcripts"
    assert desk.posts[0]["message"] == ("mfa-en: first crawl: 2 transcripts concern watch "
                                        "taiwan ('briefwatch changes --watch NAME' lists them)")


def test_thresholds_of_significance_for_channels_and_watches(tmp_path):
    from briefwatch.storage.versions import record

    watch = WATCH.format(hook="{hook}") + "min_significance = 0.5\n"
    with Webhook() as everything, Webhook() as desk:
        config, db = stored_world(tmp_path, [everything.url()],
                                  watch.format(hook=desk.url("desk-token")))
        text = config.read_text(encoding="utf-8").replace(
            "[notify]\n", "[notify]\nmin_significance = 0.4\n")
        config.write_text(text, encoding="utf-8")
        taiwan = BRIEFING + "\n" + TAIWAN + "\nWang Wenbin: Taiwan is part of China."
        record(db, None, stored(taiwan, "http://127.0.0.1/t.shtml"))
        assert run_cli("notify", config=config).code == 0
        assert [p["title"] for p in everything.posts] == ["briefwatch: 1 new"]
        # a reworded answer on Taiwan: under both thresholds; then a removed question: over
        # [notify]'s, and not the watch's business
        reworded = taiwan.replace("is part of", "is an inalienable part of")
        record(db, None, stored(reworded, "http://127.0.0.1/t.shtml"))
        assert run_cli("notify", config=config).code == 0
        assert len(everything.posts) == 1 and desk.posts[0]["title"] == \
            "briefwatch: 1 new (watch taiwan)"
        record(db, None, stored(reworded.replace(
            "CCTV: How does China view the forum?\nWang Wenbin: It is a success.\n", ""),
            "http://127.0.0.1/t.shtml"))
        db.close()
        assert run_cli("notify", config=config).code == 0
    assert [p["title"] for p in everything.posts][1:] == [
        "briefwatch: CCTV question removed from Jul 3 briefing"]
    assert len(desk.posts) == 1
    for bad, where in (("2", "[notify]"), ('"high"', "[notify]")):
        config.write_text(text.replace("min_significance = 0.4", f"min_significance = {bad}"),
                          encoding="utf-8")
        result = run_cli("changes", config=config)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1
        assert f"{where} min_significance must be a number from 0 to 1" in result.err
    config.write_text(text.replace("min_significance = 0.5", "min_significance = -1"),
                      encoding="utf-8")
    result = run_cli("changes", config=config)
    assert result.code == 2 and "watch 'taiwan' min_significance must be" in result.err


ZH_TITLE = "2020年7月3日外交部发言人汪文斌主持例行记者会"
ZH = ("肯尼亚外长将于3月3日至5日访华。\n路透社记者：部长下周会访问肯尼亚吗？\n"
      "汪文斌：我们会适时发布消息。\n中央广播电视总台记者：中方如何看待论坛？\n汪文斌：论坛取得了成功。")


def test_a_chinese_edit_says_which_english_exchange_it_concerns(tmp_path):
    import dataclasses

    from briefwatch.jobs.config import load_config
    from briefwatch.storage.pairings import update_pairings
    from briefwatch.storage.versions import record

    def zh(text: str):
        return dataclasses.replace(stored(text, "http://127.0.0.1/zh.shtml", ZH_TITLE),
                                   source="mfa-zh")

    with Webhook() as hook:
        config, db = stored_world(tmp_path, [hook.url()], 'pair = "mfa-zh"\n[[sources]]\n'
                                  'name = "mfa-zh"\nspider = "mfa"\n'
                                  'start_urls = ["http://127.0.0.1:9/chn/"]\n')
        series = [(s.name, s.pair) for s in load_config(config).sources if s.pair]
        names = load_config(config).names()
        record(db, None, stored(BRIEFING, "http://127.0.0.1/en.shtml"))
        record(db, None, zh(ZH))
        update_pairings(db, series, names, None)
        assert run_cli("notify", config=config).code == 0
        record(db, None, zh(ZH.replace("论坛取得了成功", "论坛取得了圆满成功")))
        update_pairings(db, series, names, None)
        db.close()
        assert run_cli("notify", config=config).code == 0
    told = hook.posts[1]["message"].split("\n")
    assert "  in English: the question from CCTV (“How does China view the forum?”)" in told
    assert sum("in English" in line for line in told) == 1


def test_a_subject_names_the_outlet_of_an_added_question():
    from briefwatch.jobs.render.digest import headline
    from briefwatch.storage.text.diff import change_summary, describe
    from briefwatch.storage.text.editclass import classify
    from briefwatch.storage.text.names import load_names
    from briefwatch.storage.text.turns import split_turns

    added = BRIEFING.replace("CCTV:", "AFP: Will the talks on Taiwan resume?\nWang Wenbin: "
                                      "I have no information to offer.\nCCTV:")
    summary = change_summary(BRIEFING, added, split_turns(BRIEFING, TITLE),
                             split_turns(added, TITLE))
    assert [q["outlet"] for q in summary["questions_added"]] == ["AFP"]
    assert describe(summary, load_names()).startswith("question from AFP added")
    edit_class, significance = classify("edited", summary)
    event = {"kind": "edited", "summary": summary, "significance": significance,
             "title": TITLE, "url": "http://127.0.0.1/t.shtml", "published": "2020-07-03"}
    assert edit_class == "exchange" and significance >= 0.5  # a key term: news by itself
    assert headline([event], load_names()) == "AFP question added to Jul 3 briefing"
