"""The main screen: topic tree, tier tabs, item list, detail pane, and the browsing keys.

The features (study, feeds, search) are objects handed to the screen; their keys are placed in
``BINDINGS`` below (see :mod:`tuiguide.tui.features.base`). Writes (status changes) run
synchronously on the UI thread's own catalogue connection, so a change is in the database
before the next key is handled; then the row, the tree counts, the tabs and the header are
refreshed from the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.widgets.tree import TreeNode

from tuiguide.core.errors import UserError
from tuiguide.core.models import Counts, Item
from tuiguide.core.search.query import SYNTAX_HELP
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui import warmup
from tuiguide.tui.features.base import Feature
from tuiguide.tui.features.feeds import FeedsFeature
from tuiguide.tui.features.library import LibraryFeature
from tuiguide.tui.features.reader import ReaderFeature
from tuiguide.tui.features.review import ReviewFeature
from tuiguide.tui.features.search import SearchFeature
from tuiguide.tui.features.study import StudyFeature
from tuiguide.tui.features.undo import UndoFeature
from tuiguide.tui.screens import browse_keys, browse_state
from tuiguide.tui.screens.browse_state import DEFAULT_NODE, PANES, STATE_KEY
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.sources.base import BASE_NODES, ListSource, ordered_nodes
from tuiguide.tui.watch import CatalogueWatch
from tuiguide.tui.widgets.detail import DetailPane
from tuiguide.tui.widgets.footer import FittingFooter
from tuiguide.tui.widgets.header import GuideHeader
from tuiguide.tui.widgets.item_list import ItemList
from tuiguide.tui.widgets.tier_tabs import TierTabs
from tuiguide.tui.widgets.topic_tree import NodeInfo, TopicTree

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue
    from tuiguide.tui.app import TuiguideApp

NARROW_BELOW = 100
SAVE_DELAY = 1.0
KEYS_SETTLE = 0.25
"""Seconds a list stays shown before the footer follows the keys that apply to it: Textual's
footer mounts a widget per key each time the keys change, too slow to do on every step of a
walk through the tree that passes the Inbox. The keys themselves apply at once."""


class BrowseScreen(Screen[None]):
    """Browse a catalogue; reopens at the node, tier and row the user left."""

    FEATURES: ClassVar[tuple[type[Feature], ...]] = (
        StudyFeature, FeedsFeature, SearchFeature, ReviewFeature, LibraryFeature, ReaderFeature,
        UndoFeature,
    )
    """The features whose keys ``BINDINGS`` places (the app builds one object of each)."""

    HELP_SECTIONS: ClassVar = (("Search (/): words and filters combine", SYNTAX_HELP),)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide"), (200, "-wider"),
                              (260, "-widest")]  # (the pane widths: styles.tcss)

    # Footer order: by how often a study session uses them (the rare ones drop first at 80
    # columns); the Inbox's f and x take the place of the status keys its rows lack.
    BINDINGS: ClassVar[list[BindingType]] = [
        *browse_keys.STATUS_KEYS,
        *FeedsFeature.INBOX_BINDINGS,
        *SearchFeature.BINDINGS,
        *StudyFeature.BINDINGS,
        *browse_keys.OPEN_KEYS,
        *ReaderFeature.BINDINGS,
        *ReviewFeature.BINDINGS,
        *browse_keys.RARE_KEYS,
        *FeedsFeature.BINDINGS,
        *LibraryFeature.BINDINGS,
        *UndoFeature.BINDINGS,
        *browse_keys.HIDDEN_KEYS,
    ]

    def __init__(self, catalogue: Catalogue, features: Sequence[Feature] | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.features: list[Feature] = (
            list(features) if features is not None else [cls() for cls in self.FEATURES]
        )
        self.tier: int | None = None
        self.node_key = DEFAULT_NODE
        self.guide_id: int | None = None
        self.source: ListSource | None = None
        self._save_timer: Timer | None = None
        self._keys_timer: Timer | None = None
        self._keys_shown: tuple[Hashable, ...] | None = None  # what the footer was built for
        self._ready = False
        self._list_title: tuple[str, int] | None = None
        # Kept as attributes: they are needed after unmount too (saving the state on exit).
        nodes = ordered_nodes([*BASE_NODES, *(n for f in self.features for n in f.nodes())])
        self.guide_header = GuideHeader(id="header")
        self.topic_tree = TopicTree(
            nodes, id="tree", on_enter=self._tree_entered, on_highlight=self._tree_moved
        )
        self.tier_tabs = TierTabs(id="tiers")
        self.item_list = ItemList(id="items", on_cursor=self._row_moved)
        self.centre = Vertical(self.tier_tabs, self.item_list, id="centre")
        self.detail_pane = DetailPane(id="detail")
        self.source_shown: Signal[ListSource] = Signal(self, "source_shown")
        """Published after :meth:`show_source` (search closes its bar when another list shows)."""

    def feature_named(self, name: str) -> Feature | None:
        return next((f for f in self.features if f.name == name), None)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield self.guide_header
        self.topic_tree.border_title = "Topics"
        self.detail_pane.border_title = "Details"
        yield Container(self.topic_tree, self.centre, self.detail_pane, id="body")
        yield FittingFooter(palette_from=NARROW_BELOW, compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "feature":
            feature = self.feature_named(str(parameters[0])) if parameters else None
            if feature is None or len(parameters) < 2:
                return False
            return feature.check_action(self, str(parameters[1]))
        if action in ("cycle_status", "set_status") and self.source is not None:
            return self.source.has_status  # e.g. Inbox rows: the footer leaves room for f/x
        if action == "status_elsewhere":  # (the same keys, where the above are off)
            return self.source is not None and not self.source.has_status
        return True

    def action_feature(self, name: str, verb: str) -> None:
        """A feature's key (``feature('<name>', '<verb>')``): its ``action_<verb>``."""
        if not self.centre.is_attached:
            return  # the app is closing (keys typed after q): start nothing
        method = getattr(self.feature_named(name), f"action_{verb}", None)
        if callable(method):
            method(self)

    def _key_state(self) -> tuple[Hashable, ...]:
        """What decides which keys apply (the status keys, the features' ``key_state``)."""
        has_status = self.source.has_status if self.source is not None else True
        return (has_status, *(f.key_state(self) for f in self.features))

    def refresh_keys(self) -> None:
        """Call when what a ``check_action`` reads has changed (a list shown, the search opened
        or closed): the footer follows once it has settled (``KEYS_SETTLE``)."""
        if self._keys_timer is not None:
            self._keys_timer.stop()
            self._keys_timer = None
        if self._key_state() != self._keys_shown and self._ready:
            self._keys_timer = self.set_timer(KEYS_SETTLE, self._show_keys)

    def _show_keys(self) -> None:
        self._keys_timer = None
        self._keys_shown = self._key_state()
        self.refresh_bindings()

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        try:
            browse_state.restore(self)
        except (UserError, sqlite3.Error) as exc:
            self._fatal(exc)
            return
        self._ready = True
        self._keys_shown = self._key_state()  # (the footer is built after this)
        CatalogueWatch(self).start()
        for feature in self.features:
            feature.ready(self)
        self.set_timer(warmup.WARM_AFTER, self.warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Load, off the UI thread, what the first note shown would otherwise load on a key."""
        warmup.warm()

    @property
    def is_ready(self) -> bool:
        """True once the tree, list and detail hold data (the next frame shows it)."""
        return self._ready

    def _fatal(self, exc: BaseException) -> None:
        app: TuiguideApp = self.app  # type: ignore[assignment]
        if isinstance(exc, sqlite3.Error):
            app.error_message = describe_sqlite_error(exc, self.catalogue.path)
        else:
            app.error_message = str(exc)
        app.exit(return_code=2)

    # ------------------------------------------------------------------ showing lists
    def show_node(self, key: str, *, index: int = 0, row_key: str | None = None) -> None:
        """Show the list of tree node ``key`` at the current tier."""
        node = self.topic_tree.nodes_by_key.get(key)
        if node is None or node.data is None:
            return
        info = node.data
        self.node_key = key
        if info.guide_id is not None:
            self.guide_id = info.guide_id
        self.show_source(info.make_source(self.catalogue, self.tier), index=index, row_key=row_key)

    def show_source(
        self, source: ListSource, *, index: int = 0, row_key: str | None = None
    ) -> None:
        """Show any source in the list (tree nodes, and search results)."""
        self.source = source
        self.item_list.show(source, index=index, key=row_key)
        self._refresh_chrome()
        self._save_state_soon()
        self.refresh_keys()
        self.source_shown.publish(source)

    @property
    def current_row(self) -> Any:
        """The row under the list's cursor (None when the list is empty)."""
        return self.item_list.current_row

    def after_write(self, changed: Item | None = None) -> None:
        """Call after writing to the catalogue from a key or screen of another feature.

        With ``changed`` (the resource as it is now), rows showing it are patched in place and
        the cursor stays put; without, the list is re-queried. Counts are refreshed either way.
        """
        if changed is not None and self.source is not None:
            source = self.source
            self.item_list.patch_rows(lambda row: source.patched(row, changed))
        else:
            self.item_list.reload()
        self.refresh_counts()

    def _refresh_chrome(self) -> None:
        """Tabs, list title and header, from the database."""
        source = self.source
        if source is None:
            return
        self.tier_tabs.set(self.tier, source.tier_counts(), enabled=source.supports_tiers,
                           caption=source.caption)
        label = clean_text(source.label, limit=200)
        if (label, self.item_list.count) != self._list_title:
            self._list_title = (label, self.item_list.count)
            title = Text(label)
            title.append(f" · {self.item_list.count}", style="dim")
            self.centre.border_title = title
        guide = self.catalogue.guide(self.guide_id) if self.guide_id is not None else None
        counts = self.catalogue.guide_counts(self.guide_id) if guide else Counts()
        self.guide_header.set(guide.title if guide else "No guide", counts)
        review = self.feature_named("review")
        if isinstance(review, ReviewFeature):
            self.guide_header.set_goal(review.goal_text(self.catalogue))

    def refresh_counts(self) -> None:
        """After a write: tree badges, tabs and header show the database's numbers."""
        self.topic_tree.forget_counts()
        self.topic_tree.update_counts(self.catalogue, self.tier)
        self._refresh_chrome()

    def _tree_moved(self, node: TreeNode[NodeInfo]) -> None:
        """The tree's cursor moved to ``node``: show its list (in the cursor's frame)."""
        info = node.data
        if info is None or not self._ready or info.key == self.node_key:
            return  # (the node may be showing another source, e.g. search results: keep it)
        self.show_node(info.key)

    def _tree_entered(self, node: TreeNode[NodeInfo]) -> None:
        """Enter in the tree: show that node's list and move into it, before the next key."""
        info = node.data
        if info is not None and (
            info.key != self.node_key or self.source is None or self.source.key != info.key
        ):
            self.show_node(info.key)
        self.set_focus(self.item_list)

    def _row_moved(self, row: Any, index: int) -> None:
        """The list's cursor moved to ``row``: show it in the detail pane (in the same frame)."""
        if self.source is None or row is None:
            placeholder = self.source.empty_message if self.source else ""
            self.detail_pane.show(None, placeholder=placeholder)
        else:
            self.detail_pane.show(self.source.render_detail(row))
        self._save_state_soon()

    @on(ItemList.Activated, "#items")
    def _row_activated(self, event: ItemList.Activated) -> None:
        self.action_open_link()

    @on(TierTabs.Chosen)
    def _tab_clicked(self, event: TierTabs.Chosen) -> None:
        self.action_tier(event.tier or 0)

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self))

    def action_quit(self) -> None:
        self.save_state()
        self.app.exit()

    def action_tier(self, tier: int) -> None:
        new = tier if tier in (1, 2, 3) else None
        if new == self.tier:
            return
        self.tier = new
        row = self.item_list.current_row
        row_key = self.source.row_key(row) if self.source is not None and row is not None else None
        self.topic_tree.show_tier(self.catalogue, self.tier)
        if self.source is not None:  # any source, not only tree nodes (e.g. search results)
            self.show_source(self.source.for_tier(self.tier), row_key=row_key)

    def action_focus_pane(self, step: int) -> None:
        current = browse_state.focused_pane(self)
        index = PANES.index(current) if current else 0
        # set_focus, not focus(): focus() is deferred, and keys typed just after would still
        # go to the pane being left.
        self.set_focus(self.query_one(f"#{PANES[(index + step) % len(PANES)]}"))

    def action_focus_side(self, step: int) -> None:
        current = browse_state.focused_pane(self)
        index = PANES.index(current) if current else 1
        index = min(max(index + step, 0), len(PANES) - 1)
        self.set_focus(self.query_one(f"#{PANES[index]}"))

    def action_cycle_status(self) -> None:
        browse_keys.change_status(self, None)

    def action_set_status(self, status: str) -> None:
        browse_keys.change_status(self, status)

    def action_status_elsewhere(self) -> None:
        browse_keys.status_elsewhere(self)

    def action_open_link(self) -> None:
        row = self.item_list.current_row
        if self.source is not None and row is not None and self.source.activate(self, row):
            return  # rows that open a list rather than a link (a tag)
        browse_keys.open_link(self)

    def action_copy_link(self) -> None:
        browse_keys.copy_link(self)

    def action_reload(self) -> None:
        """Re-read everything (another process, e.g. the CLI, may have changed the catalogue)."""
        if self.sync_with_catalogue():
            self.notify("Reloaded", timeout=1.5)

    def sync_with_catalogue(self) -> bool:
        """Re-read the tree, the list and the header in place, the cursor kept on its row
        (ctrl+r, and :mod:`.watch` when another process has written). False on an error,
        which is shown."""
        try:
            self.topic_tree.build(self.catalogue, self.tier)
            vanished = self.node_key not in self.topic_tree.nodes_by_key
            if vanished:
                self.node_key = DEFAULT_NODE
            self.topic_tree.select_key(self.node_key)
            if vanished or self.source is None:
                self.show_node(self.node_key)
            else:
                self.item_list.reload()
                self._refresh_chrome()
        except (UserError, sqlite3.Error) as exc:
            self.notify(clean_text(str(exc)), severity="error", markup=False)
            return False
        return True

    # ------------------------------------------------------------------ state
    def save_state(self) -> None:
        if not self._ready:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        # Losing the cursor position must never stop the user quitting.
        with contextlib.suppress(sqlite3.Error):
            self.catalogue.set_state(STATE_KEY, browse_state.current_state(self))

    def _save_state_soon(self) -> None:
        if not self._ready:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_state)

    def on_unmount(self) -> None:
        self.save_state()
