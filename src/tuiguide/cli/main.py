"""The ``tuiguide`` command: the top-level group and, in one place, the commands it holds.

Each command group lives in its own module and is added here explicitly; no module
imports this one back.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from tuiguide import __version__
from tuiguide.cli import app, backup, feeds, guide, library, reader, review, search, study
from tuiguide.cli.common import EXIT_USER_ERROR, Context
from tuiguide.core.text.sanitize import clean_text


def usage_error(exc: click.UsageError) -> NoReturn:
    """Click's usage errors (unknown command or option, bad choice, missing argument) as one
    line on stderr, like every other mistake, instead of its Usage/Try/Error block."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    where = exc.ctx.command_path if exc.ctx is not None else "tuiguide"
    click.echo(f"tuiguide: {clean_text(message)} (see '{where} --help')", err=True)
    sys.exit(EXIT_USER_ERROR)


class OneLineErrors(click.Group):
    """A group whose usage errors, and those of every command under it, are one line.

    Parsing happens in ``make_context`` (this group's own options) and ``invoke`` (finding
    and parsing the command); ``--help`` and ``--version`` are not errors and pass through.
    """

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            usage_error(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            usage_error(exc)


@click.group(
    cls=OneLineErrors,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    study.undo_cmd,
    backup.export_cmd,
    backup.restore_cmd,
    search.search_cmd,
    feeds.feeds_group,
    feeds.refresh_cmd,
    feeds.inbox_cmd,
    feeds.file_cmd,
    feeds.dismiss_cmd,
    review.review_cmd,
    review.goal_cmd,
    library.add_cmd,
    library.tag_cmd,
    library.tags_cmd,
    reader.read_cmd,
    reader.fetch_cmd,
    reader.links_cmd,
)
"""Every command of ``tuiguide``, as ``--help`` lists them (alphabetically)."""

for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
