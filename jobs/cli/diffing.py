"""`briefwatch diff`: what changed between two versions of a transcript, in the format asked.
The versions are chosen and compared by storage.comparisons (the web view's and the
notifications' path too); jobs.render draws the result."""

from __future__ import annotations

import sys

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    EXIT_USAGE,
    Context,
    Failure,
    count,
    emit_json,
    lookup,
    pass_ctx,
    safe,
    utc_option,
)
from briefwatch.jobs.cli.group import cli

DIFF_FORMATS = ("unified", "words", "side-by-side", "html", "json", "turns")


@cli.command()
@utc_option
@click.argument("ref", metavar="URL|ID")
@click.option("--from", "old", type=count(None), metavar="N",
              help="Old version [default: next to last].")
@click.option("--to", "new", type=count(None), metavar="M", help="New version [default: latest].")
@click.option("-U", "--context", "context_lines", type=count(0), default=1,
              show_default=True, help="Unchanged paragraphs shown around each change.")
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="unified",
              show_default=True, help="How to show the changes (see above).")
@pass_ctx
def diff(obj: Context, ref, old, new, context_lines, fmt) -> None:
    """What changed between two versions of a transcript.

    \b
    Formats:
      unified       one paragraph a line, '-' removed, '+' added
      words         changed paragraphs, words marked [-removed-]{+added+}
      side-by-side  two columns, as wide as the terminal ($COLUMNS, else 120)
      html          a standalone page, two columns, <del> and <ins>
      json          one object: the summary, the turns, every aligned paragraph
      turns         in words: questions and answers removed, added, reworded
    Colour on a terminal only. Words are compared only inside changed paragraphs;
    Chinese character by character.

    \b
    Examples:
      briefwatch diff 12
      briefwatch diff 12 --from 1 --to 3 | less
      briefwatch diff 12 --format turns
      briefwatch diff 12 --format html > diff.html
    """
    from briefwatch.storage.comparisons import NoSuchVersion, NothingToCompare, choose_versions
    from briefwatch.storage.documents import find, version, versions
    from briefwatch.storage.text.diff import COARSE, Budget, unified

    db = obj.read()
    doc = lookup(find, db, ref)
    try:
        old, new = choose_versions(doc["id"], [v["n"] for v in versions(db, doc["id"])], old,
                                   new)
    except NothingToCompare as exc:
        click.echo(str(exc), err=True)
        return
    except NoSuchVersion as exc:
        if exc.end is None:
            raise Failure(f"{exc}: give --from N to compare it with a later one",
                          EXIT_USAGE) from None
        raise Failure(f"--{exc.end} {exc.version}: {exc}", EXIT_USAGE) from None
    b = lookup(version, db, doc["id"], new)
    a = lookup(version, db, doc["id"], old)
    if fmt != "unified":
        _diff_formatted(fmt, doc, a, b, context_lines, obj)
        return
    title_a, title_b = safe(a["title"]), safe(b["title"])
    if title_a != title_b:
        click.echo(click.style(f"title: - {title_a}\n       + {title_b}", bold=True))
    budget = Budget()
    lines = unified(safe(a["text"]), safe(b["text"]), _label(a, obj), _label(b, obj),
                    context=context_lines, budget=budget)
    if budget.coarse:
        click.echo(f"briefwatch: note: v{old} and v{new} were {COARSE}", err=True)
    if not lines:
        click.echo(f"v{old} and v{new} have the same text", err=True)
    colours = {"-": "red", "+": "green", "@": "cyan"}
    for line in lines:
        fg = None if line.startswith(("---", "+++")) else colours.get(line[:1])
        click.echo(click.style(line, fg=fg, bold=line.startswith(("---", "+++"))))


def _label(version: dict, obj: Context) -> str:
    """How a diff names a version: its number and date, and whether a web archive made it."""
    archive = " (archive capture)" if version.get("origin") == "archive" else ""
    return f"v{version['n']} {obj.when(version['fetched_at'])}{archive}"


def _diff_formatted(fmt: str, doc: dict, a: dict, b: dict, context: int, obj: Context) -> None:
    import shutil

    from briefwatch.jobs.render import terminal
    from briefwatch.storage.comparisons import compare_versions

    compared = compare_versions(a, b, obj.config.names())
    comparison, same = compared.comparison, compared.same
    if comparison.coarse:
        from briefwatch.storage.text.diff import COARSE

        click.echo(f"briefwatch: note: v{a['n']} and v{b['n']} were {COARSE}", err=True)
    labels = _label(a, obj), _label(b, obj)
    colour = sys.stdout.isatty()
    if fmt == "json":
        emit_json(contract.diff_record(comparison, doc, a, b))
        return
    if fmt == "html":
        from briefwatch.jobs.render.pages import diff_document

        click.echo(diff_document(doc, a, b, comparison, context, tz=obj.zone))
        return
    title_a, title_b = safe(a["title"]), safe(b["title"])
    if title_a != title_b and fmt != "turns":
        click.echo(click.style(f"title: - {title_a}\n       + {title_b}", bold=True))
    if same:
        click.echo(f"v{a['n']} and v{b['n']} have the same text", err=True)
        if fmt != "turns" or title_a == title_b:
            return
    if fmt == "words":
        lines = terminal.words(comparison, *labels, context, colour, safe)
    elif fmt == "side-by-side":
        width = shutil.get_terminal_size((120, 24)).columns
        lines = [terminal.side_by_side(comparison, *labels, context, width, colour, safe)]
    else:
        title_change = (a["title"], b["title"]) if title_a != title_b else None
        lines = terminal.turns(comparison, title_change, safe)
    for line in lines:
        click.echo(line)
