"""The `briefwatch` command: a thin click layer over jobs, crawler and storage.

The commands, their options and their JSON output are a contract with users' scripts (see the
README). Heavy libraries (Scrapy, trafilatura, apprise) are imported only by the commands that
need them, so that `briefwatch --help` and the read-only commands start fast.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import traceback
from pathlib import Path

import click
from briefwatch.jobs.config import ConfigError, load_config, resolve_config_path

EXIT_FAILURE = 1
EXIT_USAGE = 2
EVENT_KINDS = ("new", "edited", "removed", "restored", "divergent")
# On a terminal each kind of event has its colour (click drops colours when the output is not
# a terminal; NO_COLOR=1 drops them everywhere).
KIND_COLOURS = {"new": "green", "edited": "yellow", "removed": "red", "restored": "cyan",
                "divergent": "magenta"}
# Scraped text is data: never let a page move the cursor or recolour a user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Failure(Exception):
    """A failure to report in one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def safe(text) -> str:
    return _CONTROL.sub("", "" if text is None else str(text))


def coloured(name: str, width: int = 0, label: str | None = None) -> str:
    """An event kind (or status) padded to `width`, in its colour."""
    import os

    text = f"{label or name:<{width}}"
    if os.environ.get("NO_COLOR"):
        return text
    return click.style(text, fg=KIND_COLOURS.get(name), bold=name != "new" or None)


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


class Context:
    def __init__(self, config_option: str | None, debug: bool):
        self.config_option = config_option
        self.debug = debug
        self._config = None
        self.utc = False  # --utc: times in UTC, not [crawl] timezone

    @property
    def zone(self) -> str:
        return "UTC" if self.utc else self.config.crawl.timezone

    def when(self, value: str | None) -> str:
        """A stored time as the reader's clock says it ([crawl] timezone, or UTC)."""
        from briefwatch.jobs.when import local

        return local(value, self.zone)

    @property
    def config(self):
        if self._config is None:
            self._config = load_config(resolve_config_path(self.config_option))
        return self._config

    def db(self, *, create: bool = False):
        from briefwatch.storage.db import open_db

        return open_db(self.config.storage_path, create=create)

    def read(self):
        """The database for a command that only reads: read-only, even from a read-only
        folder (storage.db.open_for_reading)."""
        from briefwatch.storage.db import open_for_reading

        return open_for_reading(self.config.storage_path)

    def reader(self):
        """The database for reading only: opens faster (storage.db.open_reader)."""
        from briefwatch.storage.db import open_reader

        return open_reader(self.config.storage_path)


pass_ctx = click.make_pass_decorator(Context)


def utc_option(command):
    """--utc on a command that shows times: UTC rather than [crawl] timezone."""
    def remember(ctx: click.Context, param, value: bool) -> None:
        if value:
            ctx.find_object(Context).utc = True

    return click.option("--utc", is_flag=True, expose_value=False, callback=remember,
                        help="Show times in UTC [default: in [crawl] timezone].")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
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
    if ctx.invoked_subcommand is None:
        # Bare `briefwatch`: what it can do, as help, not as a usage error.
        click.echo(ctx.get_help())


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
    from briefwatch.jobs.crawl import run
    from briefwatch.storage.lock import Locked

    config = obj.config
    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; 'briefwatch init' writes "
                          f"an example")
    if sys.stderr.isatty():
        progress = None if as_json else _Progress()
    else:
        progress = _ProgressLog(progress_every, list(sources) or [s.name for s in
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
        emit_json(summary.as_dict())
    else:
        click.echo(summary.line())
        _echo_suspects(summary.suspects)
    _warn_failed_deliveries(summary.deliveries)
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
    if unreachable and len(unreachable) == len(summary.sources):
        raise Failure(f"no source could be reached (run {summary.run}); check the start_urls "
                      f"and the network")


def _warn_failed_deliveries(deliveries) -> None:
    """After a run: each channel that could not be told, in one line (jobs.notify.Delivery)."""
    for delivery in deliveries:
        if not delivery.ok:
            click.echo(f"briefwatch: warning: notification to {delivery.channel} failed "
                       f"({safe(delivery.error)}); it will be sent at the next run", err=True)


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


@cli.command()
@click.option("--source", "source_names", metavar="S", multiple=True,
              help="Only this source (repeatable) [default: every source].")
@click.option("--url", metavar="URL|ID", help="Only this transcript.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Only captures made on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              help="Only captures made on or before this day.")
@click.option("--discover", is_flag=True,
              help="Also look for transcripts the listings no longer link (older than the "
                   "listing reaches, or deleted), under the sources' listing folders.")
@click.option("--json", "as_json", is_flag=True, help="Print the import's summary as JSON.")
@click.option("-v", "--verbose", is_flag=True,
              help="Show Scrapy's log (INFO) on stderr instead of logs/run-N.log.")
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
    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; 'briefwatch init' writes "
                          f"an example")
    if since and until and since > until:
        raise Failure("--since is after --until: no capture can be in that period", EXIT_USAGE)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = run(config, list(source_names) or None, url=url,
                      since=since.date().isoformat() if since else None,
                      until=until.date().isoformat() if until else None, discover=discover,
                      verbose=verbose)
    except (Locked, NotFound) as exc:
        raise Failure(str(exc)) from None
    if as_json:
        emit_json(summary.as_dict())
    else:
        for name in summary.sources:
            click.echo(safe(summary.line(name)))
        click.echo(f"run {summary.run} {summary.status} ({summary.seconds:.1f}s)")
    if summary.unreachable():
        raise Failure(f"the archive could not be reached (run {summary.run} failed, nothing "
                      f"changed): {safe(summary.unreachable())}; check [archive] cdx_url and "
                      f"the network")
    _warn_failed_deliveries(summary.deliveries)
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
class _ProgressLog:
    """Progress off a terminal, where a status line cannot redraw itself: every `every`
    seconds, a line saying what is crawled and what was handled so far, so that a log or a
    cron mail shows a long or stuck crawl for what it is. (None at the start: a crawl that
    fails at once says so in one line.)"""

    def __init__(self, every: float, sources: list[str]):
        import threading
        import time

        self.counts: dict[str, int] = {}
        self.sources = ", ".join(safe(s) for s in sources)
        self.every, self.clock, self.started = every, time.monotonic, time.monotonic()
        self.lock, self.done = threading.Lock(), threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)
        self.thread.start()

    def update(self, message: dict) -> None:
        with self.lock:
            self.counts[message["verb"]] = self.counts.get(message["verb"], 0) + 1

    def _beat(self) -> None:
        while not self.done.wait(self.every):
            with self.lock:
                counts = dict(self.counts)
            stored = (f"{sum(counts.values())} pages: "
                      + ", ".join(f"{n} {verb}" for verb, n in sorted(counts.items()))
                      if counts else "no page handled yet")
            click.echo(f"briefwatch: crawling {self.sources} for "
                       f"{self.clock() - self.started:.0f}s: {stored}", err=True)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


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

    from briefwatch.storage.lock import Locked, crawl_lock
    from briefwatch.storage.rawstore import compact as convert

    path = obj.config.storage_path
    before = path.stat().st_size if path.exists() else 0
    try:
        with crawl_lock(path):
            db = obj.db()
            try:
                def progress(k: int, total: int) -> None:
                    click.echo(f"briefwatch: compact: {k} of {total} transcripts", err=True)

                done = convert(db, progress=progress)
                if not no_vacuum:
                    db.execute("VACUUM")
            finally:
                db.close()
    except Locked as exc:
        raise Failure(str(exc)) from None
    after = os.stat(path).st_size
    saved = f"{done['before'] / 1024:.0f} KB of raw pages became {done['after'] / 1024:.0f} KB"
    turns = f", {done['turns']} versions' speaker turns packed" if done["turns"] else ""
    click.echo(f"compacted {done['versions']} versions of {done['transcripts']} transcripts "
               f"({saved}{turns}); the database went from {before / 1e6:.1f} MB to "
               f"{after / 1e6:.1f} MB")


# -- reading what was stored -----------------------------------------------------------------


@cli.command()
@utc_option
@click.option("--since", metavar="ISO", help="Only events detected at or after this time.")
@click.option("--kind", type=click.Choice(EVENT_KINDS), help="Only events of this kind.")
@click.option("--source", metavar="S", help="Only events of this source.")
@click.option("--run", "run_id", type=int, metavar="N", help="Only events found by run N.")
@click.option("--watch", "watch_name", metavar="NAME",
              help="Only events concerning the terms of [[watch]] NAME, the passages quoted.")
@click.option("--limit", type=click.IntRange(1), metavar="N", help="Only the N latest events.")
@click.option("--order", type=click.Choice(["newest", "oldest"]),
              help="Which come first [default: newest; with --json, oldest].")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one event per line.")
@pass_ctx
def changes(obj: Context, since, kind, source, run_id, watch_name, limit, order,
            as_json) -> None:
    """What was new, edited, removed or restored, newest first (with --json, oldest first,
    as a log is read).

    \b
    Examples:
      briefwatch changes --kind edited --limit 20
      briefwatch changes --run 12
      briefwatch changes --watch taiwan
      briefwatch changes --since 2026-11-01 --json | jq .url
    """
    from briefwatch.storage.documents import events
    from briefwatch.storage.text.diff import describe, named_summary
    from briefwatch.storage.text.kinds import kind_of

    watch = obj.config.watch(watch_name) if watch_name else None
    names = obj.config.names()
    if since:
        since = _iso(since)
    db = obj.read()
    _check_source(obj, db, source)
    if watch:
        found = _concerning(db, events(db, since=since, kind=kind, source=source, run=run_id),
                            watch)
        found = found[-limit:] if limit else found
    else:
        found = events(db, since=since, kind=kind, source=source, run=run_id, newest=limit)
    if (order or ("oldest" if as_json else "newest")) == "newest":
        found.reverse()
    for event in found:
        if as_json:
            emit_json({
                "kind": event["kind"], "url": event["url"], "title": event["title"],
                "source": event["source"], "version": event["version"],
                "detected_at": event["detected_at"], "run": event["run"],
                "summary": named_summary(event["summary"], names),
                **({"passages": event["passages"]} if watch else {}),
                "transcript_kind": kind_of(event["title"] or "", event["url"]),
            })
        else:
            detail = safe(describe(event["summary"], names))
            what = kind_of(event["title"] or "", event["url"])
            click.echo(f"{obj.when(event['detected_at'])}  {coloured(event['kind'], 8)} "
                       f"{safe(event['source'])}  "
                       f"v{event['version']}  {safe(event['title'])}"
                       + ("" if what == "briefing" else f"  ({what})")
                       + f"\n    {safe(event['url'])}"
                       + (f"\n    {detail}" if detail else ""))
            for passage in event.get("passages", ()):
                click.echo(f"    {watch.name}: {passage['change']} “{safe(passage['text'])}”")


def _check_source(obj: Context, db, source: str | None) -> None:
    """A --source must name a configured source, or one whose transcripts are stored (a
    source since dropped from the config): a typo is an error, not an empty answer."""
    if source and not any(s.name == source for s in obj.config.sources) and next(
            db.query("SELECT 1 FROM documents WHERE source = ? LIMIT 1", [source]), None) is None:
        obj.config.source(source)  # raises, naming the configured ones


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
        since = _iso(since)[:10]
    db = obj.read()
    if unpaired:
        for row in pairings.unpaired(db, series, source=source, since=since):
            if as_json:
                emit_json({"date": row["published"], "source": row["source"], "id": row["id"],
                           "url": row["url"], "title": row["title"],
                           "versions": row["versions"]})
            else:
                click.echo(f"{row['published'] or '?':<10}  {safe(row['source'])}  "
                           f"{safe(row['title'])}\n    {safe(row['url'])}")
        return
    names = config.names()
    for row in pairings.pairings(db, source=source, since=since, divergent=divergent):
        for language in ("en", "zh"):
            row[f"missing_in_{language}"] = [names.named_outlet(e)
                                             for e in row[f"missing_in_{language}"]]
        if as_json:
            emit_json({
                "date": row["conference"], "series": [row["en_source"], row["zh_source"]],
                "en": {"id": row["en_document"], "url": row["en_url"],
                       "version": row["en_version"], "exchanges": row["en_exchanges"]},
                "zh": {"id": row["zh_document"], "url": row["zh_url"],
                       "version": row["zh_version"], "exchanges": row["zh_exchanges"]},
                "matched": row["matched"], "missing_in_en": row["missing_in_en"],
                "missing_in_zh": row["missing_in_zh"], "merged": row["merged"],
                "uncertain": row["uncertain"],
            })
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
    from briefwatch.jobs.pages import render
    from briefwatch.storage.documents import find
    from briefwatch.storage.pairings import conference
    from briefwatch.storage.text.names import shown as named

    db = obj.read()
    doc = _lookup(find, db, ref)
    shown = conference(db, doc["id"], obj.config.names())
    if shown is None:
        raise Failure(f"transcript {doc['id']} is not paired with the other language: is its "
                      f"source part of a series (`pair` in the config), and is the conference "
                      f"published in both? ('briefwatch pairs --unpaired' lists those)")
    if fmt == "json":
        emit_json({"date": shown["date"], "divergent": shown["divergent"],
                   "uncertain": shown["uncertain"],
                   **{lang: {k: shown[lang][k] for k in ("id", "url", "source", "version",
                                                          "title")}
                      for lang in ("en", "zh")},
                   "rows": [{"state": row["state"],
                             **{lang: [_exchange_json(e) for e in row[lang]]
                                for lang in ("en", "zh")}} for row in shown["rows"]]})
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


def _exchange_json(e: dict) -> dict:
    return {k: e[k] for k in ("index", "outlet", "outlet_as_written", "spokesperson",
                              "spokesperson_as_written", "question", "answer", "first_words")}


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
        since = _iso(since)[:10]
    for row, exchange in _exchange_rows(obj, source, outlet, spokesperson, since,
                                        removed=removed, opening=with_opening):
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


def _first_line(text: str, width: int = 80) -> str:
    line = (text or "").split("\n", 1)[0]
    return line if len(line) <= width else line[:width - 1] + "…"


def _exchange_rows(obj: Context, source, outlet, spokesperson, since, *, removed=False,
                   opening=False):
    """(row, exchange) for every exchange of every version, each once
    (storage.exchangehistory), oldest conference first: the rows of `exchanges --json` and
    `export --unit exchanges`. `removed`: only those an edit removed; `opening`: exchange 0
    too."""
    from briefwatch.storage import pairings
    from briefwatch.storage.documents import list_documents, versions
    from briefwatch.storage.exchangehistory import exchange_history
    from briefwatch.storage.text.kinds import kind_of

    config = obj.config
    names = config.names()
    languages = {}
    for en, zh in config.series():
        languages[en.name], languages[zh.name] = "en", "zh"
    if source:
        config.source(source)
    want_outlet = names.outlet(outlet) if outlet else None
    want_person = names.spokesperson(spokesperson) if spokesperson else None
    db = obj.read()
    for doc in reversed(list_documents(db, source)):
        if since and (doc["published"] or "") < since:
            continue
        if removed and doc["versions"] < 2:
            continue  # one version: nothing was removed from it
        stored = versions(db, doc["id"])
        if not stored:
            continue
        latest = stored[-1]
        pairing, language = pairings.pairing_of(db, doc["id"])
        language = language or languages.get(doc["source"])
        paired = pairings.counterparts(pairing, language) if pairing else {}
        other = ("zh" if language == "en" else "en") if pairing else None
        kind = kind_of(latest["title"] or "", doc["url"])
        for exchange in exchange_history(stored, names):
            if exchange["index"] == 0 and not opening:
                continue
            if removed and exchange["last_version"] is None:
                continue
            if want_outlet and exchange["outlet"] != want_outlet:
                continue
            if want_person and exchange["spokesperson"] != want_person:
                continue
            # The pairing is of the latest versions: an exchange no longer there is in none.
            index, status = (paired.get(exchange["index"], (None, "unpaired"))
                             if exchange["last_version"] is None else (None, "unpaired"))
            yield {"conference": doc["published"], "source": doc["source"],
                   "language": language, "url": doc["url"], "version": exchange["version"],
                   **{k: exchange[k] for k in ("index", "outlet", "outlet_as_written",
                                               "spokesperson", "question", "answer")},
                   "paired": {"source": pairing[f"{other}_source"],
                              "url": pairing[f"{other}_url"], "index": index}
                   if index is not None else None,
                   "status": status,
                   "id": doc["id"], "title": latest["title"], "transcript_kind": kind,
                   "document_status": doc["status"],
                   **{k: exchange[k] for k in ("first_version", "last_version",
                                               "removed_at", "spokesperson_as_written")}}, \
                exchange


@cli.command("list")
@click.option("--source", metavar="S", help="Only transcripts of this source.")
@click.option("--since", metavar="DATE", help="Only conferences on or after this date.")
@click.option("--status", type=click.Choice(["active", "removed"]),
              help="Only transcripts still on the site, or only those removed from it.")
@click.option("--limit", type=click.IntRange(1), metavar="N",
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
        since = _iso(since)[:10]
    db = obj.read()
    _check_source(obj, db, source)
    rows = list_documents(db, source, since=since, status=status, limit=limit)
    if rows and not as_json:
        click.echo(f"{'ID':>6}  {'CONFERENCE':<10}  {'VER':<4} {'STATUS':<7} SOURCE  TITLE")
    for doc in rows:
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
    from briefwatch.storage.documents import copies, find, removed_since, status_changes, version

    db = obj.read()
    doc = _lookup(find, db, ref)
    ver = _lookup(version, db, doc["id"], n)
    others = copies(db, doc)
    if as_json:
        emit_json({
            "id": doc["id"], "url": doc["url"], "source": doc["source"], "title": ver["title"],
            "published": ver["published"], "status": doc["status"], "version": ver["n"],
            "versions": doc["versions"], "fetched_at": ver["fetched_at"],
            "origin": ver["origin"], "capture_url": ver["capture_url"], "sha256": ver["sha256"],
            "first_seen": doc["first_seen"], "last_seen": doc["last_seen"],
            "last_seen_in": doc["last_seen_in"],
            "meta": ver["meta"] or {}, "copies": others, "text": ver["text"],
        })
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
    from briefwatch.storage.text.diff import describe, named_summary

    names = obj.config.names()
    db = obj.read()
    doc = _lookup(find, db, ref)
    statuses = status_changes(db, doc["id"])
    for ver in history(versions(db, doc["id"])):
        summary = named_summary(ver["change"], names)
        if as_json:
            emit_json({"version": ver["n"], "fetched_at": ver["fetched_at"], "run": ver["run"],
                       "title": ver["title"], "paragraphs": ver["paragraphs"],
                       "characters": ver["characters"], "change": summary,
                       "status_changes": statuses.get(ver["n"], []),
                       "origin": ver["origin"], "capture_url": ver["capture_url"],
                       "sha256": ver["sha256"]})
            continue
        change = safe(describe(summary, names)) if summary else "first version"
        origin = "  (archive capture)" if ver["origin"] == "archive" else ""
        click.echo(f"v{ver['n']:<3} {obj.when(ver['fetched_at'])}  {ver['paragraphs']} paragraphs, "
                   f"{ver['characters']} characters  {change}{origin}")
        for status in statuses.get(ver["n"], []):
            why = f": {safe(status['reason'])}" if status["reason"] else ""
            click.echo(f"     {obj.when(status['detected_at'])}  "
                       f"{coloured(status['kind'], label=status['kind'].upper())}{why}"
                       + (f" (run {status['run']})" if status["run"] else ""))


DIFF_FORMATS = ("unified", "words", "side-by-side", "html", "json", "turns")


@cli.command()
@utc_option
@click.argument("ref", metavar="URL|ID")
@click.option("--from", "old", type=int, metavar="N", help="Old version [default: next to last].")
@click.option("--to", "new", type=int, metavar="M", help="New version [default: latest].")
@click.option("-U", "--context", "context_lines", type=click.IntRange(0), default=1,
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
    from briefwatch.storage.documents import find, version, versions
    from briefwatch.storage.text.diff import unified

    db = obj.reader()
    doc = _lookup(find, db, ref)
    numbers = [v["n"] for v in versions(db, doc["id"])]
    if len(numbers) < 2:
        click.echo(f"transcript {doc['id']} has only version {numbers[-1]}: nothing to compare "
                   f"yet", err=True)
        return
    if new is None:
        new = numbers[-1] if old is None or old < numbers[-1] else old + 1
    if old is None and new == 1:
        raise Failure(f"version 1 is the first of transcript {doc['id']}: give --from N to "
                      f"compare it with a later one", EXIT_USAGE)
    if old is None:
        old = new - 1
    for option, n in (("--to", new), ("--from", old)):
        # One rule for both ends: a version the transcript does not have is a usage error.
        if n not in numbers:
            raise Failure(f"{option} {n}: transcript {doc['id']} has versions 1 to "
                          f"{numbers[-1]}", EXIT_USAGE)
    b = _lookup(version, db, doc["id"], new)
    a = _lookup(version, db, doc["id"], old)
    if fmt != "unified":
        _diff_formatted(fmt, doc, a, b, context_lines, obj)
        return
    title_a, title_b = safe(a["title"]), safe(b["title"])
    if title_a != title_b:
        click.echo(click.style(f"title: - {title_a}\n       + {title_b}", bold=True))
    lines = unified(safe(a["text"]), safe(b["text"]), _label(a, obj), _label(b, obj),
                    context=context_lines)
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

    from briefwatch.jobs import diffview
    from briefwatch.storage.text.diff import compare
    from briefwatch.storage.text.turns import turns_of

    comparison = compare(a["text"], b["text"], turns_of(a), turns_of(b),
                         names=obj.config.names())
    labels = _label(a, obj), _label(b, obj)
    same = not any(block.op != "equal" for block in comparison.blocks)
    colour = sys.stdout.isatty()
    if fmt == "json":
        emit_json(diffview.as_json(comparison, doc, a, b))
        return
    if fmt == "html":
        from briefwatch.jobs.pages import diff_document

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
        lines = diffview.words(comparison, *labels, context, colour, safe)
    elif fmt == "side-by-side":
        width = shutil.get_terminal_size((120, 24)).columns
        lines = [diffview.side_by_side(comparison, *labels, context, width, colour, safe)]
    else:
        title_change = (a["title"], b["title"]) if title_a != title_b else None
        lines = diffview.turns(comparison, title_change, safe)
    for line in lines:
        click.echo(line)



@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one transcript per line.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
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
    from briefwatch.storage.search import BadQuery
    from briefwatch.storage.search import search as run_search

    names = obj.config.names() if outlet or spokesperson else None
    try:
        hits = run_search(obj.read(), query, limit,
                          outlet=names.outlet(outlet) if outlet else None,
                          spokesperson=names.spokesperson(spokesperson) if spokesperson
                          else None, names=names)
    except BadQuery as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    for hit in hits:
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
        click.echo(f"nothing matches {query!r}", err=True)


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

    from briefwatch.jobs.web import make

    obj.read().close()  # a clear error when there is no database yet, and the schema is current
    try:
        server = make(obj.config.storage_path, host, port, obj.config.names_file, obj.zone)
    except OSError as exc:
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_host, bound_port = server.server_address[:2]
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
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@utc_option
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one run per line.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@pass_ctx
def runs(obj: Context, as_json, limit) -> None:
    """Past crawl runs: when, how they ended, and what they found.

    \b
    Example:
      briefwatch runs --json | tail -n 1
    """
    from briefwatch.jobs.crawl import COUNTERS, RARE_COUNTERS
    from briefwatch.storage.runs import list_runs, suspects

    db = obj.read()
    rows = list_runs(db, limit)
    held = suspects(db, [row["id"] for row in rows])
    for row in rows:
        totals = {k: sum(int(s.get(k, 0) or 0) for s in row["stats"].values())
                  for k in COUNTERS + RARE_COUNTERS}
        if as_json:
            emit_json({"id": row["id"], "started": row["started"], "finished": row["finished"],
                       "status": row["status"], "sources": row["sources"],
                       "options": row["options"], "counts": totals, "stats": row["stats"],
                       "suspects": held[row["id"]]})
        else:
            counts = ", ".join(f"{n} {k}" for k, n in totals.items())
            ended = (f"finished {obj.when(row['finished'])} "
                     f"({_duration(row['started'], row['finished'])})"
                     if row["finished"] else "not finished")
            click.echo(f"{row['id']:>5}  {obj.when(row['started'])}  {ended}  "
                       f"{row['status']:<11} "
                       f"{counts}  [{', '.join(row['sources'])}]")
            if row["options"].get("archive"):
                from briefwatch.jobs.notify import import_line

                for name, stats in row["stats"].items():
                    click.echo(f"       {safe(name)}: {import_line(stats, row['id'])}")
            by_worker = _per_worker(row["stats"])
            if by_worker:
                click.echo("       workers: " + ", ".join(
                    f"{safe(w)} {n['pages']} pages/{n['requests']} requests"
                    for w, n in by_worker.items()))
            _echo_suspects(held[row["id"]])


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


def _echo_suspects(held: list[dict]) -> None:
    """Each fetch held back as not the transcript, with why: a page the site replaced by its
    error page, or an edit kept back until the next run confirms it."""
    for suspect in held:
        click.echo(f"  suspect: {safe(suspect['url'])}: {safe(suspect['reason'])}")


def _per_worker(stats: dict) -> dict[str, dict]:
    """A cluster run's counts per worker, all sources together."""
    out: dict[str, dict] = {}
    for source_stats in stats.values():
        for worker, counts in (source_stats.get("workers") or {}).items():
            total = out.setdefault(worker, {"pages": 0, "requests": 0})
            for key in total:
                total[key] += int(counts.get(key, 0) or 0)
    return dict(sorted(out.items()))


# New columns go at the end: a spreadsheet or script that reads them by position keeps working.
EXCHANGE_COLUMNS = ["conference", "source", "language", "url", "version", "index", "outlet",
                    "outlet_as_written", "spokesperson", "question", "answer", "paired_source",
                    "paired_url", "paired_index", "status", "id", "title", "transcript_kind",
                    "document_status", "first_version", "last_version", "removed_at",
                    "spokesperson_as_written"]
# Their Parquet types (the others are strings), whatever the rows hold: nulls allowed.
EXCHANGE_INTEGERS = {"version", "index", "paired_index", "id", "first_version", "last_version"}


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

    _check_source(obj, obj.read(), source)
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

    fields = ["url", "source", "title", "published", "first_seen", "last_seen", "versions",
              "status", "text"]
    with _output(output) as out:
        writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
        if writer:
            out.write("\ufeff")  # a byte-order mark: Excel reads the Chinese as UTF-8
            writer.writeheader()
        for row in export_rows(obj.read(), source):
            record = {k: row[k] for k in fields}
            if writer:
                writer.writerow(record)
            else:
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


@contextlib.contextmanager
def _output(path: Path | None, binary: bool = False):
    if path is None:
        yield click.get_binary_stream("stdout") if binary else click.get_text_stream("stdout")
        return
    try:
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8",
                                                   newline="") as out:
            yield out
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror}") from None


def _export_exchanges(obj: Context, fmt: str, source, output: Path | None,
                      with_opening: bool = False) -> None:
    """Flat rows (the paired exchange in three columns): CSV with a byte-order mark, so that
    Excel reads the Chinese as UTF-8; Parquet through pyarrow (pip install
    'briefwatch[parquet]')."""
    import csv

    rows = (row for row, _ in _exchange_rows(obj, source, None, None, None,
                                             opening=with_opening))
    if fmt == "jsonl":
        with _output(output) as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    flat = ({**{k: v for k, v in row.items() if k != "paired"},
             **{f"paired_{k}": (row["paired"] or {}).get(k) for k in ("source", "url", "index")}}
            for row in rows)
    if fmt == "csv":
        with _output(output) as out:
            out.write("\ufeff")
            writer = csv.DictWriter(out, fieldnames=EXCHANGE_COLUMNS)
            writer.writeheader()
            writer.writerows(flat)
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise Failure("--format parquet needs pyarrow: pip install 'briefwatch[parquet]'",
                      EXIT_USAGE) from None
    schema = pa.schema([(c, pa.int64() if c in EXCHANGE_INTEGERS else pa.string())
                        for c in EXCHANGE_COLUMNS])
    table = pa.Table.from_pylist(list(flat), schema=schema)
    with _output(output, binary=True) as out:
        pq.write_table(table, out, compression="zstd")


def _export_warc(obj: Context, source, url, output: Path | None) -> None:
    """WARC/1.1 through warcio (pip install 'briefwatch[warc]'); gzip per record unless the
    file is named *.warc."""
    from briefwatch.jobs.warcexport import write_warc
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
    document = _lookup(find, db, url)["id"] if url else None
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
    with _output(output, binary=True) as out:
        count = write_warc(out, evidence(db, source=source, document=document), info=info,
                           gzip=gzip)
    if output is not None:
        click.echo(f"wrote {count} version{'s' if count != 1 else ''} to {output}", err=True)


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
    db = obj.read() if obj.config.storage_path.exists() else obj.db(create=True)
    spiders = {s.name: s for s in config.sources}
    for row in source_summaries(db, list(spiders)):
        source = spiders[row["source"]]
        row = {"source": source.name, "spider": source.spider,
               "start_urls": list(source.start_urls), **row}
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


# -- running nightly -----------------------------------------------------------------------------


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
        emit_json(state)
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
    A run missed while the daemon was down runs once when it starts. Logs go to stderr.

    \b
    Examples:
      briefwatch schedule --log-file /var/log/briefwatch.log
      briefwatch schedule --cluster
    """
    from briefwatch.jobs.scheduler import configure_logging, run_daemon

    config = obj.config
    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; nothing to schedule")
    if cluster and not config.cluster.redis_url:
        raise ConfigError(f"{config.path}: --cluster needs [cluster] redis_url")
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
            emit_json(job)
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
        from briefwatch.storage.lock import Locked, crawl_lock

        try:
            # The crawl lock also keeps two senders from delivering one digest twice.
            with crawl_lock(config.storage_path):
                db = obj.db(create=True)
                try:
                    results = notifications.send_pending(config, db)
                finally:
                    db.close()
        except Locked as exc:
            raise Failure(str(exc)) from None
    for result in results:
        if as_json:
            emit_json({"channel": result.channel, "ok": result.ok, "events": result.events,
                       "error": result.error or None})
        else:
            state = "ok" if result.ok else f"FAILED: {safe(result.error)}"
            click.echo(f"{result.channel}  {state}"
                       + (f"  ({result.events} events)" if result.events else ""))
    if not results and not as_json:
        click.echo("nothing to send", err=True)
    if any(not r.ok for r in results):
        raise Failure(f"{sum(not r.ok for r in results)} of {len(results)} channels failed")


# -- setting up -----------------------------------------------------------------------------------


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--list", "list_rooms", is_flag=True,
              help="Show the briefing rooms the file offers, and write nothing.")
@pass_ctx
def init(obj: Context, path, force, list_rooms) -> None:
    """Write a commented config file with the real official sources: the Foreign Ministry's
    press conferences, and every other briefing room briefwatch knows, commented out.

    \b
    Examples:
      briefwatch init
      briefwatch init ~/briefings/briefwatch.toml
      briefwatch init --list
    """
    from importlib.resources import files

    if list_rooms:
        from briefwatch.jobs.rooms import ROOMS

        for room in ROOMS:
            click.echo(f"{room.name:<11} {room.spider:<8} {room.languages:<3} "
                       + "\n                         ".join(room.start_urls)
                       + f"\n    reaches back: {room.cap}\n    {room.quirks}")
        return
    path = path or resolve_config_path(obj.config_option)
    if path.exists() and not force:
        raise Failure(f"{path} already exists: pass --force to overwrite it", EXIT_USAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    template = files("briefwatch.jobs").joinpath("default_config.toml")
    path.write_text(template.read_text("utf-8"), "utf-8")
    click.echo(f"wrote {path}; next: briefwatch --config {path} crawl")


@cli.command()
@click.option("--dir", "workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo site, config and database here [default: a temporary folder].")
@click.option("--serve", is_flag=True,
              help="Keep the demo site up afterwards (with --dir), to edit it and crawl again.")
@pass_ctx
def demo(obj: Context, workdir, serve) -> None:
    """Offline demo: serve a local copy of a briefing site, crawl it, publish a new briefing
    and an edit, crawl again, and show the flags and the diff.

    \b
    Example:
      briefwatch demo
    """
    from briefwatch.jobs.demo import run_demo

    def command(args: list[str]) -> None:
        cli.main(args, prog_name="briefwatch", standalone_mode=False)

    if serve and workdir is None:
        raise Failure("--serve keeps the demo site up for crawling it again: give it a folder "
                      "with --dir DIR", EXIT_USAGE)
    run_demo(workdir, echo=click.echo, command=command, serve=serve)


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
    from briefwatch.storage.documents import NotFound

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
        from briefwatch.storage.db import StorageError

        code = EXIT_USAGE if isinstance(exc, ConfigError) else getattr(exc, "code", EXIT_FAILURE)
        known = isinstance(exc, (ConfigError, Failure, StorageError))
        message = (str(exc) if known
                   else f"{type(exc).__name__}: {exc} (run with --debug for details)")
        click.echo(f"briefwatch: error: {safe(message)}", err=True)
        sys.exit(code if isinstance(code, int) else EXIT_FAILURE)


if __name__ == "__main__":
    main()
