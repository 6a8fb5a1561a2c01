"""Study commands: ``next`` (what to read now), ``stats`` (progress and pace), ``log`` (history),
``undo`` (take the last change back)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tuiguide.cli.common import Context, console, emit_json, pass_ctx, user_errors
from tuiguide.cli.rows import (
    EVENT_ROWS,
    ITEM_ROWS,
    format_options,
    output_format,
    paged,
    print_rows,
)
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.models import Item


def _guide_id(ctx: Context, guide_spec: str | None) -> int | None:
    return ctx.catalogue().find_guide(guide_spec).id if guide_spec else None


@click.command("next")
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many items to list.")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@format_options
@pass_ctx
@user_errors
def next_cmd(ctx: Context, count: int, guide_spec: str | None, as_json: bool,
             as_jsonl: bool) -> None:
    """What to read next, in the guide's order: reading first, then Tier 1 of every topic,
    then Tier 2, then Tier 3."""
    from tuiguide.core.study.upnext import up_next, up_next_count

    out = output_format(as_json, as_jsonl)
    catalogue = ctx.catalogue()
    guide_id = _guide_id(ctx, guide_spec)
    left = up_next_count(catalogue, guide_id)
    if out in ("table", "tsv") and left:
        # A caption, not a row: on stderr, so a pipe gets only the rows.
        click.echo(f"Up next ({min(count, left)} of {left} left):", err=True)

    def page(limit: int, offset: int) -> list[Item]:
        return up_next(catalogue, guide_id, limit=limit, offset=offset)

    print_rows(ITEM_ROWS, paged(page, limit=count), out,
               empty="Nothing left to read: everything is done or skipped.")


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


@click.command("log")
@click.option("--since", help="From this date: 2025-01-31, 2025-01-31T18:00, today, "
              "yesterday, 7d, 2w.")
@click.option("-n", "--limit", type=click.IntRange(min=1), help="At most this many events.")
@format_options
@pass_ctx
@user_errors
def log_cmd(ctx: Context, since: str | None, limit: int | None, as_json: bool,
             as_jsonl: bool) -> None:
    """Every change you made, newest first: statuses, notes, filings and dismissals, own
    links and tags, with what undo took back (times in your local time zone; in UTC with
    --json and --jsonl)."""
    from tuiguide.core.study.history import events, parse_since

    out = output_format(as_json, as_jsonl)
    since_stamp = parse_since(since) if since else None
    found = events(ctx.catalogue(), since=since_stamp, limit=limit)
    empty = "No activity yet." if since is None else f"No activity since {clean_text(since)}."
    print_rows(EVENT_ROWS, [found], out, empty=empty)


@click.command("undo")
@pass_ctx
@user_errors
def undo_cmd(ctx: Context) -> None:
    """Take back the last change: a status, a note edit, an Inbox dismissal or a filing.

    Run it again to go further back; it works across restarts of the app.
    """
    from tuiguide.core.study.undo import undo_last

    result = undo_last(ctx.catalogue())
    click.echo(result.message)
