"""The ``tuiguide`` command: the top-level group and, in one place, the commands it holds.

Each command group lives in its own module and is added here explicitly; no module
imports this one back.
"""

from __future__ import annotations

from pathlib import Path

import click

from tuiguide import __version__
from tuiguide.cli import app, backup, feeds, guide, search, study
from tuiguide.cli.common import Context


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    envvar="TUIGUIDE_DB",
    help="Catalogue file (default: your user data dir; env TUIGUIDE_DB).",
)
@click.version_option(__version__, prog_name="tuiguide")
@click.pass_context
def main(click_ctx: click.Context, db_path: Path | None) -> None:
    """A keyboard-driven terminal study companion for curated learning guides.

    Run with no command to open the app.
    """
    from tuiguide.core.paths import default_db_path

    ctx = Context(db_path or default_db_path())
    click_ctx.obj = ctx
    click_ctx.call_on_close(ctx.close)
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(app.tui_cmd)


COMMANDS: tuple[click.Command, ...] = (
    app.tui_cmd,
    guide.import_cmd,
    guide.topics_cmd,
    guide.list_cmd,
    guide.show_cmd,
    guide.status_cmd,
    guide.note_cmd,
    study.next_cmd,
    study.stats_cmd,
    study.log_cmd,
    backup.export_cmd,
    backup.restore_cmd,
    search.search_cmd,
    feeds.feeds_group,
    feeds.refresh_cmd,
    feeds.inbox_cmd,
    feeds.file_cmd,
    feeds.dismiss_cmd,
)
"""Every command of ``tuiguide``, as ``--help`` lists them (alphabetically)."""

for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
