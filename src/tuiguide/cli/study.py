"""Study commands: ``next``, ``stats``, ``log``, ``export`` and ``restore``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tuiguide.cli.main import Context, emit_json, main, pass_ctx, print_items, user_errors
from tuiguide.core.text.sanitize import clean_text


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _guide_id(ctx: Context, guide_spec: str | None) -> int | None:
    return ctx.catalogue().find_guide(guide_spec).id if guide_spec else None


@main.command("next")
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many items to list.")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def next_(ctx: Context, count: int, guide_spec: str | None, as_json: bool) -> None:
    """What to read next, in the guide's order: reading first, then Tier 1 of every topic,
    then Tier 2, then Tier 3."""
    from tuiguide.core.study.upnext import up_next, up_next_count

    catalogue = ctx.catalogue()
    guide_id = _guide_id(ctx, guide_spec)
    items = up_next(catalogue, guide_id, limit=count)
    if as_json:
        print_items(items, True)
        return
    if not items:
        click.echo("Nothing left to read: everything is done or skipped.")
        return
    left = up_next_count(catalogue, guide_id)
    click.echo(f"Up next ({len(items)} of {left} left):")
    print_items(items, False)


@main.command()
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def stats(ctx: Context, guide_spec: str | None, as_json: bool) -> None:
    """Progress per tier and topic, weekly activity, streak, pace and time to finish.

    Days and weeks are in your local time zone; weeks start on Monday.
    """
    from tuiguide.core.study.stats import compute_stats

    catalogue = ctx.catalogue()
    result = compute_stats(catalogue, guide_id=_guide_id(ctx, guide_spec))
    if as_json:
        emit_json(result.as_json())
        return
    from tuiguide.views.stats import render_stats

    _console().print(render_stats(result))


def _local_time(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return clean_text(stamp)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@main.command("log")
@click.option("--since", help="From this date: 2025-01-31, 2025-01-31T18:00, today, "
              "yesterday, 7d, 2w.")
@click.option("-n", "--limit", type=click.IntRange(min=1), help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (times in UTC).")
@pass_ctx
@user_errors
def log(ctx: Context, since: str | None, limit: int | None, as_json: bool) -> None:
    """Every status change and note edit, newest first (times in your local time zone)."""
    from tuiguide.core.study.history import events, parse_since

    since_stamp = parse_since(since) if since else None
    found = events(ctx.catalogue(), since=since_stamp, limit=limit)
    if as_json:
        emit_json([e.as_json() for e in found])
        return
    if not found:
        click.echo("No activity yet." if since is None else f"No activity since {since}.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("ID", justify="right")
    table.add_column("What", no_wrap=True)
    table.add_column("Title", overflow="fold")
    for e in found:
        table.add_row(
            _local_time(e.at),
            str(e.resource_id or ""),
            Text(clean_text(e.summary)),
            Text(clean_text(e.title or e.url or "", limit=200)),
        )
    _console().print(table)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="markdown: a study journal; json: a backup for restore.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to FILE (atomically) instead of printing.")
@pass_ctx
@user_errors
def export_(ctx: Context, fmt: str, output: Path | None) -> None:
    """Export your statuses and notes: a markdown study journal, or JSON for 'restore'."""
    from tuiguide.core.backup.export import json_export, markdown_journal, write_atomically

    catalogue = ctx.catalogue()
    text = markdown_journal(catalogue) if fmt == "markdown" else json_export(catalogue)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_atomically(output, text)
    click.echo(f"wrote {fmt} export to {clean_text(str(output))}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@user_errors
def restore(ctx: Context, file: Path, as_json: bool) -> None:
    """Merge a JSON export into this catalogue (the newest change wins; safe to repeat)."""
    from tuiguide.core.backup.restore import merge_export, read_export

    export = read_export(file)  # checked completely before the catalogue is even opened
    report = merge_export(ctx.catalogue(), export)
    if as_json:
        emit_json(report.as_json())
        return
    for warning in report.warnings:
        click.echo(f"warning: {clean_text(warning)}", err=True)
    click.echo(report.summary)
