"""Review and goal commands: ``review`` (what is due, or rate one) and ``goal``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from tuiguide.cli.common import Context, emit_json, pass_ctx, resource_id, user_errors
from tuiguide.cli.rows import Column, Rows, output_format, print_rows, tier_label
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tuiguide.core.review.store import DueItem


def _local_day(stamp: str) -> str:
    from tuiguide.core.text.stamps import parse_utc

    return parse_utc(stamp).astimezone().strftime("%Y-%m-%d")


def _cells(row: DueItem) -> Sequence[RenderableType]:
    from rich.text import Text

    return (str(row.item.id), _local_day(row.card.due), tier_label(row.item.tier),
            Text(clean_text(row.item.title, limit=300)),
            Text(clean_text(row.item.topic or "", limit=60)))


def _fields(row: DueItem) -> Sequence[str]:
    return (str(row.item.id), row.card.due, str(row.item.tier or ""),
            clean_text(row.item.title), clean_text(row.item.topic or ""),
            f"{row.card.stability or 0:.2f}", f"{row.card.difficulty or 0:.2f}",
            str(row.card.reps), str(row.card.lapses))


DUE_ROWS: Rows[DueItem] = Rows(
    columns=(Column("ID", justify="right"), Column("Due", no_wrap=True),
             Column("Tier", no_wrap=True), Column("Title"),
             Column("Topic", overflow="ellipsis", max_width=30)),
    cells=_cells,
    headers=("ID", "Due", "Tier", "Title", "Topic", "Stability", "Difficulty", "Reps",
             "Lapses"),
    fields=_fields,
    to_json=lambda row: row.as_json(),
)


@click.command("review")
@click.argument("item_id", required=False)
@click.option("--rate", "rating", type=click.Choice(["again", "hard", "good", "easy"],
              case_sensitive=False), help="Record a review of ID rated this.")
@click.option("--due-by", "due_by", help="List what is due by then: 2026-01-31, today, "
              "+7d, +2w (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def review_cmd(ctx: Context, item_id: str | None, rating: str | None, due_by: str | None,
               as_json: bool) -> None:
    """Resources due for spaced review (marked done ones come back on an FSRS schedule),
    oldest due first; with ID and --rate, record a review."""
    from tuiguide.core.review import scheduler, store
    from tuiguide.core.text.stamps import parse_utc, utc_stamp

    catalogue = ctx.catalogue()
    now = parse_utc(catalogue.now())
    if item_id is not None or rating is not None:
        if item_id is None or rating is None:
            raise click.UsageError("give an ID and --rate again|hard|good|easy together")
        rid = resource_id(item_id)
        card = store.record_review(catalogue, rid, scheduler.rating_value(rating))
        if as_json:
            emit_json({"id": rid, "rating": rating.lower(), "due": card.due,
                       "stability": card.stability, "difficulty": card.difficulty,
                       "reps": card.reps, "lapses": card.lapses})
        else:
            click.echo(f"{rid}: rated {rating.lower()}; back "
                       f"{scheduler.interval_text(card.due, now)} ({_local_day(card.due)})")
        return
    by = utc_stamp(scheduler.parse_due_by(due_by, now))
    rows = store.due(catalogue, by, limit=100_000)
    print_rows(DUE_ROWS, [rows], output_format(as_json),
               empty="Nothing due for review." if due_by is None
               else f"Nothing due for review by {clean_text(due_by)}.")


@click.command("goal")
@click.argument("count", type=click.IntRange(min=0, max=1000), required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def goal_cmd(ctx: Context, count: int | None, as_json: bool) -> None:
    """Set the daily goal: resources finished plus reviews a day (0 turns it off); with no
    number, show it and today's count."""
    from tuiguide.core.review import goal, store

    catalogue = ctx.catalogue()
    if count is not None:
        store.set_goal(catalogue, count)
    state = goal.today(catalogue)
    if as_json:
        emit_json(state.as_json())
    elif state.goal:
        click.echo(f"Daily goal: {state.goal}; today {state.done}/{state.goal}; "
                   f"streak {state.streak} day{'s' if state.streak != 1 else ''}")
    else:
        click.echo(f"No daily goal (set one with 'tuiguide goal N'); today {state.done}")
