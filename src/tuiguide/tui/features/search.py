"""Search in the browse screen: ``/`` opens a one-line search field above the item list.

Results replace the list as the user types (debounced), in the same list and detail pane, so
every list key works on them; ``enter`` or ``down`` moves into the results, ``/`` back to the
field, ``escape`` (from either) closes the search and returns to the list, row and pane the
user left. Going to another list (the tree, ``i``, the palette) closes it too.

Small catalogues are searched on the UI thread (a few ms). From :data:`INLINE_MAX` resources
a query runs in an exclusive thread worker with its own connection (a newer keystroke
cancels an older query's result), and only the finished first page and tab counts come back
to the UI thread (:class:`~tuiguide.tui.messages.SearchResultsReady`); later pages are read
as the list scrolls, like any list. :class:`SearchFeature` hands the keys to the screen.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tuiguide.core.errors import UserError
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.messages import SearchResultsReady
from tuiguide.tui.sources.base import ListSource
from tuiguide.tui.sources.search import is_search_source, make_search_source, prefetch

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

DEBOUNCE = 0.12
"""Seconds without a keystroke before the query runs."""
INLINE_MAX = 10_000
"""Below this many placements a query runs on the UI thread (a few ms: see BENCHMARKS.md)."""
PLACEHOLDER = "words · tier:2 status:todo in:article in:inbox"


@dataclass
class Place:
    """Where the user was when the search opened: restored by ``escape``."""

    source: ListSource
    index: int
    row_key: str | None
    focus: Widget | None


class SearchInput(Input):
    """The search field; ``down`` moves into the results (``enter`` too, via the bar)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "results", "Results", show=False),
    ]

    def action_results(self) -> None:
        bar = self.parent
        if isinstance(bar, SearchBar):
            bar.focus_results()


class SearchBar(Horizontal):
    """`` / [query.........]  hint `` at the top of the list pane while a search is open."""

    DEFAULT_CSS = """
    SearchBar {
        height: 1;
        width: 1fr;
        display: none;
        background: $boost;
    }
    SearchBar.-active {
        display: block;
    }
    SearchBar > #search-prompt {
        width: 3;
        color: $accent;
        text-style: bold;
    }
    SearchBar > SearchInput {
        width: 1fr;
        border: none;
        padding: 0;
        background: $boost;
    }
    SearchBar > #search-hint {
        width: auto;
        max-width: 50%;
        color: $warning;
        padding: 0 1;
    }
    SearchBar > #search-hint.-busy {
        color: $text-muted;
    }
    """

    def __init__(self, screen: BrowseScreen) -> None:
        super().__init__(id="search-bar")
        self.browse = screen
        self.active = False
        self.place: Place | None = None
        self.applied: tuple[str, int | None] | None = None
        """(text, tier) of the results shown; None while the previous list shows."""
        self.generation = 0
        self._timer: Timer | None = None
        self._waiting: int | None = None  # the generation a worker is computing
        self._own_show = False
        self.input = SearchInput(placeholder=PLACEHOLDER, compact=True, id="search-input")
        self.hint = Static(Text(""), id="search-hint")

    def compose(self) -> ComposeResult:
        yield Static(Text(" / "), id="search-prompt")
        yield self.input
        yield self.hint

    def on_mount(self) -> None:
        self.browse.source_shown.subscribe(self, self._source_shown, immediate=True)

    # ------------------------------------------------------------------ state
    @property
    def idle(self) -> bool:
        """No query waiting for the debounce or running in a worker (tests wait for this)."""
        return self._timer is None and self._waiting is None

    @property
    def text(self) -> str:
        return self.input.value

    # ------------------------------------------------------------------ open / close
    def open(self) -> None:
        """Show the field and focus it; the first time, remember where the user is."""
        screen = self.browse
        if not self.active:
            source = screen.source
            row = screen.current_row
            self.place = (
                Place(
                    source,
                    screen.item_list.cursor,
                    source.row_key(row) if row is not None else None,
                    screen.focused,
                )
                if source is not None
                else None
            )
            self.active = True
            self.applied = None
            self.input.value = ""
            self._set_hint("")
            self.add_class("-active")
            screen.refresh_keys()  # escape closes the search now
        screen.set_focus(self.input)

    def close(self, *, restore: bool = True) -> None:
        """Hide the field; with ``restore``, show the list, row and pane the user left."""
        self._cancel()
        place, self.place = self.place, None
        self.active = False
        self.applied = None
        self.remove_class("-active")
        screen = self.browse
        screen.refresh_keys()
        if restore and place is not None:
            if screen.source is not place.source:  # (nothing searched yet: nothing to redo)
                self._show_place(place)
            focus = place.focus
            if focus is None or not focus.is_attached or focus is self.input:
                focus = screen.item_list
            screen.set_focus(focus)
        elif screen.focused is self.input:
            screen.set_focus(screen.item_list)

    def focus_results(self) -> None:
        """``enter``/``down`` in the field: run a pending query now, then move into the list."""
        if not self.text.strip():
            self.close()
            return
        if self._timer is not None or self.applied != (self.text, self.browse.tier):
            self._cancel()
            self._search_inline(self.text)
        self.browse.set_focus(self.browse.item_list)

    def _show_place(self, place: Place) -> None:
        screen = self.browse
        self._own_show = True
        try:
            screen.show_source(place.source.for_tier(screen.tier), index=place.index,
                               row_key=place.row_key)
        finally:
            self._own_show = False

    def _source_shown(self, source: ListSource) -> None:
        """Another list was shown (the tree, ``i``, the palette...): the search is over."""
        if self.active and not self._own_show and not is_search_source(source):
            self.close(restore=False)
            self.input.value = ""

    # ------------------------------------------------------------------ typing
    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        clean = clean_text(event.value)
        if clean != event.value:  # a paste with control characters or escape sequences
            self.input.value = clean
            return
        if not self.active:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._debounced)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_results()

    def _debounced(self) -> None:
        self._timer = None
        text = self.text
        if not self.active or (text, self.browse.tier) == self.applied:
            return
        if not text.strip():
            # Nothing typed (or all of it deleted): the list the user came from.
            self._next_generation()
            self.applied = None
            self._set_hint("")
            if self.place is not None and is_search_source(self.browse.source):
                self._show_place(self.place)
            return
        if self._inline():
            self._search_inline(text)
        else:
            self._search_in_worker(text)

    def _inline(self) -> bool:
        try:
            return self.browse.catalogue.count_items() < INLINE_MAX
        except sqlite3.Error:
            return True

    def _search_inline(self, text: str) -> None:
        self._next_generation()
        screen = self.browse
        try:
            source = make_search_source(screen.catalogue, text, screen.tier)
            self._show_results(source, text, screen.tier)
        except (UserError, sqlite3.Error) as exc:
            self._failed(exc)

    def _search_in_worker(self, text: str) -> None:
        self._next_generation()
        self._waiting = self.generation
        self._set_hint("searching…", busy=True)
        self._prefetch(self.generation, text, self.browse.tier, self.browse.catalogue.path)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _prefetch(self, generation: int, text: str, tier: int | None, path: Path) -> None:
        """The query's first page and tab counts, on a connection of this thread's own."""
        if get_current_worker().is_cancelled:  # a newer keystroke came before it started
            return
        try:
            with Catalogue.open(path, seed=False) as catalogue:
                ready = prefetch(catalogue, text, tier)
        except (UserError, sqlite3.Error) as exc:
            self.post_message(SearchResultsReady(generation, None, exc))
            return
        self.post_message(SearchResultsReady(generation, ready, None))

    @on(SearchResultsReady)
    def _landed(self, message: SearchResultsReady) -> None:
        if message.generation != self.generation or not self.active:
            return  # a newer keystroke (or escape) made this result stale
        self._waiting = None
        if message.error is not None:
            self._failed(message.error)
            return
        ready = message.prefetched
        if ready is None:
            return
        screen = self.browse
        if ready.tier != screen.tier:  # a tier key was pressed meanwhile
            self._search_inline(ready.text)
            return
        source = make_search_source(screen.catalogue, ready.text, ready.tier, prefetched=ready)
        self._show_results(source, ready.text, ready.tier)

    def _show_results(self, source: ListSource, text: str, tier: int | None) -> None:
        self.browse.show_source(source)
        self.applied = (text, tier)
        problems = getattr(source, "problems", [])
        # Problems show as the empty-list message; with results, they show here.
        self._set_hint(clean_text("; ".join(problems), limit=200) if problems and self.browse.item_list.count else "")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, sqlite3.Error):
            message = describe_sqlite_error(exc, self.browse.catalogue.path)
        else:
            message = clean_text(str(exc), limit=300)
        self._set_hint("")
        self.browse.notify(message, severity="error", markup=False)

    def _set_hint(self, text: str, *, busy: bool = False) -> None:
        self.hint.update(Text(text))
        self.hint.set_class(busy, "-busy")
        self.hint.display = bool(text)

    def _next_generation(self) -> None:
        """Results of every query started before now are stale."""
        self.generation += 1
        self._waiting = None

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._next_generation()
        self.workers.cancel_group(self, "search")


# ---------------------------------------------------------------------------- keys
def search_bar(screen: BrowseScreen, *, create: bool = True) -> SearchBar | None:
    """The screen's search bar, mounted at the top of the list pane on first use."""
    found = screen.query(SearchBar)
    if found:
        return found.first()
    if not create:
        return None
    bar = SearchBar(screen)
    screen.centre.mount(bar, before=0)
    return bar


def searching(screen: BrowseScreen) -> bool:
    bar = search_bar(screen, create=False)
    return bar is not None and bar.active


class SearchFeature(Feature):
    """``/`` opens the search field; ``escape`` closes it (only while a search is open)."""

    name = "search"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("search", "open", "slash", "Search", id="search.open",
                    tooltip="Search titles, authors, descriptions and notes (filters: tier:2 "
                            "status:todo topic:name in:inbox)"),
        feature_key("search", "close", "escape", "Close search", id="search.close",
                    tooltip="Close the search and go back to where you were"),
    ]

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        return searching(screen) if verb == "close" else True

    def key_state(self, screen: BrowseScreen) -> bool:
        return searching(screen)

    def ready(self, screen: BrowseScreen) -> None:
        """Mount the (hidden) bar up front: a bar mounted on the first ``/`` took its focus a
        refresh later, so a key typed right after it could reach the list (``v`` opened the
        reader); mounted, ``/`` focuses it at once, as every later ``/`` did."""
        search_bar(screen)

    def action_open(self, screen: BrowseScreen) -> None:
        """``/``: open the search field (or go back to it from the results)."""
        bar = search_bar(screen)
        assert bar is not None
        if bar.is_mounted:
            bar.open()
        else:
            bar.call_after_refresh(bar.open)

    def action_close(self, screen: BrowseScreen) -> None:
        bar = search_bar(screen, create=False)
        if bar is not None and bar.active:
            bar.close()
