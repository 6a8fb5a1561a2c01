"""Study tracking in the browse screen: the "Notes" tree node and the keys ``n``, ``p``, ``N``.

:class:`StudyFeature` hands them to the browse screen; the help screen and the command palette
list them like any other key.

- ``n`` edits the selected resource's note (:class:`~tuiguide.tui.screens.note_editor.NoteEditor`, saved as you
  type); on close the row, the detail pane and the Notes count show the new note.
- ``p`` shows the progress screen (:class:`~tuiguide.tui.screens.stats.StatsScreen`) for the current guide.
- ``N`` shows what to read now: the "Up next" list with the cursor on its first item (a
  ``reading`` item first), at the tier the tabs show. Pressed again (in Up next), it walks
  the order, past rows marked done or skipped since it was shown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.study import upnext as study
from tuiguide.core.study.stats import local_day
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.stamps import parse_utc_or_none
from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.screens.note_editor import NoteEditor
from tuiguide.tui.screens.stats import StatsScreen
from tuiguide.tui.sources.base import ItemSource, SpecialNode
from tuiguide.tui.widgets import render
from tuiguide.tui.widgets.item_list import FIND_RADIUS
from tuiguide.tui.widgets.render import GLYPH_STYLES, GLYPHS, TITLE_STYLES, fit, safe

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

NOTES_KEY = "special:notes"
UPNEXT_KEY = "special:upnext"
NOTE_GLYPH = "✎"
WALK_LIMIT = 2 * FIND_RADIUS  # rows of the Up next list looked at before asking the database


# ---------------------------------------------------------------------------- Notes node
def note_age(updated_at: str | None, now: str) -> str:
    """How long ago a note was edited, in at most 4 cells: ``now``, ``5m``, ``3h``, ``2d``,
    ``6w``, ``2y`` (both stamps are stored UTC ``...Z`` strings)."""
    then, current = parse_utc_or_none(updated_at), parse_utc_or_none(now)
    if then is None or current is None:
        return ""
    seconds = max((current - then).total_seconds(), 0)
    for size, unit in ((365 * 86400, "y"), (7 * 86400, "w"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


def note_first_line(note: str) -> str:
    """The first non-blank line of a note, Markdown heading/list marks dropped."""
    for line in clean_text(note, multiline=True).splitlines():
        line = line.strip().lstrip("#>").strip()
        if line.startswith(("- ", "* ", "+ ")):
            line = line[2:].strip()
        if line:
            return line
    return ""


class NotesSource(ItemSource):
    """Every resource with a note, the most recently edited first."""

    supports_tiers = False
    caption = "Last edited first · n edits the note"

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        super().__init__(catalogue, None, key=NOTES_KEY, label="Notes")

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        return "No notes yet. Select any item and press n to write one."

    def count(self) -> int:
        return study.noted_count(self.catalogue)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return self.with_link_states(
            study.noted_items(self.catalogue, limit=limit, offset=offset))

    def tier_counts(self) -> None:
        return None

    def row_key(self, row: Item) -> str:
        return f"note:{row.id}"

    def render_detail(self, row: Item) -> RenderableType:
        return render.item_detail(row, show_guide=self.show_guide, note_first=True)

    def render_row(self, row: Item, width: int) -> Text:
        """`` ● title ...  first line of the note ...  3d `` in exactly ``width`` cells."""
        age = Text(note_age(row.note_updated_at, self.catalogue.now()).rjust(3), style="dim")
        rest = max(width - 6 - age.cell_len, 0)
        title_width = rest if rest < 30 else max(rest // 2, 20)
        note_width = rest - title_width - 2
        line = Text(" ")
        line.append(GLYPHS.get(row.status, "?"), style=GLYPH_STYLES.get(row.status, ""))
        line.append(" ")
        title = safe(row.title, limit=500, style=TITLE_STYLES.get(row.status, ""))
        line.append_text(fit(title, title_width if note_width >= 8 else rest))
        if note_width >= 8:
            line.append("  ")
            first = note_first_line(row.note)
            note = Text(first[:500], style="italic") if first else Text("(note deleted)", "dim")
            line.append_text(fit(note, note_width))
        line.append("  ")
        line.append_text(age)
        line.append(" ")
        return self.marked(row, fit(line, width))


NOTES_NODE = SpecialNode(
    key=NOTES_KEY,
    label="Notes",
    icon=NOTE_GLYPH,
    make_source=lambda cat, tier: NotesSource(cat, tier),
    badge=lambda cat, tier: str(study.noted_count(cat)),
    order=30,
)


# ---------------------------------------------------------------------------- keys
def _current_resource(screen: BrowseScreen) -> tuple[int | None, int | None]:
    """(resource id, placement id) of the row under the cursor; Nones when it has none."""
    row = screen.current_row
    if screen.source is None or row is None:
        return None, None
    resource_id = screen.source.resource_id(row)
    placement_id = getattr(row, "placement_id", None) if resource_id is not None else None
    return resource_id, placement_id


def _report(screen: BrowseScreen, exc: Exception) -> None:
    if isinstance(exc, sqlite3.Error):
        message = describe_sqlite_error(exc, screen.catalogue.path)
    else:
        message = clean_text(str(exc))
    screen.notify(message, severity="error", markup=False)


def edit_note(screen: BrowseScreen) -> None:
    """``n``: the note editor for the row's resource; its row and the counts refresh after."""
    resource_id, placement_id = _current_resource(screen)
    if resource_id is None:
        what = "No item selected." if screen.current_row is None else (
            "This row is not a resource of the guide; file it first to take notes on it."
        )
        screen.notify(what, severity="warning", timeout=3, markup=False)
        return
    try:
        editor = NoteEditor(screen.catalogue, resource_id)
    except (UserError, sqlite3.Error) as exc:
        _report(screen, exc)
        return

    def closed(saved: bool | None) -> None:
        if not saved:
            return
        try:
            changed = screen.catalogue.item(resource_id, placement_id)
            if isinstance(screen.source, NotesSource) or changed is None:
                screen.after_write()  # the Notes list re-sorts: the edited note goes to the top
            else:
                screen.after_write(changed)
        except (UserError, sqlite3.Error) as exc:
            _report(screen, exc)

    screen.app.push_screen(editor, callback=closed)


def show_stats(screen: BrowseScreen) -> None:
    """``p``: the progress screen for the guide being browsed, today as the catalogue's clock
    says (tests inject it), days in the local time zone."""
    today = local_day(screen.catalogue.now())
    try:
        stats = StatsScreen(screen.catalogue, guide_id=screen.guide_id, today=today)
    except (UserError, sqlite3.Error) as exc:
        _report(screen, exc)
        return
    screen.app.push_screen(stats)


def jump_next(screen: BrowseScreen) -> None:
    """``N``: what to read now (see the module docstring)."""
    walked = _walk_up_next_list(screen)
    if walked is not None:  # the Up next list on screen is the order itself: no query
        index, wrapped = walked
        screen.item_list.move_to(index)
        screen.set_focus(screen.item_list)
        if wrapped:
            screen.notify("Back to the top of Up next.", timeout=2, markup=False)
        return
    try:
        first = study.up_next(screen.catalogue, limit=1, tier=screen.tier)
        if not first:
            where = f" in Tier {screen.tier}" if screen.tier else ""
            screen.notify(f"Nothing left to read{where}.", timeout=3, markup=False)
            return
        target = first[0]
        # Up next, shown afresh (rows marked done since leave it), on its first row.
        screen.show_node(UPNEXT_KEY, index=0, row_key=f"{target.id}:{target.placement_id}")
        screen.topic_tree.select_key(UPNEXT_KEY)
    except (UserError, sqlite3.Error) as exc:
        _report(screen, exc)
        return
    screen.set_focus(screen.item_list)


def _walk_up_next_list(screen: BrowseScreen) -> tuple[int, bool] | None:
    """In the Up next list: the next row still to read after the cursor, wrapping (rows
    marked done or skipped since it was shown are passed over); None elsewhere, or when no
    such row is within reach (the caller asks the database)."""
    source, items = screen.source, screen.item_list
    if source is None or source.key != UPNEXT_KEY or not items.count:
        return None
    here = items.cursor
    current = items.current_row
    count = items.count
    for step in range(1, min(count, WALK_LIMIT) + 1):
        index = (here + step) % count
        row = items.row_at(index)
        if (
            isinstance(row, Item)
            and row.status in study.OPEN_STATUSES
            and (current is None or row.id != current.id)
        ):
            return index, index <= here
    return None


class StudyFeature(Feature):
    """Notes, progress and the reading order in the browse screen."""

    name = "study"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("study", "note", "n", "Note", id="study.note",
                    tooltip="Write or edit the note of the selected item (saved as you type)"),
        feature_key("study", "next", "N", "Next up", id="study.next",
                    tooltip="What to read now: the first item of Up next (then the next)"),
        feature_key("study", "stats", "p", "Progress", id="study.stats",
                    tooltip="Progress: bars per tier and topic, weekly activity, streak, pace"),
    ]

    def nodes(self) -> Sequence[SpecialNode]:
        return (NOTES_NODE,)

    def action_note(self, screen: BrowseScreen) -> None:
        edit_note(screen)

    def action_stats(self, screen: BrowseScreen) -> None:
        show_stats(screen)

    def action_next(self, screen: BrowseScreen) -> None:
        jump_next(screen)
