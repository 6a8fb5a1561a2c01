"""The ``tuiguide`` command: a thin click layer over the core.

Every user mistake surfaces as one line on stderr and exit status 2 (no traceback).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from tuiguide import __version__
from tuiguide.core.errors import UserError
from tuiguide.core.models import STATUSES, Item
from tuiguide.core.text.sanitize import clean_text

EXIT_USER_ERROR = 2


class Context:
    """Carries the catalogue path; opens the catalogue lazily, once per command."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._catalogue = None

    def catalogue(self, *, seed: bool = True):
        if self._catalogue is None:
            from tuiguide.core.store.catalogue import Catalogue

            self._catalogue = Catalogue.open(self.db_path, seed=seed)
            for notice in self._catalogue.notices:
                click.echo(clean_text(notice), err=True)
        return self._catalogue

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()
            self._catalogue = None


pass_ctx = click.make_pass_decorator(Context)


def fail(message: str) -> None:
    """Print a one-line error and exit 2."""
    click.echo(f"tuiguide: {clean_text(message)}", err=True)
    sys.exit(EXIT_USER_ERROR)


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn core errors into one-line messages (the user sees no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            fail(str(exc))
        except sqlite3.DatabaseError as exc:
            from tuiguide.core.store.connection import describe_sqlite_error

            ctx = click.get_current_context().find_object(Context)
            fail(describe_sqlite_error(exc, ctx.db_path if ctx else "catalogue"))
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)

    return wrapper


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _tier_label(tier: int | None) -> str:
    return f"T{tier}" if tier else "-"


GLYPHS = {"todo": "○", "reading": "◐", "done": "●", "skipped": "⊘"}


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
        click_ctx.invoke(tui)


@main.command()
@pass_ctx
@user_errors
def tui(ctx: Context) -> None:
    """Open the app (the default when no command is given)."""
    import gc

    # Start-up allocates much and frees little: no cycle collections (~60 ms of them) until
    # the app has drawn its first frame; it turns them back on then (ui.app).
    gc.disable()
    from tuiguide.tui.app import make_app

    # make_app opens (and so validates, migrates and seeds) the file before the UI starts,
    # so a bad file gets a one-line error instead of a crashed screen.
    app = make_app(ctx.db_path)
    for notice in app.catalogue.notices:
        click.echo(clean_text(notice), err=True)
    app.run()
    # The process ends here: keep Python's final collection at exit from walking every object
    # the app made (the app unfreezes start-up's heap on unmount, for tests that run many
    # apps in one process): ~0.1 s of every quit.
    gc.freeze()
    if getattr(app, "error_message", None):
        fail(app.error_message)


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
@user_errors
def import_(ctx: Context, file: Path, as_json: bool) -> None:
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


@main.command()
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def topics(ctx: Context, guide_spec: str | None, as_json: bool) -> None:
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

    console = _console()
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
            def cell(tier: int, t=t) -> str:
                c = t.counts(tier)
                return f"{c.done}/{c.total}" if c.all else ""

            c = t.counts()
            indent = "  " if t.parent_id else ""
            table.add_row(
                t.number or "",
                Text(indent + clean_text(t.title)),
                cell(1),
                cell(2),
                cell(3),
                f"{c.done}/{c.total}",
            )
        console.print(table)


def _parse_tier(value: str | None) -> int | None:
    if value is None:
        return None
    if value.lower() in ("none", "untiered", "0"):
        return 0
    if value.isdigit() and 1 <= int(value) <= 9:
        return int(value)
    raise UserError(f"bad tier {value!r}; use 1, 2, 3 (or 'none' for untiered items)")


def print_items(items: list[Item], as_json: bool) -> None:
    if as_json:
        emit_json([i.as_json() for i in items])
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_header=True)
    table.add_column("ID", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Tier", no_wrap=True)
    table.add_column("Title", overflow="fold")
    table.add_column("Author", overflow="ellipsis", max_width=24)
    for i in items:
        table.add_row(
            str(i.id),
            GLYPHS.get(i.status, "?"),
            _tier_label(i.tier),
            Text(clean_text(i.title, limit=300)),
            Text(clean_text(i.author or "", limit=60)),
        )
    _console().print(table)


@main.command("list")
@click.option("--guide", "guide_spec", help="Only this guide (ID, slug or title prefix).")
@click.option("--topic", "topic_spec", help="Topic number or case-insensitive title prefix.")
@click.option("--tier", help="1, 2, 3, or 'none' for untiered items.")
@click.option("--status", type=click.Choice(STATUSES), help="Only items with this status.")
@click.option("--removed", is_flag=True, help="Include items no longer in their guide.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def list_(
    ctx: Context,
    guide_spec: str | None,
    topic_spec: str | None,
    tier: str | None,
    status: str | None,
    removed: bool,
    as_json: bool,
) -> None:
    """List items in guide order."""
    tier_n = _parse_tier(tier)
    catalogue = ctx.catalogue()
    guide_id = catalogue.find_guide(guide_spec).id if guide_spec else None
    topic_id = catalogue.find_topic(topic_spec, guide_id).id if topic_spec else None
    items = catalogue.items(
        guide_id, topic_id, tier_n, status, limit=1_000_000, include_removed=removed
    )
    print_items(items, as_json)


def _resource_id(value: str) -> int:
    if not value.strip().isdigit():
        raise UserError(f"bad ID {value!r}; IDs are numbers (see 'tuiguide list')")
    return int(value)


@main.command()
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def show(ctx: Context, item_id: str, as_json: bool) -> None:
    """Everything about one item."""
    catalogue = ctx.catalogue()
    item = catalogue.require_item(_resource_id(item_id))
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

    console = _console()
    out = Text()
    out.append(clean_text(item.title) + "\n", style="bold")
    out.append(clean_text(item.link) + "\n", style="underline")
    if item.author:
        out.append("by " + clean_text(item.author) + "\n")
    for p in placements or [item]:
        where = f"{p.topic_number}. {p.topic}" if p.topic_number else (p.topic or "-")
        removed_mark = " (removed from the guide)" if p.removed else ""
        out.append(
            f"{clean_text(p.guide or '')} › {clean_text(where)} · {_tier_label(p.tier)}"
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
    console.print(out, end="")


@main.command()
@click.argument("item_id")
@click.argument("new_status", metavar="todo|reading|done|skipped", type=click.Choice(STATUSES))
@pass_ctx
@user_errors
def status(ctx: Context, item_id: str, new_status: str) -> None:
    """Set an item's status (it changes in every topic the item sits in)."""
    item = ctx.catalogue().set_status(_resource_id(item_id), new_status)
    click.echo(f"{item.id} {GLYPHS[item.status]} {item.status}: {clean_text(item.title)}")


@main.command()
@click.argument("item_id")
@click.option("--set", "text", help="Replace the note with TEXT ('' deletes it).")
@pass_ctx
@user_errors
def note(ctx: Context, item_id: str, text: str | None) -> None:
    """Edit an item's note in $EDITOR (print it when not at a terminal), or replace it
    with --set."""
    catalogue = ctx.catalogue()
    rid = _resource_id(item_id)
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


from tuiguide.cli import feeds as cli_feeds  # noqa: E402,F401,I001
from tuiguide.cli import search as cli_search  # noqa: E402,F401,I001
from tuiguide.cli import study as cli_study  # noqa: E402,F401,I001
