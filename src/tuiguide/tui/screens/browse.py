"""The main screen: topic tree, tier tabs, item list, detail pane, and every browsing key.

Writes (status changes) run synchronously on the UI thread's own catalogue connection, so a
change is in the database before the next key is handled; then the row, the tree counts, the
tabs and the header are refreshed from the database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets.tree import TreeNode

from tuiguide.core.errors import UserError
from tuiguide.core.models import STATUS_CYCLE, Counts, Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui import links, warmup
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.sources.base import ListSource
from tuiguide.tui.watch import CatalogueWatch
from tuiguide.tui.widgets.border_title import set_border_title
from tuiguide.tui.widgets.detail import DetailPane
from tuiguide.tui.widgets.header import GuideHeader
from tuiguide.tui.widgets.item_list import ItemList
from tuiguide.tui.widgets.key_footer import KeyFooter
from tuiguide.tui.widgets.tier_tabs import TierTabs
from tuiguide.tui.widgets.topic_tree import NodeInfo, TopicTree

if TYPE_CHECKING:
    from tuiguide.tui.app import TuiguideApp

STATE_KEY = "ui.browse"
DEFAULT_NODE = "special:upnext"
NARROW_BELOW = 100
SAVE_DELAY = 1.0
PANES = ("tree", "items", "detail")

_TIER = Binding.Group("Tier", compact=True)


@dataclass(frozen=True)
class BrowseKey:
    """A key another feature adds to the browse screen without editing this module.

    ``binding`` gives the key(s), description, ``id`` (required, unique) and footer/help
    text; its ``action`` is replaced. ``run(screen)`` does the work; ``available(screen)``
    hides the key (footer, help still lists it) when it does not apply, e.g. only while the
    list shows the Inbox. Register with :func:`register_browse_key` before the app starts.
    """

    binding: Binding
    run: Callable[[BrowseScreen], object]
    available: Callable[[BrowseScreen], bool] = lambda screen: True


EXTRA_KEYS: dict[str, BrowseKey] = {}


def register_browse_key(key: BrowseKey) -> None:
    """Add (or replace, by binding id) a key of the browse screen."""
    if not key.binding.id:
        raise ValueError("a BrowseKey's binding needs an id (help, palette and keymaps use it)")
    EXTRA_KEYS[key.binding.id] = key


class BrowseScreen(Screen[None]):
    """Browse a catalogue; reopens at the node, tier and row the user left."""

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-narrow"),
        (NARROW_BELOW, "-wide"),
    ]

    # Footer order: the keys used all day first (the footer cuts at the right on 80 columns).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space", "cycle_status", "Status", id="status.cycle",
            tooltip="Cycle the status: todo → reading → done",
        ),
        Binding("d", "set_status('done')", "Done", id="status.done", tooltip="Mark done"),
        Binding(
            "s", "set_status('skipped')", "Skip", id="status.skipped",
            tooltip="Mark skipped (leaves the progress count)",
        ),
        Binding(
            "u", "set_status('todo')", "Todo", id="status.todo", tooltip="Back to todo", show=False
        ),
        Binding(
            "o,enter", "open_link", "Open", id="link.open",
            tooltip="Open the link in the browser (http and https only)",
        ),
        Binding(
            "c,y", "copy_link", "Copy", id="link.copy",
            tooltip="Copy the link (system clipboard, else OSC 52)",
        ),
        Binding("0", "tier(0)", "All tiers", group=_TIER, id="tier.all", tooltip="Show all tiers"),
        Binding("1", "tier(1)", "Tier 1", group=_TIER, id="tier.1", tooltip="Show Tier 1 only"),
        Binding("2", "tier(2)", "Tier 2", group=_TIER, id="tier.2", tooltip="Show Tier 2 only"),
        Binding("3", "tier(3)", "Tier 3", group=_TIER, id="tier.3", tooltip="Show Tier 3 only"),
        Binding("question_mark,f1", "help", "Help", id="help", tooltip="This list of keys"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("tab", "focus_pane(1)", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="focus.previous"),
        Binding("l", "focus_side(1)", "Pane to the right", show=False, id="focus.right"),
        Binding("h", "focus_side(-1)", "Pane to the left", show=False, id="focus.left"),
        Binding("ctrl+r", "reload", "Reload from the catalogue", show=False, id="reload"),
    ]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.tier: int | None = None
        self.node_key = DEFAULT_NODE
        self.guide_id: int | None = None
        self.source: ListSource | None = None
        self._save_timer: Timer | None = None
        self._ready = False
        self._key_state: tuple[bool, ...] | None = None  # see _refresh_keys
        # Kept as attributes: they are needed after unmount too (saving the state on exit).
        self.guide_header = GuideHeader(id="header")
        self.topic_tree = TopicTree(
            id="tree", on_enter=self._tree_entered, on_highlight=self._tree_highlighted
        )
        self.tier_tabs = TierTabs(id="tiers")
        self.item_list = ItemList(id="items", on_highlighted=self._show_row)
        self.centre = Vertical(self.tier_tabs, self.item_list, id="centre")
        self.detail_pane = DetailPane(id="detail")
        self._add_extra_keys()
        self.source_shown: Signal[ListSource] = Signal(self, "source_shown")
        """Published after :meth:`show_source` (search closes its bar when another list shows)."""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield self.guide_header
        self.topic_tree.border_title = "Topics"
        self.detail_pane.border_title = "Details"
        yield Container(self.topic_tree, self.centre, self.detail_pane, id="body")
        yield KeyFooter(compact=True)

    def _add_extra_keys(self) -> None:
        for binding_id, key in EXTRA_KEYS.items():
            binding = dataclasses.replace(key.binding, action=f"extra_key({binding_id!r})")
            for name, bindings in BindingsMap([binding]).key_to_bindings.items():
                self._bindings.key_to_bindings.setdefault(name, []).extend(bindings)

    def action_extra_key(self, binding_id: str) -> None:
        key = EXTRA_KEYS.get(binding_id)
        if key is not None and key.available(self):
            key.run(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "extra_key" and parameters:
            key = EXTRA_KEYS.get(str(parameters[0]))
            return key is not None and key.available(self)
        if action in ("cycle_status", "set_status") and self.source is not None:
            return self.source.has_status  # e.g. Inbox rows: the footer leaves room for f/x
        return True

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        try:
            self._restore()
        except (UserError, sqlite3.Error) as exc:
            self._fatal(exc)
            return
        self._ready = True
        CatalogueWatch(self).start()
        self.set_timer(warmup.WARM_AFTER, warmup.start)

    @property
    def is_ready(self) -> bool:
        """True once the tree, list and detail hold data (the next frame shows it)."""
        return self._ready

    def _restore(self) -> None:
        state = self.catalogue.get_state(STATE_KEY, {})
        if not isinstance(state, dict):
            state = {}
        tier = state.get("tier")
        self.tier = tier if tier in (1, 2, 3) else None
        self.topic_tree.build(self.catalogue, self.tier)
        node_key = state.get("node")
        if not isinstance(node_key, str) or node_key not in self.topic_tree.nodes_by_key:
            node_key, state = DEFAULT_NODE, {**state, "index": 0, "row": None}
        guide_id = state.get("guide")
        guides = self.catalogue.guides()
        if not any(g.id == guide_id for g in guides):
            guide_id = guides[0].id if guides else None
        self.guide_id = guide_id
        index = state.get("index")
        row = state.get("row")
        self.show_node(
            node_key,
            index=index if isinstance(index, int) else 0,
            row_key=row if isinstance(row, str) else None,
        )
        self.topic_tree.select_key(node_key)
        focus = state.get("focus")
        self.set_focus(self.query_one(f"#{focus if focus in PANES else 'items'}"))

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
        """Show any source in the list (tree nodes, and later search results)."""
        self.source = source
        self.item_list.show(source, index=index, key=row_key)
        self._refresh_chrome()
        self._save_state_soon()
        self._refresh_keys()  # keys that apply to some sources only (BrowseKey.available)
        self.source_shown.publish(source)

    def _refresh_keys(self) -> None:
        """Refresh the footer when the keys that apply changed: Textual's footer rebuilds all
        its keys on every refresh (~25 ms), too slow to do on each tree or tier move."""
        state = (
            bool(self.check_action("cycle_status", ())),
            *(key.available(self) for key in EXTRA_KEYS.values()),
        )
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

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
        self.tier_tabs.set(self.tier, source.tier_counts(), enabled=source.supports_tiers)
        title = Text(clean_text(source.label, limit=200))
        title.append(f" · {self.item_list.count}", style="dim")
        set_border_title(self.centre, title)
        guide = self.catalogue.guide(self.guide_id) if self.guide_id is not None else None
        counts = self.catalogue.guide_counts(self.guide_id) if guide else Counts()
        self.guide_header.set(guide.title if guide else "No guide", counts)

    def refresh_counts(self) -> None:
        """After a write: tree badges, tabs and header show the database's numbers."""
        self.topic_tree.forget_counts()
        self.topic_tree.update_counts(self.catalogue, self.tier)
        self._refresh_chrome()

    @on(TopicTree.NodeHighlighted)
    def _tree_moved(self, event: TopicTree.NodeHighlighted) -> None:
        # The message may be stale (keys typed fast): follow where the cursor is now.
        self._tree_highlighted(self.topic_tree.cursor_node)

    def _tree_highlighted(self, node: TreeNode[NodeInfo] | None) -> None:
        """The tree's cursor is on ``node``: show its list (called at once by the tree, so
        the list changes in the cursor's frame; the message that follows finds it done)."""
        info = node.data if node is not None else None
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

    @on(ItemList.Highlighted)
    def _row_moved(self, event: ItemList.Highlighted) -> None:
        self._show_row(event.row, event.index)

    def _show_row(self, row: Any, index: int) -> None:
        """The list's cursor moved (called at once by the list, in the same frame)."""
        if self.source is None or row is None:
            self.detail_pane.show(None, placeholder=self.source.empty_message if self.source else "")
        else:
            self.detail_pane.show(self.source.render_detail(row))
        self._save_state_soon()

    @on(ItemList.Activated)
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
        current = self._focused_pane()
        index = PANES.index(current) if current else 0
        # set_focus, not focus(): focus() is deferred, and keys typed just after would still
        # go to the pane being left.
        self.set_focus(self.query_one(f"#{PANES[(index + step) % len(PANES)]}"))

    def action_focus_side(self, step: int) -> None:
        current = self._focused_pane()
        index = PANES.index(current) if current else 1
        index = min(max(index + step, 0), len(PANES) - 1)
        self.set_focus(self.query_one(f"#{PANES[index]}"))

    def _focused_pane(self) -> str | None:
        widget: Widget | None = self.focused
        while widget is not None:
            if widget.id in PANES:
                return widget.id
            parent = widget.parent
            widget = parent if isinstance(parent, Widget) else None
        return None

    def action_cycle_status(self) -> None:
        self._change_status(None)

    def action_set_status(self, status: str) -> None:
        self._change_status(status)

    def _change_status(self, status: str | None) -> None:
        row = self.item_list.current_row
        if self.source is None or row is None:
            self.notify("No item selected.", severity="warning", timeout=2)
            return
        resource_id = self.source.resource_id(row)
        if resource_id is None:
            self.notify("This row has no reading status.", severity="warning", timeout=2)
            return
        try:
            if status is None:
                current = self.catalogue.item(resource_id)
                status = STATUS_CYCLE[current.status if current else "todo"]
            updated = self.catalogue.set_status(resource_id, status)
        except UserError as exc:
            self.notify(clean_text(str(exc)), severity="error", markup=False)
            return
        except sqlite3.Error as exc:
            self.notify(
                describe_sqlite_error(exc, self.catalogue.path), severity="error", markup=False
            )
            return
        self.after_write(updated)

    def action_open_link(self) -> None:
        row = self.item_list.current_row
        if self.source is None or row is None:
            return
        result = links.open_link(self.app, self.source.link(row))
        self.notify(result.message, severity="information" if result.ok else "warning", markup=False)

    def action_copy_link(self) -> None:
        row = self.item_list.current_row
        if self.source is None or row is None:
            return
        result = links.copy_link(self.app, self.source.link(row))
        self.notify(result.message, severity="information" if result.ok else "warning", markup=False)

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
    def state(self) -> dict[str, Any]:
        row = self.item_list.current_row
        return {
            "node": self.node_key,
            "tier": self.tier,
            "guide": self.guide_id,
            "row": self.source.row_key(row) if self.source is not None and row is not None else None,
            "index": self.item_list.cursor,
            "focus": self._focused_pane(),
        }

    def save_state(self) -> None:
        if not self._ready:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        # Losing the cursor position must never stop the user quitting.
        with contextlib.suppress(sqlite3.Error):
            self.catalogue.set_state(STATE_KEY, self.state())

    def _save_state_soon(self) -> None:
        if not self._ready:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_state)

    def on_unmount(self) -> None:
        self.save_state()
