"""The Textual app: opens the catalogue, shows the browse screen, closes cleanly.

``make_app`` is the one factory the CLI and the tests share. The catalogue is opened here,
before the terminal switches to the app, so a bad file is reported as one line by the CLI.
The features (study, feeds, search) are built here, once per app, and handed to the browse
screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.text.stamps import utc_stamp
from tuiguide.tui.commands import KeyCommandsProvider
from tuiguide.tui.features.base import Feature
from tuiguide.tui.jump_provider import JumpProvider
from tuiguide.tui.screens.browse import BrowseScreen

STYLES = Path(__file__).resolve().parent.parent / "styles.tcss"

F = TypeVar("F", bound=Feature)


class TuiguideApp(App[None]):
    """tuiguide's terminal UI over one catalogue file."""

    TITLE = "tuiguide"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {KeyCommandsProvider, JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]
    BROWSE_SCREEN: ClassVar[type[BrowseScreen]] = BrowseScreen
    """The main screen's class (its ``FEATURES`` are the features the app builds)."""

    def __init__(self, catalogue: Catalogue, features: Sequence[Feature] | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.db_path = catalogue.path
        self.browse_features: list[Feature] = (
            list(features) if features is not None
            else [feature() for feature in self.BROWSE_SCREEN.FEATURES]
        )
        """The features of the browse screen, built once: their state lives with the app."""
        self.error_message: str | None = None
        """Set when the app stopped on an error; the CLI prints it as one line."""

    def feature(self, kind: type[F]) -> F | None:
        """The app's feature of class ``kind`` (its state lives as long as the app)."""
        return next((f for f in self.browse_features if isinstance(f, kind)), None)

    def get_default_screen(self) -> Screen:
        """The browse screen is the app's base screen: no blank default screen is composed,
        laid out and drawn before it."""
        return self.BROWSE_SCREEN(self.catalogue, self.browse_features)

    async def action_quit(self) -> None:
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
    catalogue = Catalogue.open(db_path, now=now or utc_stamp)
    return TuiguideApp(catalogue)
