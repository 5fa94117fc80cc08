"""Commands that start a user off: `init` (a commented config with the real sources) and
`demo` (the whole cycle offline, against a local copy of a briefing site)."""

from __future__ import annotations

from pathlib import Path

import click
from briefwatch.jobs.cli.common import EXIT_USAGE, Context, Failure, open_output, pass_ctx
from briefwatch.jobs.cli.group import cli
from briefwatch.jobs.config import resolve_config_path


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
    from briefwatch.jobs.rooms import ROOMS, default_config_text

    if list_rooms:
        for room in ROOMS:
            click.echo(f"{room.name:<11} {room.spider:<8} {room.languages:<3} "
                       + "\n                         ".join(room.start_urls)
                       + f"\n    reaches back: {room.cap}\n    {room.quirks}")
        return
    path = path or resolve_config_path(obj.config_option)
    if path.exists() and not force:
        raise Failure(f"{path} already exists: pass --force to overwrite it", EXIT_USAGE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror}") from None
    with open_output(path) as out:  # whole: never half a config, which a second init refuses
        out.write(default_config_text())
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
