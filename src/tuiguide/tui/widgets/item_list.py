"""The item list: a line-rendered, virtual list over a :class:`~.sources.ListSource`.

Nothing is built per row. The list knows only the source's ``count()``; ``render_line`` asks
for the one row it paints, fetching the ~200-row page it sits in on first use and keeping a
few pages in a small LRU cache. A 50,000-row list costs one COUNT and one page query.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tuiguide.tui.sources.base import ListSource, Row
from tuiguide.tui.widgets.render import span_segments
from tuiguide.tui.widgets.scrolling import set_virtual_size, steady_vertical_scrollbar

PAGE_SIZE = 200
MAX_PAGES = 16
# When reopening at a remembered row that moved, look this many rows either side for it.
FIND_RADIUS = PAGE_SIZE // 2  # at most two page queries
MAX_DRAWN = 400  # rows kept as drawn strips (a few screens of the tallest terminal)


class ItemList(ScrollView, can_focus=True):
    """Rows of the current source with a cursor; posts :class:`Highlighted` as it moves."""

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

    class Highlighted(Message):
        """The row under the cursor changed (or was updated); ``row`` is None when empty."""

        def __init__(self, item_list: ItemList, row: Row | None, index: int) -> None:
            super().__init__()
            self.item_list = item_list
            self.row = row
            self.index = index

        @property
        def control(self) -> ItemList:
            return self.item_list

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
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        on_highlighted: Callable[[Row | None, int], None] | None = None,
    ) -> None:
        """``on_highlighted(row, index)`` runs at once when the cursor moves, instead of
        posting :class:`Highlighted`: the detail pane then changes in the same frame as the
        cursor (a message is handled after the list's frame is drawn: two frames a key)."""
        super().__init__(name=name, id=id, classes=classes)
        self._on_highlighted = on_highlighted
        self.source: ListSource | None = None
        self._count = 0
        self._cursor = 0
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        # Rows as last drawn, by index: a one-line scroll redraws every line of the list,
        # all but one of them rows drawn a moment ago. Reused while the row object, width
        # and style are the same (a status change or a new page makes new row objects).
        self._drawn: dict[int, tuple[Row, int, Style, Strip]] = {}
        self._line_styles: tuple[int, Style, Style] | None = None
        self._empty_lines: tuple[tuple[str, int], list[Text]] | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return steady_vertical_scrollbar(self)  # (redrawn only when the thumb moves a cell)

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
        self._set_cursor(index, force_message=True, top=False)

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
        self._set_cursor(index, force_message=True)

    def patch_rows(self, fn: Any) -> None:
        """Replace cached rows by ``fn(row)`` (a status change shown without re-querying).

        The list keeps its order until it is next shown, so the row stays under the cursor.
        """
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        for page_no, page in self._pages.items():
            for offset, row in enumerate(page):
                new = fn(row)
                if new is not row:  # only changed rows on screen are redrawn (usually one)
                    page[offset] = new
                    index = page_no * PAGE_SIZE + offset
                    if top <= index < bottom:
                        self.refresh_line(index)
        self._post_highlighted()

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
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        set_virtual_size(self, Size(width, self._count))

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

    def _set_cursor(self, index: int, *, force_message: bool = False, top: bool = False) -> None:
        index = min(max(index, 0), max(self._count - 1, 0))
        previous = self._cursor
        self._cursor = index
        if previous != index:
            self.refresh_line(previous)
            self.refresh_line(index)
        self._scroll_to_cursor(top=top)
        if previous != index or force_message:
            self._post_highlighted()

    def _scroll_to_cursor(self, top: bool = False) -> None:
        if not self.is_mounted or not self.scrollable_content_region.height:
            return
        self.scroll_to_region(
            Region(0, self._cursor, 1, 1),
            animate=False,
            force=True,
            top=top,
            immediate=True,
        )

    def _post_highlighted(self) -> None:
        if self._on_highlighted is not None:
            self._on_highlighted(self.current_row, self._cursor)
        else:
            self.post_message(self.Highlighted(self, self.current_row, self._cursor))

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_mount(self) -> None:
        self._update_virtual_size()
        self.call_after_refresh(self._scroll_to_cursor)

    def on_focus(self) -> None:
        self.refresh_line(self._cursor)

    def on_blur(self) -> None:
        self.refresh_line(self._cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        # The row from the click's line (rows carry no style meta: applying it to every
        # segment of every row drawn cost a fifth of drawing the list).
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

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        """Line ``y`` of the source's empty-list message, wrapped to the width (wrapped
        once per message and width, not once per line drawn)."""
        assert self.source is not None
        key = (self.source.empty_message, width)
        if self._empty_lines is None or self._empty_lines[0] != key:
            wrapped = Text(key[0]).wrap(self.app.console, max(width - 4, 8))
            self._empty_lines = (key, list(wrapped))
        lines = self._empty_lines[1]
        if y >= len(lines):
            return Strip.blank(width, base)
        line = Text("  ") + lines[y]
        line.truncate(width, overflow="ellipsis", pad=True)
        style = base + self.get_component_rich_style("item-list--empty")
        return Strip(list(line.render(self.app.console))).apply_style(style)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Width and styles are the same for every line drawn in one go: look them up once
        # (each costs as much as drawing a row).
        base = self.rich_style
        self._line_styles = (
            self.scrollable_content_region.width,
            base,
            base + self.get_component_rich_style("item-list--cursor"),
        )
        try:
            return super().render_lines(crop)
        finally:
            self._line_styles = None

    def render_line(self, y: int) -> Strip:
        if self._line_styles is not None:
            width, base, cursor_style = self._line_styles
        else:
            width, base = self.scrollable_content_region.width, self.rich_style
            cursor_style = base + self.get_component_rich_style("item-list--cursor")
        index = self.scroll_offset.y + y
        if self.source is None or index >= self._count:
            if self._count == 0 and self.source is not None and y >= 1:
                return self._empty_line(y - 1, width, base)
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, base)
        style: Style = cursor_style if index == self._cursor else base
        drawn = self._drawn.get(index)
        if drawn is not None and drawn[0] is row and drawn[1] == width and drawn[2] == style:
            return drawn[3]
        strip = row_strip(self.app.console, self.source.render_row(row, width), width, style)
        if len(self._drawn) >= MAX_DRAWN:
            self._forget_drawn()
        self._drawn[index] = (row, width, style, strip)
        return strip

    def _forget_drawn(self) -> None:
        """Keep the drawn rows within a screen or two of the view (the rest are redrawn
        if the user comes back)."""
        height = max(self.scrollable_content_region.height, 1)
        top = self.scroll_offset.y
        lo, hi = top - 2 * height, top + 3 * height
        self._drawn = {i: d for i, d in self._drawn.items() if lo <= i < hi}
        if len(self._drawn) >= MAX_DRAWN:
            self._drawn.clear()


def row_strip(console: Console, text: Text, width: int, style: Style) -> Strip:
    """``text`` drawn on ``style`` as exactly ``width`` cells: the segments Rich's
    ``Text.render`` gives with ``style`` under each, built directly when the spans do not
    overlap (every list row but a search hit's highlighted words). Rich's general walk
    (a sorted event list and a style stack per row) was a third of drawing a list page.
    """
    plain = text.plain
    spans = text.spans
    segments: list[Segment] | None
    if not spans:
        segments = [Segment(plain, style)]
    else:
        under = style + console.get_style(text.style, default=Style.null()) if text.style else style
        segments = span_segments(console, plain, spans, under)
        if segments is None:  # overlapping spans: Rich's way
            segments = list(Segment.apply_style(list(text.render(console)), style))
    strip = Strip(segments)
    return strip if strip.cell_length == width else strip.crop_extend(0, width, style)
