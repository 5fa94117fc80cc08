"""Commands that run unattended: `schedule` (the daemon) and its `jobs`, `notify`, and the
cluster's `worker` and `workers`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    EXIT_USAGE,
    Context,
    Failure,
    emit_json,
    holding_the_database,
    pass_ctx,
    safe,
)
from briefwatch.jobs.cli.group import cli
from briefwatch.jobs.config import ConfigError


def _redis_url(obj: Context, redis_url: str | None) -> str:
    if redis_url:
        return redis_url
    try:
        redis_url = obj.config.cluster.redis_url
    except ConfigError as exc:
        raise Failure(f"no --redis URL given, and {exc}", EXIT_USAGE) from None
    if not redis_url:
        raise Failure(f"no --redis URL given and no [cluster] redis_url in {obj.config.path}",
                      EXIT_USAGE)
    return redis_url


@cli.command()
@click.option("--redis", "redis_url", metavar="URL",
              help="The cluster's Redis [default: [cluster] redis_url of the config file].")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@pass_ctx
def workers(obj: Context, redis_url, as_json) -> None:
    """What the cluster is doing: the workers serving on its Redis, and the current run's
    requests queued, leased to workers, and handed back but not stored yet.

    \b
    Examples:
      briefwatch workers
      briefwatch workers --redis redis://queue.example.org:6379/0 --json
    """
    from briefwatch.crawler.cluster.frontier import ClusterError, connect, status

    try:
        state = status(connect(_redis_url(obj, redis_url)))
    except ClusterError as exc:
        raise Failure(str(exc)) from None
    if as_json:
        emit_json(contract.workers_record(state))
        return
    if state["run"] is None:
        click.echo("no cluster run going")
    else:
        queued = sum(state["queued"].values())
        click.echo(f"run {state['run']} {state['state']}: {queued} queued, {state['leased']} "
                   f"leased to workers, {state['waiting']} waiting to be stored")
    for name, w in sorted(state["workers"].items()):
        doing = (f"in run {state['run']}: {w['pages']} pages, {w['requests']} requests"
                 + ("" if w["alive"] else " (silent: taken for dead)")) if w["in_run"] else "idle"
        click.echo(f"  {safe(name):<24} {'serving' if w['serving'] else 'gone':<8} {doing}")
    if not state["workers"]:
        click.echo("no worker is serving")


@cli.command()
@click.option("--redis", "redis_url", metavar="URL",
              help="The cluster's Redis [default: [cluster] redis_url of the config file].")
@click.option("--name", metavar="NAME", help="How runs name this worker [default: host-pid].")
@click.option("--idle-timeout", type=click.FloatRange(0), default=300, show_default=True,
              metavar="SECONDS", help="Leave after this long with no run to work on (0: never).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO) on stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write Scrapy's log to this file instead of stderr.")
@pass_ctx
def worker(obj: Context, redis_url, name, idle_timeout, verbose, log_file) -> None:
    """A crawl node for `briefwatch crawl --cluster`: fetch and extract pages of the runs
    on the shared Redis, hand transcripts back; it never opens the database.

    Workers may join and leave at any time; what a worker that is killed had taken is given
    to the others. SIGTERM or Ctrl-C: finish cleanly and leave.

    \b
    Examples:
      briefwatch worker --redis redis://queue.example.org:6379/0
      briefwatch worker --idle-timeout 0 --log-file /var/log/briefwatch-worker.log
    """
    from briefwatch.crawler.cluster.frontier import ClusterError
    from briefwatch.jobs.workernode import serve

    redis_url = _redis_url(obj, redis_url)
    try:
        code = serve(redis_url, name=name, idle_timeout=idle_timeout,
                     log_level="INFO" if verbose else "WARNING", log_file=log_file,
                     say=lambda line: click.echo(line, err=True))
    except ClusterError as exc:
        raise Failure(str(exc)) from None
    sys.exit(code)


@cli.command()
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the log to this file.")
@click.option("--cluster", is_flag=True,
              help="Each run is `briefwatch crawl --cluster`: workers on [cluster] redis_url "
                   "fetch.")
@pass_ctx
def schedule(obj: Context, log_file, cluster) -> None:
    """Run the scheduler daemon: crawl each source on its schedule, until SIGTERM or Ctrl-C.

    Each source crawls on its `schedule` (default [crawl] schedule, nightly at 02:00 in
    [crawl] timezone); every source is fully revisited on [crawl] full_revisit (weekly).
    A run missed while the daemon was down runs once when it starts. An edit of the config
    file (or SIGHUP) reloads it. Logs go to stderr.

    \b
    Examples:
      briefwatch schedule --log-file /var/log/briefwatch.log
      briefwatch schedule --cluster
    """
    from briefwatch.jobs.scheduler import check_schedulable, configure_logging, run_daemon

    config = obj.config
    check_schedulable(config, cluster)
    configure_logging(log_file)
    sys.exit(run_daemon(config, cluster))


@cli.command("jobs")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one job per line.")
@pass_ctx
def jobs_(obj: Context, as_json) -> None:
    """The scheduler's jobs and when each runs next.

    \b
    Example:
      briefwatch jobs
    """
    from briefwatch.jobs.scheduler import list_jobs

    for job in list_jobs(obj.config):
        if as_json:
            emit_json(contract.job_record(job))
        else:
            click.echo(f"{job['id']:<24} next {job['next_run']}  cron \"{job['schedule']}\" "
                       f"{job['timezone']}  revisit {job['revisit']}  "
                       f"[{', '.join(job['sources'])}]")


@cli.command("notify")
@click.option("--test", "test_message", is_flag=True,
              help="Send a test message to every channel instead.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one channel per line.")
@pass_ctx
def notify_(obj: Context, test_message, as_json) -> None:
    """Send each notification channel the digest it is owed (a crawl does this by itself),
    or a test message. Channel URLs are shown with their secrets masked.

    \b
    Examples:
      briefwatch notify --test
      briefwatch notify
    """
    from briefwatch.jobs import notify as notifications

    config = obj.config
    if not config.channels and not any(s.notify for s in (*config.sources, *config.watches)):
        raise Failure(f"{config.path}: no [notify] urls configured", EXIT_USAGE)
    if test_message:
        results = notifications.send_test(config)
    else:
        # The crawl lock also keeps two senders from delivering one digest twice.
        with holding_the_database(config.storage_path):
            db = obj.db(create=True)
            try:
                results = notifications.send_pending(config, db)
            finally:
                db.close()
    for result in results:
        if as_json:
            emit_json(contract.delivery_record(result))
        else:
            state = "ok" if result.ok else f"FAILED: {safe(result.error)}"
            click.echo(f"{result.channel}  {state}"
                       + (f"  ({result.events} events)" if result.events else ""))
    if not results and not as_json:
        click.echo("nothing to send", err=True)
    if any(not r.ok for r in results):
        raise Failure(f"{sum(not r.ok for r in results)} of {len(results)} channels failed")
