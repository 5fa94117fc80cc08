"""Commands of the two languages: `pairs` (each conference in English and Chinese, exchange
by exchange), `compare` (one conference side by side) and `exchanges` (every question and
answer of every version, with the same exchange in the other language)."""

from __future__ import annotations

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    Context,
    Failure,
    emit_json,
    exchange_rows,
    iso,
    lookup,
    pass_ctx,
    safe,
    utc_option,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@click.option("--source", metavar="S", help="Only conferences of this source's series.")
@click.option("--since", metavar="DATE", help="Only conferences on or after this date.")
@click.option("--divergent", is_flag=True,
              help="Only conferences whose two languages do not carry the same exchanges.")
@click.option("--unpaired", is_flag=True,
              help="Instead: transcripts of a series with no counterpart in the other language.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one conference per line.")
@pass_ctx
def pairs(obj: Context, source, since, divergent, unpaired, as_json) -> None:
    """The conferences of each series (sources declared with `pair`) in both languages,
    exchange by exchange: how many each carries, and which are missing from either.

    \b
    Examples:
      briefwatch pairs --divergent
      briefwatch pairs --since 2026-01-01 --json | jq .missing_in_en
    """
    from briefwatch.storage import pairings
    from briefwatch.storage.text.names import shown

    config = obj.config
    series = [(en.name, zh.name) for en, zh in config.series()]
    if source:
        config.source(source)
    if since:
        since = iso(since, obj.zone, day=True)
    db = obj.read()
    if not series and not as_json:
        click.echo("no series configured: pair two sources with `pair` (see the README)",
                   err=True)
        return
    shown_any = False
    if unpaired:
        for row in pairings.unpaired(db, series, source=source, since=since):
            shown_any = True
            if as_json:
                emit_json(contract.unpaired_record(row))
            else:
                click.echo(f"{row['published'] or '?':<10}  {safe(row['source'])}  "
                           f"{safe(row['title'])}\n    {safe(row['url'])}")
        if not shown_any and not as_json:
            click.echo("no unpaired transcripts", err=True)
        return
    names = config.names()
    for row in pairings.pairings(db, source=source, since=since, divergent=divergent):
        shown_any = True
        for language in ("en", "zh"):
            row[f"missing_in_{language}"] = [names.named_outlet(e)
                                             for e in row[f"missing_in_{language}"]]
        if as_json:
            emit_json(contract.pair_record(row))
            continue
        state = "divergent" if row["divergent"] else (
            f"uncertain ({row['uncertain']}: 'briefwatch compare {row['en_document']}')"
            if row["uncertain"] else "same exchanges")
        click.echo(f"{row['conference']}  {safe(row['en_source'])} {row['en_exchanges']} / "
                   f"{safe(row['zh_source'])} {row['zh_exchanges']} exchanges, "
                   f"{len(row['matched'])} matched: {state}")
        for language, where in (("en", "English"), ("zh", "Chinese")):
            for entry in row[f"missing_in_{language}"]:
                outlet = shown(entry["outlet"], entry["outlet_as_written"])
                who = f"from {outlet} " if outlet else ""
                click.echo(f"    question {safe(who)}(“{safe(entry['first_words'])}”) "
                           f"not in the {where} transcript")
    if not shown_any and not as_json:
        click.echo(f"no {'divergent ' if divergent else ''}conferences in both languages"
                   + (" match" if source or since else " yet"), err=True)


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@pass_ctx
def compare(obj: Context, ref, fmt) -> None:
    """One conference in both languages, exchange by exchange, the exchanges missing from
    either marked. URL|ID is either language's transcript.

    \b
    Examples:
      briefwatch compare 12
      briefwatch compare 12 --format html > conference.html
    """
    from briefwatch.jobs.render.pages import render
    from briefwatch.storage.documents import find
    from briefwatch.storage.pairings import conference
    from briefwatch.storage.text.names import shown as named

    db = obj.read()
    doc = lookup(find, db, ref)
    shown = conference(db, doc["id"], obj.config.names())
    if shown is None:
        raise Failure(f"transcript {doc['id']} is not paired with the other language: is its "
                      f"source part of a series (`pair` in the config), and is the conference "
                      f"published in both? ('briefwatch pairs --unpaired' lists those)")
    if fmt == "json":
        emit_json(contract.conference_record(shown))
        return
    if fmt == "html":
        click.echo(render("conference.html", c=shown, standalone=True))
        return
    click.echo(f"{shown['date']}  {safe(shown['en']['title'])}\n            "
               f"{safe(shown['zh']['title'])}")
    if shown["uncertain"]:
        click.echo(f"uncertain: {safe(shown['uncertain'])}; read both texts before saying "
                   "an exchange is missing")
    labels = {"in both": "", "opening": "opening", "merged": "merged in one language",
              "missing_in_en": "NOT IN THE ENGLISH TRANSCRIPT",
              "missing_in_zh": "NOT IN THE CHINESE TRANSCRIPT"}
    if shown["uncertain"]:
        labels.update(missing_in_en="unaligned: Chinese only", missing_in_zh="unaligned: "
                      "English only")
    for row in shown["rows"]:
        label = labels[row["state"]]
        first = (row["en"] or row["zh"])[0]
        head = [f"#{first['index']}",
                safe(named(first["outlet"], first["outlet_as_written"]) or "")] \
            if first["index"] else []
        click.echo("\n── " + " ".join(h for h in [*head, "──" if head and label else "",
                                                    label] if h))
        for lang in ("en", "zh"):
            if not row[lang]:
                click.echo(f"  {lang.upper()}  (missing)")
            for e in row[lang]:
                text = e["question"] or e["answer"]
                click.echo(f"  {lang.upper()}  {safe(text.split(chr(10))[0][:160])}")


@cli.command()
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@click.option("--outlet", metavar="NAME", help="Only questions from this outlet (any form).")
@click.option("--spokesperson", metavar="NAME", help="Only answers by this person (any form).")
@click.option("--since", metavar="DATE", help="Only conferences on or after this date.")
@click.option("--removed", is_flag=True,
              help="Only the exchanges an edit removed: no longer in the latest version.")
@click.option("--with-opening", is_flag=True,
              help="Also each transcript's opening announcements (exchange 0), as a row.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one exchange per line.")
@utc_option
@pass_ctx
def exchanges(obj: Context, source, outlet, spokesperson, since, removed, with_opening,
              as_json) -> None:
    """Every exchange (a question and its answer) of each transcript, once across all its
    versions: in the latest wording, with the first version that has it and, for one an
    edit removed, the last version that had it and when it was removed; its outlet and
    spokesperson under their canonical names, and the same exchange in the other language
    where the source is part of a series.

    \b
    Examples:
      briefwatch exchanges --outlet 路透社 --since 2026-01-01
      briefwatch exchanges --removed --source mfa-en
      briefwatch exchanges --source mfa-en --json | jq -r .question
    """
    from briefwatch.storage.text.names import shown

    if since:
        since = iso(since, obj.zone, day=True)
    shown_any = False
    for row, exchange in exchange_rows(obj, source, outlet, spokesperson, since,
                                        removed=removed, opening=with_opening):
        shown_any = True
        if as_json:
            emit_json(row)
            continue
        if row["index"] == 0:
            head = "opening announcements"
        else:
            who = shown(exchange["outlet"], exchange["outlet_as_written"]) or "(no outlet)"
            person = shown(exchange["spokesperson"], exchange["spokesperson_as_written"])
            head = f"{safe(who)} → {safe(person or '?')}"
        last = row["last_version"]
        if last is not None:
            state = f"last in v{last}; removed by v{last + 1}, {obj.when(row['removed_at'])}"
        else:
            state = row["status"] if row["index"] else ""
        opening = exchange["first_words"] or _first_line(exchange["answer"])
        click.echo(f"{row['conference'] or '?':<10}  {safe(row['source'])} "
                   f"#{row['index']:<3} {head}" + (f" [{safe(state)}]" if state else "")
                   + f"\n    {safe(opening)}"
                   + (f"\n    {safe(row['url'])}  (briefwatch diff {row['id']} --from {last} "
                      f"--to {last + 1} --format turns)" if last is not None else ""))
    if not shown_any and not as_json:
        click.echo(f"no {'removed ' if removed else ''}exchanges match", err=True)


def _first_line(text: str, width: int = 80) -> str:
    line = (text or "").split("\n", 1)[0]
    return line if len(line) <= width else line[:width - 1] + "…"

