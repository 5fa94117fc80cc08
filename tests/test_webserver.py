"""`briefwatch serve` as a server facing the open network (issue 27): the Host header checked,
the feed built on [serve] base_url, security headers on every answer (500s too), bidi controls
of scraped titles never reaching a page, half-sent requests holding no thread.

A copy of the database of two real crawls (tests/sites/edited.py), with a scraped title that
carries U+202E and one stored change summary damaged, served by the real command.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from briefwatch.jobs.webserver import THREADS

from tests.helpers import CLI, REPO, wait_for
from tests.sites.edited import build
from tests.test_web import get

BASE_URL = "http://briefings.example.org:8080"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    edited = build(tmp_path_factory.mktemp("webserver"))
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(edited.config.parent / "briefwatch.db", folder / "briefwatch.db")
    with sqlite3.connect(folder / "briefwatch.db") as conn:
        damaged, renamed = conn.execute("SELECT min(id), max(id) FROM documents").fetchone()
        # a row no page but this transcript's reads, as a bug of ours would leave it
        conn.execute("UPDATE versions SET turns = '[\"damaged' WHERE document = ?", [damaged])
        conn.execute("UPDATE documents SET title = 'Remarks on \u202eevil\u202c matters' "
                     "WHERE id = ?", [renamed])
        conn.execute("UPDATE versions SET title = 'Remarks on \u202eevil\u202c matters' "
                     "WHERE document = ?", [renamed])
    config = folder / "briefwatch.toml"
    text = edited.config.read_text(encoding="utf-8")
    config.write_text(text + f'\n[serve]\nbase_url = "{BASE_URL}"\n', encoding="utf-8")
    # the server's stderr (access log, tracebacks) to a file: a pipe nobody reads would fill
    log = folder / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "BRIEFWATCH_CONFIG"}
    with open(log, "w", encoding="utf-8") as err, open(folder / "out", "w") as out:
        proc = subprocess.Popen([*CLI, "--config", str(config), "serve", "--port", "0"],
                                stdout=out, stderr=err, cwd=REPO, env=env)
    wait_for(lambda: "serving http://" in (folder / "out").read_text(), 30, "serve started")
    base = re.search(r"http://\S+?(?=/ )", (folder / "out").read_text())[0]
    wait_for(lambda: _answers(base), 30, "serve answers")
    yield base, log, damaged, renamed, proc.pid
    proc.terminate()
    proc.wait(timeout=10)


def _answers(base: str) -> bool:
    try:
        return get(base + "/transcripts")[0] == 200
    except OSError:
        time.sleep(0.1)
        return False


def with_host(url: str, host: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def test_a_foreign_host_name_is_refused(served):
    base = served[0]
    port = base.rsplit(":", 1)[1]
    status, headers, page = with_host(base + "/", f"rebound.attacker.example:{port}")
    assert status == 400 and "base_url" in page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "briefings.example.org:8080",
                 "BRIEFINGS.example.org"):
        assert with_host(base + "/transcripts", host)[0] == 200, host


def test_the_feed_is_built_on_base_url_whatever_the_host(served):
    base = served[0]
    status, _, body = with_host(base + "/feed.atom", "127.0.0.1")
    assert status == 200
    root = ET.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [link.get("href") for link in root.iter(f"{atom}link")]
    assert links and all(link.startswith(BASE_URL + "/") for link in links), links


def test_every_answer_carries_the_security_headers_500s_too(served):
    base, log, damaged = served[:3]
    for path, expected in (("/", 200), ("/nowhere", 404), ("/changes?kind=bogus", 400),
                           (f"/t/{damaged}", 500)):
        status, headers, page = get(base + path)
        assert status == expected, path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] \
            == "nosniff", path
    assert "Something went wrong" in page and "Traceback" not in page
    assert "JSONDecodeError" in log.read_text(encoding="utf-8")  # the log says what
    assert get(base + "/transcripts")[0] == 200  # the server goes on


def test_bidi_controls_of_a_scraped_title_never_reach_a_page(served):
    base = served[0]
    renamed = served[3]
    for path in ("/", "/transcripts", f"/t/{renamed}"):
        status, _, page = get(base + path)
        assert status == 200, path
        assert "evil" in page and not re.search("[\u202a-\u202e\u2066-\u2069]", page), path


def test_four_hundred_half_sent_requests_hold_no_thread_and_stop_no_one(served):
    """A slowloris: connections that send half a request and then nothing. Each was a thread
    of the development server (401 of them); waitress buffers them in its event loop."""
    base, pid = served[0], served[4]
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    held = []
    try:
        for _ in range(400):
            conn = socket.create_connection((host, port), timeout=10)
            conn.sendall(b"GET /transcripts HTTP/1.1\r\nHost: " + host.encode() + b"\r\nX-Wait: ")
            held.append(conn)
        status, _, page = get(base + "/transcripts")  # an ordinary reader, meanwhile
        assert status == 200 and "<table" in page
        threads = int(re.search(r"Threads:\s+(\d+)",
                                Path(f"/proc/{pid}/status").read_text())[1])
        assert threads <= THREADS + 4, threads
    finally:
        for conn in held:
            conn.close()
