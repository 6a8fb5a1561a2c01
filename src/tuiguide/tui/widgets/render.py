"""How an item looks: list rows and the detail pane, built as rich ``Text`` from clean text.

Everything from outside (titles, authors, descriptions, notes, URLs) goes through
:func:`safe` (``sanitize.clean_text``) and is appended to ``Text`` as plain text, so markup in
it is shown literally and no control character reaches the terminal.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

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


def span_segments(
    console: Console, plain: str, spans: list[Span], under: Style
) -> list[Segment] | None:
    """``plain`` as segments, each span's style over ``under`` (and ``under`` between them),
    for spans that are sorted and do not overlap (a list row, a detail line); None when they
    overlap or are empty, for the caller to render Rich's general way. Rich's own walk sorts
    events and keeps a style stack per line, a third of drawing a list page."""
    null = Style.null()
    segments = []
    at = 0
    for span in spans:
        start, end = span.start, min(span.end, len(plain))
        if start < at or start >= end:
            return None
        if start > at:
            segments.append(Segment(plain[at:start], under))
        segments.append(Segment(plain[start:end], under + console.get_style(span.style, default=null)))
        at = end
    if at < len(plain):
        segments.append(Segment(plain[at:], under))
    return segments


def tier_label(tier: int | None) -> str:
    return f"T{tier}" if tier else "–"


def date_of(timestamp: str | None) -> str:
    """``2025-01-31T10:00:00Z`` -> ``2025-01-31`` (dates are stored in UTC)."""
    return clean_text(timestamp)[:10] if timestamp else ""


def fit(text: Text, width: int) -> Text:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    text = text.copy()
    text.no_wrap = True
    text.truncate(max(width, 0), overflow="ellipsis", pad=True)
    return text


def fit_plain(text: str, width: int) -> str:
    """What :func:`fit` does to a ``Text``'s characters, on a plain string."""
    width = max(width, 0)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length)


def item_row(item: Item, width: int) -> Text:
    """One list row: ``glyph  title ........ author  T1`` in exactly ``width`` cells.

    Built as one string and its spans (the same ``Text`` that appending a fitted ``Text``
    per column gives, span for span): a list draws ~40 of these on every topic, tier or page
    change, and each ``Text`` built on the way cost a pass over its characters.
    """
    glyph = GLYPHS.get(item.status, "?")
    glyph_style = GLYPH_STYLES.get(item.status, "")
    tier = tier_label(item.tier).rjust(2)
    tier_style = "dim" if not item.tier else ""
    # " " glyph " " title ["  " author] "  " tier " " -- the author column only when wide.
    rest = max(width - 6 - cell_len(tier), 0)
    author_width = min(24, (rest - 2) // 3) if rest >= 38 else 0
    title_width = rest - author_width - 2 if author_width else rest
    title_style = TITLE_STYLES.get(item.status, "")
    title = fit_plain(clean_text(item.title, limit=500), title_width)
    parts = [" ", glyph, " ", title]
    spans: list[Span] = []
    if glyph_style:
        spans.append(Span(1, 1 + len(glyph), glyph_style))
    at = 2 + len(glyph)
    if title_style:
        spans.append(Span(at, at + len(title), title_style))
    at += len(title)
    if author_width:
        author = fit_plain(clean_text(item.author or "", limit=200), author_width)
        parts += ["  ", author]
        spans.append(Span(at + 2, at + 2 + len(author), "dim"))
        at += 2 + len(author)
    parts += ["  ", tier, " "]
    if tier_style:
        spans.append(Span(at + 2, at + 2 + len(tier), tier_style))
    row = Text("".join(parts), spans=spans, no_wrap=True)
    if width - 6 - cell_len(tier) < 1:  # too narrow for a title: cut to the width
        row.truncate(max(width, 0), overflow="ellipsis", pad=True)
    # (else the columns add up to exactly ``width``: truncating measured every row again)
    return row


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


def item_detail(
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


def percent_text(done: int, total: int) -> str:
    """``12%``; one decimal under 10% so the first items read show as progress."""
    if not total:
        return "0%"
    value = 100.0 * done / total
    if 0 < value < 0.1:
        return "<0.1%"
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


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
