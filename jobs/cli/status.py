"""Commands that say how things stand: `runs` (past crawls and imports, what each found) and
`sources` (each configured source, what is stored of it, how far its listing reaches)."""

from __future__ import annotations

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    Context,
    count,
    echo_suspects,
    emit_json,
    pass_ctx,
    safe,
    utc_option,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@utc_option
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one run per line.")
@click.option("--limit", type=count(), default=20, show_default=True)
@pass_ctx
def runs(obj: Context, as_json, limit) -> None:
    """Past crawl runs: when, how they ended, and what they found.

    \b
    Example:
      briefwatch runs --json | tail -n 1
    """
    from briefwatch.storage.runs import list_runs, suspects

    db = obj.read()
    rows = list_runs(db, limit)
    held = suspects(db, [row["id"] for row in rows])
    for row in rows:
        totals = {k: sum(int(s.get(k, 0) or 0) for s in row["stats"].values())
                  for k in contract.CRAWL_COUNTS}
        if as_json:
            emit_json(contract.run_record(row, totals, held[row["id"]]))
        else:
            counts = ", ".join(f"{n} {k}" for k, n in totals.items())
            ended = (f"finished {obj.when(row['finished'])} "
                     f"({_duration(row['started'], row['finished'])})"
                     if row["finished"] else "not finished")
            click.echo(f"{row['id']:>5}  {obj.when(row['started'])}  {ended}  "
                       f"{row['status']:<11} "
                       f"{counts}  [{', '.join(row['sources'])}]")
            if row["options"].get("archive"):
                from briefwatch.jobs.render.digest import import_line

                for name, stats in row["stats"].items():
                    click.echo(f"       {safe(name)}: {import_line(stats, row['id'])}")
            by_worker = _per_worker(row["stats"])
            if by_worker:
                click.echo("       workers: " + ", ".join(
                    f"{safe(w)} {n['pages']} pages/{n['requests']} requests"
                    for w, n in by_worker.items()))
            echo_suspects(held[row["id"]])


def _duration(started: str, finished: str) -> str:
    """How long a run took, as a person says it: 4s, 3m12s, 1h02m (times are stored to the
    second)."""
    import datetime as dt

    seconds = (dt.datetime.fromisoformat(finished)
               - dt.datetime.fromisoformat(started)).total_seconds()
    minutes, seconds = divmod(round(seconds), 60)
    if not minutes:
        return f"{seconds}s"
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def _per_worker(stats: dict) -> dict[str, dict]:
    """A cluster run's counts per worker, all sources together."""
    out: dict[str, dict] = {}
    for source_stats in stats.values():
        for worker, counts in (source_stats.get("workers") or {}).items():
            total = out.setdefault(worker, {"pages": 0, "requests": 0})
            for key in total:
                total[key] += int(counts.get(key, 0) or 0)
    return dict(sorted(out.items()))




@cli.command()
@utc_option
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one source per line.")
@pass_ctx
def sources(obj: Context, as_json) -> None:
    """Each configured source: its spider, how many transcripts, its last run and its newest
    transcript.

    \b
    Example:
      briefwatch sources --json
    """
    from briefwatch.storage.documents import source_summaries

    config = obj.config
    # Read-only where there is a database to read; a first look creates an empty one.
    if not obj.config.storage_path.exists():
        obj.db(create=True).close()
    db = obj.read()
    spiders = {s.name: s for s in config.sources}
    for row in source_summaries(db, list(spiders)):
        source = spiders[row["source"]]
        row = contract.source_record(source, row)
        if as_json:
            emit_json(row)
            continue
        run, newest = row["last_run"], row["newest"]
        last = (f"run {run['id']} {obj.when(run['started'])} {run['status']}" if run
                else "never crawled")
        latest = f"{newest['published'] or '?'}  {safe(newest['title'])}" if newest else "-"
        noun = "transcript" if row["transcripts"] == 1 else "transcripts"
        click.echo(f"{source.name:<16} {source.spider:<8} {row['transcripts']:>6} {noun:<12} "
                   f"{last}\n    newest: {latest}")
        reach = row["listing"]
        if reach:
            click.echo(f"    the listing reaches back to {reach['reaches_back_to'] or '?'} "
                       f"({reach['pages']} pages); older transcripts: briefwatch archive")
