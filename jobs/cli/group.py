"""The `briefwatch` command group: the options every command shares, and bare `briefwatch`
as help. The command families (jobs/cli/*.py) add their commands to it."""

from __future__ import annotations

import click
from briefwatch.jobs.cli.common import Context

VERSION = "0.1.0"
# The commands that send notifications: they have apprise check every notification URL of the
# config (half a second of imports that the commands which only read are spared).
NOTIFYING = frozenset({"crawl", "archive", "notify", "schedule", "demo"})


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.option("--config", "config_option", metavar="PATH",
              help="Config file [default: $BRIEFWATCH_CONFIG or ./briefwatch.toml].")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(VERSION, prog_name="briefwatch")
@click.pass_context
def cli(ctx: click.Context, config_option: str | None, debug: bool) -> None:
    """Follow official press briefings: crawl transcript archives, keep every version,
    flag new, edited and removed transcripts, and show what changed.

    \b
    Example:
      briefwatch init && briefwatch crawl && briefwatch changes
    """
    ctx.obj = Context(config_option, debug, notifying=ctx.invoked_subcommand in NOTIFYING)
    # The command's database connection is closed when it ends, whatever way it ends.
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        # Bare `briefwatch`: what it can do, as help, not as a usage error.
        click.echo(ctx.get_help())
