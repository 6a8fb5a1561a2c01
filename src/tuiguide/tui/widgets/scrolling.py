"""Changing a scroll view's content size without laying out the whole screen.

``virtual_size`` is a Textual reactive with ``layout=True``: every change makes the screen
re-arrange every widget and redraw what moved, ~10 ms here, on each cursor move (the detail
pane) and each topic or tier change (the item list). When the scrollbars stay as they are,
nothing outside the view moves, so the new size is set quietly and only the view redraws.
"""

from __future__ import annotations

from math import ceil
from typing import Self

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
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
    styles = view.styles
    # A bar is shown or not by the size only under ``overflow: auto`` (``scroll`` always
    # shows it, ``hidden`` never does).
    same_bars = (
        view.is_mounted
        and (styles.overflow_y != "auto" or (size.height > height) == (old.height > height))
        and (styles.overflow_x != "auto" or (size.width > width) == (old.width > width))
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
    """A vertical scrollbar that redraws only the lines whose look changed.

    Textual redraws a scrollbar's every line (~0.03 ms each, through Rich's console and its
    per-line style pipeline) whenever its position or lengths change, though a page down
    moves the thumb's ends by a line or two: that was ~1.5 ms of each page down, and a
    50,000-row list's thumb moves a cell only every ~1,400 rows. Here the bar's lines are
    built straight from ``ScrollBarRender.render_bar`` (what Textual draws, without the
    console), and a refresh marks only the lines that differ from the ones on screen;
    one that changes nothing is skipped. A change of size, colours or mouse state redraws
    it whole. (Textual 8.2's private style cache key is read for the colours; Textual is
    pinned.)
    """

    _built: tuple[tuple[object, ...], list[Strip]] | None = None  # (key, lines) last built
    _shown: tuple[tuple[object, ...], list[Strip]] | None = None  # what the screen shows

    def _draw_key(self) -> tuple[object, ...]:
        """Everything the bar's look depends on but the thumb (in eighths of a cell)."""
        parent = self.parent
        return (
            self.size, self.grabbed, self.mouse_over, self.thickness,
            # Colours: the scroll view's styles (any change, hover or theme, bumps the key).
            parent.styles._cache_key if isinstance(parent, Widget) else None,
            self.styles._cache_key, self.app.theme,
        )

    def _thumb(self) -> tuple[int, int] | None:
        """The thumb's first and last eighth of a cell, as ``ScrollBarRender`` puts it."""
        size = self.size.height if self.vertical else self.size.width
        window = self.window_size if self.window_size < self.window_virtual_size else 0
        virtual, window = ceil(self.window_virtual_size), ceil(window)
        if not (window and size and virtual and size != virtual):
            return None
        thumb_size = max(1, window / (virtual / size))
        position = (size - thumb_size) * (self.position / (virtual - window))
        start = int(position * len(ScrollBarRender.VERTICAL_BARS))
        return start, start + ceil(thumb_size * len(ScrollBarRender.VERTICAL_BARS))

    def _lines(self) -> tuple[tuple[object, ...], list[Strip]] | None:
        """The bar's lines now (None when Textual must draw it: horizontal or restyled)."""
        key = (self._thumb(), *self._draw_key())
        built = self._built
        if built is not None and built[0] == key:
            return built
        renderable = super().render()
        if not (self.vertical and type(renderable) is ScrollBarRender):
            return None
        style = renderable.style
        if not isinstance(style, Style):
            return None
        height, thickness = self.size.height, self.size.width
        bar = ScrollBarRender.render_bar(
            size=height,
            virtual_size=renderable.virtual_size,
            window_size=renderable.window_size,
            position=renderable.position,
            thickness=thickness,
            vertical=True,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        # What Textual's render does with these segments: the widget's style under each.
        base = self.visual_style.rich_style
        lines = [
            Strip([Segment(segment.text, base + segment.style)], thickness)
            for segment in bar.segments
        ]
        self._built = (key, lines)
        return self._built

    def render_line(self, y: int) -> Strip:
        built = self._lines()
        if built is None:
            self._shown = None
            return super().render_line(y)
        self._shown = built
        lines = built[1]
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        shown = self._shown
        if (
            repaint and not regions and not layout and not recompose
            and shown is not None and self.is_mounted and self.parent is not None
        ):
            built = self._lines()
            if built is not None and built[0][1:] == shown[0][1:]:
                old, new = shown[1], built[1]
                changed = [
                    Region(0, y, self.size.width, 1)
                    for y in range(len(new))
                    if y >= len(old) or old[y] is not new[y] and old[y] != new[y]
                ]
                if changed:
                    super().refresh(*changed)
                return self
        self._shown = None
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
