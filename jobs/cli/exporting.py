"""`briefwatch export`: what is stored, for other tools: transcripts or exchanges as JSON Lines,
CSV or Parquet (the records of jobs.contract), or every version's raw page as WARC evidence
(jobs.render.warc)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    EXIT_USAGE,
    Context,
    Failure,
    check_source,
    exchange_rows,
    lookup,
    open_output,
    pass_ctx,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "warc"]),
              default="jsonl", show_default=True)
@click.option("--unit", type=click.Choice(["transcripts", "exchanges"]), default="transcripts",
              show_default=True, help="A row per transcript, or per exchange.")
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@click.option("--url", metavar="URL|ID", help="Only this transcript (--format warc).")
@click.option("--with-opening", is_flag=True,
              help="With --unit exchanges: also each transcript's opening announcements "
                   "(exchange 0), as a row.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file [default: standard output].")
@pass_ctx
def export(obj: Context, fmt, unit, source, url, with_opening, output) -> None:
    """Every transcript with its latest text, one object (or CSV row) per transcript; or,
    with --unit exchanges, one per exchange of any version (the rows of `exchanges --json`),
    with the same exchange in the other language; or, with --format warc, every version's
    raw page as served, as WARC/1.1 evidence.

    \b
    Examples:
      briefwatch export > transcripts.jsonl
      briefwatch export --format csv --source mfa-zh > mfa-zh.csv
      briefwatch export --unit exchanges --format parquet -o exchanges.parquet
      briefwatch export --format warc --source mfa-en -o mfa-en.warc.gz
    """
    import csv

    from briefwatch.storage.documents import export_rows

    check_source(obj, obj.read(), source)
    if with_opening and (unit != "exchanges" or fmt == "warc"):
        raise Failure("--with-opening is for --unit exchanges", EXIT_USAGE)
    if fmt == "warc":
        _export_warc(obj, source, url, output)
        return
    if url:
        raise Failure("--url is for --format warc", EXIT_USAGE)
    if unit == "exchanges":
        _export_exchanges(obj, fmt, source, output, with_opening)
        return
    if fmt == "parquet":
        raise Failure("--format parquet is for --unit exchanges; transcripts export as "
                      "jsonl or csv", EXIT_USAGE)

    with open_output(output) as out:
        writer = csv.DictWriter(out, fieldnames=contract.EXPORT_FIELDS) if fmt == "csv" \
            else None
        if writer:
            out.write("\ufeff")  # a byte-order mark: Excel reads the Chinese as UTF-8
            writer.writeheader()
        for row in export_rows(obj.read(), source):
            record = contract.export_record(row)
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _export_exchanges(obj: Context, fmt: str, source, output: Path | None,
                      with_opening: bool = False) -> None:
    """Flat rows (the paired exchange in three columns): CSV with a byte-order mark, so that
    Excel reads the Chinese as UTF-8; Parquet through pyarrow (pip install
    'briefwatch[parquet]')."""
    import csv

    rows = (row for row, _ in exchange_rows(obj, source, None, None, None,
                                             opening=with_opening))
    if fmt == "jsonl":
        with open_output(output) as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    flat = map(contract.exchange_columns, rows)
    if fmt == "csv":
        with open_output(output) as out:
            out.write("\ufeff")
            writer = csv.DictWriter(out, fieldnames=contract.EXCHANGE_COLUMNS)
            writer.writeheader()
            writer.writerows(flat)
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise Failure("--format parquet needs pyarrow: pip install 'briefwatch[parquet]'",
                      EXIT_USAGE) from None
    schema = pa.schema([(c, pa.int64() if c in contract.EXCHANGE_INTEGERS else pa.string())
                        for c in contract.EXCHANGE_COLUMNS])
    table = pa.Table.from_pylist(list(flat), schema=schema)
    with open_output(output, binary=True) as out:
        pq.write_table(table, out, compression="zstd")


def _export_warc(obj: Context, source, url, output: Path | None) -> None:
    """WARC/1.1 through warcio (pip install 'briefwatch[warc]'); gzip per record unless the
    file is named *.warc."""
    from briefwatch.jobs.render.warc import write_warc
    from briefwatch.storage.documents import evidence, find
    from briefwatch.storage.runs import list_runs

    try:
        import warcio  # noqa: F401
    except ImportError:
        raise Failure("--format warc needs warcio: pip install 'briefwatch[warc]'",
                      EXIT_USAGE) from None
    if source:
        obj.config.source(source)
    db = obj.read()
    document = lookup(find, db, url)["id"] if url else None
    last = list_runs(db, limit=1)
    info = {"software": "briefwatch 0.1.0", "format": "WARC File Format 1.1",
            "description": "every stored version of the transcripts, as fetched or captured",
            "briefwatch-sources": ", ".join(sorted({s.name for s in obj.config.sources}
                                                   if not source else {source})),
            "briefwatch-run": str(last[0]["id"]) if last else "none",
            **({"briefwatch-transcript": url} if url else {})}
    if output is not None:
        info["filename"] = output.name
    gzip = output is None or output.suffix != ".warc"
    with open_output(output, binary=True) as out:
        count = write_warc(out, evidence(db, source=source, document=document), info=info,
                           gzip=gzip)
    if output is not None:
        click.echo(f"wrote {count} version{'s' if count != 1 else ''} to {output}", err=True)
