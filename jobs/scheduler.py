"""`briefwatch schedule`: the long-running daemon that crawls on a timetable (APScheduler 3).

One job per source (its `schedule`, default [crawl] schedule) and one full-revisit job
([crawl] full_revisit). Jobs live in the briefwatch database (table apscheduler_jobs), so their
next run times survive a restart: a night missed while the daemon was down runs once when it
starts (coalesced, within the misfire grace time). They are rebuilt from the config at every
start, since stored jobs would otherwise keep old settings.

Every run is `briefwatch crawl` in a subprocess: Scrapy's reactor cannot be restarted inside one
process, and a crawl that crashes must not take the daemon with it. Runs execute one at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from briefwatch.jobs.config import Config

log = logging.getLogger("briefwatch.schedule")

JOBS_TABLE = "apscheduler_jobs"
FULL_REVISIT_JOB = "full-revisit"
# A night missed while the daemon was down still runs when it comes back the next day.
MISFIRE_GRACE_SECONDS = 23 * 3600
# How long a running crawl gets to close its spiders when the daemon is told to stop.
STOP_GRACE_SECONDS = 90

_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


@dataclass(frozen=True)
class JobSpec:
    id: str
    sources: tuple[str, ...]
    revisit: str
    schedule: str

    def as_dict(self) -> dict:
        return {"id": self.id, "sources": list(self.sources), "revisit": self.revisit,
                "schedule": self.schedule}


def job_specs(config: Config) -> list[JobSpec]:
    specs = [JobSpec(f"source:{s.name}", (s.name,), "recent", s.schedule_or(config.crawl))
             for s in config.sources]
    if config.sources:
        specs.append(JobSpec(FULL_REVISIT_JOB, tuple(s.name for s in config.sources), "all",
                             config.crawl.full_revisit))
    return specs


def crawl_job(config_path: str, sources: list[str], revisit: str, cluster: bool = False) -> int:
    """What a scheduled job runs (importable by name, so APScheduler can store the job)."""
    cmd = [sys.executable, "-m", "briefwatch.jobs.cli", "--config", config_path, "crawl",
           "--revisit", revisit, *(["--cluster"] if cluster else []), *sources]
    log.info("crawl starts: %s (revisit %s)", ", ".join(sources), revisit)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", errors="replace", start_new_session=True)
    with _running_lock:
        _running.add(proc)
    try:
        for line in proc.stdout:
            if line.strip():
                log.info("crawl: %s", line.rstrip())
        code = proc.wait()
    finally:
        with _running_lock:
            _running.discard(proc)
    level = logging.INFO if code == 0 else logging.WARNING
    log.log(level, "crawl ended: %s, exit %d", ", ".join(sources), code)
    return code


def scheduler_for(config: Config):
    """The daemon's scheduler, not started: jobs stored in the database, one crawl at a time,
    a missed run coalesced into one."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED
    from briefwatch.storage.db import open_db

    class Scheduler(BackgroundScheduler):
        def _process_jobs(self):
            # APScheduler 3's loop makes one more pass after shutdown() has stopped the
            # executor: a job due then would be submitted to it and fail with a traceback
            # in the log ("cannot schedule new futures after shutdown"), and be moved on.
            return None if self.state == STATE_STOPPED else super()._process_jobs()

    # The database is created and migrated by us before SQLAlchemy touches the file.
    open_db(config.storage_path).close()
    return Scheduler(
        jobstores={"default": _job_store(url=f"sqlite:///{config.storage_path}",
                                         tablename=JOBS_TABLE)},
        # One crawl at a time: they share one database lock.
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone=config.crawl.timezone,
    )


# Jobs stored by a briefwatch that installed top-level packages name their function by its old
# module: followed, so that a run missed across the upgrade still runs once at start.
_RENAMED = {"jobs.scheduler:crawl_job": "briefwatch.jobs.scheduler:crawl_job"}


def _job_store(**kwargs):
    """APScheduler's SQLAlchemy store (imported only by the commands that schedule), reading
    the jobs an older briefwatch stored too."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    class JobStore(SQLAlchemyJobStore):
        def _reconstitute_job(self, job_state):
            import pickle

            state = pickle.loads(job_state)
            if state.get("func") in _RENAMED:
                state["func"] = _RENAMED[state["func"]]
                job_state = pickle.dumps(state, self.pickle_protocol)
            return super()._reconstitute_job(job_state)

    return JobStore(**kwargs)


def sync_jobs(scheduler, config: Config, cluster: bool = False) -> None:
    """Make the stored jobs exactly those of the config, keeping a missed run due. A source
    never crawled to the end (a first backfill stopped halfway included) is crawled at once,
    not at its next scheduled time (a first start would otherwise wait until 02:00 with
    nothing stored)."""
    from briefwatch.jobs.cron import cron_trigger
    from briefwatch.storage.db import open_db
    from briefwatch.storage.runs import never_crawled

    now = dt.datetime.now(dt.UTC)
    wanted = job_specs(config)
    db = open_db(config.storage_path)
    try:
        new = never_crawled(db, [s.name for s in config.sources])
    finally:
        db.close()
    for job in scheduler.get_jobs():
        if job.id not in {spec.id for spec in wanted}:
            log.info("job %s is no longer in the config: removed", job.id)
            job.remove()
    for spec in wanted:
        stored = scheduler.get_job(spec.id)
        extra = {}
        if stored is not None and stored.next_run_time and stored.next_run_time < now:
            # Missed while the daemon was down: keep it due, so it runs once now.
            extra["next_run_time"] = stored.next_run_time
        elif spec.revisit == "recent" and set(spec.sources) <= new:
            log.info("%s was never crawled: crawling it now", ", ".join(spec.sources))
            extra["next_run_time"] = now
        scheduler.add_job(
            "briefwatch.jobs.scheduler:crawl_job",
            trigger=cron_trigger(spec.schedule, config.crawl.timezone),
            args=[str(config.path.resolve()), list(spec.sources), spec.revisit],
            kwargs={"cluster": True} if cluster else {},
            id=spec.id, name=spec.id, replace_existing=True, **extra,
        )


def run_daemon(config: Config, cluster: bool = False) -> int:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED

    scheduler = scheduler_for(config)
    stop = threading.Event()

    def on_signal(signum, frame):
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    asked_to_reload = threading.Event()

    def on_hangup(signum, frame):
        asked_to_reload.set()

    signal.signal(signal.SIGHUP, on_hangup)

    def on_event(event):
        if event.code == EVENT_JOB_MISSED:
            log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
        elif event.code == EVENT_JOB_ERROR:
            log.error("job %s failed: %s", event.job_id, event.exception)

    scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, config, cluster)
        for job in scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, _iso(job.next_run_time))
        scheduler.resume()
        log.info("briefwatch schedule running (pid %d); SIGTERM or Ctrl-C stops it, and an "
                 "edit of %s (or SIGHUP) reloads it", os.getpid(), config.path)
        seen = _stamp(config.path)
        while not stop.wait(1):
            now = _stamp(config.path)
            if now != seen or asked_to_reload.is_set():
                asked_to_reload.clear()
                seen = now
                config = _reload(scheduler, config, cluster)
    finally:
        scheduler.pause()
        _stop_running_crawls()
        scheduler.shutdown(wait=True)
    log.info("stopped")
    return 0


def check_schedulable(config: Config, cluster: bool) -> None:
    """ConfigError unless the daemon can run on `config`: at its start and at each reload."""
    from briefwatch.jobs.config import ConfigError

    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; nothing to schedule")
    if cluster and not config.cluster.redis_url:
        raise ConfigError(f"{config.path}: --cluster needs [cluster] redis_url")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _reload(scheduler, config: Config, cluster: bool) -> Config:
    """The config read again and the jobs made its jobs (sync_jobs: a source added is crawled
    at once, one removed loses its job, a schedule changed takes effect); a config that does
    not load leaves the jobs as they were, said in the log. Returns the config now in use."""
    from briefwatch.jobs.config import ConfigError, load_config

    try:
        fresh = load_config(config.path, channels=True)
        check_schedulable(fresh, cluster)
    except ConfigError as exc:
        log.error("config not reloaded: %s; the jobs stay as they were", exc)
        return config
    if fresh.storage_path != config.storage_path:
        # The jobs live in the database the daemon opened at its start.
        log.warning("[storage] path changed to %s: restart briefwatch schedule to use it; the "
                    "jobs stay in %s", fresh.storage_path, config.storage_path)
        return config
    log.info("config %s reloaded", config.path)
    sync_jobs(scheduler, fresh, cluster)
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, _iso(job.next_run_time))
    return fresh


def _stop_running_crawls() -> None:
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        log.info("asking the running crawl (pid %d) to stop", proc.pid)
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("crawl pid %d did not stop in %ds: killed", proc.pid, STOP_GRACE_SECONDS)
            proc.kill()


def list_jobs(config: Config) -> list[dict]:
    """Each job of the config with its next run time (the stored one, if the daemon ran)."""
    from briefwatch.jobs.cron import cron_trigger
    from briefwatch.storage.db import open_reader
    from briefwatch.storage.schedule import stored_next_runs

    # Read without APScheduler, which would create its table: `jobs` only reads (from a
    # read-only filesystem too), and before the daemon's first start there is nothing stored.
    stored: dict = {}
    if config.storage_path.exists():
        db = open_reader(config.storage_path)
        try:
            stored = {job: dt.datetime.fromtimestamp(at, dt.UTC) if at is not None else None
                      for job, at in stored_next_runs(db, JOBS_TABLE).items()}
        finally:
            db.close()
    now = dt.datetime.now(dt.UTC)
    rows = []
    for spec in job_specs(config):
        trigger = cron_trigger(spec.schedule, config.crawl.timezone)
        next_run = stored.get(spec.id) or trigger.get_next_fire_time(None, now)
        rows.append({**spec.as_dict(), "timezone": config.crawl.timezone,
                     "next_run": _iso(next_run), "stored": spec.id in stored})
    return rows


def configure_logging(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler's per-run chatter duplicates our own lines.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def _iso(value) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None
