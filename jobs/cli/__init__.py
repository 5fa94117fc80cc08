"""The `briefwatch` command: a thin click layer over jobs, crawler and storage, one module per
family of commands. Each command parses its options, calls a library function, and renders
the result (the JSON records of jobs.contract, the drawings of jobs.render).

- crawling.py: crawl, archive, compact, reindex
- reading.py: changes, list, show, history, search, serve
- diffing.py: diff
- languages.py: pairs, compare, exchanges
- exporting.py: export
- publishing.py: publish
- status.py: runs, sources
- daemon.py: schedule, jobs, notify, worker, workers
- starting.py: init, demo

The commands, their options and their JSON output are a contract with users' scripts (see the
README). Heavy libraries (Scrapy, trafilatura, apprise) are imported only by the commands that
need them, so that `briefwatch --help` and the read-only commands start fast.
"""

from __future__ import annotations

import sys
import traceback

import click

# Each family adds its commands to the group as it is imported.
from briefwatch.jobs.cli import (  # noqa: F401
    crawling,
    daemon,
    diffing,
    exporting,
    languages,
    publishing,
    reading,
    starting,
    status,
)
from briefwatch.jobs.cli.common import EXIT_FAILURE, EXIT_USAGE, Failure, safe
from briefwatch.jobs.cli.group import cli
from briefwatch.jobs.config import ConfigError

__all__ = ["cli", "main"]


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
        from briefwatch.storage.errors import StorageError, disk_trouble

        code = EXIT_USAGE if isinstance(exc, ConfigError) else getattr(exc, "code", EXIT_FAILURE)
        known = isinstance(exc, (ConfigError, Failure, StorageError))
        trouble = None if known else disk_trouble(exc)
        message = (str(exc) if known else
                   f"a write failed: {trouble}; free space on the disk and run the command "
                   f"again (what was stored before is kept)" if trouble else
                   f"{type(exc).__name__}: {exc} (run with --debug for details)")
        click.echo(f"briefwatch: error: {safe(message)}", err=True)
        sys.exit(code if isinstance(code, int) else EXIT_FAILURE)
