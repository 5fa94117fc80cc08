"""The scheduler daemon, run for real: it crawls on its own and stops cleanly on SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from briefwatch.jobs.demo import LocalSite, invent_briefings, write_archive

from tests.helpers import CLI, REPO, run_cli, wait_for


def runs(db: Path) -> list[tuple[int, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []


class Daemon:
    def __init__(self, config: Path, log: Path):
        self.log = log
        env = {k: v for k, v in os.environ.items() if k != "BRIEFWATCH_CONFIG"}
        self.proc = subprocess.Popen(
            [*CLI, "--config", str(config), "schedule",
             "--log-file", str(log)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: log.exists() and "schedule running" in log.read_text(), 120,
                 "the daemon to start")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=120)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def write(tmp_path: Path, listing: str, schedule: str) -> Path:
    path = tmp_path / "briefwatch.toml"
    path.write_text(
        "[storage]\npath = \"bw.db\"\n[crawl]\ndownload_delay = 0\n"
        f"[[sources]]\nname = \"mfa-en\"\nspider = \"mfa\"\nstart_urls = [\"{listing}\"]\n"
        f"schedule = \"{schedule}\"\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def site(tmp_path):
    briefings = invent_briefings("en", dt.date(2020, 7, 3), 8, seed=21)
    archive = write_archive(tmp_path / "site", "en-2014", briefings, per_page=10)
    with LocalSite(tmp_path / "site") as local:
        yield local.url(archive.listing_path)


def test_the_daemon_crawls_on_its_schedule_and_stops_on_sigterm(tmp_path, site):
    config = write(tmp_path, site, "*/2 * * * * *")  # every two seconds
    daemon = Daemon(config, tmp_path / "daemon.log")
    try:
        # The crawl has told its summary and exited, not only recorded its run as completed:
        # a SIGTERM between the two would interrupt the crawl's last steps (notify, feed).
        wait_for(lambda: "crawl ended: mfa-en, exit 0" in (tmp_path / "daemon.log").read_text(),
                 120, "a scheduled crawl to complete")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    log = (tmp_path / "daemon.log").read_text()
    assert "received SIGTERM: stopping" in log
    assert log.rstrip().endswith("stopped")
    assert "run 1 completed: 8 new" in log
    assert all(status in ("completed", "interrupted") for _, status in runs(tmp_path / "bw.db"))
    # every log line is timestamped
    assert [line for line in log.splitlines() if line.strip() and not line[:4].isdigit()] == []


def test_a_first_start_crawls_at_once_and_a_missed_run_runs_once_at_start(tmp_path, site):
    # A source never crawled is crawled when the daemon starts, not at 04:30 (issue 15).
    config = write(tmp_path, site, "30 4 * * *")
    daemon = Daemon(config, tmp_path / "first.log")
    try:
        wait_for(lambda: runs(tmp_path / "bw.db") and runs(tmp_path / "bw.db")[-1][1]
                 != "running", 120, "the first crawl, at once")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert runs(tmp_path / "bw.db") == [(1, "completed")]
    assert "mfa-en was never crawled: crawling it now" in (tmp_path / "first.log").read_text()
    # Crawled once: a restart waits for the schedule again.
    daemon = Daemon(config, tmp_path / "second.log")
    assert daemon.stop() == 0
    assert runs(tmp_path / "bw.db") == [(1, "completed")]
    assert "never crawled" not in (tmp_path / "second.log").read_text()
    # The daemon was down when the job came due: its stored next run lies in the past. (Set
    # through APScheduler's own job store, rather than by racing the clock.)
    overdue(tmp_path / "bw.db", "source:mfa-en", dt.timedelta(minutes=5))

    daemon = Daemon(config, tmp_path / "third.log")
    try:
        wait_for(lambda: len(runs(tmp_path / "bw.db")) == 2 and runs(tmp_path / "bw.db")[-1][1]
                 != "running", 120, "the missed run")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert runs(tmp_path / "bw.db") == [(1, "completed"), (2, "completed")]


def test_an_edited_config_is_reloaded_by_the_running_daemon(tmp_path, site):
    """An edit of the config file (or SIGHUP) makes the jobs the config's: a config that does
    not load leaves them as they were, said in the log; a new schedule takes effect."""
    log = tmp_path / "daemon.log"
    config = write(tmp_path, site, "30 4 * * *")
    daemon = Daemon(config, log)
    try:
        wait_for(lambda: "crawl ended: mfa-en, exit 0" in log.read_text(), 120,
                 "the first crawl, at once")
        config.write_text(config.read_text(encoding="utf-8").replace(
            'schedule = "30 4 * * *"', 'schedule = "every night"'), encoding="utf-8")
        wait_for(lambda: "config not reloaded" in log.read_text(), 60, "the bad config seen")
        assert "not a valid cron expression" in log.read_text() and daemon.proc.poll() is None
        write(tmp_path, site, "*/2 * * * * *")  # every two seconds
        wait_for(lambda: f"config {config} reloaded" in log.read_text(), 60, "the reload")
        wait_for(lambda: len(runs(tmp_path / "bw.db")) >= 2 and "crawl ended" in log.read_text(
            ).split("reloaded", 1)[1], 120, "a crawl on the new schedule")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: log.read_text().count(f"config {config} reloaded") == 2, 60,
                 "the reload SIGHUP asks for")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert "Traceback" not in log.read_text()


def test_a_first_backfill_that_was_stopped_is_resumed_at_the_next_start(tmp_path, site):
    # The daemon was stopped (SIGTERM) during its first crawl: that run is `interrupted`, and
    # the next start carries on at once rather than wait for 04:30 with half an archive.
    from briefwatch.storage import runs as stored_runs
    from briefwatch.storage.db import open_db

    config = write(tmp_path, site, "30 4 * * *")
    db = open_db(tmp_path / "bw.db")
    stored_runs.finish(db, stored_runs.start(db, ["mfa-en"], {"revisit": "recent"}),
                       "interrupted", {})
    db.close()
    daemon = Daemon(config, tmp_path / "resumed.log")
    try:
        wait_for(lambda: len(runs(tmp_path / "bw.db")) == 2 and runs(tmp_path / "bw.db")[-1][1]
                 != "running", 120, "the first crawl carried on at once")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert runs(tmp_path / "bw.db") == [(1, "interrupted"), (2, "completed")]


def overdue(db: Path, job_id: str, late: dt.timedelta) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from briefwatch.jobs.scheduler import JOBS_TABLE

    store = SQLAlchemyJobStore(url=f"sqlite:///{db}", tablename=JOBS_TABLE)
    store.start(BackgroundScheduler(timezone="UTC"), "default")  # a scheduler never started
    job = store.lookup_job(job_id)
    job._modify(next_run_time=dt.datetime.now(dt.UTC) - late)
    store.update_job(job)
    store.engine.dispose()


def test_jobs_lists_each_job_with_its_next_run(tmp_path, site):
    config = write(tmp_path, site, "30 4 * * *")
    rows = run_cli("jobs", "--json", config=config).jsonl()
    assert [r["id"] for r in rows] == ["source:mfa-en", "full-revisit"]
    source, full = rows
    assert source["schedule"] == "30 4 * * *" and source["revisit"] == "recent"
    assert source["next_run"].endswith("T04:30:00+00:00")
    assert full["revisit"] == "all" and full["schedule"] == "0 3 * * 0"
    assert dt.datetime.fromisoformat(full["next_run"]).weekday() == 6


def test_a_job_stored_by_a_briefwatch_of_top_level_packages_is_read(tmp_path, site):
    """Before briefwatch installed under one namespace its jobs named `jobs.scheduler`: such a
    job is still the stored job, with its stored next run (so that a run missed across the
    upgrade runs once at start)."""
    import pickle

    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from briefwatch.jobs.cron import cron_trigger
    from briefwatch.storage.db import open_db

    config = write(tmp_path, site, "30 4 * * *")
    open_db(tmp_path / "bw.db").close()
    # a stored next run that the trigger alone would not give: it can only come from the store
    stored = dt.datetime(2030, 1, 1, 4, 30, tzinfo=dt.UTC)
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(
        url=f"sqlite:///{tmp_path / 'bw.db'}", tablename="apscheduler_jobs")}, timezone="UTC")
    scheduler.start(paused=True)
    scheduler.add_job("briefwatch.jobs.scheduler:crawl_job", cron_trigger("30 4 * * *", "UTC"),
                      args=[str(config), ["mfa-en"], "recent"], id="source:mfa-en",
                      next_run_time=stored)
    scheduler.shutdown(wait=False)
    with sqlite3.connect(tmp_path / "bw.db") as conn:
        [(state,)] = conn.execute("SELECT job_state FROM apscheduler_jobs").fetchall()
        old = pickle.loads(state)
        old["func"] = "jobs.scheduler:crawl_job"
        conn.execute("UPDATE apscheduler_jobs SET job_state = ?", [pickle.dumps(old)])
    rows = {r["id"]: r for r in run_cli("jobs", "--json", config=config, cwd=tmp_path).jsonl()}
    assert rows["source:mfa-en"]["stored"] is True
    assert rows["source:mfa-en"]["next_run"] == "2030-01-01T04:30:00+00:00"
    # The daemon restores the job itself. From another folder: in the repository, `jobs`
    # would be found as a folder of the tree.
    daemon = ("from pathlib import Path\n"
              "from briefwatch.jobs.config import load_config\n"
              "from briefwatch.jobs.scheduler import scheduler_for\n"
              f"scheduler = scheduler_for(load_config(Path({str(config)!r})))\n"
              "scheduler.start(paused=True)\n"
              "job = scheduler.get_job('source:mfa-en')\n"
              "print(job.next_run_time.isoformat() if job else None)\n"
              "scheduler.shutdown(wait=False)\n")
    restored = subprocess.run([sys.executable, "-c", daemon], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
    assert restored.stdout.strip() == "2030-01-01T04:30:00+00:00", restored.stderr


def test_a_job_due_as_the_daemon_stops_is_left_for_the_next_start(tmp_path, site, caplog):
    """APScheduler makes one more pass after shutdown: a job due then must not be submitted
    to the stopped executor (a traceback in the log), nor have its missed run moved on."""
    from briefwatch.jobs.config import load_config
    from briefwatch.jobs.scheduler import crawl_job, scheduler_for

    config = load_config(write(tmp_path, site, "30 4 * * *"))
    due = dt.datetime(2026, 11, 30, 4, 30, tzinfo=dt.UTC)
    scheduler = scheduler_for(config)
    scheduler.start(paused=True)
    scheduler.add_job(crawl_job, "interval", days=1, id="due", next_run_time=due,
                      args=[str(config.path), ["mfa-en"], "recent"])
    scheduler.shutdown(wait=True)
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    again = scheduler_for(config)
    again.start(paused=True)
    try:
        assert again.get_job("due").next_run_time == due
    finally:
        again.shutdown(wait=False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('schedule = "every night"', "not a valid cron expression"),
        ('schedule = "0 25 * * *"', "not a valid cron expression"),
    ],
)
def test_bad_schedule_is_one_line(tmp_path, line, message):
    path = tmp_path / "c.toml"
    path.write_text(f'[[sources]]\nname = "a"\nspider = "mfa"\nstart_urls = ["http://x/"]\n'
                    f"{line}\n", encoding="utf-8")
    result = run_cli("jobs", config=path)
    assert result.code == 2
    assert message in result.err and "source 'a'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_bad_timezone(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[crawl]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    result = run_cli("jobs", config=path)
    assert result.code == 2 and "not a known time zone" in result.err


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0 3 * * 0", "Sun 2026-11-29 03:00"),  # crontab: 0 is Sunday (APScheduler: Monday)
        ("0 3 * * 7", "Sun 2026-11-29 03:00"),
        ("0 3 * * 1-5", "Mon 2026-11-23 03:00"),
        ("0 9 * * 6,0", "Sat 2026-11-28 09:00"),
        ("0 2 * * *", "Mon 2026-11-23 02:00"),
        ("30 */2 * * * *", "Sun 2026-11-22 12:00"),
    ],
)
def test_cron_expressions_mean_what_crontab_means(expression, expected):
    from briefwatch.jobs.cron import cron_trigger

    sunday_noon = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    fire = cron_trigger(expression, "UTC").get_next_fire_time(None, sunday_noon)
    assert fire.strftime("%a %Y-%m-%d %H:%M") == expected
