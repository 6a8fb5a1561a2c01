"""Feed commands: ``feeds list|add|remove|import|export``, ``refresh``, ``inbox``, ``file``,
``dismiss``.

Everything a feed sends is outside text: it is printed through ``clean_text`` inside rich
``Text`` objects (never parsed as markup).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tuiguide.cli.common import (
    Context,
    console,
    emit_json,
    fail,
    parse_tier,
    pass_ctx,
    user_errors,
)
from tuiguide.cli.rows import ENTRY_ROWS, FEED_ROWS, format_options, output_format, print_rows
from tuiguide.core.errors import UserError
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.feeds.fetch import FetchSettings


def _settings(timeout: float | None = None, jobs: int | None = None) -> FetchSettings:
    from tuiguide.core.feeds.fetch import FetchSettings

    kwargs: dict[str, float | int] = {}
    if timeout is not None:
        if timeout <= 0:
            raise UserError(f"bad --timeout {timeout:g}; give seconds above 0")
        kwargs["timeout"] = timeout
        kwargs["connect_timeout"] = timeout
    if jobs is not None:
        if jobs < 1:
            raise UserError(f"bad --jobs {jobs}; give 1 or more")
        kwargs["max_parallel"] = jobs
    return FetchSettings(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- feeds group
@click.group("feeds", invoke_without_command=True)
@click.pass_context
def feeds_group(click_ctx: click.Context) -> None:
    """The feeds you follow (default: list them)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(feeds_list)


@feeds_group.command("list")
@format_options
@pass_ctx
@user_errors
def feeds_list(ctx: Context, as_json: bool = False, as_jsonl: bool = False) -> None:
    """Each feed with its state: last status, last success, error, entries."""
    out = output_format(as_json, as_jsonl)
    from tuiguide.core.feeds.refresh import list_feeds

    found = list_feeds(ctx.catalogue().conn)
    if as_json:
        emit_json([f.as_json() for f in found])
        return
    print_rows(FEED_ROWS, [found], out,
               empty="No feeds. Add one with 'tuiguide feeds add URL'.")


@feeds_group.command("add")
@click.argument("url")
@click.option("--title", default="", help="Name to show instead of the feed's own title.")
@click.option("--no-check", is_flag=True, help="Add without fetching it first.")
@click.option("--timeout", type=float, help="Seconds allowed for the first fetch (default 15).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def feeds_add(ctx: Context, url: str, title: str, no_check: bool, timeout: float | None,
              as_json: bool) -> None:
    """Follow a feed (fetched once first, so a typo or a dead feed is caught now)."""
    from tuiguide.core.feeds.refresh import add_feed

    outcome = add_feed(ctx.catalogue(), url, title=title, check=not no_check,
                       settings=_settings(timeout))
    if as_json:
        emit_json({**outcome.feed.as_json(), "new": outcome.new_entries})
        return
    feed = outcome.feed
    if no_check:
        click.echo(f"Following {clean_text(feed.link)} (fetched on the next refresh)")
        return
    click.echo(
        f"Following {clean_text(feed.name)} ({clean_text(feed.link)}): "
        f"{outcome.new_entries} new in the Inbox"
    )
    if outcome.message:
        click.echo(f"warning: {clean_text(feed.link)}: {clean_text(outcome.message)}", err=True)


@feeds_group.command("remove")
@click.argument("feed")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def feeds_remove(ctx: Context, feed: str, as_json: bool) -> None:
    """Stop following FEED (its URL, ID or title). Entries filed into the guide stay."""
    from tuiguide.core.feeds.refresh import remove_feed

    removed = remove_feed(ctx.catalogue(), feed)
    if as_json:
        emit_json(removed.as_json())
        return
    click.echo(f"Removed {clean_text(removed.name)} ({clean_text(removed.link)})")


@feeds_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def feeds_import(ctx: Context, file: Path, as_json: bool) -> None:
    """Follow every feed listed in an OPML file (from newsboat, Feedly, ...)."""
    from tuiguide.core.feeds.opml import import_opml

    report = import_opml(ctx.catalogue(), file)
    if as_json:
        emit_json(report.as_json())
        return
    for url in report.invalid:
        click.echo(f"warning: {clean_text(file)}: skipped {clean_text(url)!r} (not http/https)",
                   err=True)
    click.echo(
        f"{clean_text(file)}: {len(report.added)} feeds added, "
        f"{len(report.already)} already followed"
    )


@feeds_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout.")
@pass_ctx
@user_errors
def feeds_export(ctx: Context, output: Path | None) -> None:
    """Print the feeds as OPML 2.0 (newsboat -i FILE imports it)."""
    from tuiguide.core.feeds.opml import export_opml

    text = export_opml(ctx.catalogue())
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{output}: cannot write ({exc.strerror})") from None
    click.echo(f"Wrote {clean_text(output)}", err=True)


# --------------------------------------------------------------------------- refresh
@click.command("refresh")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.option("--force", is_flag=True,
              help="Also fetch feeds backing off after failures (not those told to wait by 429/503).")
@click.option("--feed", "feed_specs", multiple=True, help="Only this feed (repeatable).")
@click.option("--timeout", type=float, help="Seconds allowed per feed (default 15).")
@click.option("--jobs", type=int, help="Feeds fetched at once (default 8; 2 per host).")
@pass_ctx
@user_errors
def refresh_cmd(ctx: Context, as_json: bool, force: bool, feed_specs: tuple[str, ...],
                timeout: float | None, jobs: int | None) -> None:
    """Fetch new entries into the Inbox. Suits cron: quiet unless a feed fails.

    Failing feeds are listed on stderr; the exit status is 1 only when every feed failed.
    """
    from tuiguide.core.feeds.refresh import RefreshProgress, find_feed
    from tuiguide.core.feeds.refresh import refresh as run_refresh

    catalogue = ctx.catalogue()
    ids = [find_feed(catalogue.conn, s).id for s in feed_specs] if feed_specs else None
    settings = _settings(timeout, jobs)
    out = console()
    show_bar = not as_json and out.is_terminal
    if show_bar:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn("Refreshing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[inbox]} in Inbox"),
            console=out,
            transient=True,
        ) as bar:
            task = bar.add_task("feeds", total=None, inbox="…")

            def progress(p: RefreshProgress) -> None:
                bar.update(task, total=p.total, completed=p.done, inbox=p.inbox_count)

            report = run_refresh(catalogue, ids, force=force, settings=settings,
                                 progress=progress)
    else:
        report = run_refresh(catalogue, ids, force=force, settings=settings)
    if as_json:
        emit_json(report.as_json())
    else:
        for o in report.failed:
            click.echo(f"tuiguide: {clean_text(o.feed.link)}: {clean_text(o.message)}", err=True)
        if out.is_terminal:
            from rich.text import Text

            line = Text(f"{report.new_entries} new, {report.inbox_count} in the Inbox")
            fetched_count = len(report.outcomes) - len(report.skipped)
            line.append(f" ({fetched_count} feeds fetched")
            if report.failed:
                line.append(f", {len(report.failed)} failed", style="red")
            if report.skipped:
                line.append(f", {len(report.skipped)} backing off; --force to fetch them")
            line.append(")")
            out.print(line)
    fetched = [o for o in report.outcomes if o.result != "skipped"]
    if fetched and len(report.failed) == len(fetched):
        sys.exit(1)


# --------------------------------------------------------------------------- inbox
@click.command("inbox")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many.")
@format_options
@pass_ctx
@user_errors
def inbox_cmd(ctx: Context, limit: int, as_json: bool, as_jsonl: bool) -> None:
    """New feed entries, newest first (file them with 'tuiguide file ID')."""
    out = output_format(as_json, as_jsonl)
    from tuiguide.core.feeds.inbox import inbox_count, inbox_entries

    conn = ctx.catalogue().conn
    found = inbox_entries(conn, limit=max(0, limit))
    if as_json:
        emit_json([e.as_json() for e in found])
        return
    total = inbox_count(conn)
    shown = print_rows(ENTRY_ROWS, [found], out,
                       empty="The Inbox is empty. 'tuiguide refresh' fetches new entries."
                       if not total else f"{total} in the Inbox; --limit shows them.")
    if 0 < shown < total and out != "jsonl":
        click.echo(f"… {total - shown} more (--limit)", err=True)


def _entry_id(value: str) -> int:
    if not value.strip().isdigit():
        raise UserError(f"bad entry ID {value!r}; IDs are numbers (see 'tuiguide inbox')")
    return int(value)


@click.command("file")
@click.argument("entry_id")
@click.option("--topic", "topic_spec", help="Topic number or title prefix (default: ask).")
@click.option("--tier", help="1, 2, 3 or 'none' (default: the suggested tier).")
@click.option("--guide", "guide_spec", help="Guide to file into (ID, slug or title prefix).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def file_cmd(ctx: Context, entry_id: str, topic_spec: str | None, tier: str | None,
             guide_spec: str | None, as_json: bool) -> None:
    """File an Inbox entry into the guide (without --topic: print the likely topics)."""
    from tuiguide.core.feeds.inbox import file_entry, require_entry
    from tuiguide.core.feeds.suggest import Suggester

    catalogue = ctx.catalogue()
    entry = require_entry(catalogue.conn, _entry_id(entry_id))
    guide_id = catalogue.find_guide(guide_spec).id if guide_spec else None
    if guide_id is None:
        guides = catalogue.guides()
        guide_id = guides[0].id if len(guides) == 1 else None
    tier_n = parse_tier(tier)
    suggester = None
    if topic_spec is None or tier_n is None:
        suggester = Suggester(catalogue.conn, guide_id)
    if topic_spec is None:
        assert suggester is not None
        likely = suggester.suggest(entry.title, entry.summary, entry.author, entry.link or "")
        if not likely:
            raise UserError(f"give --topic for entry {entry.id}; see 'tuiguide topics'")
        options = "; ".join(
            f"{s.label} (tier {s.tier or '-'}, {s.score:.2f})" for s in likely
        )
        fail(f"give --topic for entry {entry.id}; likely: {options}")
    topic = catalogue.find_topic(topic_spec, guide_id)
    if tier_n is None:
        assert suggester is not None
        tier_n = suggester.tier_for(entry.title, entry.summary, entry.author, entry.link or "",
                                    topic.id)
    item = file_entry(catalogue, entry.id, topic.id, tier_n or None)
    if as_json:
        emit_json({**item.as_json(), "entry_id": entry.id})
        return
    where = f"{item.topic_number}. {item.topic}" if item.topic_number else item.topic
    click.echo(
        f"Filed {entry.id} as {item.id} in {clean_text(where)} · "
        f"{'T' + str(item.tier) if item.tier else 'untiered'}: {clean_text(item.title)}"
    )


@click.command("dismiss")
@click.argument("entry_id")
@click.option("--undo", is_flag=True, help="Put a dismissed entry back in the Inbox.")
@pass_ctx
@user_errors
def dismiss_cmd(ctx: Context, entry_id: str, undo: bool) -> None:
    """Take an entry out of the Inbox (it does not come back on refresh)."""
    from tuiguide.core.feeds.inbox import dismiss as dismiss_entry
    from tuiguide.core.feeds.inbox import restore

    catalogue = ctx.catalogue()
    eid = _entry_id(entry_id)
    entry = restore(catalogue, eid) if undo else dismiss_entry(catalogue, eid)
    verb = "Restored" if undo else "Dismissed"
    click.echo(f"{verb} {entry.id}: {clean_text(entry.title)}")
