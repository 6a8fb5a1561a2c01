"""Keep the browse screen in step with writes from other processes.

``tuiguide refresh`` from cron, a second TUI, or the CLI marking something done all write to
the same file. Every couple of seconds the screen asks SQLite's ``PRAGMA data_version`` (a
counter that moves only when another connection commits; microseconds to read) and, when it
moved, re-reads the tree, the list and the header in place: the Inbox count grows while cron
refreshes, without ctrl+r. The cursor stays on its row.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

WATCH_EVERY = 2.0
"""Seconds between looks at the catalogue."""


class CatalogueWatch:
    """Calls ``screen.sync_with_catalogue()`` after another connection has committed."""

    def __init__(self, screen: BrowseScreen) -> None:
        self.screen = screen
        self.version: int | None = None

    def _version(self) -> int | None:
        try:
            return self.screen.catalogue.data_version()
        except sqlite3.Error:  # busy or gone: look again next time
            return None

    def start(self) -> None:
        self.version = self._version()
        self.screen.set_interval(WATCH_EVERY, self.check, name="catalogue-watch")

    def check(self) -> None:
        screen = self.screen
        if not screen.is_ready or screen.app.screen is not screen:
            return  # a dialog is open: catch up once it closes
        version = self._version()
        if version is None or version == self.version:
            return
        self.version = version
        if any(feature.busy() for feature in screen.features):
            return  # e.g. the app's own refresh shows each feed as it lands, and reloads after
        screen.sync_with_catalogue()
