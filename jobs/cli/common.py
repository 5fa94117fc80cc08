"""What every command family shares: the command's context (config, database, clock), the
one-line failure, scraped text made safe for a terminal, colours, JSON Lines, and the small
checks several commands make."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from pathlib import Path

import click
from briefwatch.jobs.config import load_config, resolve_config_path

EXIT_FAILURE = 1
EXIT_USAGE = 2
EVENT_KINDS = ("new", "edited", "removed", "restored", "divergent")
# SQLite's integers are 64-bit: a count, an ID or a version past this is nothing stored, and
# must be refused as bad usage before it reaches a query (an OverflowError otherwise).
SQLITE_MAX = 2**63 - 1


class _Count(click.IntRange):
    """click's IntRange whose help says only the bound a user means ([x>=1])."""

    def _describe_range(self) -> str:
        return "" if self.min == -SQLITE_MAX - 1 else f"x>={self.min}"


def count(minimum: int | None = 1) -> click.IntRange:
    """The type of a --limit (`minimum` 1), --run, --version, --from or --to (None: any): a
    whole number SQLite holds."""
    return _Count(-SQLITE_MAX - 1 if minimum is None else minimum, SQLITE_MAX)
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
    """One command's view of the world: the config (read when first needed), the database
    (one read-only connection per command, closed when it ends) and the reader's clock."""

    def __init__(self, config_option: str | None, debug: bool, *, notifying: bool = True):
        self.config_option = config_option
        self.debug = debug
        self.notifying = notifying  # whether the config's notification URLs are checked
        self._config = None
        self._reader = None
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
            self._config = load_config(resolve_config_path(self.config_option),
                                       channels=self.notifying)
        return self._config

    def db(self, *, create: bool = False):
        """The database for writing; the caller closes it."""
        from briefwatch.storage.db import open_db

        return open_db(self.config.storage_path, create=create)

    def read(self):
        """The database for a command that only reads (storage.db.open_reader): read-only,
        even from a read-only folder; opened once per command and closed when it ends."""
        if self._reader is None:
            from briefwatch.storage.db import open_reader

            self._reader = open_reader(self.config.storage_path)
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


pass_ctx = click.make_pass_decorator(Context)


def utc_option(command):
    """--utc on a command that shows times: UTC rather than [crawl] timezone."""
    def remember(ctx: click.Context, param, value: bool) -> None:
        if value:
            ctx.find_object(Context).utc = True

    return click.option("--utc", is_flag=True, expose_value=False, callback=remember,
                        help="Show times in UTC [default: in [crawl] timezone].")(command)


def lookup(fn, *args):
    """storage's lookups (a transcript, a version) with NotFound as a one-line failure."""
    from briefwatch.storage.documents import NoSuchID, NotFound

    try:
        return fn(*args)
    except NoSuchID as exc:
        raise Failure(str(exc), EXIT_USAGE) from None
    except NotFound as exc:
        raise Failure(str(exc)) from None


def iso(value: str, zone: str = "UTC", *, day: bool = False) -> str:
    """A --since as a moment in UTC: an ISO 8601 date or time, or as people say it (`1d`,
    `12h`, `yesterday`, `monday`: jobs.when.since, days starting at midnight in `zone`);
    `day`: the date it falls on, for the filters of conference dates."""
    from briefwatch.jobs.when import BadSince, since

    try:
        return since(value, zone, day=day)
    except BadSince as exc:
        raise Failure(f"--since {value!r}: {exc}", EXIT_USAGE) from None


def check_source(obj: Context, db, source: str | None) -> None:
    """A --source must name a configured source, or one whose transcripts are stored (a
    source since dropped from the config): a typo is an error, not an empty answer."""
    from briefwatch.storage.documents import has_source

    if source and not any(s.name == source for s in obj.config.sources) \
            and not has_source(db, source):
        obj.config.source(source)  # raises, naming the configured ones


def echo_suspects(held: list[dict]) -> None:
    """Each fetch held back as not the transcript, with why: a page the site replaced by its
    error page, or an edit kept back until the next run confirms it."""
    for suspect in held:
        click.echo(f"  suspect: {safe(suspect['url'])}: {safe(suspect['reason'])}")


def warn_after_run(summary) -> None:
    """After a run: each channel that could not be told (jobs.notify.Delivery), and a feed
    that could not be written, in one line each."""
    for delivery in summary.deliveries:
        if not delivery.ok:
            click.echo(f"briefwatch: warning: notification to {delivery.channel} failed "
                       f"({safe(delivery.error)}); it will be sent at the next run", err=True)
    if summary.feed_error:
        click.echo(f"briefwatch: warning: {safe(summary.feed_error)}", err=True)


@contextlib.contextmanager
def open_output(path: Path | None, binary: bool = False):
    """Standard output, or the file -o names, written whole (jobs.wholefile): a failure to
    write it is one line, and leaves a file there as it was."""
    if path is None:
        import io

        sys.stdout.flush()  # what was echoed before comes first
        stream = sys.stdout.buffer
        if binary:
            yield stream
            return
        # UTF-8 whatever the locale says, as the README promises; flushed when the command ends
        # (not when the wrapper is collected), and stdout left open
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.flush()
            text.detach()
        return
    from briefwatch.jobs.wholefile import written_whole

    try:
        with written_whole(path, binary) as out:
            yield out
    except OSError as exc:
        kept = "; the file there is left as it was" if Path(path).exists() else ""
        raise Failure(f"cannot write {path}: {exc.strerror}{kept}") from None


@contextlib.contextmanager
def holding_the_database(path: Path):
    """The crawl lock on the database at `path`, for a command that writes it outside a run
    (`reindex`, `compact`, `notify`): a run holding it, or a full disk under it, is one line."""
    from briefwatch.storage.errors import disk_failures_said
    from briefwatch.storage.lock import Locked, crawl_lock

    try:
        with disk_failures_said(path), crawl_lock(path):
            yield
    except Locked as exc:
        raise Failure(str(exc)) from None


def require_sources(config) -> None:
    """A command that crawls needs [[sources]]."""
    from briefwatch.jobs.config import ConfigError

    if not config.sources:
        raise ConfigError(f"{config.path}: no [[sources]] configured; 'briefwatch init' writes "
                          f"an example")


def exchange_rows(obj: Context, source, outlet, spokesperson, since, *, removed=False,
                  opening=False):
    """(record, exchange) for every exchange of every version, each once, oldest conference
    first (storage.exchangehistory.exchanges_of_transcripts): the rows of `exchanges --json`
    and `export --unit exchanges`. `removed`: only those an edit removed; `opening`: exchange
    0 too."""
    from briefwatch.jobs.contract import exchange_record
    from briefwatch.storage.exchangehistory import exchanges_of_transcripts

    config = obj.config
    names = config.names()
    languages = {}
    for en, zh in config.series():
        languages[en.name], languages[zh.name] = "en", "zh"
    if source:
        config.source(source)
    for item in exchanges_of_transcripts(
            obj.read(), names, languages, source=source,
            outlet=names.outlet(outlet) if outlet else None,
            spokesperson=names.spokesperson(spokesperson) if spokesperson else None,
            since=since, removed=removed, opening=opening):
        yield exchange_record(item), item.exchange
