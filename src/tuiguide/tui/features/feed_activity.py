"""Where the feeds' background work runs in the browse screen, and the line that shows it.

:class:`FeedActivity` sits under the item list: `` ⟳ Refreshing feeds 2/5 ━━━━ 3 new `` while a
refresh runs, hidden otherwise. Its thread workers (a refresh, the filing suggestions, the
suggester's warm-up) each open their own catalogue connection and post a message from
:mod:`tuiguide.tui.messages`; its handlers update the screen and the feed state
(:class:`~.feeds.FeedControl`) on the UI thread.
Unmounted (the app is closing), it stops waiting for feeds still in flight.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.widget import Widget

from tuiguide.core.errors import UserError
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.features.inbox_triage import (
    notify_error,
    open_filing_dialog,
    showing_inbox,
    update_inbox,
)
from tuiguide.tui.messages import FeedLanded, FeedsRefreshed, SuggestionsReady
from tuiguide.tui.widgets.render import fit, progress_bar

if TYPE_CHECKING:
    from tuiguide.core.feeds.fetch import FetchSettings
    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.feeds.refresh import FeedOutcome, RefreshProgress, RefreshReport
    from tuiguide.tui.features.feeds import FeedsFeature
    from tuiguide.tui.screens.browse import BrowseScreen

NAMES_IN_SUMMARY = 3


class FeedActivity(Widget):
    """The refresh's progress line; the home of the feeds' workers (see the module doc)."""

    DEFAULT_CSS = """
    FeedActivity {
        height: 1;
        width: 1fr;
        display: none;
        background: $panel;
        color: $foreground;
    }
    FeedActivity.-active {
        display: block;
    }
    """

    def __init__(self, feature: FeedsFeature) -> None:
        super().__init__(id="feeds-progress")
        self.feature = feature

    def render(self) -> Text:
        c = self.feature.control
        width = self.size.width
        head = Text(" ⟳ ", style="bold cyan")
        head.append("Refreshing feeds ", style="bold")
        head.append(f"{c.done}/{c.total}")
        tail = Text()
        if c.new:
            tail.append(f" {c.new} new", style="bold")
        if c.failed:
            tail.append(" ·" if c.new else "")
            tail.append(f" {c.failed} failed", style="yellow")
        bar_width = min(20, width - head.cell_len - tail.cell_len - 2)
        line = head
        if bar_width >= 4:
            line.append(" ")
            line.append_text(progress_bar(c.done, c.total, bar_width))
        line.append_text(tail)
        return fit(line, width)

    def on_unmount(self) -> None:
        self.feature.control.stop()

    # ------------------------------------------------------------------ workers
    @work(thread=True, group="feeds-refresh", exit_on_error=False)
    def refresh_feeds(
        self, path: Path, now: Callable[[], str], settings: FetchSettings | None,
        stop: threading.Event,
    ) -> None:
        """Fetch every feed (the user asked: failing feeds are tried again now); a message
        per feed stored, one at the end. ``stop`` set: stop waiting for feeds in flight."""
        from tuiguide.core.feeds import refresh as feeds
        from tuiguide.core.store.catalogue import Catalogue

        def landed(progress: RefreshProgress) -> None:
            if not stop.is_set():
                self.post_message(FeedLanded(progress))

        report: RefreshReport | None = None
        error: str | None = None
        try:
            with Catalogue.open(path, seed=False, now=now) as cat:
                report = feeds.refresh(cat, force=True, settings=settings, progress=landed,
                                       stop=stop)
        except UserError as exc:
            error = str(exc)
        except sqlite3.Error as exc:  # e.g. locked for longer than the busy timeout
            error = describe_sqlite_error(exc, path)
        except Exception as exc:  # a worker must not take the app down
            error = f"refresh failed: {exc.__class__.__name__}: {exc}"
        if not stop.is_set():
            self.post_message(FeedsRefreshed(report, error))

    @work(thread=True, group="feeds-suggest", exit_on_error=False)
    def suggest(self, entry: InboxEntry, path: Path, now: Callable[[], str]) -> None:
        """Where ``entry`` likely belongs (the suggester learns first if it must)."""
        from tuiguide.tui.screens.file_dialog import suggest_for_entry

        try:
            suggester = self.feature.control.suggesters.get(path, now)
            found = suggest_for_entry(suggester, entry)
        except Exception as exc:  # a worker must not take the app down
            self.post_message(SuggestionsReady(entry, None, [], exc))
            return
        self.post_message(SuggestionsReady(entry, suggester, found, None))

    @work(thread=True, group="feeds-suggester", exit_on_error=False)
    def learn(self, path: Path, now: Callable[[], str]) -> None:
        """Build the suggester ahead of the first ``f`` (the Inbox is about to be triaged)."""
        with contextlib.suppress(Exception):  # f will try again and report the error
            self.feature.control.suggesters.get(path, now)

    # ------------------------------------------------------------------ results
    @on(FeedLanded)
    def _feed_landed(self, message: FeedLanded) -> None:
        control, progress = self.feature.control, message.progress
        control.done, control.total = progress.done, progress.total
        control.new += progress.outcome.new_entries
        control.failed += progress.outcome.result == "failed"
        self.refresh()
        update_inbox(self.browse)

    @on(FeedsRefreshed)
    def _refreshed(self, message: FeedsRefreshed) -> None:
        self.remove_class("-active")
        control, screen = self.feature.control, self.browse
        report, error = message.report, message.error
        control.running = False
        control.reports.append((report, error))
        update_inbox(screen)
        if error is not None or report is None:
            screen.notify(
                clean_text(f"Refresh failed: {error}", limit=400), severity="error", markup=False
            )
            return
        if report.inbox_count and screen.is_attached:
            self.learn(screen.catalogue.path, screen.catalogue.now)
        text, severity = refresh_summary(report, inbox_shown=showing_inbox(screen))
        screen.notify(text, title="Feeds refreshed", severity=severity,  # type: ignore[arg-type]
                      markup=False, timeout=8 if report.failed else 5)

    @on(SuggestionsReady)
    def _suggestions_ready(self, message: SuggestionsReady) -> None:
        self.feature.control.suggesting = False
        screen = self.browse
        if message.error is not None:
            notify_error(screen, message.error)
        elif screen.app.screen is screen:  # (not if the user went elsewhere: help, feeds)
            open_filing_dialog(screen, message.entry, message.suggester, message.suggestions)

    @property
    def browse(self) -> BrowseScreen:
        return self.screen  # type: ignore[return-value]


def refresh_summary(report: RefreshReport, *, inbox_shown: bool) -> tuple[str, str]:
    """The end-of-refresh notification and its severity."""
    checked = len(report.outcomes) - len(report.skipped)
    new = report.new_entries
    text = f"{new} new post{'s' if new != 1 else ''}" if new else "Nothing new"
    text += f", {report.inbox_count} in the Inbox"
    if report.inbox_count and not inbox_shown:
        text += " (i shows it)"
    text += "."
    if report.failed:
        text += f" {len(report.failed)} of {checked} feeds failed: "
        text += _names(report.failed, with_message=True) + ". F shows each feed's state."
    if report.skipped:
        text += f" {len(report.skipped)} waiting (the server asked to retry later): "
        text += _names(report.skipped) + "."
    return clean_text(text, limit=600), "warning" if report.failed else "information"


def _names(outcomes: list[FeedOutcome], *, with_message: bool = False) -> str:
    parts = []
    for o in outcomes[:NAMES_IN_SUMMARY]:
        name = clean_text(o.feed.name, limit=40)
        if with_message and o.message:
            name += f" ({clean_text(o.message, limit=60)})"
        parts.append(name)
    if len(outcomes) > NAMES_IN_SUMMARY:
        parts.append(f"and {len(outcomes) - NAMES_IN_SUMMARY} more")
    return "; ".join(parts)
