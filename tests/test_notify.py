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

from jobs.demosite import LocalSite, invent_briefings, reword, write_archive
from tests.conftest import run_cli


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
