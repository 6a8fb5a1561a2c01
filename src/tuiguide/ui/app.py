"""The Textual app: opens the catalogue, shows the browse screen, closes cleanly.

``make_app`` is the one factory the CLI and the tests share. The catalogue is opened here,
before the terminal switches to the app, so a bad file is reported as one line by the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from ..catalogue import Catalogue
from ..db import utcnow
from .browse import BrowseScreen
from .commands import KeyCommandsProvider

STYLES = Path(__file__).resolve().parent.parent / "styles.tcss"


class TuiguideApp(App[None]):
    """tuiguide's terminal UI over one catalogue file."""

    TITLE = "tuiguide"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {KeyCommandsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.db_path = catalogue.path
        self.error_message: str | None = None
        """Set when the app stopped on an error; the CLI prints it as one line."""

    def on_mount(self) -> None:
        self.push_screen(BrowseScreen(self.catalogue))

    def action_quit(self) -> None:
        screen = self.browse_screen
        if screen is not None:
            screen.save_state()
        self.exit()

    @property
    def browse_screen(self) -> BrowseScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, BrowseScreen):
                return screen
        return None

    def on_unmount(self) -> None:
        self.catalogue.close()


def make_app(db_path: Path, *, now: Callable[[], str] | None = None) -> TuiguideApp:
    """Open the catalogue at ``db_path`` (seeding it on first run) and build the app.

    ``now`` replaces the clock used for status dates (tests pass a fixed one).
    """
    catalogue = Catalogue.open(db_path, now=now or utcnow)
    return TuiguideApp(catalogue)
