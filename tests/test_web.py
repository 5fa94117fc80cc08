"""`briefwatch serve`: the real command in a subprocess, read over HTTP and in headless Chromium.

The database comes from two real crawls of a local site (tests/sites/edited.py).
"""

from __future__ import annotations

import html
import os
import re
import selectors
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import CLI, REPO, run_cli
from tests.sites.edited import build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    return build(tmp_path_factory.mktemp("web"))


def _start(config, *args: str) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFWATCH_CONFIG"}
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.Popen(
        [*CLI, "--config", str(config), "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline and not line:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited {proc.returncode}: {proc.stderr.read()}")
        if selector.select(timeout=0.2):
            line = proc.stdout.readline()
    selector.close()
    assert line.startswith("serving http://127.0.0.1:"), line
    base = re.search(r"http://\S+?(?=/ )", line)[0]
    for _ in range(100):  # listening already; wait until it answers, boundedly
        try:
            with urllib.request.urlopen(base + "/", timeout=5):
                break
        except OSError:
            time.sleep(0.1)
    return proc, base


@pytest.fixture(scope="module")
def server(edited):
    proc, base = _start(edited.config, "--port", "0")
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def get(url: str, method: str = "GET") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def text(page: str) -> str:
    """What a reader sees of the markup around it: entities decoded, tags kept."""
    return html.unescape(page)


def doc_id(server: str, url: str) -> int:
    _, _, page = get(server + "/transcripts")
    rows = re.findall(r'<a class="transcript" href="/t/(\d+)">', page)
    for n in rows:
        if html.escape(url) in get(f"{server}/t/{n}")[2]:
            return int(n)
    raise AssertionError(f"{url} not listed")


def test_start_page_lists_sources_briefings_and_changes(server, edited):
    status, headers, page = get(server + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert ">mfa-en</a>" in page and ">mfa-zh</a>" in page
    assert f"question from {edited.dropped_outlet} removed" in text(page)
    assert page.count('class="kind kind-edited"') == 3


def test_transcript_list(server):
    _, _, page = get(server + "/transcripts")
    assert "10 transcripts" in page
    assert len(re.findall(r'<a class="transcript" href="/t/\d+">', page)) == 10
    _, _, zh = get(server + "/transcripts?source=mfa-zh")
    assert len(re.findall(r'<a class="transcript"', zh)) == 4


def test_transcript_page_shows_turns_history_and_old_versions(server, edited):
    n = doc_id(server, edited.urls["dropped"])
    _, _, latest = get(f"{server}/t/{n}")
    assert "version 2 of 2" in latest
    assert edited.dropped_question.split(": ", 1)[1] not in text(latest)
    assert f"question from {edited.dropped_outlet} removed" in text(latest)  # the history
    _, _, first = get(f"{server}/t/{n}?v=1")
    assert edited.dropped_question.split(": ", 1)[1] in text(first)
    assert 'class="turn role-question"' in first and 'class="turn role-answer"' in first


def test_chinese_is_marked_and_given_cjk_faces(server, edited):
    n = doc_id(server, edited.urls["zh_dropped"])
    _, _, page = get(f"{server}/t/{n}")
    assert '<article class="transcript" lang="zh">' in page
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    faces = re.search(r":lang\(zh\) \{ font-family: ([^;]+);", css)
    assert faces, css
    for face in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"):
        assert f'"{face}"' in faces[1]  # macOS, Windows, Linux
        assert f'"{face}"' in css.split("body {", 1)[1].split("}", 1)[0]


def test_side_by_side_page_carries_the_removed_exchange(server, edited):
    n = doc_id(server, edited.urls["dropped"])
    status, _, page = get(f"{server}/t/{n}/diff?from=1&to=2")
    assert status == 200
    assert f"<del>{edited.dropped_question}</del>" in text(page)
    assert f"<del>{edited.dropped_answer}</del>" in text(page)
    assert (f"Question from {edited.dropped_outlet} (“" in text(page)
            and "removed, with its answer" in page)
    assert get(f"{server}/t/{n}/diff")[2] == page  # the latest two by default
    assert "⋯" in page and "⋯" not in get(f"{server}/t/{n}/diff?context=all")[2]


def test_scraped_markup_stays_text(server, edited):
    n = doc_id(server, edited.urls["hostile"])
    for path in (f"/t/{n}", f"/t/{n}/diff?context=all", "/search?q=ministry+keeps"):
        _, _, page = get(server + path)
        assert "&lt;script&gt;alert(" in page, path
        assert "<script" not in page and "<img" not in page, path


def test_search_finds_a_removed_passage_and_names_its_version(server, edited):
    passage = edited.dropped_question.split(": ", 1)[1][:60]
    _, _, page = get(server + "/search?" + urllib.parse.urlencode({"q": passage}))
    n = doc_id(server, edited.urls["dropped"])
    hit = page.split(f'<a href="/t/{n}?v=1">', 1)[1].split("</li>", 1)[0]
    assert f'found in <a href="/t/{n}?v=1">v1</a>:' in hit
    assert "not in the latest version (v2)" in hit
    assert f'href="/t/{n}/diff?from=1&amp;to=2"' in hit
    assert "<mark>" in hit
    _, _, zh = get(server + "/search?" + urllib.parse.urlencode(
        {"q": edited.zh_dropped_question.split("：", 1)[1]}))
    assert "not in the latest version (v2)" in zh
    _, _, nothing = get(server + "/search?q=--")
    assert "search for a word or a phrase" in nothing


def test_atom_feed(server, edited):
    status, headers, body = get(server + "/feed.atom")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(body.encode("utf-8"))
    entries = root.findall("a:entry", ns)
    assert len(entries) == 13  # 10 new, 3 edited
    edits = [e for e in entries if e.find("a:title", ns).text.startswith("edited: ")]
    assert len(edits) == 3
    links = [e.find("a:link", ns).get("href") for e in edits]
    assert all(re.fullmatch(re.escape(server) + r"/t/\d+/diff\?from=1&to=2", h) for h in links)
    summaries = " ".join(e.find("a:summary", ns).text for e in edits)
    assert f"question from {edited.dropped_outlet} removed" in summaries


def test_errors_and_read_only(server, edited):
    db = edited.config.parent / "briefwatch.db"
    before = db.stat().st_mtime_ns, db.stat().st_size
    assert get(server + "/nowhere")[0] == 404
    assert get(server + "/t/999")[0] == 404
    assert get(server + "/t/1?v=9")[0] == 404
    assert get(server + "/t/1/diff?from=x")[0] == 400
    assert get(server + "/changes?kind=bogus")[0] == 400
    status, headers, _ = get(server + "/", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert get(server + "/changes?kind=edited")[0] == 200
    assert (db.stat().st_mtime_ns, db.stat().st_size) == before


def test_serve_errors(edited, tmp_path):
    from tests.helpers import write_config

    empty = write_config(tmp_path / "empty.toml", [])
    result = run_cli("serve", "--port", "0", config=empty)
    assert result.code == 1 and "no database" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert run_cli("serve", "--port", "70000", config=edited.config).code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run_cli("serve", "--port", str(taken.getsockname()[1]), config=edited.config)
    assert busy.code == 1 and "cannot listen on 127.0.0.1:" in busy.err


# -- in a real browser ---------------------------------------------------------------------

browser = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install "
                                                      "chromium); .ci/run installs it")


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="bw-chromium-") as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=90)


@browser
def test_browser_renders_the_transcript_list(server):
    dom = chromium("--dump-dom", server + "/transcripts").stdout
    assert len(re.findall(r'<a class="transcript" href="/t/\d+">', dom)) == 10
    assert "<h1>Transcripts</h1>" in dom


@browser
def test_browser_renders_the_side_by_side_diff(server, edited, tmp_path):
    n = doc_id(server, edited.urls["dropped"])
    url = f"{server}/t/{n}/diff?from=1&to=2"
    dom = chromium("--dump-dom", url).stdout
    rows = re.findall(r'<tr class="(equal|delete|insert|replace)">', dom)
    assert rows.count("delete") >= 2 and "equal" in rows
    assert f"<del>{edited.dropped_question}</del>" in text(dom)
    shot = tmp_path / "side-by-side.png"
    result = chromium("--screenshot=" + str(shot), "--window-size=1280,900", url)
    assert shot.exists(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_help():
    serve = run_cli("serve", "--help")
    assert serve.code == 0 and "briefwatch serve --port 9000" in serve.out
    assert "--host" in serve.out and "127.0.0.1" in serve.out
    diff = run_cli("diff", "--help")
    for fmt in ("unified", "words", "side-by-side", "html", "json", "turns"):
        assert fmt in diff.out


def test_the_timeline_sorts_and_filters_by_significance(server, edited):
    status, _, page = get(server + "/changes?sort=significance")
    assert status == 200
    shown = [float(s) for s in re.findall(r'class="meta edit-class"[^>]*>\w+ ([\d.]+)<', page)]
    assert shown and shown == sorted(shown, reverse=True)
    assert 'class="meta edit-class"' in page and ">exchange " in page
    # the edit that removed a question is the most significant one
    first = page.index('class="kind kind-edited"')
    assert first < page.index('class="kind kind-new"')
    _, _, filtered = get(server + "/changes?min=0.55&sort=significance")
    assert 'class="kind kind-new"' not in filtered and 'class="kind kind-edited"' in filtered
    assert all(float(s) >= 0.55 for s in re.findall(
        r'class="meta edit-class"[^>]*>\w+ ([\d.]+)<', filtered))
    for bad in ("min=2", "min=high", "min=nan", "sort=loudest"):
        status, _, page = get(f"{server}/changes?{bad}")
        assert status == 400, bad
