"""``tuiguide tui``: open the Textual app (also what ``tuiguide`` alone does)."""

from __future__ import annotations

import click

from tuiguide.cli.common import Context, fail, pass_ctx, user_errors
from tuiguide.core.text.sanitize import clean_text


@click.command("tui")
@pass_ctx
@user_errors
def tui_cmd(ctx: Context) -> None:
    """Open the app (the default when no command is given)."""
    from tuiguide.tui.app import make_app

    # make_app opens (and so validates, migrates and seeds) the file before the UI starts,
    # so a bad file gets a one-line error instead of a crashed screen.
    app = make_app(ctx.db_path)
    for notice in app.catalogue.notices:
        click.echo(clean_text(notice), err=True)
    app.run()
    if app.error_message:
        fail(app.error_message)
