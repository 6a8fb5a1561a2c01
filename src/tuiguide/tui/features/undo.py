"""``ctrl+z`` in the browse screen: take back the last change (a status, a note edit, an
Inbox dismissal, a filing), as ``tuiguide undo`` does; a notification says what was undone.

Like the other writes of the browse screen it runs on the UI thread's connection (one short
transaction), then the list, the tree counts, the tabs and the header are read again.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.study.undo import undo_last
from tuiguide.tui.features.base import Feature, feature_key

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen


class UndoFeature(Feature):
    """The undo key."""

    name = "undo"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("undo", "undo", "ctrl+z", "Undo", id="undo.undo",
                    tooltip="Take back the last change: status, note, dismissal or filing"),
    ]

    def action_undo(self, screen: BrowseScreen) -> None:
        try:
            result = undo_last(screen.catalogue)
        except sqlite3.Error as exc:
            screen.notify(describe_sqlite_error(exc, screen.catalogue.path), severity="error",
                          markup=False)
            return
        if result.done:
            screen.after_write()
        if result.skipped and not result.done:
            screen.notify(result.message, severity="warning", timeout=5, markup=False)
        else:
            screen.notify(result.message, timeout=5, markup=False)
