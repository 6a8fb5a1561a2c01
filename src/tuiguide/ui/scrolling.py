"""Changing a scroll view's content size without laying out the whole screen.

``virtual_size`` is a Textual reactive with ``layout=True``: every change makes the screen
re-arrange every widget and redraw what moved, ~10 ms here, on each cursor move (the detail
pane) and each topic or tier change (the item list). When the scrollbars stay as they are,
nothing outside the view moves, so the new size is set quietly and only the view redraws.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size, *, repaint: bool = True) -> bool:
    """Set ``view.virtual_size``; a full layout only when a scrollbar appears or goes.

    With ``repaint=False`` the view is not redrawn when the scrollbars stay (the caller
    refreshes the lines that changed). Returns True when a layout (whole redraw) follows.
    """
    old = view.virtual_size
    if size == old:
        return False
    width, height = view.container_size
    same_bars = (
        view.is_mounted
        and (size.height > height) == (old.height > height)
        and (size.width > width) == (old.width > width)
    )
    if not same_bars:
        view.virtual_size = size
        return True
    view.set_reactive(ScrollView.virtual_size, size)
    # What Textual does after a layout: scrollbar lengths and a scroll position in range
    # (a private method of Textual 8.2, which this project pins).
    view._scroll_update(size)
    if repaint:
        view.refresh()
    return False
