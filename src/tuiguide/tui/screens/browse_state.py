"""Where the user was in the browse screen, kept in the catalogue: the node, the tier, the
guide, the row (its key, and its index to look near) and the focused pane. The screen saves it
a moment after each move and on exit, and reopens there (:func:`restore`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

STATE_KEY = "ui.browse"
DEFAULT_NODE = "special:upnext"
PANES = ("tree", "items", "detail")


def restore(screen: BrowseScreen) -> None:
    """Build the tree and show the list, row and pane saved last (a vanished node: Up next)."""
    catalogue = screen.catalogue
    state = catalogue.get_state(STATE_KEY, {})
    if not isinstance(state, dict):
        state = {}
    tier = state.get("tier")
    screen.tier = tier if tier in (1, 2, 3) else None
    screen.topic_tree.build(catalogue, screen.tier)
    node_key = state.get("node")
    if not isinstance(node_key, str) or node_key not in screen.topic_tree.nodes_by_key:
        node_key, state = DEFAULT_NODE, {**state, "index": 0, "row": None}
    guide_id = state.get("guide")
    guides = catalogue.guides()
    if not any(g.id == guide_id for g in guides):
        guide_id = guides[0].id if guides else None
    screen.guide_id = guide_id
    index = state.get("index")
    row = state.get("row")
    screen.show_node(
        node_key,
        index=index if isinstance(index, int) else 0,
        row_key=row if isinstance(row, str) else None,
    )
    screen.topic_tree.select_key(node_key)
    focus = state.get("focus")
    screen.set_focus(screen.query_one(f"#{focus if focus in PANES else 'items'}"))


def current_state(screen: BrowseScreen) -> dict[str, Any]:
    row = screen.item_list.current_row
    source = screen.source
    return {
        "node": screen.node_key,
        "tier": screen.tier,
        "guide": screen.guide_id,
        "row": source.row_key(row) if source is not None and row is not None else None,
        "index": screen.item_list.cursor,
        "focus": focused_pane(screen),
    }


def focused_pane(screen: BrowseScreen) -> str | None:
    """The pane (one of :data:`PANES`) holding the focus, if any."""
    widget: Widget | None = screen.focused
    while widget is not None:
        if widget.id in PANES:
            return widget.id
        parent = widget.parent
        widget = parent if isinstance(parent, Widget) else None
    return None
