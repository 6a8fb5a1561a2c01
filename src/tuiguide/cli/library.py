"""Own links and tags from the shell: ``add URL``, ``tag ID NAME...``, ``tags``."""

from __future__ import annotations

import click

from tuiguide.cli.common import (
    Context,
    emit_json,
    parse_tier,
    pass_ctx,
    resource_id,
    user_errors,
)
from tuiguide.cli.rows import Column, Rows, output_format, print_rows
from tuiguide.core.text.sanitize import clean_text

TAG_ROWS: Rows[tuple[str, int]] = Rows(
    columns=(Column("Tag"), Column("Items", justify="right")),
    cells=lambda row: (row[0], str(row[1])),
    headers=("Tag", "Items"),
    fields=lambda row: (row[0], str(row[1])),
    to_json=lambda row: {"name": row[0], "count": row[1]},
)


@click.command("add")
@click.argument("url")
@click.option("--title", help="Title (default: read from the page).")
@click.option("--description", help="Description (default: read from the page).")
@click.option("--author", help="Author (default: read from the page when it is read).")
@click.option("--topic", "topic_spec", help="Topic number or title prefix (default: suggested).")
@click.option("--tier", "tier_spec", help="1, 2, 3 or none (default: suggested).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def add_cmd(ctx: Context, url: str, title: str | None, description: str | None,
            author: str | None, topic_spec: str | None, tier_spec: str | None,
            as_json: bool) -> None:
    """Add your own link to the guide: title, description and author from the page, topic
    and tier suggested from the guide (a URL already in the catalogue is not added twice)."""
    from tuiguide.core.library import links
    from tuiguide.core.library.store import DuplicateLink

    catalogue = ctx.catalogue()
    tier = parse_tier(tier_spec)
    found = links.existing(catalogue, url)
    if found is not None:
        raise DuplicateLink(found, links.check_url(url))
    if title is None or description is None:
        page = links.read_page(url.strip())
        if title is None:
            if not page.title:
                raise click.UsageError(
                    f"could not read a title from {clean_text(url, limit=200)} "
                    f"({page.error or 'the page has none'}); pass --title")
            title = page.title
        if description is None:
            description = page.description
        if author is None:
            author = page.author
    topic_id, suggested_tier = _where(catalogue, title, description or "", url, topic_spec)
    if tier_spec is None:
        tier = suggested_tier
    rid, _pid = links.add_link(catalogue, url, title=title, description=description or "",
                               topic_id=topic_id, tier=tier or None, author=author or "")
    item = catalogue.require_item(rid)
    if as_json:
        emit_json(item.as_json() | {"origin": item.origin})
    else:
        where = f"{item.topic_number + '. ' if item.topic_number else ''}{item.topic}"
        click.echo(f"Added {rid}: {clean_text(item.title)} -> {clean_text(where)}"
                   f"{f', Tier {item.tier}' if item.tier else ''}")


def _where(catalogue: object, title: str, description: str, url: str,
           topic_spec: str | None) -> tuple[int, int | None]:
    """The topic (given, else the suggester's first) and the suggested tier there."""
    from tuiguide.core.feeds.suggest import Suggester
    from tuiguide.core.store.catalogue import Catalogue

    assert isinstance(catalogue, Catalogue)
    suggester = Suggester(catalogue)
    if topic_spec is not None:
        topic_id = catalogue.find_topic(topic_spec).id
    else:
        found = suggester.suggest(title, description, None, url, n=1)
        if not found:
            raise click.UsageError("no topic to suggest (no guide yet); pass --topic")
        topic_id = found[0].topic_id
    return topic_id, suggester.tier_for(title, description, None, url, topic_id)


@click.command("tag")
@click.argument("item_id")
@click.argument("names", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these tags instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def tag_cmd(ctx: Context, item_id: str, names: tuple[str, ...], remove: bool,
            as_json: bool) -> None:
    """Tag a resource (NAME... added, or removed with --remove); commas split names too."""
    from tuiguide.core.library import store

    rid = resource_id(item_id)
    split = [part for name in names for part in name.split(",") if part.strip()]
    catalogue = ctx.catalogue()
    tags = (store.change_tags(catalogue, rid, remove=split) if remove
            else store.change_tags(catalogue, rid, add=split))
    if as_json:
        emit_json({"id": rid, "tags": tags})
    else:
        click.echo(f"{rid}: {', '.join(tags) if tags else '(no tags)'}")


@click.command("tags")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def tags_cmd(ctx: Context, as_json: bool) -> None:
    """Every tag in use, with how many resources carry it."""
    from tuiguide.core.library import store

    print_rows(TAG_ROWS, [store.tag_counts(ctx.catalogue())], output_format(as_json),
               empty="No tags yet (add some with 'tuiguide tag ID NAME').")
