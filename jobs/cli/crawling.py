"""Commands that fetch: `crawl` (the live sites), `archive` (a web archive's captures), and
`compact`, which rewrites what was fetched into less space, and `reindex`, which rebuilds the
search index."""

from __future__ import annotations

import signal
import sys

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    EXIT_USAGE,
    Context,
    Failure,
    echo_suspects,
    emit_json,
    holding_the_database,
    iso,
    pass_ctx,
    require_sources,
    safe,
    warn_after_run,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--backfill", is_flag=True, help="Walk every listing page, not just the new ones.")
@click.option("--revisit", type=click.Choice(["recent", "all", "none"]), default="recent",
              show_default=True,
              help="Re-fetch stored transcripts: those published within [crawl] revisit_days, "
                   "all of them, or none.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-v", "--verbose", is_flag=True,
              help="Show Scrapy's log (INFO) on stderr instead of logs/run-N.log.")
@click.option("--cluster", is_flag=True,
              help="Coordinate workers on [cluster] redis_url (`briefwatch worker`) instead of "
                   "crawling here.")
@click.option("--progress-every", "progress_every", type=click.FloatRange(0), default=60,
              show_default=True, metavar="SECONDS",
              help="Off a terminal (cron, a log file): a progress line on stderr this often "
                   "(0: none).")
@pass_ctx
def crawl(obj: Context, sources, backfill, revisit, as_json, verbose, cluster,
          progress_every) -> None:
    """Crawl every configured source (or the SOURCEs named) once.

    Safe to run from cron: one crawl at a time per database; exit 0 when the run completed,
    even if some pages failed (they are counted, and retried next run).

    \b
    Examples:
      briefwatch crawl
      briefwatch crawl mfa-en --backfill
      briefwatch crawl --revisit all --json
      briefwatch crawl --cluster
    """
    from briefwatch.crawler.cluster.frontier import ClusterError
    from briefwatch.jobs.cli.progress import ProgressLog, StatusLine
    from briefwatch.jobs.crawl import run
    from briefwatch.storage.lock import Locked

    config = obj.config
    require_sources(config)
    if sys.stderr.isatty():
        progress = None if as_json else StatusLine()
    else:
        progress = ProgressLog(progress_every, list(sources) or [s.name for s in
                                                                config.sources]) \
            if progress_every else None
    # systemd and `kill` stop a crawl with SIGTERM: treat it like Ctrl-C, so the crawl process
    # closes its spiders and the run is recorded as interrupted.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = run(config, list(sources) or None, backfill=backfill, revisit=revisit,
                      verbose=verbose, cluster=cluster,
                      on_page=progress.update if progress else None)
    except (Locked, ClusterError) as exc:
        raise Failure(str(exc)) from None
    finally:
        if progress:
            progress.stop()
    if as_json:
        emit_json(contract.crawl_record(summary))
    else:
        click.echo(safe(summary.line()))
        echo_suspects(summary.suspects)
    warn_after_run(summary)
    if summary.status == "interrupted":
        raise Failure(f"run {summary.run} interrupted; what it stored is kept, and the next "
                      f"crawl carries on", 130)
    unreachable = summary.unreachable()
    if summary.status != "completed" and not (
            unreachable and len(unreachable) == len(summary.sources)):
        raise Failure(f"run {summary.run} {summary.status}: the crawl process did not complete; "
                      f"run with --verbose to see why")
    for name, stats in summary.sources.items():
        failed = stats.get("failed_urls") or []
        if failed:
            click.echo(f"briefwatch: warning: source {name}: {stats.get('failed', len(failed))} "
                       f"transcript pages could not be fetched, e.g. {safe(failed[0])}; they "
                       f"are tried again at the next run", err=True)
    log_errors = summary.total("log_errors")
    if log_errors and summary.log_file:
        click.echo(f"briefwatch: warning: {log_errors} errors logged; see {summary.log_file}",
                   err=True)
    for name, stats in summary.sources.items():
        for warning in stats.get("warnings") or []:
            click.echo(f"briefwatch: warning: source {name}: {safe(warning)}", err=True)
    for name in summary.blocked():
        click.echo(f"briefwatch: warning: source {name}: blocked: the site answered 403/429 to "
                   f"every request; not retried. Check [crawl] user_agent, or ask the site",
                   err=True)
    for name, failure in unreachable.items():
        click.echo(f"briefwatch: warning: source {name}: listing unreachable: {safe(failure)}",
                   err=True)
    if summary.index_damage:
        from briefwatch.storage.searchindex import REBUILD

        click.echo(f"briefwatch: warning: the search index is damaged "
                   f"({safe(summary.index_damage)}); '{REBUILD}' rebuilds it from the stored "
                   f"versions", err=True)
    if unreachable and len(unreachable) == len(summary.sources):
        raise Failure(f"no source could be reached (run {summary.run}); check the start_urls "
                      f"and the network")


@cli.command()
@pass_ctx
def reindex(obj: Context) -> None:
    """Rebuild the full-text index of every stored version (what `search` reads), when it
    is damaged: `search` and `crawl` say so. Takes the crawl lock; the file is rewritten.

    \b
    Example:
      briefwatch reindex
    """
    from briefwatch.storage.db import open_db
    from briefwatch.storage.searchindex import rebuild

    path = obj.config.storage_path
    open_db(path, create=False).close()  # a clear error when there is no database
    with holding_the_database(path):
        indexed = rebuild(path)
    click.echo(f"reindexed {indexed} versions")




@cli.command()
@click.option("--source", "source_names", metavar="S", multiple=True,
              help="Only this source (repeatable) [default: every source].")
@click.option("--url", metavar="URL|ID", help="Only this transcript.")
@click.option("--since", metavar="DATE",
              help="Only captures made on or after this day (or 1d, 2w, yesterday, monday), of "
                   "transcripts whose conference was on or after it (or has no date).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Only captures made on or before this day, of transcripts whose conference "
                   "was on or before it (or has no date).")
@click.option("--discover", is_flag=True,
              help="Also look for transcripts the listings no longer link (older than the "
                   "listing reaches, or deleted), under the sources' listing folders and their "
                   "rooms' old hosts and folders.")
@click.option("--json", "as_json", is_flag=True, help="Print the import's summary as JSON.")
@click.option("-v", "--verbose", is_flag=True,
              help="Show Scrapy's log (INFO) on stderr instead of logs/run-N.log, with the "
                   "import's progress.")
@pass_ctx
def archive(obj: Context, source_names, url, since, until, discover, as_json, verbose) -> None:
    """Import earlier versions from a web archive ([archive], default the Internet
    Archive): every distinct capture of each stored transcript becomes a version at its
    capture time, so history and diff reach back before briefwatch watched.

    \b
    Examples:
      briefwatch archive --source mfa-en --since 2017-01-01
      briefwatch archive --url 12
      briefwatch archive --source mfa-zh --discover --json
    """
    from briefwatch.jobs.archiveimport import run
    from briefwatch.storage.documents import NotFound
    from briefwatch.storage.lock import Locked

    config = obj.config
    require_sources(config)
    since = iso(since, obj.zone, day=True) if since else None
    if since and until and since > until.date().isoformat():
        raise Failure("--since is after --until: no capture can be in that period", EXIT_USAGE)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = run(config, list(source_names) or None, url=url,
                      since=since,
                      until=until.date().isoformat() if until else None, discover=discover,
                      verbose=verbose)
    except (Locked, NotFound) as exc:
        raise Failure(str(exc)) from None
    if as_json:
        emit_json(contract.archive_record(summary))
    else:
        for name in summary.sources:
            click.echo(safe(summary.line(name)))
        click.echo(f"run {summary.run} {summary.status} ({summary.seconds:.1f}s)")
    if summary.unreachable():
        raise Failure(f"the archive could not be reached (run {summary.run} failed, nothing "
                      f"changed): {safe(summary.unreachable())}; check [archive] cdx_url and "
                      f"the network")
    warn_after_run(summary)
    for name, stats in summary.sources.items():
        failed = (stats.get("cdx_failed_urls") or []) + (stats.get("failed_urls") or [])
        if failed:
            click.echo(f"briefwatch: warning: source {name}: {len(failed)} archive requests "
                       f"failed, e.g. {safe(failed[0])}; the next import tries them again",
                       err=True)
    if summary.status == "interrupted":
        raise Failure(f"run {summary.run} interrupted; what it imported is kept, and the next "
                      f"import carries on", 130)
    if summary.status != "completed":
        raise Failure(f"run {summary.run} {summary.status}: the import did not complete; "
                      f"run with --verbose to see why")




@cli.command()
@click.option("--no-vacuum", is_flag=True,
              help="Convert only; leave the file's size as it is (VACUUM needs as much free "
                   "disk as the database takes).")
@pass_ctx
def compact(obj: Context, no_vacuum) -> None:
    """Convert raw pages stored by an older briefwatch (zlib) to the compact form (zstandard
    against the site's dictionary and the version before), checking each bit for bit, and
    pack its speaker turns; then VACUUM, so that the file shrinks. Safe to interrupt: run it
    again to carry on.

    \b
    Example:
      briefwatch compact
    """
    import os

    from briefwatch.storage.db import vacuum
    from briefwatch.storage.rawstore import compact as convert

    path = obj.config.storage_path
    before = path.stat().st_size if path.exists() else 0
    with holding_the_database(path):
        db = obj.db()
        try:
            def progress(k: int, total: int) -> None:
                click.echo(f"briefwatch: compact: {k} of {total} transcripts", err=True)

            done = convert(db, progress=progress)
            if not no_vacuum:
                vacuum(db)
        finally:
            db.close()
    after = os.stat(path).st_size
    saved = f"{done['before'] / 1024:.0f} KB of raw pages became {done['after'] / 1024:.0f} KB"
    turns = f", {done['turns']} versions' speaker turns packed" if done["turns"] else ""
    click.echo(f"compacted {done['versions']} versions of {done['transcripts']} transcripts "
               f"({saved}{turns}); the database went from {before / 1e6:.1f} MB to "
               f"{after / 1e6:.1f} MB")
