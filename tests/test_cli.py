"""The CLI contract, through the real command in a subprocess."""

import json
import sqlite3

import pytest

from tests.helpers import CLI, read_cli, run_cli, run_cli_on_a_full_disk, write_config

COMMANDS = ["crawl", "changes", "list", "show", "history", "diff", "search", "runs", "export",
            "init", "demo", "sources", "schedule", "jobs", "notify", "serve", "worker",
            "workers", "pairs", "exchanges", "compare", "archive", "compact", "reindex",
            "publish"]


def test_the_test_knows_every_command():
    from briefwatch.jobs.cli import cli

    assert sorted(cli.commands) == sorted(COMMANDS)


def test_top_level_help_lists_every_command():
    result = run_cli("--help")
    assert result.code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    # In process: what is under test is the help text, not the process boundary (the test
    # above and test_bare_briefwatch_shows_its_help_and_succeeds cross it).
    from briefwatch.jobs.cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [command, "--help"], prog_name="briefwatch")
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert f"briefwatch {command}" in result.stdout


def test_init_writes_a_config_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "conf" / "briefwatch.toml"
    assert run_cli("init", path).code == 0
    assert "fmprc.gov.cn" in path.read_text(encoding="utf-8")
    again = run_cli("init", path)
    assert again.code == 2
    assert "already exists" in again.err and "--force" in again.err
    assert run_cli("init", path, "--force").code == 0


def test_init_on_a_full_disk_leaves_no_half_config_and_demo_says_why_it_stopped(tmp_path):
    path = tmp_path / "briefwatch.toml"
    full = run_cli_on_a_full_disk(1000, "init", path)
    one_line_error(full, 1, f"cannot write {path}: File too large")
    assert list(tmp_path.iterdir()) == []  # no half config, that a second init would refuse
    assert run_cli("init", path).code == 0
    # the last line of defence: a write no command expected, in one line
    demo = run_cli_on_a_full_disk(1000, "demo", "--dir", tmp_path / "demo")
    one_line_error(demo, 1, "a write failed: the disk refused a write: full, past a file size "
                            "limit, or failing (File too large); free space on the disk")


def test_init_uses_the_config_option(tmp_path):
    path = tmp_path / "x.toml"
    assert run_cli("init", config=path).code == 0
    assert path.exists()


def one_line_error(result, code: int, *needles: str) -> None:
    assert result.code == code, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("briefwatch: error: ")
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0]


def test_missing_config(tmp_path):
    one_line_error(run_cli("list", config=tmp_path / "none.toml"), 2, "briefwatch init")


def test_config_from_environment(tmp_path):
    path = write_config(tmp_path / "env.toml", [])
    result = run_cli("runs", env={"BRIEFWATCH_CONFIG": str(path)}, cwd=tmp_path)
    # the file named by $BRIEFWATCH_CONFIG was read: its database is the one missing
    one_line_error(result, 1, "no database at", str(tmp_path / "briefwatch.db"))


def test_toml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[crawl]\ndownload_delay = 1\n[[sources]\n", encoding="utf-8")
    one_line_error(run_cli("crawl", config=path), 2, "line 3", str(path))


def test_unknown_source(tmp_path):
    path = write_config(tmp_path / "c.toml", [
        {"name": "mfa-en", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/x/"]}])
    one_line_error(run_cli("crawl", "mfa-fr", config=path), 2, "unknown source 'mfa-fr'",
                   "mfa-en")


def test_unknown_option_is_one_line_usage_error(tmp_path):
    one_line_error(run_cli("crawl", "--revisit", "sometimes"), 2, "--revisit", "--help")


def test_bad_since(tmp_path):
    path = write_config(tmp_path / "c.toml", [])
    sqlite3.connect(tmp_path / "briefwatch.db").close()
    one_line_error(run_cli("changes", "--since", "fortnight", config=path), 2, "ISO 8601")


def test_not_a_database_is_left_untouched(tmp_path):
    path = write_config(tmp_path / "c.toml", [], db="notes.db")
    notes = tmp_path / "notes.db"
    notes.write_text("dear diary\n", encoding="utf-8")
    one_line_error(run_cli("list", config=path), 1, "not a briefwatch database")
    assert notes.read_text(encoding="utf-8") == "dear diary\n"


def test_debug_shows_the_traceback(tmp_path):
    result = run_cli("--debug", "list", config=tmp_path / "none.toml")
    assert result.code == 2
    assert "Traceback" in result.err


def test_diff_version_arguments(tmp_path):
    from briefwatch.storage.db import open_db
    from briefwatch.storage.versions import record

    from tests.test_storage import page  # a Fetched built like the crawler builds one

    config = write_config(tmp_path / "c.toml", [])
    db = open_db(tmp_path / "briefwatch.db")
    for text in ("A: one.\nB: two.", "A: one.\nB: three.", "A: four.\nB: three."):
        record(db, None, page(text))
    db.close()
    out = run_cli("diff", "1", "--from", "3", "--to", "1", config=config)
    assert out.code == 0 and "-A: four." in out.out and "+A: one." in out.out
    assert "+B: three." in run_cli("diff", "1", "--to", "2", config=config).out
    # a version the transcript does not have is bad usage at either end (issue 15, 10)
    one_line_error(run_cli("diff", "1", "--from", "0", "--to", "2", config=config), 2,
                   "--from 0", "has versions 1 to 3")
    same = run_cli("diff", "1", "--from", "2", "--to", "2", config=config)
    assert same.code == 0 and same.out == "" and "same text" in same.err
    one_line_error(run_cli("diff", "1", "--to", "9", config=config), 2, "--to 9",
                   "has versions 1 to 3")


@pytest.mark.parametrize("command", ["show", "diff", "history"])
def test_unknown_transcript(tmp_path, command):
    from briefwatch.storage.db import open_db

    config = write_config(tmp_path / "c.toml", [])
    open_db(tmp_path / "briefwatch.db").close()
    one_line_error(run_cli(command, "http://nowhere.example/t1.shtml", config=config), 1,
                   "no transcript with URL or ID", "briefwatch list")
    one_line_error(run_cli(command, "77", config=config), 1, "'77'")


def test_a_database_of_a_newer_schema_is_refused(tmp_path):
    from briefwatch.storage.db import open_db

    config = write_config(tmp_path / "c.toml", [])
    db = open_db(tmp_path / "briefwatch.db")
    db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
               "VALUES ('briefwatch', 'm999_future', '2030-01-01')")
    db.close()
    one_line_error(run_cli("list", config=config), 1, "newer briefwatch", "upgrade")


def test_scraped_control_characters_never_reach_the_terminal(tmp_path):
    from briefwatch.storage.db import open_db
    from briefwatch.storage.versions import record

    from tests.test_storage import page

    config = write_config(tmp_path / "c.toml", [])
    db = open_db(tmp_path / "briefwatch.db")
    record(db, None, page("A: \x1b[2J\x1b]0;pwned\x07cleared?", title="T\x1b[31m red"))
    db.close()
    for args in (["show", "1"], ["list"], ["changes"], ["history", "1"]):
        result = run_cli(*args, config=config)
        assert result.code == 0, result.err
        assert "\x1b" not in result.out and "\x07" not in result.out


def test_bare_briefwatch_shows_its_help_and_succeeds():
    result = run_cli()
    assert result.code == 0 and result.err == ""
    assert "Commands:" in result.out and "  crawl " in result.out


def test_sources_count_one_transcript_in_the_singular(tmp_path):
    from briefwatch.jobs.demo import LocalSite, invent_briefings, write_archive

    root = tmp_path / "site"
    archive = write_archive(root, "en-2014", invent_briefings("en", __import__("datetime").date(
        2020, 7, 3), 1, seed=2), per_page=10)
    with LocalSite(root) as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "one", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}])
        assert run_cli("crawl", config=config).code == 0
    shown = run_cli("sources", config=config).out
    assert "1 transcript  " in shown and "1 transcripts" not in shown


def _read_only(folder, *args: str) -> list[str]:
    """The real CLI in a mount namespace of its own where `folder` is a read-only filesystem
    (unshare -rm: no privileges needed, nothing to clean up)."""
    import shlex

    from tests.helpers import REPO

    inner = (f"mount --bind {shlex.quote(str(folder))} {shlex.quote(str(folder))} && "
             f"mount -o remount,ro,bind {shlex.quote(str(folder))} && cd {REPO} && exec "
             + " ".join(shlex.quote(a) for a in [*CLI, *args]))
    return ["unshare", "-rm", "sh", "-c", inner]


def test_a_database_on_a_read_only_filesystem_is_read(tmp_path):
    import datetime as dt
    import shutil
    import subprocess

    from briefwatch.jobs.demo import LocalSite, invent_briefings, write_archive

    if not shutil.which("unshare") or subprocess.run(
            ["unshare", "-rm", "sh", "-c", f"mount --bind {tmp_path} {tmp_path}"],
            capture_output=True).returncode != 0:
        pytest.skip("no unshare with mount namespaces here to make a read-only filesystem")
    data = tmp_path / "data"
    data.mkdir()
    root = tmp_path / "site"
    archive = write_archive(root, "en-2014", invent_briefings("en", dt.date(2020, 7, 3), 3,
                                                              seed=4), per_page=10)
    with LocalSite(root) as site:
        config = write_config(data / "c.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [site.url(archive.listing_path)]}],
            db="bw.db")
        assert run_cli("crawl", config=config).code == 0
    assert not (data / "bw.db-shm").exists()  # WAL readers would need to create it
    commands = [["list", "--json"], ["changes", "--json"], ["show", "1", "--json"],
                ["history", "1", "--json"], ["diff", "1"], ["search", "China", "--json"],
                ["export"], ["runs", "--json"], ["sources", "--json"], ["jobs", "--json"]]
    for command in commands:
        writable = run_cli(*command, config=config)
        proc = subprocess.run(_read_only(data, "--config", str(config), *command),
                              capture_output=True, text=True, timeout=60)
        assert (proc.returncode, proc.stdout) == (writable.code, writable.out), (command,
                                                                                proc.stderr)
    # a crawl, which must write, says why it cannot in one line
    proc = subprocess.run(_read_only(data, "--config", str(config), "crawl"),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "cannot be written" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_read_only_database_file_is_said_to_be_one(tmp_path):
    # chmod 444 on the file, in a writable folder: the message names the file, not the folder
    # (issue 27), and nothing is written, even by root.
    import os
    import stat

    from briefwatch.storage.db import open_db

    config = write_config(tmp_path / "c.toml", [
        {"name": "mfa-en", "spider": "mfa", "start_urls": ["http://127.0.0.1:9/x/"]}])
    open_db(tmp_path / "briefwatch.db").close()
    db = tmp_path / "briefwatch.db"
    os.chmod(db, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = db.read_bytes()
    result = run_cli("crawl", config=config)
    one_line_error(result, 1, "database file is read-only", f"chmod u+w {db}")
    assert "folder" not in result.err
    assert db.read_bytes() == before
    assert run_cli("list", config=config).code == 0  # reading works as it is


@pytest.fixture
def three_sources(tmp_path):
    """Events of two configured sources and of one the config no longer has, recorded
    through the storage code in two runs: 3 new, then 1 edited and 1 removed."""
    from dataclasses import replace

    from briefwatch.storage import runs
    from briefwatch.storage.db import open_db
    from briefwatch.storage.versions import record, record_suspect

    from tests.test_storage import page

    config = write_config(tmp_path / "c.toml", [
        {"name": name, "spider": "mfa", "start_urls": [f"http://127.0.0.1:9/{name}/"]}
        for name in ("mfa-en", "mfa-zh")])
    db = open_db(tmp_path / "briefwatch.db")
    first = runs.start(db, ["mfa-en", "mfa-zh"], {})
    for k, (source, day) in enumerate((("mfa-en", "01"), ("mfa-zh", "02"), ("old", "03"))):
        record(db, first, replace(page("A: one.\nB: two.", url=f"http://127.0.0.1/{k}.html"),
                                  source=source, published=f"2020-07-{day}"))
    runs.finish(db, first, "completed", {})
    second = runs.start(db, ["mfa-en", "mfa-zh"], {})
    record(db, second, replace(page("A: one.\nB: three.", url="http://127.0.0.1/0.html"),
                               published="2020-07-01"))
    record_suspect(db, second, "http://127.0.0.1/1.html", "HTTP 404", http_status=404,
                   gone=True)
    db.close()
    return config


def test_changes_newest_first_limited_and_json_oldest_first(three_sources):
    shown = run_cli("changes", config=three_sources).out
    # each event: its time (date, time, zone), kind, source, …
    heads = [line.split()[3:5] for line in shown.splitlines() if not line.startswith(" ")]
    assert heads == [["removed", "mfa-zh"], ["edited", "mfa-en"], ["new", "old"],
                     ["new", "mfa-zh"], ["new", "mfa-en"]]
    kinds = [e["kind"] for e in read_cli("changes", "--json", config=three_sources).jsonl()]
    assert kinds == ["new", "new", "new", "edited", "removed"]
    latest = read_cli("changes", "--json", "--limit", "2", config=three_sources).jsonl()
    assert [e["kind"] for e in latest] == ["edited", "removed"]
    newest = read_cli("changes", "--json", "--limit", "2", "--order", "newest",
                     config=three_sources).jsonl()
    assert [e["kind"] for e in newest] == ["removed", "edited"]
    oldest = run_cli("changes", "--order", "oldest", "--kind", "new", "--limit", "2",
                     config=three_sources).out
    assert [line.split()[4] for line in oldest.splitlines() if not line.startswith(" ")] == [
        "mfa-zh", "old"]
    # a source the config dropped is still read: its transcripts are stored
    assert len(read_cli("changes", "--source", "old", "--json", config=three_sources).jsonl()) == 1


def test_list_has_a_header_and_filters(three_sources):
    shown = run_cli("list", config=three_sources).out.splitlines()
    assert shown[0].split() == ["ID", "CONFERENCE", "VER", "STATUS", "SOURCE", "TITLE"]
    assert [line.split()[1] for line in shown[1:]] == ["2020-07-03", "2020-07-02", "2020-07-01"]
    assert run_cli("list", "--json", config=three_sources).out.startswith("{")

    def ids(*args: str) -> list[int]:
        return [d["id"] for d in read_cli("list", "--json", *args, config=three_sources).jsonl()]

    assert ids("--limit", "2") == [3, 2]
    assert ids("--since", "2020-07-02") == [3, 2]
    assert ids("--status", "removed") == [2]
    assert ids("--status", "active", "--source", "mfa-en") == [1]
    assert run_cli("list", "--source", "mfa-zh", "--status", "active", config=three_sources
                   ).out == ""  # no header over nothing


@pytest.mark.parametrize("command", [["changes"], ["list"], ["export"],
                                     ["export", "--unit", "exchanges"]])
def test_an_unknown_source_is_an_error_in_every_read_command(three_sources, command):
    one_line_error(run_cli(*command, "--source", "mfa-fr", config=three_sources), 2,
                   "unknown source 'mfa-fr'", "configured: mfa-en, mfa-zh")


def test_runs_show_when_each_finished_and_how_long_it_took(three_sources):
    import re

    lines = run_cli("runs", config=three_sources).out.splitlines()
    assert re.search(r"^ +1  \S.* finished \S.* \(\d+s\)  completed ", lines[0]), lines
    assert re.search(r"^ +2  \S.* not finished  running ", lines[1]), lines


def test_times_are_shown_in_the_configured_time_zone_or_utc(three_sources):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tests.test_web import _start, get

    text = three_sources.read_text(encoding="utf-8")
    three_sources.write_text(text.replace("[crawl]\n", '[crawl]\ntimezone = "Asia/Shanghai"\n'),
                             encoding="utf-8")
    (event,) = read_cli("changes", "--json", "--kind", "edited", config=three_sources).jsonl()
    assert event["detected_at"].endswith("+00:00")  # JSON keeps UTC
    moment = dt.datetime.fromisoformat(event["detected_at"])
    shanghai = moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S CST")
    utc = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    for command in (["changes", "--kind", "edited"], ["history", "1"], ["show", "1"],
                    ["diff", "1"], ["runs"], ["sources"]):
        # runs and sources show the runs' times, not the edit's: the zone is what is checked
        local = run_cli(*command, config=three_sources)
        assert local.code == 0, local.err
        assert (shanghai if command[0] not in ("runs", "sources") else " CST") in local.out
        assert "+00:00" not in local.out, (command, local.out)
        plain = run_cli(*command, "--utc", config=three_sources).out
        assert (utc if command[0] not in ("runs", "sources") else " UTC") in plain
        assert "CST" not in plain, (command, plain)
    proc, base = _start(three_sources, "--port", "0")
    try:
        pages = [get(f"{base}{path}")[2] for path in ("/", "/t/1", "/t/1/diff", "/changes")]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    for page in pages:
        assert shanghai in page and "+00:00" not in page


def test_show_finds_a_url_copied_without_its_scheme_or_with_a_trailing_slash(three_sources):
    for ref in ("127.0.0.1/0.html", "http://127.0.0.1/0.html/", "127.0.0.1/0.html/"):
        shown = run_cli("show", ref, "--json", config=three_sources)
        assert shown.code == 0, (ref, shown.err)
        assert json.loads(shown.out)["url"] == "http://127.0.0.1/0.html"
    assert run_cli("history", "127.0.0.1/1.html", config=three_sources).code == 0
    one_line_error(run_cli("show", "127.0.0.1/9.html", config=three_sources), 1,
                   "no transcript with URL or ID '127.0.0.1/9.html'")


def _on_a_terminal(*args: str, config, env: dict | None = None) -> str:
    """The real CLI with a pseudo-terminal as its standard output: what a user sees."""
    import os
    import pty
    import subprocess

    from tests.helpers import REPO

    leader, follower = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("BRIEFWATCH_CONFIG",
                                                                 "NO_COLOR")}
    proc = subprocess.Popen([*CLI, "--config", str(config), *args],
                            stdout=follower, stderr=subprocess.PIPE, cwd=REPO,
                            env={**full_env, **(env or {})})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed: Linux says EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    proc.stderr.close()
    return b"".join(chunks).decode("utf-8")


def test_event_kinds_are_coloured_on_a_terminal_only(three_sources):
    seen = _on_a_terminal("changes", config=three_sources)
    assert "\x1b[31m\x1b[1mremoved " in seen and "\x1b[33m\x1b[1medited  " in seen
    assert "\x1b[32mnew     \x1b[0m" in seen
    listed = _on_a_terminal("list", config=three_sources)
    assert "\x1b[31m\x1b[1mremoved\x1b[0m" in listed
    assert "\x1b" not in _on_a_terminal("changes", config=three_sources, env={"NO_COLOR": "1"})
    assert "\x1b" not in run_cli("changes", config=three_sources).out
