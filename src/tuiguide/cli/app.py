"""``tuiguide tui``: open the Textual app (also what ``tuiguide`` alone does)."""

from __future__ import annotations

import click

from tuiguide.cli.common import Context, announce, fail, is_new_catalogue, pass_ctx, user_errors


@click.command("tui")
@pass_ctx
@user_errors
def tui_cmd(ctx: Context) -> None:
    """Open the app (the default when no command is given)."""
    from tuiguide.tui.app import make_app

    # make_app opens (and so validates, migrates and seeds) the file before the UI starts,
    # so a bad file gets a one-line error instead of a crashed screen.
    created = is_new_catalogue(ctx.db_path)
    app = make_app(ctx.db_path)
    # Said before the app takes the screen, so it is there to read once the app quits.
    announce(app.catalogue, created)
    app.run()
    if app.error_message:
        fail(app.error_message)
