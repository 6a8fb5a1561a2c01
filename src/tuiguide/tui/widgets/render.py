"""How an item looks: list rows and the detail pane, built as rich ``Text`` from clean text.

Everything from outside (titles, authors, descriptions, notes, URLs) goes through
:func:`safe` (``sanitize.clean_text``) and is appended to ``Text`` as plain text, so markup in
it is shown literally and no control character reaches the terminal.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.text import Text

from tuiguide.core.models import Item
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.widgets.markdown_note import note_markdown

GLYPHS = {"todo": "○", "reading": "◐", "done": "●", "skipped": "⊘"}
GLYPH_STYLES = {
    "todo": "dim",
    "reading": "bold yellow",
    "done": "bold green",
    "skipped": "dim red",
}
STATUS_NAMES = {"todo": "To do", "reading": "Reading", "done": "Done", "skipped": "Skipped"}
TITLE_STYLES = {"todo": "", "reading": "bold", "done": "dim", "skipped": "dim strike"}
NOTE_DETAIL_CHARS = 10_000


def safe(
    text: object, *, multiline: bool = False, limit: int | None = None, style: str = ""
) -> Text:
    """Outside text as an inert ``Text`` (control characters gone, markup not parsed)."""
    return Text(clean_text(text, multiline=multiline, limit=limit), style=style)


def tier_label(tier: int | None) -> str:
    return f"T{tier}" if tier else "–"


def date_of(timestamp: str | None) -> str:
    """``2025-01-31T10:00:00Z`` -> ``2025-01-31`` (dates are stored in UTC)."""
    return clean_text(timestamp)[:10] if timestamp else ""


def fit(text: Text, width: int) -> Text:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return Text()  # (Rich's truncate to 0 cells keeps the text)
    text = text.copy()
    text.no_wrap = True
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def tag_marker(item: Item) -> Text:
    """A row's short tag marker: ``#go``, ``#go+2`` (empty without tags)."""
    if not item.tags:
        return Text()
    more = f"+{len(item.tags) - 1}" if len(item.tags) > 1 else ""
    return Text("#" + clean_text(item.tags[0])[:10] + more, style="magenta")


AUTHOR_MAX = 24
"""The author column's widest (a long author is cut; the title takes what an author leaves)."""
NOTE_MARKER = "✎"


def row_markers(item: Item) -> Text:
    """The glyphs after a row's title that flag what the item holds beyond its title: the
    one place list rows get their markers. Each marker is one glyph (one cell) appended
    on its own line below; the rows (guide lists, search results) leave room for them."""
    markers = Text()
    if item.note.strip():
        markers.append(NOTE_MARKER, style="cyan")
    tags = tag_marker(item)
    if tags.cell_len:
        if markers.cell_len:
            markers.append(" ")
        markers.append_text(tags)
    return markers


def author_room(rest: int) -> int:
    """The author column's widest at ``rest`` cells for title and author (0: no column)."""
    return min(AUTHOR_MAX, (rest - 2) // 4) if rest >= 38 else 0


def titled(title: Text, markers: Text, width: int) -> Text:
    """``title`` with its markers after it, in exactly ``width`` cells (the title is cut,
    never the markers, unless the width is too small for both)."""
    if not markers.cell_len or width < markers.cell_len + 6:
        return fit(title, width)
    out = fit(title, width - markers.cell_len - 1)
    out.rstrip()
    out.append(" ")
    out.append_text(markers)
    return fit(out, width)


def side_column(side: Text, room: int) -> Text:
    """``side`` (an author, a feed's name) cut to ``room`` cells; as wide as it is, so the
    title before it takes what a short author leaves (the column is right-aligned)."""
    return fit(side, min(side.cell_len, room))


def item_row(item: Item, width: int) -> Text:
    """One list row: ``glyph  title ✎ ........ author  T1`` in exactly ``width`` cells.

    The title takes all the width the author leaves: the author is right-aligned against
    the tier and at most :data:`AUTHOR_MAX` cells (a third of the row when narrow)."""
    glyph = Text(GLYPHS.get(item.status, "?"), style=GLYPH_STYLES.get(item.status, ""))
    tier = Text(tier_label(item.tier).rjust(2), style="dim" if not item.tier else "")
    # " " glyph " " title ["  " author] "  " tier " " -- the author column only when wide.
    rest = max(width - 6 - tier.cell_len, 0)
    author = side_column(safe(item.author or "", limit=200, style="dim"), author_room(rest))
    title_width = rest - author.cell_len - 2 if author.cell_len else rest
    title = safe(item.title, limit=500, style=TITLE_STYLES.get(item.status, ""))
    row = Text(" ")
    row.append_text(glyph)
    row.append(" ")
    row.append_text(titled(title, row_markers(item), title_width))
    if author.cell_len:
        row.append("  ")
        row.append_text(author)
    row.append("  ")
    row.append_text(tier)
    row.append(" ")
    return fit(row, width)


DEAD_LINK_GLYPH = "✗"
"""Drawn in a list row's first cell when the row's link was found dead (404/410, or
unreachable on two checks a day apart); ``dead:yes`` in search lists them."""


def mark_dead_link(row: Text) -> Text:
    """``row`` (a list row, its first cell a space) with the dead-link glyph in that cell,
    just before the status glyph."""
    if not row.plain.startswith(" "):
        return row
    marked = Text(DEAD_LINK_GLYPH, style="bold red")
    marked.append_text(row[1:])
    return marked


def status_line(item: Item) -> Text:
    """``● Done on 2025-01-31`` (or ``◐ Reading since ...``, ``○ To do``)."""
    text = Text()
    text.append(GLYPHS.get(item.status, "?") + " ", style=GLYPH_STYLES.get(item.status, ""))
    text.append(STATUS_NAMES.get(item.status, item.status), style="bold")
    when = date_of(item.status_at)
    if when and item.status != "todo":
        text.append(" since " if item.status == "reading" else " on ")
        text.append(when)
    return text


def where_line(item: Item, *, show_guide: bool = True) -> Text:
    """``Tier 2 · 3. Topic › Section · Guide`` (the guide only when there are several)."""
    text = Text()
    text.append(f"Tier {item.tier}" if item.tier else "Untiered", style="bold" if item.tier else "dim")
    parts: list[str] = []
    if item.topic:
        topic = clean_text(item.topic)
        parts.append(f"{clean_text(item.topic_number)}. {topic}" if item.topic_number else topic)
    if item.section:
        parts.append(clean_text(item.section))
    if parts:
        text.append(" · ", style="dim")
        text.append(" › ".join(parts))
    if item.guide and show_guide:
        text.append(" · ", style="dim")
        text.append(clean_text(item.guide), style="dim")
    if item.removed:
        text.append("  (removed from the guide)", style="italic dim")
    return text


def note_detail(note: str) -> list[RenderableType]:
    """A note as Markdown; a very long one is cut (Markdown of 100k characters takes a
    second to lay out, on every cursor move) with a pointer to the editor."""
    if len(note) <= NOTE_DETAIL_CHARS:
        return [note_markdown(note)]
    more = Text(f"… {len(note) - NOTE_DETAIL_CHARS:,} more characters: press n to read it all",
                style="dim italic")
    return [note_markdown(note[:NOTE_DETAIL_CHARS]), more]


SHORT_PANE = 12
"""A detail pane fewer lines high than this is short (80x24 gives it 7): a note goes first."""


class ByHeight:
    """Two layouts of one entry: the detail pane shows ``short`` when it is fewer than
    ``below`` lines high (elsewhere, e.g. printed, it is ``tall``)."""

    def __init__(self, tall: RenderableType, short: RenderableType, below: int = SHORT_PANE) -> None:
        self.tall, self.short, self.below = tall, short, below

    def pick(self, height: int) -> RenderableType:
        return self.short if 0 < height < self.below else self.tall

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.tall


def item_detail(
    item: Item, *, show_guide: bool = True, note_first: bool = False
) -> RenderableType:
    """The detail pane's entry for ``item``; with a note, in a short pane (80x24) the note
    comes first, so it is not below the fold (see :func:`item_entry`)."""
    if note_first or not item.note.strip():
        return item_entry(item, show_guide=show_guide, note_first=note_first)
    return ByHeight(
        item_entry(item, show_guide=show_guide),
        item_entry(item, show_guide=show_guide, note_first=True),
    )


def item_entry(
    item: Item, *, show_guide: bool = True, note_first: bool = False
) -> RenderableType:
    """Everything the detail pane shows about one item. ``note_first`` (the Notes list,
    where the note is what the user came for) puts the note just under the title and
    status, so it is in view on a 24-line terminal; the link and the rest follow it."""
    title = safe(item.title, limit=2000, style="bold")
    about = Text()
    about.append_text(safe(item.link, limit=2000, style="underline cyan"))
    if item.author:
        about.append("\nby ", style="dim")
        about.append_text(safe(item.author, limit=300))
    about.append("\n")
    about.append_text(where_line(item, show_guide=show_guide))
    if item.tags or item.origin == "user":
        about.append("\n")
        if item.origin == "user":
            about.append("Your link  ", style="italic")
        if item.tags:
            about.append("Tags ", style="dim")
            about.append(", ".join(clean_text(t) for t in item.tags), style="magenta")
    description: list[RenderableType] = []
    if item.description:
        description = [Text(), safe(item.description, multiline=True)]
    note: list[RenderableType] = []
    if item.note.strip():
        when = date_of(item.note_updated_at)
        rule = Rule(Text(f"Note{f' · {when}' if when else ''}"), align="left", style="dim")
        note = [rule, *note_detail(item.note)]
    if note_first and note:
        head = Text.assemble(title, "\n", status_line(item))
        return Group(head, *note, Text(), about, *description)
    head = Text.assemble(title, "\n", about, "\n", status_line(item))
    return Group(head, *description, *([Text(), *note] if note else []))


def counts_badge(done: int, total: int) -> str:
    return f"{done}/{total}"


def progress_bar(done: int, total: int, width: int) -> Text:
    """A small ``━━━━╺━━━`` bar (no outside text)."""
    width = max(width, 0)
    filled = round(width * done / total) if total else 0
    bar = Text()
    bar.append("━" * filled, style="green")
    bar.append("━" * (width - filled), style="bright_black")
    return bar


def cells(text: str) -> int:
    return cell_len(text)
