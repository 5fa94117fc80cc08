"""Removed and restored transcripts, visible: `history` (text and JSON) and the web view show
each status change among the versions, and a removed transcript's page says so plainly.

The database is built through the storage code (no crawl adds anything here)."""

from __future__ import annotations

import html
import re

import pytest
from briefwatch.storage import runs
from briefwatch.storage.db import open_db
from briefwatch.storage.versions import record, record_suspect

from tests.helpers import read_cli, run_cli, write_config
from tests.test_storage import URL, page

FIRST = "A: one.\nB: two."
SECOND = "A: one.\nB: two, and three."


@pytest.fixture(scope="module")
def gone(tmp_path_factory):
    """A transcript removed (404), restored as it was, removed again (the site's error page
    on two runs), restored with another text, and removed again: the state it is left in."""
    folder = tmp_path_factory.mktemp("status")
    config = write_config(folder / "c.toml", [])
    db = open_db(folder / "briefwatch.db")

    def run() -> int:
        number = runs.start(db, ["mfa-en"], {})
        runs.finish(db, number, "completed", {})
        return number

    record(db, run(), page(FIRST))
    record_suspect(db, run(), URL, "HTTP 404", http_status=404, gone=True)
    record(db, run(), page(FIRST))
    for _ in range(2):
        record_suspect(db, run(), URL, "the site's error page", http_status=200)
    record(db, run(), page(SECOND))
    record_suspect(db, run(), URL, "HTTP 410", http_status=410, gone=True)
    db.close()
    return config


def test_history_shows_removals_and_restorations_among_the_versions(gone):
    shown = run_cli("history", URL, config=gone)
    assert shown.code == 0, shown.err
    lines = [" ".join(re.sub(r"\d{4}-\d\d-\d\d[T ][\d:]+(?: [A-Z]+|\S*)", "", line).split())
             for line in shown.out.splitlines()]
    assert lines == [
        "v1 2 paragraphs, 15 characters first version",
        "REMOVED: HTTP 404 (run 2)",
        "RESTORED (run 3)",
        "REMOVED: the site's error page (run 5)",
        "v2 2 paragraphs, 26 characters 1 paragraph changed, 2 words changed",
        "RESTORED (run 6)",
        "REMOVED: HTTP 410 (run 7)",
    ], shown.out
    rows = read_cli("history", URL, "--json", config=gone).jsonl()
    assert [r["version"] for r in rows] == [1, 2]
    assert [(s["kind"], s["run"], s["reason"]) for s in rows[0]["status_changes"]] == [
        ("removed", 2, "HTTP 404"), ("restored", 3, None),
        ("removed", 5, "the site's error page")]
    assert [(s["kind"], s["run"], s["reason"]) for s in rows[1]["status_changes"]] == [
        ("restored", 6, None), ("removed", 7, "HTTP 410")]
    assert all(set(s) == {"kind", "detected_at", "run", "reason"}
               for r in rows for s in r["status_changes"])
    shown = run_cli("show", URL, config=gone)
    assert re.search(r"^REMOVED from the site since \S.*: HTTP 410$", shown.out, re.M), shown.out


def test_the_web_page_of_a_removed_transcript_says_since_when_and_why(gone):
    from tests.test_web import _start, get

    proc, base = _start(gone, "--port", "0")
    try:
        _, _, removed = get(f"{base}/t/1")
        record(open_db(gone.parent / "briefwatch.db"), None, page(SECOND))
        _, _, back = get(f"{base}/t/1")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    banner = re.search(r'<p class="banner removed"[^>]*>(.*?)</p>', removed, re.S)
    assert banner, removed
    said = html.unescape(re.sub(r"<[^>]+>", "", banner[1]))
    assert said.startswith("Removed from the site since ") and "(run 7): HTTP 410" in said
    history = removed.split("<h2>History</h2>", 1)[1].split("</table>", 1)[0]
    kinds = re.findall(r'<tr class="(current|status status-\w+)?"?', history)
    assert re.findall(r"status-(\w+)", history) == ["removed", "restored", "removed",
                                                    "restored", "removed"], kinds
    assert "HTTP 404" in history and "the site&#39;s error page" in history
    # back on the site: no banner, and the restoration is the history's last line
    assert 'class="banner' not in back
    assert re.findall(r"status-(\w+)", back)[-1] == "restored"
