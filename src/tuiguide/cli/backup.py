"""Backup commands: ``export`` (a study journal, or JSON) and ``restore`` (merge JSON back)."""

from __future__ import annotations

from pathlib import Path

import click

from tuiguide.cli.common import Context, emit_json, fail, pass_ctx, user_errors
from tuiguide.core.text.sanitize import clean_text


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="markdown: a study journal; json: a backup for restore.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to FILE (atomically) instead of printing.")
@click.option("--with-articles", is_flag=True,
              help="JSON only: include the stored page texts (large; see 'tuiguide fetch').")
@pass_ctx
@user_errors
def export_cmd(ctx: Context, fmt: str, output: Path | None, with_articles: bool) -> None:
    """Export your statuses and notes: a markdown study journal, or JSON for 'restore'."""
    from tuiguide.core.backup.export import json_export, markdown_journal, write_atomically

    if with_articles and fmt != "json":
        fail("--with-articles needs --format json (the journal never holds page texts)")
    catalogue = ctx.catalogue()
    text = (markdown_journal(catalogue) if fmt == "markdown"
            else json_export(catalogue, with_articles=with_articles))
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_atomically(output, text)
    click.echo(f"wrote {fmt} export to {clean_text(str(output))}", err=True)


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--with-articles", is_flag=True,
              help="Also restore the stored page texts the file holds (newer fetch wins).")
@pass_ctx
@user_errors
def restore_cmd(ctx: Context, file: Path, as_json: bool, with_articles: bool) -> None:
    """Merge a JSON export into this catalogue (the newest change wins; safe to repeat)."""
    from tuiguide.core.backup.restore import merge_export, read_export

    # checked completely before the catalogue is even opened
    export = read_export(file, with_articles=with_articles)
    report = merge_export(ctx.catalogue(), export)
    if as_json:
        emit_json(report.as_json())
        return
    for warning in report.warnings:
        click.echo(f"warning: {clean_text(warning)}", err=True)
    click.echo(report.summary)
