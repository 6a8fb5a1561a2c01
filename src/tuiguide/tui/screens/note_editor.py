"""The note editor: a modal TextArea that saves as you type.

Saving rule: at most :data:`SAVE_DEBOUNCE` seconds after the last keystroke, and never more
than :data:`SAVE_MAX_DELAY` seconds after the first unsaved one (so steady typing with no
pause still lands every second), plus on every close. A crash or ``kill -9`` loses at most
the last second of typing. Writes go through ``Catalogue.set_note`` on the UI thread: one
small transaction, well under a frame.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sqlite3
import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from tuiguide.core.errors import UserError
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from textual.widgets import TextArea  # imported when the editor opens, not at start-up

    from tuiguide.core.store.catalogue import Catalogue

SAVE_DEBOUNCE = 0.5
SAVE_MAX_DELAY = 1.0
MIN_TIMER_DELAY = 0.01
"""The shortest autosave delay handed to Textual's timer."""


def markdown_language() -> str | None:
    """``"markdown"`` when this Textual build can highlight it (tree-sitter installed)."""
    try:
        found = importlib.util.find_spec("tree_sitter") and importlib.util.find_spec(
            "tree_sitter_markdown"
        )
    except (ImportError, ValueError):
        found = None
    return "markdown" if found else None


class NoteEditor(ModalScreen[bool]):
    """Edit one resource's note; dismisses with True when anything was saved."""

    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
        background: $background 60%;
    }
    NoteEditor > #note-dialog {
        width: 90%;
        max-width: 120;
        height: 85%;
        border: round $accent;
        background: $surface;
    }
    NoteEditor #note-title {
        height: 1;
        padding: 0 1;
        background: $accent 30%;
        text-style: bold;
    }
    NoteEditor #note-text {
        height: 1fr;
        border: none;
    }
    NoteEditor #note-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape", "close", "Close", priority=True)]

    def __init__(self, catalogue: Catalogue, resource_id: int) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.resource_id = resource_id
        item = catalogue.require_item(resource_id)
        self.resource_title = clean_text(item.title, limit=200)
        # Escape sequences never reach the terminal, even from a restored note.
        self._saved = clean_text(item.note, multiline=True)
        self._text = self._saved
        self._dirty_since: float | None = None
        self._timer: Timer | None = None
        self._failed_close = False
        self.saved_any = False
        self.last_error: str | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Vertical(id="note-dialog"):
            yield Static(Text(f"Note · {self.resource_title}", no_wrap=True,
                              overflow="ellipsis"), id="note-title")
            yield TextArea(
                self._text,
                language=markdown_language(),
                soft_wrap=True,
                tab_behavior="indent",
                id="note-text",
            )
            yield Static(self._status_text(), id="note-status")

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def dirty(self) -> bool:
        return self._text != self._saved

    def _status_text(self, message: str | None = None, *, error: bool = False) -> Text:
        text = Text()
        if message:
            text.append(message, style="bold red" if error else "")
            text.append("  ·  ")
        text.append("esc close · saves as you type · markdown", style="dim")
        return text

    def _show_status(self, message: str | None = None, *, error: bool = False) -> None:
        if self.is_mounted:
            self.query_one("#note-status", Static).update(self._status_text(message, error=error))

    # ------------------------------------------------------------------ saving
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._text = event.text_area.text
        self._failed_close = False
        if self.dirty:
            self._schedule_save()

    def _schedule_save(self) -> None:
        now = time.monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        deadline = min(now + SAVE_DEBOUNCE, self._dirty_since + SAVE_MAX_DELAY)
        if self._timer is not None:
            self._timer.stop()
        # A zero delay is not a valid timer for Textual (it divides by it): past the deadline,
        # save on the next tick instead.
        delay = max(MIN_TIMER_DELAY, deadline - now)
        self._timer = self.set_timer(delay, self.save, name="note-autosave")

    def save(self) -> bool:
        """Write the note now if it changed; False (and the error shown) when it failed."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.dirty:
            self._dirty_since = None
            return True
        text = self._text
        try:
            self.catalogue.set_note(self.resource_id, text)
        except (UserError, sqlite3.Error) as exc:
            self.last_error = str(exc)
            self._show_status(f"NOT SAVED: {clean_text(exc, limit=120)}", error=True)
            # Try again shortly: a locked database usually frees up.
            self._timer = self.set_timer(SAVE_MAX_DELAY, self.save, name="note-autosave-retry")
            return False
        self._saved = text
        self._dirty_since = None
        self.saved_any = True
        self.last_error = None
        self._show_status(f"saved {time.strftime('%H:%M:%S')}")
        return True

    def action_close(self) -> None:
        if self.save() or self._failed_close:
            self.dismiss(self.saved_any)
            return
        self._failed_close = True
        self.notify(
            "The note could not be saved; press escape again to close without saving.",
            severity="error",
        )

    def on_unmount(self) -> None:
        # The app quitting with the editor open still keeps the last keystrokes.
        if self.dirty:
            with contextlib.suppress(UserError, sqlite3.Error):
                self.catalogue.set_note(self.resource_id, self._text)
