"""``tuiguide search``: the app's search from the shell (same syntax, exact ranking)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tuiguide.cli.common import Context, emit_json, fail, pass_ctx, user_errors
from tuiguide.cli.rows import (
    ENTRY_ROWS,
    ITEM_ROWS,
    Rows,
    format_options,
    output_format,
    print_rows,
)
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from tuiguide.core.search.engine import EntryHit, Hit

def _hit_cells(hit: Hit) -> Sequence[RenderableType]:
    """An item's cells; found only in its stored article, the matching sentence under the
    title."""
    cells = list(ITEM_ROWS.cells(hit.item))
    if hit.article:
        from rich.text import Text

        title = Text(clean_text(hit.item.title, limit=300))
        title.append("\nin article: ", style="dim")
        title.append(clean_text(hit.article, limit=300), style="italic")
        cells[3] = title
    return cells


HIT_ROWS: Rows[Hit] = Rows(
    columns=ITEM_ROWS.columns,
    cells=_hit_cells,
    headers=(*ITEM_ROWS.headers, "Found in"),
    fields=lambda hit: (*ITEM_ROWS.fields(hit.item), ",".join(hit.matched)),
    to_json=lambda hit: hit.as_json(),
)
"""Guide items found, with their score and matches in JSON; through a pipe, the item's
fields and then where the words were found (``title,description``; ``article`` for a hit
in the stored page text only; empty for filters alone)."""

ENTRY_HIT_ROWS: Rows[EntryHit] = Rows(
    columns=ENTRY_ROWS.columns,
    cells=lambda hit: ENTRY_ROWS.cells(hit.entry),
    headers=ENTRY_ROWS.headers,
    fields=lambda hit: ENTRY_ROWS.fields(hit.entry),
    to_json=lambda hit: hit.as_json(),
)
"""Feed entries found (``in:inbox``, ``in:feeds``)."""


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Show at most N results.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip the first N results.")
@format_options
@pass_ctx
@user_errors
def search_cmd(ctx: Context, words: tuple[str, ...], limit: int, offset: int,
               as_json: bool, as_jsonl: bool) -> None:
    """Search titles, authors, descriptions, notes and stored page text, best match first.

    \b
    Words must all match; "a phrase" in quotes; OR between words; -word leaves out.
    Filters: tier:2  status:todo  topic:quant  guide:NAME  tag:NAME  author:NAME  title:WORD
             in:notes (notes only)  in:inbox (feed entries in the Inbox)  in:feeds
             in:article (stored page text, see `tuiguide fetch`)  dead:yes (dead links)
    Filters alone list the matching items in guide order.
    --json prints one object (query, total, results); --jsonl one result a line;
    through a pipe, tab-separated rows end with where the words were found.
    """
    from tuiguide.core.search.engine import parse_query
    from tuiguide.core.search.engine import search as run_search

    out = output_format(as_json, as_jsonl)
    query = " ".join(words)
    if not query.strip():
        fail("nothing to search for; give words or a filter such as tier:1 (see --help)")
    parsed = parse_query(query)
    if parsed.invalid:
        fail("; ".join(parsed.problems))
    results = run_search(ctx.catalogue(), parsed, limit=limit, offset=offset, rank_limit=None)
    if out == "json":
        emit_json(results.as_json())
        return
    for problem in parsed.problems:
        click.echo(f"tuiguide: {clean_text(problem)}", err=True)
    empty = (f"No matches for {clean_text(query)!r}." if not results.total
             else f"Nothing after the first {results.total} results (--offset {offset}).")
    if results.mode == "inbox":
        shown = print_rows(ENTRY_HIT_ROWS, [results.entries], out, empty=empty)
    else:
        shown = print_rows(HIT_ROWS, [results.hits], out, empty=empty)
    if 0 < shown < results.total:
        click.echo(
            f"{offset + 1}-{offset + shown} of {results.total} results "
            "(--limit and --offset show more)",
            err=True,
        )
