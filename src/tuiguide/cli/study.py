"""Study commands: ``next`` (what to read now), ``stats`` (progress and pace), ``log`` (history)."""

from __future__ import annotations

from datetime import datetime

import click

from tuiguide.cli.common import Context, console, emit_json, pass_ctx, print_items, user_errors
from tuiguide.core.text.sanitize import clean_text


def _guide_id(ctx: Context, guide_spec: str | None) -> int | None:
    return ctx.catalogue().find_guide(guide_spec).id if guide_spec else None


@click.command("next")
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many items to list.")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def next_cmd(ctx: Context, count: int, guide_spec: str | None, as_json: bool) -> None:
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


@click.command("stats")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def stats_cmd(ctx: Context, guide_spec: str | None, as_json: bool) -> None:
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

    console().print(render_stats(result))


def _local_time(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return clean_text(stamp)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@click.command("log")
@click.option("--since", help="From this date: 2025-01-31, 2025-01-31T18:00, today, "
              "yesterday, 7d, 2w.")
@click.option("-n", "--limit", type=click.IntRange(min=1), help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (times in UTC).")
@pass_ctx
@user_errors
def log_cmd(ctx: Context, since: str | None, limit: int | None, as_json: bool) -> None:
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
    console().print(table)
