"""Commands that read what was stored: `changes`, `list`, `show`, `history`, `search`, and
`serve`, the same reading as a local web view."""

from __future__ import annotations

import sys

import click
from briefwatch.jobs import contract
from briefwatch.jobs.cli.common import (
    EVENT_KINDS,
    EXIT_USAGE,
    Context,
    Failure,
    check_source,
    coloured,
    count,
    emit_json,
    iso,
    lookup,
    pass_ctx,
    safe,
    utc_option,
)
from briefwatch.jobs.cli.group import cli


@cli.command()
@utc_option
@click.option("--since", metavar="ISO", help="Only events detected at or after this time.")
@click.option("--kind", type=click.Choice(EVENT_KINDS), help="Only events of this kind.")
@click.option("--source", metavar="S", help="Only events of this source.")
@click.option("--run", "run_id", type=count(None), metavar="N", help="Only events found by run N.")
@click.option("--watch", "watch_name", metavar="NAME",
              help="Only events concerning the terms of [[watch]] NAME, the passages quoted.")
@click.option("--limit", type=count(), metavar="N", help="Only the N latest events.")
@click.option("--order", type=click.Choice(["newest", "oldest", "significance"]),
              help="Which come first [default: newest; with --json, oldest; significance: "
                   "the most significant].")
@click.option("--min-significance", type=click.FloatRange(0, 1), metavar="X",
              help="Only events at least this significant (0 to 1; see the README).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one event per line.")
@pass_ctx
def changes(obj: Context, since, kind, source, run_id, watch_name, limit, order,
            min_significance, as_json) -> None:
    """What was new, edited, removed or restored, newest first (with --json, oldest first,
    as a log is read).

    \b
    Examples:
      briefwatch changes --kind edited --limit 20
      briefwatch changes --run 12
      briefwatch changes --watch taiwan
      briefwatch changes --since 2026-11-01 --json | jq .url
      briefwatch changes --min-significance 0.5 --order significance
    """
    from briefwatch.storage.documents import events
    from briefwatch.storage.text.diff import describe

    watch = obj.config.watch(watch_name) if watch_name else None
    names = obj.config.names()
    if since:
        since = iso(since, obj.zone)
    db = obj.read()
    check_source(obj, db, source)
    ranked = order == "significance"
    chosen = {"since": since, "kind": kind, "source": source, "run": run_id,
              "min_significance": min_significance, "by_significance": ranked}
    if watch:
        found = _concerning(db, events(db, **chosen), watch)
        found = (found[:limit] if ranked else found[-limit:]) if limit else found
    else:
        found = events(db, newest=limit, **chosen)
    if not ranked and (order or ("oldest" if as_json else "newest")) == "newest":
        found.reverse()
    for event in found:
        record = contract.event_record(event, names, event["passages"] if watch else None)
        if as_json:
            emit_json(record)
        else:
            detail = safe(describe(event["summary"], names))
            if event.get("edit_class"):
                detail = f"[{event['edit_class']} {event['significance']:.2f}] {detail}".rstrip()
            what = record["transcript_kind"]
            click.echo(f"{obj.when(event['detected_at'])}  {coloured(event['kind'], 8)} "
                       f"{safe(event['source'])}  "
                       f"v{event['version']}  {safe(event['title'])}"
                       + ("" if what == "briefing" else f"  ({what})")
                       + f"\n    {safe(event['url'])}"
                       + (f"\n    {detail}" if detail else ""))
            for passage in event.get("passages", ()):
                click.echo(f"    {watch.name}: {passage['change']} “{safe(passage['text'])}”")


def _concerning(db, found: list[dict], watch) -> list[dict]:
    """The events that concern a watch's terms, each with its `passages`."""
    from briefwatch.storage.watch import documents_mentioning, passages, term_pattern

    pattern, mentioning = term_pattern(watch.terms), documents_mentioning(db, watch.terms)
    out = []
    for event in found:
        if event["document"] in mentioning:
            event["passages"] = passages(db, event, pattern)
            if event["passages"]:
                out.append(event)
    return out


@cli.command("list")
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@click.option("--since", metavar="DATE", help="Only conferences on or after this date.")
@click.option("--status", type=click.Choice(["active", "removed"]),
              help="Only transcripts still on the site, or only those removed from it.")
@click.option("--limit", type=count(), metavar="N",
              help="Only the N newest conferences.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one transcript per line.")
@pass_ctx
def list_(obj: Context, source, since, status, limit, as_json) -> None:
    """Stored transcripts, newest conference first.

    \b
    Examples:
      briefwatch list --source mfa-en --limit 20
      briefwatch list --status removed --since 2026-01-01
    """
    from briefwatch.storage.documents import list_documents

    if since:
        since = iso(since, obj.zone, day=True)
    db = obj.read()
    check_source(obj, db, source)
    rows = list_documents(db, source, since=since, status=status, limit=limit)
    if not rows and not as_json:
        click.echo("no transcripts match" if source or since or status
                   else "no transcripts stored yet: run 'briefwatch crawl'", err=True)
    if rows and not as_json:
        click.echo(f"{'ID':>6}  {'CONFERENCE':<10}  {'VER':<4} {'STATUS':<7} SOURCE  TITLE")
    for doc in map(contract.transcript_record, rows):
        if as_json:
            emit_json(doc)
        else:
            shown = coloured(doc["status"], 7) if doc["status"] == "removed" else \
                f"{doc['status']:<7}"
            click.echo(f"{doc['id']:>6}  {doc['published'] or '?':<10}  v{doc['versions']:<3} "
                       f"{shown} {safe(doc['source'])}  {safe(doc['title'])}")


@cli.command()
@utc_option
@click.argument("ref", metavar="URL|ID")
@click.option("--version", "n", type=count(None), metavar="N",
              help="Show version N [default: latest].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def show(obj: Context, ref, n, as_json) -> None:
    """One transcript: its metadata and the text of a version.

    \b
    Examples:
      briefwatch show 12
      briefwatch show https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202402/t20240207_11240863.html
    """
    from briefwatch.storage.documents import copies, find, removed_since, status_changes, version

    db = obj.read()
    doc = lookup(find, db, ref)
    ver = lookup(version, db, doc["id"], n)
    others = copies(db, doc)
    if as_json:
        emit_json(contract.shown_record(doc, ver, others))
        return
    click.echo(safe(ver["title"]))
    fetched = (f"captured {obj.when(ver['fetched_at'])} by the archive"
               if ver["origin"] == "archive" else f"fetched {obj.when(ver['fetched_at'])}")
    click.echo(f"{safe(doc['url'])}\nsource {safe(doc['source'])} · conference "
               f"{ver['published'] or 'unknown'} · version {ver['n']} of {doc['versions']} · "
               f"{fetched} · {doc['status']}")
    gone = removed_since(status_changes(db, doc["id"])) if doc["status"] == "removed" else None
    if gone:
        click.echo(f"{coloured('removed', label='REMOVED')} from the site since "
                   f"{obj.when(gone['detected_at'])}"
                   + (f": {safe(gone['reason'])}" if gone["reason"] else ""))
    if ver["origin"] == "archive":
        click.echo(f"archive capture: {safe(ver['capture_url'])}")
    where = "in an archive capture" if doc["last_seen_in"] == "archive" else "on the site"
    click.echo(f"last seen {obj.when(doc['last_seen'])} {where}")
    for key, value in (ver["meta"] or {}).items():
        click.echo(f"{key}: {safe(value)}")
    for other in others:
        click.echo(f"also at: {safe(other['url'])} (source {safe(other['source'])}, "
                   f"id {other['id']})")
    click.echo("")
    click.echo(safe(ver["text"]).replace("\n", "\n\n"))


@cli.command()
@utc_option
@click.argument("ref", metavar="URL|ID")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one version per line.")
@pass_ctx
def history(obj: Context, ref, as_json) -> None:
    """Every stored version of a transcript, numbered from 1, with the size of each change,
    and when the transcript was removed from the site or restored.

    \b
    Example:
      briefwatch history 12
    """
    from briefwatch.storage.documents import find, history, status_changes, versions
    from briefwatch.storage.text.diff import describe

    names = obj.config.names()
    db = obj.read()
    doc = lookup(find, db, ref)
    statuses = status_changes(db, doc["id"])
    for ver in history(versions(db, doc["id"])):
        record = contract.history_record(ver, names, statuses)
        if as_json:
            emit_json(record)
            continue
        summary = record["change"]
        change = safe(describe(summary, names)) if summary else "first version"
        origin = "  (archive capture)" if record["origin"] == "archive" else ""
        click.echo(f"v{record['version']:<3} {obj.when(record['fetched_at'])}  "
                   f"{record['paragraphs']} paragraphs, "
                   f"{record['characters']} characters  {change}{origin}")
        for status in record["status_changes"]:
            why = f": {safe(status['reason'])}" if status["reason"] else ""
            click.echo(f"     {obj.when(status['detected_at'])}  "
                       f"{coloured(status['kind'], label=status['kind'].upper())}{why}"
                       + (f" (run {status['run']})" if status["run"] else ""))


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one transcript per line.")
@click.option("--limit", type=count(), default=50, show_default=True)
@click.option("--outlet", metavar="NAME",
              help="Only where the passage is in an exchange asked by this outlet (any form).")
@click.option("--spokesperson", metavar="NAME",
              help="Only where the passage is in an exchange answered by this person.")
@pass_ctx
def search(obj: Context, query, as_json, limit, outlet, spokesperson) -> None:
    """Find a passage in every stored version, including passages later removed.

    QUERY is matched as a phrase of words in a title or text, case-insensitive; Chinese
    characters count as words, and the last word may be cut short. Each result names the
    versions that hold it.

    \b
    Examples:
      briefwatch search "Time will prove"
      briefwatch search 钓鱼岛 --json
      briefwatch search "Taiwan" --outlet Reuters --spokesperson 毛宁
    """
    from briefwatch.storage.search import BadQuery, check_query, shortened
    from briefwatch.storage.search import search as run_search
    from briefwatch.storage.searchindex import IndexDamaged

    try:
        check_query(query)  # a query past the caps is refused before the database is opened
        names = obj.config.names() if outlet or spokesperson else None
        hits = run_search(obj.read(), query, limit,
                          outlet=names.outlet(outlet) if outlet else None,
                          spokesperson=names.spokesperson(spokesperson) if spokesperson
                          else None, names=names)
    except BadQuery as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    except IndexDamaged as exc:
        raise Failure(str(exc)) from None
    for hit in map(contract.search_record, hits):
        if as_json:
            emit_json(hit)
        else:
            listed = ", ".join(f"v{n}" + (" archive capture" if n in hit["archived"] else "")
                               for n in hit["versions"])
            gone = (f"\n    not in the latest version (v{hit['latest']}): removed by a later "
                    f"edit; 'briefwatch diff {hit['id']} --from {hit['versions'][-1]} --to "
                    f"{hit['versions'][-1] + 1}' shows it"
                    if hit["versions"] and hit["latest"] not in hit["versions"] else "")
            click.echo(f"{hit['id']:>6}  {hit['published'] or '?'}  {safe(hit['title'])} "
                       f"({listed}){gone}\n    {safe(hit['url'])}\n    "
                       f"v{hit['snippet_version']}: {safe(hit['snippet'])}")
    if not hits and not as_json:
        click.echo(f"nothing matches {safe(shortened(query))!r}", err=True)


@cli.command()
@utc_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port; the URL is printed).")
@pass_ctx
def serve(obj: Context, host, port) -> None:
    """A read-only local web view: sources, latest briefings, the timeline of changes, each
    transcript with its history, any two versions side by side, search, and an Atom feed
    at /feed.atom.

    The database is opened read-only; crawls may run meanwhile. Ctrl-C stops it.

    \b
    Examples:
      briefwatch serve
      briefwatch serve --port 9000
    """
    import ipaddress

    from briefwatch.jobs.webserver import make

    obj.read()  # a clear error when there is no database yet, and the schema is current
    obj.close()  # each request opens its own
    try:
        server = make(obj.config.storage_path, host, port, obj.config.names_file, obj.zone,
                      obj.config.base_url)
    except OSError as exc:
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_host, bound_port = server.effective_host, server.effective_port
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    try:
        loopback = ipaddress.ip_address(bound_host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        click.echo(f"briefwatch: warning: listening on {bound_host}: anyone who can reach this "
                   f"machine can read the database", err=True)
    click.echo(f"serving http://{shown}:{bound_port}/ (read-only; Ctrl-C to stop)")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
