"""``read``, ``fetch`` and ``links``: the text behind a resource's link, stored for offline
reading, and the health of every link."""

from __future__ import annotations

import sys

import click

from tuiguide.cli.common import Context, console, emit_json, pass_ctx, resource_id, user_errors
from tuiguide.core.text.sanitize import clean_text


@click.command("read")
@click.argument("item_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the text and its facts as JSON.")
@click.option("--refresh", is_flag=True, help="Fetch again even when the text is stored.")
@pass_ctx
@user_errors
def read_cmd(ctx: Context, item_id: str, as_json: bool, refresh: bool) -> None:
    """Print a resource's text (Markdown on a terminal, plain through a pipe).

    The text is fetched and stored first when it is not stored yet; afterwards reading
    needs no network.
    """
    from tuiguide.core.articles.fetch import read_article
    from tuiguide.core.articles.store import Target

    catalogue = ctx.catalogue()
    item = catalogue.require_item(resource_id(item_id))
    stored = read_article(catalogue, Target(item.url, item.link, item.id), refresh=refresh)
    if as_json:
        emit_json(stored.as_json(item.id))
        return
    article = stored.article
    facts = [x for x in (article.site, article.author, article.published) if x]
    facts.append(f"{article.reading_minutes} min read" if article.words else "no text")
    out = console()
    if out.is_terminal:
        from rich.markdown import Markdown
        from rich.text import Text

        out.print(Text(article.title, style="bold"))
        out.print(Text(" · ".join(facts), style="dim"))
        out.print(Text(stored.final_url, style="dim"))
        out.print()
        out.print(Markdown(article.text, hyperlinks=False))
        return
    click.echo(f"# {article.title}\n{' · '.join(facts)}\n{stored.final_url}\n")
    click.echo(article.text)


@click.command("fetch")
@click.argument("item_ids", metavar="[ID]...", nargs=-1)
@click.option("--topic", "topic_spec", help="Every resource of this topic (number or title).")
@click.option("--guide", "guide_spec", help="Every resource of this guide (slug or title).")
@click.option("--all", "fetch_all", is_flag=True, help="Every resource in every guide.")
@click.option("--refresh", is_flag=True,
              help="Fetch stored texts again too (a conditional GET; unchanged ones stay).")
@pass_ctx
@user_errors
def fetch_cmd(ctx: Context, item_ids: tuple[str, ...], topic_spec: str | None,
              guide_spec: str | None, fetch_all: bool, refresh: bool) -> None:
    """Fetch and store texts for offline reading.

    A bar on a terminal, quiet otherwise; failures are listed on stderr. Run it again after
    an interruption: texts already stored are skipped (unless --refresh).
    """
    from tuiguide.core.articles import store
    from tuiguide.core.articles.fetch import fetch_articles, pending
    from tuiguide.core.errors import UserError

    catalogue = ctx.catalogue()
    chosen = [bool(item_ids), bool(topic_spec or guide_spec), fetch_all]
    if sum(chosen) != 1:
        raise UserError("give IDs, --topic/--guide, or --all (one of them); "
                        "see 'tuiguide fetch --help'")
    if item_ids:
        ids = [resource_id(v) for v in item_ids]
        for rid in ids:
            catalogue.require_item(rid)
        targets = store.resource_targets(catalogue, ids=ids)
    else:
        guide_id = catalogue.find_guide(guide_spec).id if guide_spec else None
        topic_id = catalogue.find_topic(topic_spec, guide_id).id if topic_spec else None
        targets = store.resource_targets(catalogue, topic_id=topic_id, guide_id=guide_id)
    skipped = 0
    if not refresh and not item_ids:
        targets, skipped = pending(catalogue, targets)
    out = console()
    if out.is_terminal and targets:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("Fetching"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[failed]} failed"), console=out,
                      transient=True) as bar:
            task = bar.add_task("pages", total=len(targets), failed=0)
            failed = 0

            def advance(outcome: object) -> None:
                nonlocal failed
                failed += getattr(outcome, "result", "") == "failed"
                bar.update(task, advance=1, failed=failed)

            summary = fetch_articles(catalogue, targets, on_outcome=advance)
    else:
        summary = fetch_articles(catalogue, targets)
    summary.skipped = skipped
    for o in summary.outcomes:
        if o.result == "failed":
            click.echo(f"tuiguide: {clean_text(o.target.link)}: {clean_text(o.error)}", err=True)
    click.echo(summary.line(), err=not out.is_terminal)
    if summary.outcomes and summary.failed == len(summary.outcomes):
        sys.exit(1)


@click.command("links")
@click.option("--dead", "dead_only", is_flag=True, help="Only links marked dead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def links_cmd(ctx: Context, dead_only: bool, as_json: bool) -> None:
    """Each resource's link health: ok, failing, dead or unchecked (see 'tuiguide fetch')."""
    from tuiguide.core.articles import store

    checks = store.link_report(ctx.catalogue(), dead_only=dead_only)
    if as_json:
        emit_json([c.as_json() for c in checks])
        return
    if not checks:
        click.echo("no dead links" if dead_only else "no links")
        return
    out = console()
    if out.is_terminal:
        from rich.table import Table

        table = Table(box=None, show_edge=False)
        for name in ("ID", "State", "HTTP", "Checked", "URL"):
            table.add_column(name)
        for c in checks:
            table.add_row(str(c.id), c.state, str(c.http_status or ""), c.checked_at or "",
                          clean_text(c.link))
        out.print(table)
        return
    click.echo("id\tstate\thttp_status\tchecked_at\turl\tarchive_url")
    for c in checks:
        click.echo(f"{c.id}\t{c.state}\t{c.http_status or ''}\t{c.checked_at or ''}\t"
                   f"{clean_text(c.link)}\t{clean_text(c.archive_url)}")
