"""The one-line summary of an edit, wherever it is read: `changes`, `history`, notifications
and the feed all say when the title changed (as `diff` does), also for edits stored before the
summary carried it. The database is built through the storage code."""

from __future__ import annotations

import json

from briefwatch.storage.db import open_db
from briefwatch.storage.versions import record

from tests.helpers import read_cli, run_cli, write_config
from tests.test_notify import Webhook
from tests.test_storage import URL, page

OLD_TITLE = "Regular Press Conference on July 3, 2020"
NEW_TITLE = "Foreign Ministry Spokesperson's Regular Press Conference on July 3, 2020"
SAID = f"title changed: “{OLD_TITLE}” → “{NEW_TITLE}”"


def test_a_retitled_transcript_says_so_in_every_summary(tmp_path):
    from briefwatch.jobs.render.feed import atom
    from briefwatch.storage.documents import events
    from briefwatch.storage.text.names import load_names

    with Webhook() as hook:
        config = write_config(tmp_path / "c.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/eng/"]}])
        with config.open("a", encoding="utf-8") as fh:
            fh.write(f"[notify]\nurls = [{json.dumps(hook.url())}]\n")
        db = open_db(tmp_path / "briefwatch.db")
        record(db, None, page("A: one.\nB: two."))
        assert run_cli("notify", config=config).code == 0  # the channel is owed what follows
        # the title alone, then the title with the text (an edit stored before summaries
        # carried the title: its summary is read as it was stored)
        record(db, None, page("A: one.\nB: two.", title=NEW_TITLE))
        record(db, None, page("A: one.\nB: three.", title=OLD_TITLE))
        stored = json.loads(db.execute("SELECT summary FROM events WHERE id = 3").fetchone()[0])
        del stored["title_changed"]
        db.execute("UPDATE events SET summary = ? WHERE id = 3", [json.dumps(stored)])
        db.conn.commit()

        changes = run_cli("changes", config=config)
        assert changes.code == 0, changes.err
        # each summary line starts with the edit's class and significance
        assert f"    [title 0.15] {SAID}\n" in changes.out
        back = f"title changed: “{NEW_TITLE}” → “{OLD_TITLE}”, 1 paragraph changed"
        assert f"    [title 0.30] {back}, 1 word changed" in changes.out
        rows = read_cli("changes", "--json", "--kind", "edited", config=config).jsonl()
        assert [r["summary"]["title_changed"] for r in rows] == [
            {"from": OLD_TITLE, "to": NEW_TITLE}, {"from": NEW_TITLE, "to": OLD_TITLE}]
        history = run_cli("history", URL, config=config).out.splitlines()
        assert history[1].endswith(SAID) and back in history[2]

        assert run_cli("notify", config=config).code == 0
        (post,) = hook.posts
        assert SAID in post["message"] and back in post["message"]

        feed = atom(events(db), names=load_names()).decode("utf-8")
        assert SAID in feed and back in feed
        db.close()
