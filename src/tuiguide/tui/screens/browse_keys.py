"""The browse screen's own keys: their bindings, and what the status and link keys do.

The features' keys (study, feeds, search) are declared by the features themselves; the
screen places them among these in its ``BINDINGS``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from textual.binding import Binding

from tuiguide.core.errors import UserError
from tuiguide.core.models import STATUS_CYCLE
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui import links

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

_TIER = Binding.Group("Tier", compact=True)

STATUS_KEYS = [
    Binding(
        "space", "cycle_status", "Status", id="status.cycle",
        tooltip="Cycle the status: todo → reading → done",
    ),
    Binding("d", "set_status('done')", "Done", id="status.done", tooltip="Mark done"),
]
"""The status keys of every study session (first in the footer)."""

OPEN_KEYS = [
    Binding(
        "o,enter", "open_link", "Open", id="link.open",
        tooltip="Open the link in the browser (http and https only)",
    ),
    Binding("question_mark,f1", "help", "Help", id="help", tooltip="This list of keys"),
    Binding("0", "tier(0)", "All tiers", group=_TIER, id="tier.all", tooltip="Show all tiers"),
    Binding("1", "tier(1)", "Tier 1", group=_TIER, id="tier.1", tooltip="Show Tier 1 only"),
    Binding("2", "tier(2)", "Tier 2", group=_TIER, id="tier.2", tooltip="Show Tier 2 only"),
    Binding("3", "tier(3)", "Tier 3", group=_TIER, id="tier.3", tooltip="Show Tier 3 only"),
]
"""Opening, help and the tiers: after the study keys, before the rare ones."""

RARE_KEYS = [
    Binding(
        "s", "set_status('skipped')", "Skip", id="status.skipped",
        tooltip="Mark skipped (leaves the progress count)",
    ),
    Binding(
        "u", "set_status('todo')", "Todo", id="status.todo", tooltip="Back to todo", show=False
    ),
    Binding(
        "c,y", "copy_link", "Copy", id="link.copy",
        tooltip="Copy the link (system clipboard, else OSC 52)",
    ),
    Binding("q", "quit", "Quit", id="quit"),
]
"""Keys a session uses now and then: the first to drop off a narrow footer."""

HIDDEN_KEYS = [
    Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
    Binding("l", "focus_side(1)", "Pane to the right", show=False, id="focus.right"),
    Binding("h", "focus_side(-1)", "Pane to the left", show=False, id="focus.left"),
    Binding("ctrl+r", "reload", "Reload from the catalogue", show=False, id="reload"),
    # The status keys again, for rows without a status (the Inbox's): they say what to do
    # instead of nothing. No description: help and the palette list the keys above.
    Binding("space,d,s,u", "status_elsewhere", "", show=False, id="status.elsewhere"),
]


def status_elsewhere(screen: BrowseScreen) -> None:
    """A status key on a row that has none (an Inbox entry): say what works there; on an
    empty list (an empty Inbox), say what the list says (``r`` fetches new posts)."""
    source = screen.source
    if source is None:
        return
    hint = source.status_hint if screen.current_row is not None else source.empty_message
    screen.notify(hint, severity="warning", timeout=4, markup=False)


def change_status(screen: BrowseScreen, status: str | None) -> None:
    """Set the status of the row under the cursor (None: the next in the cycle)."""
    row = screen.current_row
    if screen.source is None or row is None:
        screen.notify("No item selected.", severity="warning", timeout=2)
        return
    resource_id = screen.source.resource_id(row)
    if resource_id is None:
        screen.notify("This row has no reading status.", severity="warning", timeout=2)
        return
    catalogue = screen.catalogue
    try:
        if status is None:
            current = catalogue.item(resource_id)
            status = STATUS_CYCLE[current.status if current else "todo"]
        updated = catalogue.set_status(resource_id, status)
    except UserError as exc:
        screen.notify(clean_text(str(exc)), severity="error", markup=False)
        return
    except sqlite3.Error as exc:
        screen.notify(describe_sqlite_error(exc, catalogue.path), severity="error", markup=False)
        return
    screen.after_write(updated)


def open_link(screen: BrowseScreen) -> None:
    row = screen.current_row
    if screen.source is None or row is None:
        return
    result = links.open_link(screen.app, screen.source.link(row))
    screen.notify(result.message, severity="information" if result.ok else "warning",
                  markup=False)


def copy_link(screen: BrowseScreen) -> None:
    row = screen.current_row
    if screen.source is None or row is None:
        return
    result = links.copy_link(screen.app, screen.source.link(row))
    screen.notify(result.message, severity="information" if result.ok else "warning",
                  markup=False)
