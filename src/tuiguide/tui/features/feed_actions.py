"""Feed actions a screen can hook to keys without blocking: refresh (``r``), file (``f``),
dismiss (``x``).

:class:`RefreshRunner` runs :func:`tuiguide.core.feeds.refresh.refresh` in a thread worker with its own
catalogue connection, and calls back on the UI thread after each feed lands (so the Inbox
count can update feed by feed) and once at the end. :func:`file_with_dialog` opens the
filing dialog for an entry and files it on confirm. :func:`dismiss_entry` is the ``x`` key.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.worker import Worker

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import inbox
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.fetch import FetchSettings
from tuiguide.core.feeds.refresh import RefreshProgress, RefreshReport
from tuiguide.core.models import Item
from tuiguide.core.store.connection import describe_sqlite_error

if TYPE_CHECKING:
    from textual.app import App

    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.feeds.suggest import Suggester, Suggestion
    from tuiguide.core.store.catalogue import Catalogue
    from tuiguide.tui.screens.file_dialog import FileChoice


class RefreshRunner:
    """One refresh at a time, in the background, cancelled when the app closes."""

    def __init__(self, app: App, catalogue: Catalogue, *, settings: FetchSettings | None = None,
                 force: bool = True) -> None:
        self.app = app
        self.catalogue = catalogue
        self.settings = settings
        self.force = force  # the user pressed r: failing feeds are tried again now
        self.worker: Worker[None] | None = None
        self._stop = threading.Event()

    @property
    def running(self) -> bool:
        return self.worker is not None and not self.worker.is_finished

    def start(
        self,
        on_progress: Callable[[RefreshProgress], None],
        on_done: Callable[[RefreshReport | None, str | None], None],
    ) -> bool:
        """Start a refresh; False if one is already running. Callbacks run on the UI thread:
        ``on_progress`` after each feed, ``on_done(report, error)`` at the end."""
        if self.running:
            return False
        self._stop = threading.Event()
        stop = self._stop
        path, now = self.catalogue.path, self.catalogue.now

        def run() -> None:
            from tuiguide.core.store.catalogue import Catalogue

            report: RefreshReport | None = None
            error: str | None = None
            try:
                with Catalogue.open(path, seed=False, now=now) as cat:
                    report = feeds.refresh(
                        cat,
                        force=self.force,
                        settings=self.settings,
                        progress=lambda p: self._call(on_progress, p),
                        stop=stop,
                    )
            except UserError as exc:
                error = str(exc)
            except sqlite3.Error as exc:  # e.g. locked for longer than the busy timeout
                error = describe_sqlite_error(exc, path)
            except Exception as exc:  # a worker must not take the app down
                error = f"refresh failed: {exc.__class__.__name__}: {exc}"
            if not stop.is_set():
                self._call(on_done, report, error)

        self.worker = self.app.run_worker(run, name="feeds-refresh", group="feeds-refresh",
                                          thread=True, exit_on_error=False)
        return True

    def _call(self, fn: Callable[..., None], *args: object) -> None:
        if not self._stop.is_set():
            try:
                self.app.call_from_thread(fn, *args)
            except RuntimeError:  # the app has gone
                self._stop.set()

    def stop(self) -> None:
        """Stop waiting for the feeds still in flight (what landed stays stored)."""
        self._stop.set()


def file_with_dialog(
    app: App,
    catalogue: Catalogue,
    entry: InboxEntry,
    on_filed: Callable[[Item], None],
    on_error: Callable[[str], None],
    *,
    guide_id: int | None = None,
    suggester: Suggester | None = None,
    suggestions: Sequence[Suggestion] | None = None,
) -> None:
    """Open the filing dialog for ``entry``; on confirm, file it and call ``on_filed``.

    ``suggester``/``suggestions`` (built in a worker) keep a large catalogue from freezing
    the UI while the dialog opens."""
    if entry.link is None:
        on_error(f"entry {entry.id} has no web link; only http(s) links can be filed")
        return

    from tuiguide.tui.screens.file_dialog import (
        dialog_for_entry,  # (and the suggester) on first use
    )

    def chosen(choice: FileChoice | None) -> None:
        if choice is None:
            return
        topic_id, tier = choice
        try:
            item = inbox.file_entry(catalogue, entry.id, topic_id, tier)
        except UserError as exc:
            on_error(str(exc))
            return
        on_filed(item)

    app.push_screen(dialog_for_entry(catalogue, entry, guide_id, suggester=suggester,
                                     suggestions=suggestions), chosen)


def dismiss_entry(catalogue: Catalogue, entry: InboxEntry) -> InboxEntry:
    """The ``x`` key: the entry leaves the Inbox (``inbox.restore`` undoes it)."""
    return inbox.dismiss(catalogue, entry.id)
