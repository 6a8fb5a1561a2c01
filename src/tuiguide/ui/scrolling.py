"""Changing a scroll view's content size without laying out the whole screen.

``virtual_size`` is a Textual reactive with ``layout=True``: every change makes the screen
re-arrange every widget and redraw what moved, ~10 ms here, on each cursor move (the detail
pane) and each topic or tier change (the item list). When the scrollbars stay as they are,
nothing outside the view moves, so the new size is set quietly and only the view redraws.
"""

from __future__ import annotations

from math import ceil
from typing import Self

from rich.console import RenderableType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget


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


class SteadyScrollBar(ScrollBar):
    """A vertical scrollbar that is redrawn only when what it draws changes.

    Textual redraws a scrollbar's every line (~0.1 ms each) whenever its position or
    lengths change, though on a 50,000-row list the thumb moves a cell only every ~1,400
    rows: that was ~3 ms of each page down, topic and tier change. What it draws depends
    on the thumb's cells (in eighths, as ``ScrollBarRender`` computes them), its size,
    colours and mouse state; a refresh that changes none of them is skipped.
    (Textual 8.2's private style cache key is read for the colours; Textual is pinned.)
    """

    _drawn: tuple[object, ...] | None = None

    def _draw_key(self) -> tuple[object, ...]:
        size = self.size.height if self.vertical else self.size.width
        window = self.window_size if self.window_size < self.window_virtual_size else 0
        virtual, window = ceil(self.window_virtual_size), ceil(window)
        thumb: tuple[int, int] | None = None
        if window and size and virtual and size != virtual:
            thumb_size = max(1, window / (virtual / size))
            position = (size - thumb_size) * (self.position / (virtual - window))
            start = int(position * len(ScrollBarRender.VERTICAL_BARS))
            thumb = (start, start + ceil(thumb_size * len(ScrollBarRender.VERTICAL_BARS)))
        parent = self.parent
        return (
            thumb, self.size, self.grabbed, self.mouse_over, self.thickness,
            # Colours: the scroll view's styles (any change, hover or theme, bumps the key).
            parent.styles._cache_key if isinstance(parent, Widget) else None,
            self.styles._cache_key, self.app.theme,
        )

    def render(self) -> RenderableType:
        self._drawn = self._draw_key()
        return super().render()

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if (
            repaint and not regions and not layout and not recompose
            and self._drawn is not None and self.is_mounted
            and self._drawn == self._draw_key()
        ):
            return self
        self._drawn = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


def steady_vertical_scrollbar(view: Widget) -> ScrollBar:
    """What ``Widget.vertical_scrollbar`` does (Textual 8.2, pinned), with a
    :class:`SteadyScrollBar`: a scroll view's ``vertical_scrollbar`` property returns this."""
    if view._vertical_scrollbar is None:
        bar = SteadyScrollBar(vertical=True, name="vertical", thickness=view.scrollbar_size_vertical)
        bar.display = False
        view._vertical_scrollbar = bar
        view.app._start_widget(view, bar)
    return view._vertical_scrollbar
