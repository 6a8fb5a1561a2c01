"""Guide commands: ``import``, ``topics``, ``list``, ``show``, ``status`` and ``note``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tuiguide.cli.common import (
    Context,
    console,
    emit_json,
    parse_tier,
    pass_ctx,
    require_tier,
    resource_id,
    user_errors,
)
from tuiguide.cli.rows import (
    GLYPHS,
    ITEM_ROWS,
    format_options,
    output_format,
    paged,
    print_rows,
    tier_label,
)
from tuiguide.core.models import STATUSES, Item, Topic
from tuiguide.core.text.sanitize import clean_text


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@user_errors
def import_cmd(ctx: Context, file: Path, as_json: bool) -> None:
    """Import a guide, or update one imported before (status and notes are kept)."""
    catalogue = ctx.catalogue()
    report = catalogue.import_file(file)
    if as_json:
        emit_json(
            {
                "guide": report.guide,
                "guide_id": report.guide_id,
                "added": report.added,
                "changed": report.changed,
                "removed": report.removed,
                "unchanged": report.unchanged,
                "topics": report.topics,
                "placements": report.placements,
                "resources": report.resources,
                "warnings": report.warnings,
            }
        )
        return
    for warning in report.warnings:
        click.echo(f"warning: {clean_text(warning)}", err=True)
    click.echo(
        f"{clean_text(report.guide)}: {report.summary} "
        f"({report.placements} items in {report.topics} topics)"
    )


def _tier_cell(topic: Topic, tier: int) -> str:
    c = topic.counts(tier)
    return f"{c.done}/{c.total}" if c.all else ""


@click.command("topics")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def topics_cmd(ctx: Context, guide_spec: str | None, as_json: bool) -> None:
    """Topics with per-tier counts and progress."""
    catalogue = ctx.catalogue()
    guides = [catalogue.find_guide(guide_spec)] if guide_spec else catalogue.guides()
    if as_json:
        out = []
        for g in guides:
            for t in catalogue.topics(g.id):
                out.append(
                    {
                        "id": t.id,
                        "guide": g.title,
                        "number": t.number,
                        "title": t.title,
                        "parent_id": t.parent_id,
                        "total": t.counts().as_dict(),
                        "tiers": {
                            str(tier or "untiered"): c.as_dict()
                            for tier, c in sorted(t.by_tier.items(), key=lambda kv: kv[0] or 99)
                        },
                    }
                )
        emit_json(out)
        return
    from rich.table import Table
    from rich.text import Text

    out_console = console()
    for g in guides:
        overall = catalogue.guide_counts(g.id)
        table = Table(
            title=Text(f"{clean_text(g.title)}  {overall.done}/{overall.total} "
                       f"({overall.percent:.0f}%)"),
            title_justify="left",
        )
        table.add_column("#", justify="right")
        table.add_column("Topic")
        for tier in (1, 2, 3):
            table.add_column(f"Tier {tier}", justify="right")
        table.add_column("Done", justify="right")
        for t in catalogue.topics(g.id):
            c = t.counts()
            indent = "  " if t.parent_id else ""
            table.add_row(
                t.number or "",
                Text(indent + clean_text(t.title)),
                _tier_cell(t, 1),
                _tier_cell(t, 2),
                _tier_cell(t, 3),
                f"{c.done}/{c.total}",
            )
        out_console.print(table)


@click.command("list")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--topic", "topic_spec", help="Topic number or case-insensitive title prefix.")
@click.option("--tier", help="1, 2, 3, or 'none' for untiered items.")
@click.option("--status", type=click.Choice(STATUSES), help="Only items with this status.")
@click.option("--removed", is_flag=True, help="Include items no longer in their guide.")
@format_options
@pass_ctx
@user_errors
def list_cmd(
    ctx: Context,
    guide_spec: str | None,
    topic_spec: str | None,
    tier: str | None,
    status: str | None,
    removed: bool,
    as_json: bool,
    as_jsonl: bool,
) -> None:
    """List items in guide order.

    At a terminal: a table. Through a pipe: tab-separated lines with a header line
    (ID, Status, Tier, Title, Author, URL), printed as they are read.
    """
    out = output_format(as_json, as_jsonl)
    tier_n = parse_tier(tier)
    catalogue = ctx.catalogue()
    guide_id = catalogue.find_guide(guide_spec).id if guide_spec else None
    topic_id = catalogue.find_topic(topic_spec, guide_id).id if topic_spec else None
    require_tier(catalogue, tier_n, guide_id)

    def page(limit: int, offset: int) -> list[Item]:
        return catalogue.items(guide_id, topic_id, tier_n, status, limit=limit, offset=offset,
                               include_removed=removed)

    print_rows(ITEM_ROWS, paged(page), out, empty="No items match.")


@click.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def show_cmd(ctx: Context, item_id: str, as_json: bool) -> None:
    """Everything about one item."""
    catalogue = ctx.catalogue()
    item = catalogue.require_item(resource_id(item_id))
    placements = catalogue.placements_of(item.id)
    if as_json:
        data = item.as_json()
        data["placements"] = [
            {"guide": p.guide, "topic": p.topic, "topic_number": p.topic_number, "tier": p.tier,
             "removed": p.removed}
            for p in placements
        ]
        emit_json(data)
        return
    from rich.text import Text

    out = Text()
    out.append(clean_text(item.title) + "\n", style="bold")
    out.append(clean_text(item.link) + "\n", style="underline")
    if item.author:
        out.append("by " + clean_text(item.author) + "\n")
    for p in placements or [item]:
        where = f"{p.topic_number}. {p.topic}" if p.topic_number else (p.topic or "-")
        removed_mark = " (removed from the guide)" if p.removed else ""
        out.append(
            f"{clean_text(p.guide or '')} › {clean_text(where)} · {tier_label(p.tier)}"
            f"{removed_mark}\n",
            style="dim",
        )
    status_at = f" since {item.status_at}" if item.status_at else ""
    out.append(f"Status: {item.status}{status_at}\n")
    if item.description:
        out.append("\n" + clean_text(item.description, multiline=True) + "\n")
    if item.note:
        out.append("\nNote:\n", style="bold")
        out.append(clean_text(item.note, multiline=True) + "\n")
    console().print(out, end="")


@click.command("status")
@click.argument("item_id")
@click.argument("new_status", metavar="todo|reading|done|skipped", type=click.Choice(STATUSES))
@pass_ctx
@user_errors
def status_cmd(ctx: Context, item_id: str, new_status: str) -> None:
    """Set an item's status (it changes in every topic the item sits in)."""
    item = ctx.catalogue().set_status(resource_id(item_id), new_status)
    click.echo(f"{item.id} {GLYPHS[item.status]} {item.status}: {clean_text(item.title)}")


@click.command("note")
@click.argument("item_id")
@click.option("--set", "text", help="Replace the note with TEXT ('' deletes it).")
@pass_ctx
@user_errors
def note_cmd(ctx: Context, item_id: str, text: str | None) -> None:
    """Edit an item's note in $EDITOR (print it when not at a terminal), or replace it
    with --set."""
    catalogue = ctx.catalogue()
    rid = resource_id(item_id)
    if text is None and sys.stdin.isatty() and sys.stdout.isatty():
        from tuiguide.cli.note_edit import edit_note

        click.echo(edit_note(catalogue, rid))
        return
    if text is None:
        body = catalogue.note(rid)
        if body:
            click.echo(clean_text(body, multiline=True))
        return
    catalogue.set_note(rid, text)
    click.echo(f"note saved for {rid}" if text.strip() else f"note deleted for {rid}")
