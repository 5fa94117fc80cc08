"""`briefwatch publish`: what is stored, as a database made to be read by people in Datasette
(storage.publish writes it), and its Datasette metadata (jobs.render.datasette)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from briefwatch.jobs.cli.common import (
    EXIT_USAGE,
    Context,
    Failure,
    check_source,
    exchange_rows,
    iso,
    pass_ctx,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--source", "sources", metavar="S", multiple=True,
              help="Only transcripts of this source (repeatable) [default: all].")
@click.option("--since", metavar="DATE", help="Only conferences on or after this date.")
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write Datasette metadata (titles, column descriptions, facets, "
                   "canned queries) to this JSON file.")
@pass_ctx
def publish(obj: Context, out: Path, sources, since, metadata) -> None:
    """Write OUT, a database for people to read in Datasette: transcripts, every version's
    text, every exchange of every version, the events and the pairs, linked, with a search
    box on each table that finds Chinese words as typed (pip install 'briefwatch[publish]'
    for Datasette and its plugin). OUT is replaced whole when complete; publish again after
    a crawl to bring it up to date.

    \b
    Examples:
      briefwatch publish briefings.db --metadata metadata.json
      datasette briefings.db -m metadata.json
      briefwatch publish mfa.db --source mfa-en --source mfa-zh --since 2024-01-01
    """
    from briefwatch.jobs.render.datasette import metadata as datasette_metadata
    from briefwatch.storage.publish import PublishError, check_target
    from briefwatch.storage.publish import publish as write

    if out.suffix == "" or (metadata is not None and metadata.resolve() == out.resolve()):
        raise Failure(f"name the database file with its extension (e.g. {out.name or 'out'}.db)"
                      f", and the metadata another file", EXIT_USAGE)
    db = obj.read()
    for source in sources:
        check_source(obj, db, source)
    if since:
        since = iso(since, obj.zone, day=True)
    try:
        check_target(out, obj.config.storage_path)
    except PublishError as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    records = (record for source in (sources or (None,))
               for record, _ in exchange_rows(obj, source, None, None, since))
    try:
        counts = write(db, out, names=obj.config.names(), exchanges=records,
                       sources=list(sources) or None, since=since)
    except PublishError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"wrote {out}: " + ", ".join(f"{n} {table}" for table, n in counts.items()),
               err=True)
    if metadata is not None:
        chosen = [{"name": s.name, "start_urls": list(s.start_urls)}
                  for s in obj.config.sources if not sources or s.name in sources]
        try:
            metadata.write_text(json.dumps(datasette_metadata(out.stem, chosen),
                                           ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
        except OSError as exc:
            raise Failure(f"cannot write {metadata}: {exc.strerror}") from None
        click.echo(f"wrote {metadata}: datasette {out} -m {metadata}", err=True)
