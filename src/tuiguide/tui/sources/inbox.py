"""The Inbox as a list source: new feed entries, newest first, in the browse screen's list
and detail pane. :data:`INBOX_NODE` is the tree node ("Inbox" with its count), one of the
nodes of the feeds feature (:class:`~tuiguide.tui.features.feeds.FeedsFeature`).

Rows are :class:`~tuiguide.core.feeds.inbox.InboxEntry`. Everything in them came from a feed: it is
cleaned and appended to ``Text`` (never parsed as markup). ``link`` is only ever an
http(s) URL, so open/copy cannot hand a ``javascript:`` link to a browser.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from tuiguide.core.feeds import inbox
from tuiguide.core.feeds.inbox import InboxEntry
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.sources.base import ListSource, Row, SpecialNode
from tuiguide.tui.widgets import render
from tuiguide.tui.widgets.render import fit, safe

INBOX_KEY = "special:inbox"
NEW_GLYPH = "✦"
FEED_MAX = 18


class InboxSource(ListSource):
    """Entries waiting for triage: ``f`` files one into the guide, ``x`` dismisses it."""

    key = INBOX_KEY
    label = "Inbox"
    supports_tiers = False
    has_status = False
    empty_message = "The Inbox is empty. Press r to fetch new posts from your feeds."
    caption = "Newest first · f file into the guide · x dismiss"
    status_hint = ("This is a feed entry, not yet in the guide: press f to file it first "
                   "(then d, s and space work), or x to dismiss it.")

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        super().__init__(catalogue, None)

    def count(self) -> int:
        return inbox.inbox_count(self.catalogue)

    def page(self, offset: int, limit: int) -> Sequence[InboxEntry]:
        return inbox.inbox_entries(self.catalogue, limit=limit, offset=offset)

    def row_key(self, row: InboxEntry) -> str:
        return f"entry:{row.id}"

    def render_row(self, row: InboxEntry, width: int) -> Text:
        """`` ✦ title ........ feed  2025-02-24 `` in exactly ``width`` cells."""
        date = Text(row.date, style="dim")
        # " " glyph " " title ["  " feed] "  " date " " -- the feed column only when wide,
        # right-aligned like a guide row's author: the title takes what the name leaves.
        rest = max(width - 6 - date.cell_len, 0)
        feed = render.side_column(safe(row.feed_name, limit=200, style="dim"),
                                  min(FEED_MAX, render.author_room(rest)))
        title_width = rest - feed.cell_len - 2 if feed.cell_len else rest
        line = Text(" ")
        line.append(NEW_GLYPH, style="bold cyan")
        line.append(" ")
        title = safe(row.title, limit=500, style="" if row.link else "italic")
        line.append_text(fit(title, title_width))
        if feed.cell_len:
            line.append("  ")
            line.append_text(feed)
        line.append("  ")
        line.append_text(date)
        line.append(" ")
        return fit(line, width)

    def render_detail(self, row: InboxEntry) -> RenderableType:
        head = Text()
        head.append_text(safe(row.title, limit=2000, style="bold"))
        head.append("\n")
        if row.link:
            head.append_text(safe(row.link, limit=2000, style="underline cyan"))
        else:
            head.append("No web link", style="italic dim")
            if row.raw_link:
                head.append(" (")
                head.append_text(safe(row.raw_link, limit=200, style="dim"))
                head.append(")")
        if row.author:
            head.append("\nby ", style="dim")
            head.append_text(safe(row.author, limit=300))
        head.append("\n")
        head.append_text(safe(row.feed_name, limit=300, style="bold"))
        head.append(" · ", style="dim")
        head.append(render.date_of(row.published_at) or f"seen {render.date_of(row.fetched_at)}")
        head.append("\n")
        head.append("f file into the guide · x dismiss", style="dim")
        parts: list[RenderableType] = [head]
        if row.summary:
            parts.append(Text())
            parts.append(safe(row.summary, multiline=True, limit=4000))
        return Group(*parts)

    def link(self, row: Row) -> str | None:
        return row.link if isinstance(row, InboxEntry) else None


def inbox_badge(catalogue: Catalogue, tier: int | None) -> str:
    return str(inbox.inbox_count(catalogue))


INBOX_NODE = SpecialNode(
    key=INBOX_KEY,
    label="Inbox",
    icon=NEW_GLYPH,
    make_source=lambda cat, tier: InboxSource(cat, tier),
    badge=inbox_badge,
    order=25,  # after "All items"
)
