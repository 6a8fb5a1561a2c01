"""The item list: a line-rendered, virtual list over a :class:`~.sources.ListSource`.

Nothing is built per row in advance. The list knows only the source's ``count()`` (its
``virtual_size``); ``render_line`` asks for the one row it paints, fetching the page of
``PAGE_SIZE`` rows it sits in on first use and keeping the last ``MAX_PAGES`` pages: showing
a list costs one COUNT and one page query, however long it is. This is Textual's line API,
as its docs describe it: ``render_line(y)`` returns a ``Strip``, scrolling is Textual's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuiguide.tui.sources.base import ListSource, Row

PAGE_SIZE = 200
MAX_PAGES = 16
# When reopening at a remembered row that moved, look this many rows either side for it.
FIND_RADIUS = PAGE_SIZE // 2  # at most two page queries
DRAWN_ROWS = 256
"""Rows kept as drawn strips: scrolling by a line draws every visible line again, all but one
of them rows drawn a moment before."""


class ItemList(ScrollView, can_focus=True):
    """Rows of the current source with a cursor; tells its owner each time the cursor moves."""

    HELP_GROUP = "Item list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next item", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Previous item", show=False, id="list.up"),
        Binding("g,home", "first", "First item", show=False, id="list.first"),
        Binding("G,end", "last", "Last item", show=False, id="list.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-list--cursor",
        "item-list--empty",
    }

    DEFAULT_CSS = """
    ItemList {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        & > .item-list--cursor {
            background: $block-cursor-blurred-background;
        }
        &:focus > .item-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: bold;
        }
        & > .item-list--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    class Activated(Message):
        """A row was double-clicked."""

        def __init__(self, item_list: ItemList, row: Row, index: int) -> None:
            super().__init__()
            self.item_list = item_list
            self.row = row
            self.index = index

        @property
        def control(self) -> ItemList:
            return self.item_list

    def __init__(
        self,
        *,
        id: str | None = None,
        on_cursor: Callable[[Row | None, int], None] | None = None,
    ) -> None:
        """``on_cursor(row, index)`` runs as soon as the cursor moves (or its row changes):
        the owner's detail pane then changes in the same frame as the list, not in the next
        one as it would after a message."""
        super().__init__(id=id)
        self._cursor_callback = on_cursor
        self.source: ListSource | None = None
        self._count = 0
        self._cursor = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        # Drawn rows by (index, width, style), with the row object they were drawn from: a
        # status change or a new page makes new row objects, which are drawn afresh.
        self._drawn: LRUCache[tuple[int, int, Style], tuple[Row, Strip]] = LRUCache(DRAWN_ROWS)

    # ------------------------------------------------------------------ public API
    @property
    def count(self) -> int:
        return self._count

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current_row(self) -> Row | None:
        return self.row_at(self._cursor) if self._count else None

    def show(self, source: ListSource, *, index: int = 0, key: str | None = None) -> None:
        """Show ``source`` with the cursor on row ``key`` (looked for near ``index``)."""
        self.source = source
        self._load_count()
        if key is not None:
            found = self.find_key(key, near=index)
            if found is not None:
                index = found
        self._set_cursor(index, announce=True)

    def reload(self) -> None:
        """Re-query the source (after writes elsewhere), keeping the cursor on its row."""
        if self.source is None:
            return
        row = self.current_row
        key = self.source.row_key(row) if row is not None else None
        self._load_count()
        index = self._cursor
        if key is not None:
            found = self.find_key(key, near=index)
            if found is not None:
                index = found
        self._set_cursor(index, announce=True)

    def patch_rows(self, fn: Callable[[Row], Row]) -> None:
        """Replace cached rows by ``fn(row)`` (a status change shown without re-querying).

        The list keeps its order until it is next shown, so the row stays under the cursor.
        """
        for page_no, page in self._pages.items():
            for offset, row in enumerate(page):
                new = fn(row)
                if new is not row:
                    page[offset] = new
                    self.refresh_line(page_no * PAGE_SIZE + offset)
        self._announce()

    def row_at(self, index: int) -> Row | None:
        if self.source is None or not 0 <= index < self._count:
            return None
        page_no, offset = divmod(index, PAGE_SIZE)
        page = self._page(page_no)
        return page[offset] if offset < len(page) else None

    def find_key(self, key: str, *, near: int = 0) -> int | None:
        """Index of the row with ``key``, searched at ``near`` and then nearby pages."""
        if self.source is None or not self._count:
            return None
        near = min(max(near, 0), self._count - 1)
        row = self.row_at(near)
        if row is not None and self.source.row_key(row) == key:
            return near
        lo = max(0, near - FIND_RADIUS)
        hi = min(self._count, near + FIND_RADIUS + 1)
        for index in range(lo, hi):
            row = self.row_at(index)
            if row is not None and self.source.row_key(row) == key:
                return index
        return None

    def move_to(self, index: int) -> None:
        self._set_cursor(index)

    # ------------------------------------------------------------------ actions
    def action_cursor_down(self) -> None:
        self._set_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self._cursor - 1)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(self._count - 1)

    def action_page_down(self) -> None:
        self._set_cursor(self._cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._set_cursor(self._cursor - max(self.scrollable_content_region.height - 1, 1))

    # ------------------------------------------------------------------ internals
    def _load_count(self) -> None:
        self._pages.clear()
        self._drawn.clear()
        self._count = self.source.count() if self.source is not None else 0
        self._set_rows(self._count)
        self.refresh()

    def _set_rows(self, count: int) -> None:
        """A line per row; width 0: rows are drawn to the list's width, never sideways.

        ``overflow-y: scroll`` keeps the scrollbar whatever the count, so a new count changes
        no layout: it is set without the screen-wide layout pass that assigning
        ``virtual_size`` asks for, and the scrollbar is told the new extent.
        """
        size = Size(0, count)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.size.height:
            self.virtual_size = size
            return
        self.set_reactive(ItemList.virtual_size, size)
        bar = self.vertical_scrollbar
        bar.window_virtual_size = count
        bar.window_size = self.scrollable_content_region.height
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _page(self, page_no: int) -> list[Row]:
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        assert self.source is not None
        page = list(self.source.page(page_no * PAGE_SIZE, PAGE_SIZE))
        self._pages[page_no] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _set_cursor(self, index: int, *, announce: bool = False) -> None:
        index = min(max(index, 0), max(self._count - 1, 0))
        previous, self._cursor = self._cursor, index
        if previous != index:
            self.refresh_line(previous)
            self.refresh_line(index)
        self._scroll_to_cursor()
        if previous != index or announce:
            self._announce()

    def _scroll_to_cursor(self) -> None:
        if self.is_mounted and self.scrollable_content_region.height:
            self.scroll_to_region(
                Region(0, self._cursor, 1, 1), animate=False, force=True, immediate=True
            )

    def _announce(self) -> None:
        if self._cursor_callback is not None:
            self._cursor_callback(self.current_row, self._cursor)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def on_mount(self) -> None:
        self.call_after_refresh(self._scroll_to_cursor)

    def on_focus(self) -> None:
        self.refresh_line(self._cursor)

    def on_blur(self) -> None:
        self.refresh_line(self._cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if not 0 <= index < self._count:
            return
        self._set_cursor(index)
        row = self.row_at(index)
        if event.chain >= 2 and row is not None:
            self.post_message(self.Activated(self, row, index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style
        index = self.scroll_offset.y + y
        if self.source is None or index >= self._count:
            if self._count == 0 and self.source is not None and y >= 1:
                return self._empty_line(y - 1, width, base)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        style = base
        if index == self._cursor:
            style = self.get_component_rich_style("item-list--cursor")
        key = (index, width, style)
        drawn = self._drawn.get(key)
        if drawn is not None and drawn[0] is row:
            return drawn[1]
        # The row's segments with the line's style under each (Rich's apply_style); a row is
        # exactly ``width`` cells (ListSource.render_row), so this strip is the line.
        text = self.source.render_row(row, width)
        strip = Strip(list(Segment.apply_style(text.render(self.app.console), style)))
        if strip.cell_length != width:  # (a source that got its width wrong)
            strip = strip.crop_extend(0, width, style)
        self._drawn[key] = (row, strip)
        return strip

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        """Line ``y`` of the source's empty-list message, wrapped to the width."""
        assert self.source is not None
        lines = Text(self.source.empty_message).wrap(self.app.console, max(width - 4, 8))
        if y >= len(lines):
            return Strip.blank(width, base)
        line = Text("  ") + lines[y]
        line.truncate(width, overflow="ellipsis", pad=True)
        style = self.get_component_rich_style("item-list--empty")
        return Strip(line.render(self.app.console)).apply_style(style).crop_extend(0, width, style)
