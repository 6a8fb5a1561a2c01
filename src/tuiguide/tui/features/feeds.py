"""Feeds in the main screen: the Inbox node and the keys that work on it.

Importing this module (``ui/app.py`` does) registers, through the browse screen's extension
points, the "Inbox" tree node and the keys

* ``r`` refresh every feed in a worker thread: keys keep working, a one-line progress bar
  under the list shows feeds done/total, each feed that lands updates the Inbox count (and
  the list when the Inbox shows), and a notification sums up new entries and failures;
* ``i`` show the Inbox;
* ``f`` file the entry under the cursor into the guide (topic and tier suggested);
* ``x`` dismiss it;
* ``F`` the feeds screen (add, remove, see each feed's state).

``o``/``c`` (open, copy) are the browse screen's own: an Inbox row's link is only ever an
http(s) URL. Per-app state (the running refresh, the fetch limits, the topic suggester)
lives in a :class:`FeedControl`; tests shrink the limits with :func:`set_fetch_settings`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.widget import Widget

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import inbox
from tuiguide.core.feeds.inbox import InboxEntry
from tuiguide.core.models import Item
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.screens.browse import BrowseKey, BrowseScreen, register_browse_key
from tuiguide.tui.sources.base import register_special_node
from tuiguide.tui.sources.inbox import INBOX_KEY, INBOX_NODE, InboxSource
from tuiguide.tui.widgets.render import fit, progress_bar

if TYPE_CHECKING:  # (feeds, suggest and their screens are imported when first used: start-up)
    from tuiguide.core.feeds.fetch import FetchSettings
    from tuiguide.core.feeds.refresh import FeedOutcome, RefreshProgress, RefreshReport
    from tuiguide.core.feeds.suggest import Suggester, Suggestion
    from tuiguide.tui.features.feed_actions import RefreshRunner

NAMES_IN_SUMMARY = 3
SUGGEST_NOTICE_AFTER = 0.4  # seconds: say "finding topics" only when it takes a while
SUGGESTER_BUCKET = 500  # rebuild the suggester when the placement count crosses a multiple


class SuggesterCache:
    """One :class:`Suggester` per app, built in worker threads (seconds at 50,000 resources)
    and kept until topics change or the placement count crosses a ``SUGGESTER_BUCKET``
    boundary (a few items filed since do not change its suggestions).

    It holds no database connection once built, so a worker builds it and the UI thread
    uses it; the lock makes a pre-warm and an ``f`` share one build.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._suggester: Suggester | None = None
        self._key: tuple[int, ...] | None = None

    @staticmethod
    def _key_of(stamp: tuple[int, int, int]) -> tuple[int, ...]:
        topics, top, placed = stamp
        return (topics, top, placed // SUGGESTER_BUCKET)

    def get(self, catalogue_path: Path, now: Callable[[], str]) -> Suggester:
        """The suggester for the catalogue as it is now (call from a worker thread)."""
        from tuiguide.core.feeds.suggest import Suggester, training_stamp
        from tuiguide.core.store.catalogue import Catalogue

        with self._lock, Catalogue.open(catalogue_path, seed=False, now=now) as cat:
            key = self._key_of(training_stamp(cat))
            if self._suggester is None or self._key != key:
                self._suggester, self._key = Suggester(cat, None), key
            return self._suggester


class FeedControl:
    """One app's feed state: the refresh in flight, its progress, and the fetch limits."""

    def __init__(self) -> None:
        self.settings: FetchSettings | None = None
        """Limits for refreshes started from this app (None: the defaults)."""
        self.runner: RefreshRunner | None = None
        self.done = 0
        self.total = 0
        self.new = 0
        self.failed = 0
        self.reports: list[tuple[RefreshReport | None, str | None]] = []
        """Every finished refresh's (report, error), oldest first (tests read it)."""
        self.suggesters = SuggesterCache()
        self.suggesting = False
        """True while ``f`` waits for its suggestions (a second ``f`` is ignored)."""

    @property
    def running(self) -> bool:
        return self.runner is not None and self.runner.running

    def stop(self) -> None:
        """Stop waiting for feeds still in flight (the app is closing)."""
        if self.runner is not None:
            self.runner.stop()


def feed_control(app: App) -> FeedControl:
    """``app``'s feed state (kept on the app, so it lives and goes with it)."""
    control = getattr(app, "_tuiguide_feed_control", None)
    if not isinstance(control, FeedControl):
        control = FeedControl()
        app._tuiguide_feed_control = control  # type: ignore[attr-defined]
    return control


def set_fetch_settings(app: App, settings: FetchSettings | None) -> None:
    """Fetch limits (timeouts, size cap, parallelism) for refreshes started in ``app``."""
    feed_control(app).settings = settings


# --------------------------------------------------------------------------- progress bar
class RefreshBar(Widget):
    """`` ⟳ Feeds 2/5 ━━━━━━━━━━ 3 new · 1 failed `` under the list while a refresh runs.

    It also stops the refresh when it is unmounted (the app is closing), so a feed that
    never answers cannot hold the process open after the user quits.
    """

    DEFAULT_CSS = """
    RefreshBar {
        height: 1;
        width: 1fr;
        display: none;
        background: $panel;
        color: $foreground;
    }
    RefreshBar.-active {
        display: block;
    }
    """

    def __init__(self, control: FeedControl) -> None:
        super().__init__(id="feeds-progress")
        self.control = control

    def render(self) -> Text:
        c = self.control
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
        self.control.stop()


def _bar(screen: BrowseScreen) -> RefreshBar:
    """The screen's progress bar, mounted under the list on first use."""
    found = screen.query(RefreshBar)
    if found:
        return found.first()
    bar = RefreshBar(feed_control(screen.app))
    screen.centre.mount(bar)
    return bar


# --------------------------------------------------------------------------- counts
def _showing_inbox(screen: BrowseScreen) -> bool:
    return isinstance(screen.source, InboxSource)


def _entry(screen: BrowseScreen) -> InboxEntry | None:
    row = screen.current_row
    return row if _showing_inbox(screen) and isinstance(row, InboxEntry) else None


def _update_inbox(screen: BrowseScreen) -> None:
    """The Inbox's count in the tree (and its list, re-queried, when it shows)."""
    if not screen.is_attached:
        return
    if _showing_inbox(screen):
        screen.after_write()  # the list, the list title and every count
        return
    node = screen.topic_tree.nodes_by_key.get(INBOX_KEY)
    if node is not None and node.data is not None:
        node.data.badge = str(inbox.inbox_count(screen.catalogue))
        node.refresh()


def _notify_error(screen: BrowseScreen, exc: BaseException) -> None:
    if isinstance(exc, sqlite3.Error):
        message = describe_sqlite_error(exc, screen.catalogue.path)
    else:
        message = clean_text(str(exc), limit=300)
    screen.notify(message, severity="error", markup=False)


def prewarm_suggester(screen: BrowseScreen) -> None:
    """Build the suggester in the background (the Inbox is about to be triaged), so the
    first ``f`` opens its dialog at once even on a large catalogue."""
    app = screen.app
    cache = feed_control(app).suggesters
    path, now = screen.catalogue.path, screen.catalogue.now

    def build() -> None:
        with contextlib.suppress(Exception):  # f will try again and report the error
            cache.get(path, now)

    _in_background("tuiguide-suggester", build)


def _in_background(name: str, work: Callable[[], None]) -> None:
    """Run CPU-bound ``work`` in a daemon thread: unlike a Textual thread worker (joined
    when the app's loop closes), it cannot keep the process alive after the user quits
    while a large catalogue's suggester is still learning (it only reads the database)."""
    threading.Thread(target=work, name=name, daemon=True).start()


# --------------------------------------------------------------------------- r: refresh
def _summary(report: RefreshReport, *, inbox_shown: bool) -> tuple[str, str]:
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


def refresh_feeds(screen: BrowseScreen) -> None:
    """``r``: fetch every feed in the background; the Inbox fills in as feeds land."""
    app = screen.app
    control = feed_control(app)
    if control.running:
        screen.notify(
            f"Already refreshing ({control.done}/{control.total} feeds done).", timeout=2
        )
        return
    try:
        from tuiguide.core.feeds.refresh import count_feeds

        followed = count_feeds(screen.catalogue)
    except sqlite3.Error as exc:
        _notify_error(screen, exc)
        return
    if not followed:
        screen.notify("No feeds followed yet. Press F to add one.", severity="warning")
        return
    control.done, control.total, control.new, control.failed = 0, followed, 0, 0
    bar = _bar(screen)

    def landed(progress: RefreshProgress) -> None:
        control.done, control.total = progress.done, progress.total
        control.new += progress.outcome.new_entries
        control.failed += progress.outcome.result == "failed"
        bar.refresh()
        _update_inbox(screen)

    def finished(report: RefreshReport | None, error: str | None) -> None:
        control.reports.append((report, error))
        bar.remove_class("-active")
        _update_inbox(screen)
        if error is not None or report is None:
            screen.notify(
                clean_text(f"Refresh failed: {error}", limit=400), severity="error", markup=False
            )
            return
        if report.inbox_count and screen.is_attached:
            prewarm_suggester(screen)
        message, severity = _summary(report, inbox_shown=_showing_inbox(screen))
        screen.notify(message, title="Feeds refreshed", severity=severity,  # type: ignore[arg-type]
                      markup=False, timeout=8 if report.failed else 5)

    from tuiguide.tui.features.feed_actions import RefreshRunner

    control.runner = RefreshRunner(app, screen.catalogue, settings=control.settings)
    if control.runner.start(landed, finished):
        bar.add_class("-active")
        bar.refresh()


# --------------------------------------------------------------------------- i: the Inbox
def show_inbox(screen: BrowseScreen) -> None:
    """``i``: the Inbox in the list, the cursor in it."""
    screen.topic_tree.select_key(INBOX_KEY)
    # Search results over inbox entries are an InboxSource too, but not the Inbox itself.
    if not _showing_inbox(screen) or screen.source.key != INBOX_KEY:
        screen.show_node(INBOX_KEY)
    screen.set_focus(screen.item_list)
    if screen.item_list.count:
        prewarm_suggester(screen)


# --------------------------------------------------------------------------- f, x: triage
def file_current(screen: BrowseScreen) -> None:
    """``f``: the filing dialog for the entry under the cursor; on enter it joins the guide."""
    entry = _entry(screen)
    if entry is None:
        screen.notify("The Inbox is empty: nothing to file.", timeout=2)
        return
    if entry.link is None:
        screen.notify("This entry has no web link (only http and https links are filed); "
                      "x dismisses it.", severity="warning", markup=False)
        return

    def filed(item: Item) -> None:
        where = clean_text(item.topic, limit=60)
        if item.topic_number:
            where = f"{clean_text(item.topic_number)}. {where}"
        tier = f"Tier {item.tier}" if item.tier else "untiered"
        screen.notify(
            f"Filed “{clean_text(item.title, limit=60)}” in {where} · {tier}", markup=False
        )
        _after_triage(screen)

    def failed(message: str) -> None:
        screen.notify(clean_text(message, limit=300), severity="warning", markup=False)

    app = screen.app
    control = feed_control(app)
    if control.suggesting:
        return  # the dialog for the previous f is on its way
    control.suggesting = True
    path, now = screen.catalogue.path, screen.catalogue.now

    def suggest() -> None:
        from tuiguide.tui.screens.file_dialog import suggest_for_entry

        try:
            suggester = control.suggesters.get(path, now)
            found = suggest_for_entry(suggester, entry)
        except Exception as exc:  # a worker must not take the app down
            _call(app, ready, None, [], exc)
            return
        _call(app, ready, suggester, found, None)

    def ready(suggester: Suggester | None, found: list[Suggestion],
              error: BaseException | None) -> None:
        control.suggesting = False
        if error is not None:
            _notify_error(screen, error)
            return
        if app.screen is not screen:  # the user went elsewhere meanwhile (help, feeds)
            return
        from tuiguide.tui.features.feed_actions import file_with_dialog

        try:
            file_with_dialog(app, screen.catalogue, entry, filed, failed,
                             suggester=suggester, suggestions=found)
        except (UserError, sqlite3.Error) as exc:
            _notify_error(screen, exc)

    def slow_notice() -> None:
        if control.suggesting:
            screen.notify("Finding the likeliest topics…", timeout=2)

    screen.set_timer(SUGGEST_NOTICE_AFTER, slow_notice)
    _in_background("tuiguide-suggest", suggest)


def _call(app: App, fn: Callable[..., None], *args: object) -> None:
    """Run ``fn`` on the UI thread from a worker (nothing if the app has closed)."""
    if not app.is_running:
        return
    with contextlib.suppress(RuntimeError):
        app.call_from_thread(fn, *args)


def dismiss_current(screen: BrowseScreen) -> None:
    """``x``: the entry under the cursor leaves the Inbox (``tuiguide dismiss --undo``)."""
    entry = _entry(screen)
    if entry is None:
        screen.notify("The Inbox is empty: nothing to dismiss.", timeout=2)
        return
    from tuiguide.tui.features.feed_actions import dismiss_entry

    try:
        dismiss_entry(screen.catalogue, entry)
    except (UserError, sqlite3.Error) as exc:
        _notify_error(screen, exc)
        _after_triage(screen)  # e.g. filed meanwhile by another process: show that
        return
    screen.notify(
        f"Dismissed “{clean_text(entry.title, limit=60)}” "
        f"(tuiguide dismiss --undo {entry.id} brings it back)",
        markup=False,
        timeout=3,
    )
    _after_triage(screen)


def _after_triage(screen: BrowseScreen) -> None:
    """The entry left the Inbox: re-query the list (the cursor moves to the next entry)."""
    try:
        screen.after_write()
    except sqlite3.Error as exc:
        _notify_error(screen, exc)


# --------------------------------------------------------------------------- F: feeds
def open_feeds_screen(screen: BrowseScreen) -> None:
    """``F``: the feeds screen; on return the Inbox count (and list) are read again."""
    control = feed_control(screen.app)

    def closed(changed: bool | None) -> None:
        try:
            screen.after_write() if _showing_inbox(screen) else _update_inbox(screen)
        except sqlite3.Error as exc:
            _notify_error(screen, exc)

    from tuiguide.tui.screens.feeds import FeedsScreen

    screen.app.push_screen(FeedsScreen(screen.catalogue, settings=control.settings), closed)


# --------------------------------------------------------------------------- registration
class FeedKeys:
    """The bindings, in footer order (ids are what help, the palette and keymaps use).

    ``f``/``x`` apply while the Inbox shows (empty or not): availability that depends only
    on the list shown keeps the footer right without recomputing it on every cursor move.
    """

    BINDINGS: ClassVar[list[BrowseKey]] = [
        BrowseKey(
            Binding("f", "", "File", id="inbox.file",
                    tooltip="File the Inbox entry into the guide (topic and tier suggested)"),
            run=file_current,
            available=_showing_inbox,
        ),
        BrowseKey(
            Binding("x", "", "Dismiss", id="inbox.dismiss",
                    tooltip="Dismiss the Inbox entry (it never comes back)"),
            run=dismiss_current,
            available=_showing_inbox,
        ),
        BrowseKey(
            Binding("r", "", "Refresh", id="feeds.refresh",
                    tooltip="Refresh every feed in the background (new posts go to the Inbox)"),
            run=refresh_feeds,
        ),
        BrowseKey(
            Binding("i", "", "Inbox", id="inbox.show", show=False,
                    tooltip="Show the Inbox: new posts from your feeds"),
            run=show_inbox,
        ),
        BrowseKey(
            Binding("F", "", "Feeds", id="feeds.screen", show=False,
                    tooltip="Feeds: add, remove and see each feed's state"),
            run=open_feeds_screen,
        ),
    ]


def register() -> None:
    """Add the Inbox node and the feed keys to the browse screen (idempotent)."""
    register_special_node(INBOX_NODE)
    for key in FeedKeys.BINDINGS:
        register_browse_key(key)


register()
