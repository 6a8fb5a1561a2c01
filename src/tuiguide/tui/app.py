"""The Textual app: opens the catalogue, shows the browse screen, closes cleanly.

``make_app`` is the one factory the CLI and the tests share. The catalogue is opened here,
before the terminal switches to the app, so a bad file is reported as one line by the CLI.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import utcnow
from tuiguide.tui.commands import KeyCommandsProvider
from tuiguide.tui.features import feeds as feed_keys  # noqa: F401 (registers the Inbox node and the feed keys)
from tuiguide.tui.features.search import SearchBar  # noqa: F401 (importing registers / and escape: search)
from tuiguide.tui.features.study import NOTES_NODE  # noqa: F401 (importing registers the study keys)
from tuiguide.tui.jump_provider import JumpProvider
from tuiguide.tui.screens.browse import BrowseScreen

STYLES = Path(__file__).resolve().parent.parent / "styles.tcss"
EXIT_AFTER_READY_ENV = "TUIGUIDE_EXIT_AFTER_READY"
"""Set to 1 (benchmarks, smoke tests): quit right after the first frame with data is drawn."""
GC_THRESHOLD = (1000, 10, 100)
"""Python's collector thresholds while the app runs (see ``_display``)."""


class TuiguideApp(App[None]):
    """tuiguide's terminal UI over one catalogue file."""

    TITLE = "tuiguide"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {KeyCommandsProvider, JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.db_path = catalogue.path
        self.error_message: str | None = None
        """Set when the app stopped on an error; the CLI prints it as one line."""
        self._exit_after_ready = os.environ.get(EXIT_AFTER_READY_ENV) == "1"
        self._heap_frozen = False

    def get_default_screen(self) -> Screen:
        """The browse screen is the app's base screen: no blank default screen is composed,
        laid out and drawn before it (start-up)."""
        return BrowseScreen(self.catalogue)

    def action_quit(self) -> None:
        screen = self.browse_screen
        if screen is not None:
            screen.save_state()
        self.exit()

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        """Write a frame; with ``TUIGUIDE_EXIT_AFTER_READY=1``, quit once the browse screen's
        first frame with data has been written (Textual calls this for empty updates too, and
        ``post_display_hook`` cannot tell them apart, hence this override of a private hook)."""
        super()._display(screen, renderable)
        if not self._heap_frozen and isinstance(screen, BrowseScreen) and screen.is_ready:
            # What start-up built (modules, widgets, styles) lives as long as the app: keep
            # Python's cycle collector from walking it in every full collection, a 40-50 ms
            # pause every few keys at 50k items (p95 of a topic change 85 -> 45 ms).
            self._heap_frozen = True
            gc.freeze()
            gc.enable()  # (the CLI turns collections off for the start-up)
            # Small young collections (every 1,000 allocations, ~0.1-0.2 ms; the middle
            # generation every 10 of them, 1-4 ms) and full ones 10x rarer than Python's
            # default: a key pays at most a few ms for the collector. (With the defaults, 48
            # topic changes at 50k saw 3 full collections of 25-30 ms; with (5000, 20, 20) the
            # middle generation grew so large that each of its collections took 12-28 ms.
            # 130 topic changes at 50k: no full collection, middle ones <= 2.6 ms.)
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLD)
        if (
            self._exit_after_ready
            and renderable is not None
            and not self._batch_count
            and isinstance(screen, BrowseScreen)
            and screen is self.screen
            and screen.is_ready
        ):
            self._exit_after_ready = False
            self.exit()

    @property
    def browse_screen(self) -> BrowseScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, BrowseScreen):
                return screen
        return None

    def on_unmount(self) -> None:
        self.catalogue.close()
        if self._heap_frozen:  # (tests run many apps in one process: let this one go)
            gc.unfreeze()
            gc.set_threshold(*self._gc_threshold)
        gc.enable()


def make_app(db_path: Path, *, now: Callable[[], str] | None = None) -> TuiguideApp:
    """Open the catalogue at ``db_path`` (seeding it on first run) and build the app.

    ``now`` replaces the clock used for status dates (tests pass a fixed one).
    """
    catalogue = Catalogue.open(db_path, now=now or utcnow)
    return TuiguideApp(catalogue)
