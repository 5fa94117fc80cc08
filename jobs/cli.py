"""The `briefwatch` command: a thin click layer over jobs, crawler and storage.

The commands, their options and their JSON output are a contract with users' scripts (see the
README). Heavy libraries (Scrapy, trafilatura, apprise) are imported only by the commands that
need them, so that `briefwatch --help` and the read-only commands start fast.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from pathlib import Path

import click

from jobs.config import ConfigError, load_config, resolve_config_path

EXIT_FAILURE = 1
EXIT_USAGE = 2
EVENT_KINDS = ("new", "edited", "removed", "restored")
# Scraped text is data: never let a page move the cursor or recolour a user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Failure(Exception):
    """A failure to report in one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def safe(text) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


class Context:
    def __init__(self, config_option: str | None, debug: bool):
        self.config_option = config_option
        self.debug = debug
        self._config = None

    @property
    def config(self):
        if self._config is None:
            self._config = load_config(resolve_config_path(self.config_option))
        return self._config

    def db(self, *, create: bool = False):
        from storage.db import open_db

        return open_db(self.config.storage_path, create=create)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_option", metavar="PATH",
              help="Config file [default: $BRIEFWATCH_CONFIG or ./briefwatch.toml].")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option("0.1.0", prog_name="briefwatch")
@click.pass_context
def cli(ctx: click.Context, config_option: str | None, debug: bool) -> None:
    """Follow official press briefings: crawl transcript archives, keep every version,
    flag new, edited and removed transcripts, and show what changed.

    \b
    Example:
      briefwatch init && briefwatch crawl && briefwatch changes
    """
    ctx.obj = Context(config_option, debug)


# -- crawling ------------------------------------------------------------------------------------


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
@pass_ctx
def crawl(obj: Context, sources, backfill, revisit, as_json, verbose) -> None:
    """Crawl every configured source (or the SOURCEs named) once.

    Safe to run from cron: one crawl at a time per database; exit 0 when the run completed,
    even if some pages failed (they are counted, and retried next run).

    \b
    Examples:
      briefwatch crawl
      briefwatch crawl mfa-en --backfill
      briefwatch crawl --revisit all --json
    """
    from jobs.nightly import run
    from storage.lock import Locked

    config = obj.config
    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; 'briefwatch init' writes "
                          f"an example")
    progress = _Progress() if sys.stderr.isatty() and not as_json else None
    try:
        summary = run(config, list(sources) or None, backfill=backfill, revisit=revisit,
                      verbose=verbose, on_page=progress.update if progress else None)
    except Locked as exc:
        raise Failure(str(exc)) from None
    finally:
        if progress:
            progress.stop()
    if as_json:
        emit_json(summary.as_dict())
    else:
        click.echo(summary.line())
    if summary.status != "completed":
        raise Failure(f"run {summary.run} {summary.status}: the crawl process did not complete; "
                      f"run with --verbose to see why")
    log_errors = summary.total("log_errors")
    if log_errors and summary.log_file:
        click.echo(f"briefwatch: warning: {log_errors} errors logged; see {summary.log_file}",
                   err=True)
    unreachable = summary.unreachable()
    for name, failure in unreachable.items():
        click.echo(f"briefwatch: warning: source {name}: listing unreachable: {safe(failure)}",
                   err=True)
    if unreachable and len(unreachable) == len(summary.sources):
        raise Failure(f"no source could be reached (run {summary.run}); check the start_urls "
                      f"and the network")


class _Progress:
    def __init__(self):
        from rich.console import Console

        self.counts: dict[str, int] = {}
        self.status = Console(stderr=True).status("crawling…")
        self.status.start()

    def update(self, message: dict) -> None:
        self.counts[message["verb"]] = self.counts.get(message["verb"], 0) + 1
        counts = ", ".join(f"{n} {verb}" for verb, n in sorted(self.counts.items()))
        self.status.update(f"crawling {safe(message['source'])}: {counts}")

    def stop(self) -> None:
        self.status.stop()


# -- reading what was stored -----------------------------------------------------------------


@cli.command()
@click.option("--since", metavar="ISO", help="Only events detected at or after this time.")
@click.option("--kind", type=click.Choice(EVENT_KINDS), help="Only events of this kind.")
@click.option("--source", metavar="S", help="Only events of this source.")
@click.option("--run", "run_id", type=int, metavar="N", help="Only events found by run N.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one event per line.")
@pass_ctx
def changes(obj: Context, since, kind, source, run_id, as_json) -> None:
    """What was new, edited, removed or restored, oldest first.

    \b
    Examples:
      briefwatch changes --kind edited
      briefwatch changes --run 12
      briefwatch changes --since 2026-11-01 --json | jq .url
    """
    from storage.diff import describe
    from storage.documents import events

    if since:
        since = _iso(since)
    db = obj.db()
    for event in events(db, since=since, kind=kind, source=source, run=run_id):
        if as_json:
            emit_json({
                "kind": event["kind"], "url": event["url"], "title": event["title"],
                "source": event["source"], "version": event["version"],
                "detected_at": event["detected_at"], "run": event["run"],
                "summary": event["summary"],
            })
        else:
            detail = describe(event["summary"])
            click.echo(f"{event['detected_at']}  {event['kind']:<8} {safe(event['source'])}  "
                       f"v{event['version']}  {safe(event['title'])}\n    {safe(event['url'])}"
                       + (f"\n    {detail}" if detail else ""))


@cli.command("list")
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one transcript per line.")
@pass_ctx
def list_(obj: Context, source, as_json) -> None:
    """Stored transcripts, newest conference first.

    \b
    Example:
      briefwatch list --source mfa-en
    """
    from storage.documents import list_documents

    for doc in list_documents(obj.db(), source):
        if as_json:
            emit_json(doc)
        else:
            click.echo(f"{doc['id']:>6}  {doc['published'] or '?':<10}  v{doc['versions']:<3} "
                       f"{doc['status']:<7} {safe(doc['source'])}  {safe(doc['title'])}")


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--version", "n", type=int, metavar="N", help="Show version N [default: latest].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_ctx
def show(obj: Context, ref, n, as_json) -> None:
    """One transcript: its metadata and the text of a version.

    \b
    Examples:
      briefwatch show 12
      briefwatch show https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202402/t20240207_11240863.html
    """
    from storage.documents import find, version

    db = obj.db()
    doc = _lookup(find, db, ref)
    ver = _lookup(version, db, doc["id"], n)
    if as_json:
        emit_json({
            "id": doc["id"], "url": doc["url"], "source": doc["source"], "title": ver["title"],
            "published": ver["published"], "status": doc["status"], "version": ver["n"],
            "versions": doc["versions"], "fetched_at": ver["fetched_at"],
            "first_seen": doc["first_seen"], "last_seen": doc["last_seen"], "text": ver["text"],
        })
        return
    click.echo(safe(ver["title"]))
    click.echo(f"{safe(doc['url'])}\nsource {safe(doc['source'])} · conference "
               f"{ver['published'] or 'unknown'} · version {ver['n']} of {doc['versions']} · "
               f"fetched {ver['fetched_at']} · {doc['status']}\n")
    click.echo(safe(ver["text"]).replace("\n", "\n\n"))


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one version per line.")
@pass_ctx
def history(obj: Context, ref, as_json) -> None:
    """Every stored version of a transcript, numbered from 1, with the size of each change.

    \b
    Example:
      briefwatch history 12
    """
    from storage.diff import change_summary, describe, paragraphs
    from storage.documents import find, versions

    db = obj.db()
    doc = _lookup(find, db, ref)
    previous = None
    for ver in versions(db, doc["id"]):
        summary = change_summary(previous, ver["text"]) if previous is not None else None
        size = len(paragraphs(ver["text"]))
        if as_json:
            emit_json({"version": ver["n"], "fetched_at": ver["fetched_at"], "run": ver["run"],
                       "title": ver["title"], "paragraphs": size, "characters": len(ver["text"]),
                       "change": summary})
        else:
            change = describe(summary) if summary else "first version"
            click.echo(f"v{ver['n']:<3} {ver['fetched_at']}  {size} paragraphs, "
                       f"{len(ver['text'])} characters  {change}")
        previous = ver["text"]


@cli.command()
@click.argument("ref", metavar="URL|ID")
@click.option("--from", "old", type=int, metavar="N", help="Old version [default: next to last].")
@click.option("--to", "new", type=int, metavar="M", help="New version [default: latest].")
@click.option("-U", "--context", "context_lines", type=click.IntRange(0), default=1,
              show_default=True, help="Unchanged paragraphs shown around each change.")
@pass_ctx
def diff(obj: Context, ref, old, new, context_lines) -> None:
    """What changed between two versions: a unified diff, one paragraph a line.

    '-' lines were removed, '+' lines added; colour on a terminal only.

    \b
    Examples:
      briefwatch diff 12
      briefwatch diff 12 --from 1 --to 3 | less
    """
    from storage.diff import unified
    from storage.documents import find, version, versions

    db = obj.db()
    doc = _lookup(find, db, ref)
    numbers = [v["n"] for v in versions(db, doc["id"])]
    if new is None:
        new = numbers[-1]
    if old is None:
        old = new - 1
    if old < 1 or len(numbers) < 2:
        click.echo(f"transcript {doc['id']} has only version {new}: nothing to compare yet",
                   err=True)
        return
    a, b = _lookup(version, db, doc["id"], old), _lookup(version, db, doc["id"], new)
    title_a, title_b = safe(a["title"]), safe(b["title"])
    if title_a != title_b:
        click.echo(click.style(f"title: - {title_a}\n       + {title_b}", bold=True))
    lines = unified(safe(a["text"]), safe(b["text"]), f"v{old} {a['fetched_at']}",
                    f"v{new} {b['fetched_at']}", context=context_lines)
    if not lines:
        click.echo(f"v{old} and v{new} have the same text", err=True)
    colours = {"-": "red", "+": "green", "@": "cyan"}
    for line in lines:
        fg = None if line.startswith(("---", "+++")) else colours.get(line[:1])
        click.echo(click.style(line, fg=fg, bold=line.startswith(("---", "+++"))))


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one transcript per line.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@pass_ctx
def search(obj: Context, query, as_json, limit) -> None:
    """Find a passage in every stored version, including passages later removed.

    QUERY is matched as a phrase anywhere in a title or text (at least 3 characters,
    case-insensitive). Each result names the versions that hold it.

    \b
    Examples:
      briefwatch search "Time will prove"
      briefwatch search 钓鱼岛 --json
    """
    from storage.search import BadQuery
    from storage.search import search as run_search

    try:
        hits = run_search(obj.db(), query, limit)
    except BadQuery as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    for hit in hits:
        if as_json:
            emit_json(hit)
        else:
            listed = ", ".join(f"v{n}" for n in hit["versions"])
            click.echo(f"{hit['id']:>6}  {hit['published'] or '?'}  {safe(hit['title'])} "
                       f"({listed})\n    {safe(hit['url'])}\n    {safe(hit['snippet'])}")
    if not hits and not as_json:
        click.echo(f"nothing matches {query!r}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one run per line.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@pass_ctx
def runs(obj: Context, as_json, limit) -> None:
    """Past crawl runs: when, how they ended, and what they found.

    \b
    Example:
      briefwatch runs --json | tail -n 1
    """
    from jobs.nightly import COUNTERS
    from storage.runs import list_runs

    for row in list_runs(obj.db(), limit):
        totals = {k: sum(int(s.get(k, 0) or 0) for s in row["stats"].values()) for k in COUNTERS}
        if as_json:
            emit_json({"id": row["id"], "started": row["started"], "finished": row["finished"],
                       "status": row["status"], "sources": row["sources"],
                       "options": row["options"], "counts": totals, "stats": row["stats"]})
        else:
            counts = ", ".join(f"{n} {k}" for k, n in totals.items())
            click.echo(f"{row['id']:>5}  {row['started']}  {row['status']:<11} {counts}  "
                       f"[{', '.join(row['sources'])}]")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@pass_ctx
def export(obj: Context, fmt, source) -> None:
    """Every transcript with its latest text, one object (or CSV row) per transcript.

    \b
    Examples:
      briefwatch export > transcripts.jsonl
      briefwatch export --format csv --source mfa-zh > mfa-zh.csv
    """
    import csv

    from storage.documents import export_rows

    fields = ["url", "source", "title", "published", "first_seen", "last_seen", "versions",
              "status", "text"]
    out = click.get_text_stream("stdout")
    writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for row in export_rows(obj.db(), source):
        record = {k: row[k] for k in fields}
        if writer:
            writer.writerow(record)
        else:
            emit_json(record)


# -- setting up -----------------------------------------------------------------------------------


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_ctx
def init(obj: Context, path, force) -> None:
    """Write a commented config file with the real official sources.

    \b
    Examples:
      briefwatch init
      briefwatch init ~/briefings/briefwatch.toml
    """
    from importlib.resources import files

    path = path or resolve_config_path(obj.config_option)
    if path.exists() and not force:
        raise Failure(f"{path} already exists: pass --force to overwrite it", EXIT_USAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(files("jobs").joinpath("default_config.toml").read_text("utf-8"), "utf-8")
    click.echo(f"wrote {path}; next: briefwatch --config {path} crawl")


@cli.command()
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo site, config and database here [default: a temporary folder].")
@pass_ctx
def demo(obj: Context, workdir) -> None:
    """Offline demo: serve a local copy of a briefing site, crawl it, publish a new briefing
    and an edit, crawl again, and show the flags and the diff.

    \b
    Example:
      briefwatch demo
    """
    from jobs.demo import run_demo

    run_demo(workdir, echo=click.echo)


def _iso(value: str) -> str:
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Failure(f"--since {value!r} is not an ISO 8601 date or time "
                      f"(e.g. 2026-11-01 or 2026-11-01T08:00)", EXIT_USAGE) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat(timespec="seconds")


def _lookup(fn, *args):
    from storage.documents import NotFound

    try:
        return fn(*args)
    except NotFound as exc:
        raise Failure(str(exc)) from None


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="briefwatch", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("briefwatch: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        # One line, not click's usage block: scripts and cron mail read the first line.
        command = click.get_current_context(silent=True)
        hint = "briefwatch --help"
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f"{exc.ctx.command_path} --help"
        elif command is not None:
            hint = f"{command.command_path} --help"
        click.echo(f"briefwatch: error: {exc.format_message()} (see '{hint}')", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("briefwatch: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, an exit code
        if debug:
            traceback.print_exc()
        from storage.db import StorageError

        code = EXIT_USAGE if isinstance(exc, ConfigError) else getattr(exc, "code", EXIT_FAILURE)
        known = isinstance(exc, (ConfigError, Failure, StorageError))
        message = (str(exc) if known
                   else f"{type(exc).__name__}: {exc} (run with --debug for details)")
        click.echo(f"briefwatch: error: {safe(message)}", err=True)
        sys.exit(code if isinstance(code, int) else EXIT_FAILURE)


if __name__ == "__main__":
    main()
