"""How the listing commands print rows, for people and for scripts, and each kind of row.

At a terminal: a table. Through a pipe: tab-separated lines (a header line first), written
page by page as the core hands them over, so memory does not grow with the row count and
nothing measures every row. ``--json`` writes an array item by item (the same bytes as one
indented dump); ``--jsonl`` one compact object a line. No rows: one line saying so.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import click

from tuiguide.cli.common import console
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.stamps import parse_utc

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.feeds.refresh import Feed
    from tuiguide.core.models import Item
    from tuiguide.core.study.history import Event

Format = Literal["table", "tsv", "json", "jsonl"]
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

PAGE = 1000
"""Rows asked of the core at a time."""

GLYPHS = {"todo": "○", "reading": "◐", "done": "●", "skipped": "⊘"}


def format_options(fn: F) -> F:
    """``--json`` and ``--jsonl``, passed to the command as ``as_json`` and ``as_jsonl``."""
    fn = click.option("--jsonl", "as_jsonl", is_flag=True,
                      help="Print one JSON object a line.")(fn)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)


def output_format(as_json: bool = False, as_jsonl: bool = False) -> Format:
    """The format asked for, else a table for a terminal and tab-separated lines for a pipe."""
    if as_json and as_jsonl:
        raise click.UsageError("give --json or --jsonl, not both")
    if as_json:
        return "json"
    if as_jsonl:
        return "jsonl"
    return "table" if sys.stdout.isatty() else "tsv"


def paged(fetch: Callable[[int, int], Sequence[T]], *, limit: int | None = None,
          page: int = PAGE) -> Iterator[Sequence[T]]:
    """Pages from ``fetch(limit, offset)`` until the core runs dry or ``limit`` rows came."""
    offset = 0
    while limit is None or offset < limit:
        want = page if limit is None else min(page, limit - offset)
        rows = fetch(want, offset)
        if rows:
            yield rows
        if len(rows) < want:
            return
        offset += len(rows)


@dataclass(frozen=True)
class Column:
    """A table column (at a terminal)."""

    header: str
    justify: Literal["left", "right"] = "left"
    overflow: Literal["fold", "ellipsis"] = "fold"
    no_wrap: bool = False
    max_width: int | None = None


@dataclass(frozen=True)
class Rows(Generic[T]):
    """One kind of row in each output: table cells, tab-separated fields, a JSON object.

    ``fields`` must return single-line text (outside text through ``clean_text``).
    """

    columns: Sequence[Column]
    cells: Callable[[T], Sequence[RenderableType]]
    headers: Sequence[str]
    fields: Callable[[T], Sequence[str]]
    to_json: Callable[[T], dict[str, Any]]


def print_rows(rows: Rows[T], pages: Iterable[Sequence[T]], fmt: Format, *,
               empty: str) -> int:
    """Print every row of ``pages`` in ``fmt``; ``empty`` is the line shown when there is none.

    Returns how many rows were printed.
    """
    if fmt == "table":
        return _table(rows, pages, empty)
    count = 0
    for page in pages:
        if not page:
            continue
        if fmt == "tsv":
            lines = ["\t".join(rows.fields(row)) for row in page]
            if not count:
                lines.insert(0, "\t".join(rows.headers))
            click.echo("\n".join(lines))
        elif fmt == "jsonl":
            click.echo("\n".join(json.dumps(rows.to_json(row), ensure_ascii=False)
                                 for row in page))
        else:
            text = ",\n".join(_json_item(rows.to_json(row)) for row in page)
            click.echo(("[\n" if not count else ",\n") + text, nl=False)
        count += len(page)
    if fmt == "json":
        click.echo("\n]" if count else "[]")
    elif fmt == "tsv" and not count:
        click.echo(empty)
    return count


def _json_item(data: dict[str, Any]) -> str:
    """One element of an array dumped with ``indent=2``, as ``json.dumps`` writes it."""
    return "  " + json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def _table(rows: Rows[T], pages: Iterable[Sequence[T]], empty: str) -> int:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_header=True)
    for c in rows.columns:
        table.add_column(c.header, justify=c.justify, overflow=c.overflow, no_wrap=c.no_wrap,
                         max_width=c.max_width)
    for page in pages:
        for row in page:
            table.add_row(*rows.cells(row))
    if not table.row_count:
        click.echo(empty)
        return 0
    console().print(table)
    return table.row_count


# ------------------------------------------------------------------ rows shared by commands
def tier_label(tier: int | None) -> str:
    return f"T{tier}" if tier else "-"


def _item_cells(item: Item) -> Sequence[RenderableType]:
    from rich.text import Text

    return (
        str(item.id),
        GLYPHS.get(item.status, "?"),
        tier_label(item.tier),
        Text(clean_text(item.title, limit=300)),
        Text(clean_text(item.author or "", limit=60)),
    )


def _item_fields(item: Item) -> Sequence[str]:
    return (
        str(item.id),
        item.status,
        str(item.tier or ""),
        clean_text(item.title),
        clean_text(item.author or ""),
        clean_text(item.link),
    )


ITEM_ROWS: Rows[Item] = Rows(
    columns=(
        Column("ID", justify="right"),
        Column("", no_wrap=True),
        Column("Tier", no_wrap=True),
        Column("Title"),
        Column("Author", overflow="ellipsis", max_width=24),
    ),
    cells=_item_cells,
    headers=("ID", "Status", "Tier", "Title", "Author", "URL"),
    fields=_item_fields,
    to_json=lambda item: item.as_json(),
)
"""Guide items (``list``, ``next``, ``search``)."""


def _entry_cells(entry: InboxEntry) -> Sequence[RenderableType]:
    from rich.text import Text

    title = Text(clean_text(entry.title, limit=300))
    if entry.link is None:
        title.append("  (no web link)", style="dim")
    return (str(entry.id), entry.date, Text(clean_text(entry.feed_name, limit=40)), title)


def _entry_fields(entry: InboxEntry) -> Sequence[str]:
    return (
        str(entry.id),
        entry.date,
        clean_text(entry.feed_name),
        clean_text(entry.title),
        clean_text(entry.link or ""),
    )


ENTRY_ROWS: Rows[InboxEntry] = Rows(
    columns=(
        Column("ID", justify="right"),
        Column("Date", no_wrap=True),
        Column("Feed", overflow="ellipsis", max_width=20, no_wrap=True),
        Column("Title"),
    ),
    cells=_entry_cells,
    headers=("ID", "Date", "Feed", "Title", "URL"),
    fields=_entry_fields,
    to_json=lambda entry: entry.as_json(),
)
"""Feed entries (``inbox``, ``search in:inbox``); an entry with no safe link has no URL."""


def _local_time(stamp: str) -> str:
    try:
        moment = parse_utc(stamp)
    except ValueError:
        return clean_text(stamp)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _event_cells(event: Event) -> Sequence[RenderableType]:
    from rich.text import Text

    return (
        _local_time(event.at),
        str(event.resource_id or ""),
        Text(clean_text(event.summary)),
        Text(clean_text(event.title or event.url or "", limit=200)),
    )


def _event_fields(event: Event) -> Sequence[str]:
    return (
        _local_time(event.at),
        str(event.resource_id or ""),
        clean_text(event.summary),
        clean_text(event.title or event.url or ""),
    )


EVENT_ROWS: Rows[Event] = Rows(
    columns=(
        Column("When", no_wrap=True),
        Column("ID", justify="right"),
        Column("What", no_wrap=True),
        Column("Title"),
    ),
    cells=_event_cells,
    headers=("When", "ID", "What", "Title"),
    fields=_event_fields,
    to_json=lambda event: event.as_json(),
)
"""Study events (``log``)."""


def _short_time(value: str | None) -> str:
    return value.replace("T", " ")[:16] if value else "never"


FEED_STYLES = {"ok": "green", "warning": "yellow", "failing": "red", "new": "dim"}


def _feed_state(feed: Feed) -> str:
    return feed.state if feed.last_status is None else f"{feed.state} ({feed.last_status})"


def _feed_cells(feed: Feed) -> Sequence[RenderableType]:
    from rich.text import Text

    name = Text(clean_text(feed.name, limit=80))
    if feed.name != feed.link:  # an untitled feed is named by its URL: say it once
        name.append("\n" + clean_text(feed.link, limit=200), style="dim")
    if feed.error:
        name.append("\n" + clean_text(feed.error, limit=200), style=FEED_STYLES[feed.state])
    return (
        str(feed.id),
        name,
        Text(_feed_state(feed), style=FEED_STYLES[feed.state]),
        _short_time(feed.last_success_at),
        str(feed.stored_count),
        str(feed.new_count),
    )


def _feed_fields(feed: Feed) -> Sequence[str]:
    return (
        str(feed.id),
        _feed_state(feed),
        _short_time(feed.last_success_at),
        str(feed.stored_count),
        str(feed.new_count),
        clean_text(feed.title),
        clean_text(feed.link),
        clean_text(feed.error or ""),
    )


FEED_ROWS: Rows[Feed] = Rows(
    columns=(
        Column("ID", justify="right"),
        Column("Feed"),
        Column("State", no_wrap=True),
        Column("Last success", no_wrap=True),
        Column("Entries", justify="right"),
        Column("New", justify="right"),
    ),
    cells=_feed_cells,
    headers=("ID", "State", "Last success", "Entries", "New", "Title", "URL", "Error"),
    fields=_feed_fields,
    to_json=lambda feed: feed.as_json(),
)
"""Followed feeds (``feeds list``)."""
