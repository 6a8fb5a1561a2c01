"""The line under the list while every resource's text is fetched for offline reading, and
the home of that worker (it posts :class:`~tuiguide.tui.messages.ArticlesFetched`)."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.widgets import Static

from tuiguide.tui.messages import ArticlesFetched
from tuiguide.tui.widgets.item_list import ItemList


class OfflineFetch(Static):
    """"Fetching for offline 12/333"; the summary, then hidden, when it is done."""

    DEFAULT_CSS = """
    OfflineFetch { height: 1; background: $panel; display: none; }
    OfflineFetch.-active { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="offline-fetch")
        self.stop = threading.Event()
        self.running = False
        self.summary: str | None = None  # the last run's summary line, once it is done

    def start(self, path: Path) -> None:
        if self.running:
            self.notify("Already fetching for offline reading.", markup=False)
            return
        self.running = True
        self.stop.clear()
        self.add_class("-active")
        self.update(Text(" ⟳ Fetching for offline reading…"))
        self.fetch_all(path)

    def on_unmount(self) -> None:
        self.stop.set()

    @work(thread=True, group="reader-fetch-all", exit_on_error=False)
    def fetch_all(self, path: Path) -> None:
        """Fetch every resource with no stored text yet (a worker, its own connection)."""
        from tuiguide.core.articles import store
        from tuiguide.core.articles.fetch import Outcome, fetch_articles, pending
        from tuiguide.core.store.catalogue import Catalogue

        try:
            with Catalogue.open(path, seed=False) as cat:
                targets, skipped = pending(cat, store.resource_targets(cat))
                done = 0

                def landed(_outcome: Outcome) -> None:
                    nonlocal done
                    done += 1
                    self.post_message(ArticlesFetched(done, len(targets)))

                summary = fetch_articles(cat, targets, on_outcome=landed, stop=self.stop)
                summary.skipped = skipped
                line = summary.line()
        except Exception as exc:  # a worker must not take the app down
            line = f"Fetching for offline stopped: {exc}"
        self.post_message(ArticlesFetched(0, 0, line, finished=True))

    @on(ArticlesFetched)
    def progressed(self, message: ArticlesFetched) -> None:
        if message.finished:
            self.running = False
            self.summary = message.line
            self.remove_class("-active")
            for rows in self.screen.query(ItemList):  # dead links found get their glyph
                rows.reload()
            self.notify(f"Offline reading: {message.line}", markup=False)
            return
        self.update(Text(f" ⟳ Fetching for offline reading {message.done}/{message.total}"))
