"""Feeds in the main screen: the Inbox node and the keys that work on it.

:class:`FeedsFeature` hands the browse screen the "Inbox" tree node and the keys

* ``r`` refresh every feed in a worker thread: keys keep working, a one-line progress bar
  under the list shows feeds done/total, each feed that lands updates the Inbox count (and
  the list when the Inbox shows), and a notification sums up new entries and failures;
* ``i`` show the Inbox;
* ``f`` file the entry under the cursor into the guide (topic and tier suggested);
* ``x`` dismiss it;
* ``F`` the feeds screen (add, remove, see each feed's state).

``o``/``c`` (open, copy) are the browse screen's own: an Inbox row's link is only ever an
http(s) URL. The feature's state (the running refresh, the fetch limits, the topic
suggester) is a :class:`FeedControl`; the work runs in :class:`~.feed_activity.FeedActivity`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.features.feed_activity import FeedActivity
from tuiguide.tui.features.inbox_triage import (
    dismiss_current,
    inbox_entry,
    notify_error,
    showing_inbox,
    update_inbox,
)
from tuiguide.tui.sources.base import SpecialNode
from tuiguide.tui.sources.inbox import INBOX_KEY, INBOX_NODE

if TYPE_CHECKING:  # (feeds, suggest and their screens are imported when first used: start-up)
    from tuiguide.core.feeds.fetch import FetchSettings
    from tuiguide.core.feeds.refresh import RefreshReport
    from tuiguide.core.feeds.suggest import Suggester
    from tuiguide.tui.app import TuiguideApp
    from tuiguide.tui.screens.browse import BrowseScreen

SUGGEST_NOTICE_AFTER = 0.4  # seconds: say "finding topics" only when it takes a while
SUGGESTER_BUCKET = 500  # rebuild the suggester when the placement count crosses a multiple


class SuggesterCache:
    """One :class:`Suggester` per app, built in worker threads (learning takes a while on a
    large catalogue) and kept until topics change or the placement count crosses a
    ``SUGGESTER_BUCKET`` boundary (a few items filed since do not change its suggestions).

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
        self.running = False
        """True from ``r`` until the refresh's report is in (or the app closes)."""
        self.stopped = threading.Event()
        """Set to stop waiting for the feeds still in flight (what landed stays stored)."""
        self.done = 0
        self.total = 0
        self.new = 0
        self.failed = 0
        self.reports: list[tuple[RefreshReport | None, str | None]] = []
        """Every finished refresh's (report, error), oldest first (tests read it)."""
        self.suggesters = SuggesterCache()
        self.suggesting = False
        """True while ``f`` waits for its suggestions (a second ``f`` is ignored)."""

    def stop(self) -> None:
        """Stop waiting for feeds still in flight (the app is closing)."""
        self.stopped.set()
        self.running = False


def feed_control(app: TuiguideApp) -> FeedControl:
    """The feed state of ``app`` (kept by its feeds feature, so it lives and goes with it)."""
    feature = app.feature(FeedsFeature)
    assert feature is not None, "the app was built without its feeds feature"
    return feature.control


def set_fetch_settings(app: TuiguideApp, settings: FetchSettings | None) -> None:
    """Fetch limits (timeouts, size cap, parallelism) for refreshes started in ``app``."""
    feed_control(app).settings = settings


def activity(screen: BrowseScreen) -> FeedActivity:
    """The screen's feed activity line (and workers), mounted under the list on first use."""
    found = screen.query(FeedActivity)
    if found:
        return found.first()
    line = FeedActivity(feeds_feature(screen))
    screen.centre.mount(line)
    return line


def feeds_feature(screen: BrowseScreen) -> FeedsFeature:
    """The feeds feature handed to ``screen``."""
    return next(f for f in screen.features if isinstance(f, FeedsFeature))


def prewarm_suggester(screen: BrowseScreen) -> None:
    """Build the suggester in the background (the Inbox is about to be triaged), so the
    first ``f`` opens its dialog at once even on a large catalogue."""
    activity(screen).learn(screen.catalogue.path, screen.catalogue.now)


# --------------------------------------------------------------------------- r: refresh
def refresh_feeds(screen: BrowseScreen) -> None:
    """``r``: fetch every feed in the background; the Inbox fills in as feeds land."""
    control = feeds_feature(screen).control
    if control.running:
        screen.notify(
            f"Already refreshing ({control.done}/{control.total} feeds done).", timeout=2
        )
        return
    from tuiguide.core.feeds.refresh import count_feeds

    try:
        followed = count_feeds(screen.catalogue)
    except sqlite3.Error as exc:
        notify_error(screen, exc)
        return
    if not followed:
        screen.notify("No feeds followed yet. Press F to add one.", severity="warning")
        return
    control.done, control.total, control.new, control.failed = 0, followed, 0, 0
    control.running = True
    control.stopped = threading.Event()
    line = activity(screen)
    catalogue = screen.catalogue
    line.refresh_feeds(catalogue.path, catalogue.now, control.settings, control.stopped)
    line.add_class("-active")
    line.refresh()


# --------------------------------------------------------------------------- i: the Inbox
def show_inbox(screen: BrowseScreen) -> None:
    """``i``: the Inbox in the list, the cursor in it."""
    screen.topic_tree.select_key(INBOX_KEY)
    # Search results over inbox entries are an InboxSource too, but not the Inbox itself.
    if not showing_inbox(screen) or screen.source is None or screen.source.key != INBOX_KEY:
        screen.show_node(INBOX_KEY)
    screen.set_focus(screen.item_list)
    if screen.item_list.count:
        prewarm_suggester(screen)


# --------------------------------------------------------------------------- f: file
def file_current(screen: BrowseScreen) -> None:
    """``f``: the filing dialog for the entry under the cursor, once its suggestions are in
    (worked out in the background: keys keep working meanwhile)."""
    entry = inbox_entry(screen)
    if entry is None:
        screen.notify("The Inbox is empty: nothing to file.", timeout=2)
        return
    if entry.link is None:
        screen.notify("This entry has no web link (only http and https links are filed); "
                      "x dismisses it.", severity="warning", markup=False)
        return
    control = feeds_feature(screen).control
    if control.suggesting:
        return  # the dialog for the previous f is on its way
    control.suggesting = True

    def slow_notice() -> None:
        if control.suggesting:
            screen.notify("Finding the likeliest topics…", timeout=2)

    screen.set_timer(SUGGEST_NOTICE_AFTER, slow_notice)
    activity(screen).suggest(entry, screen.catalogue.path, screen.catalogue.now)


# --------------------------------------------------------------------------- F: feeds
def open_feeds_screen(screen: BrowseScreen) -> None:
    """``F``: the feeds screen; on return the Inbox count (and list) are read again."""
    control = feeds_feature(screen).control

    def closed(changed: bool | None) -> None:
        try:
            screen.after_write() if showing_inbox(screen) else update_inbox(screen)
        except sqlite3.Error as exc:
            notify_error(screen, exc)

    from tuiguide.tui.screens.feeds import FeedsScreen

    screen.app.push_screen(FeedsScreen(screen.catalogue, settings=control.settings), closed)


# --------------------------------------------------------------------------- the feature
def _key(verb: str, key: str, description: str, *, id: str, tooltip: str,
         show: bool = True) -> Binding:
    return feature_key("feeds", verb, key, description, id=id, tooltip=tooltip, show=show)


class FeedsFeature(Feature):
    """The Inbox node and the feed keys (see the module docstring).

    ``f``/``x`` apply while the Inbox shows (empty or not): availability that depends only
    on the list shown keeps the footer right without recomputing it on every cursor move.
    """

    name = "feeds"
    INBOX_BINDINGS: ClassVar[list[Binding]] = [
        _key("file", "f", "File", id="inbox.file",
             tooltip="File the Inbox entry into the guide (topic and tier suggested)"),
        _key("dismiss", "x", "Dismiss", id="inbox.dismiss",
             tooltip="Dismiss the Inbox entry (a refresh never brings it back; ctrl+z does)"),
    ]
    """The keys for the Inbox's rows (the screen shows them where the status keys go)."""
    BINDINGS: ClassVar[list[Binding]] = [
        _key("refresh", "r", "Refresh", id="feeds.refresh",
             tooltip="Refresh every feed in the background (new posts go to the Inbox)"),
        _key("inbox", "i", "Inbox", id="inbox.show", show=False,
             tooltip="Show the Inbox: new posts from your feeds"),
        _key("feeds", "F", "Feeds", id="feeds.screen", show=False,
             tooltip="Feeds: add, remove and see each feed's state"),
    ]

    def __init__(self) -> None:
        self.control = FeedControl()

    def nodes(self) -> Sequence[SpecialNode]:
        return (INBOX_NODE,)

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        return showing_inbox(screen) if verb in ("file", "dismiss") else True

    def key_state(self, screen: BrowseScreen) -> bool:
        return showing_inbox(screen)

    def busy(self) -> bool:
        return self.control.running

    def action_refresh(self, screen: BrowseScreen) -> None:
        refresh_feeds(screen)

    def action_inbox(self, screen: BrowseScreen) -> None:
        show_inbox(screen)

    def action_file(self, screen: BrowseScreen) -> None:
        file_current(screen)

    def action_dismiss(self, screen: BrowseScreen) -> None:
        dismiss_current(screen)

    def action_feeds(self, screen: BrowseScreen) -> None:
        open_feeds_screen(screen)
