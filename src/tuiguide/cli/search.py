"""``tuiguide search``: the app's search from the shell (same syntax, exact ranking)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tuiguide.cli.common import (
    Context,
    console,
    emit_json,
    fail,
    pass_ctx,
    print_items,
    user_errors,
)
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.search.engine import SearchResults


@click.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Show at most N results.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip the first N results.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def search_cmd(ctx: Context, words: tuple[str, ...], limit: int, offset: int, as_json: bool) -> None:
    """Search titles, authors, descriptions and notes, best match first.

    \b
    Words must all match; "a phrase" in quotes; OR between words; -word leaves out.
    Filters: tier:2  status:todo  topic:quant  guide:NAME  author:NAME  title:WORD
             in:notes (notes only)  in:inbox (feed entries in the Inbox)  in:feeds
    Filters alone list the matching items in guide order.
    """
    from tuiguide.core.search.engine import parse_query
    from tuiguide.core.search.engine import search as run_search

    query = " ".join(words)
    parsed = parse_query(query)
    if not query.strip():
        fail("nothing to search for; give words or a filter such as tier:1 (see --help)")
    results = run_search(ctx.catalogue(), parsed, limit=limit, offset=offset, rank_limit=None)
    if parsed.invalid:
        fail("; ".join(parsed.problems))
    if as_json:
        emit_json(results.as_json())
        return
    for problem in parsed.problems:
        click.echo(f"tuiguide: {clean_text(problem)}", err=True)
    if results.mode == "inbox":
        _print_entries(results)
    else:
        print_items([h.item for h in results.hits], False)
    shown = len(results.entries if results.mode == "inbox" else results.hits)
    if results.total == 0:
        click.echo("no matches", err=True)
    elif shown < results.total:
        click.echo(
            f"{offset + 1}-{offset + shown} of {results.total} results "
            "(--limit and --offset show more)",
            err=True,
        )


def _print_entries(results: SearchResults) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_header=True)
    table.add_column("ID", justify="right")
    table.add_column("Date", no_wrap=True)
    table.add_column("Feed", overflow="ellipsis", max_width=20)
    table.add_column("Title", overflow="fold")
    for hit in results.entries:
        e = hit.entry
        table.add_row(
            str(e.id), e.date, Text(clean_text(e.feed_name, limit=40)),
            Text(clean_text(e.title, limit=300)),
        )
    console().print(table)
