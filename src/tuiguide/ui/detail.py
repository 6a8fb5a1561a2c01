"""The detail pane: everything about the row under the list's cursor, scrollable."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.visual import Visual, visualize

from .scrolling import set_virtual_size, steady_vertical_scrollbar


class DetailPane(ScrollView, can_focus=True):
    """Shows a renderable built by the list's source (never a markup string).

    Drawn line by line from strips rendered once per row (like the item list), not as a
    child widget: a child whose height changes makes Textual lay out the whole screen on
    every cursor move, which cost more than everything else a key press does.
    """

    HELP_GROUP = "Detail pane"

    DEFAULT_CSS = """
    DetailPane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Scroll to top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Scroll to bottom", show=False, id="detail.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="detail.page_down"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._renderable: RenderableType = Text("")
        self._strips: list[Strip] = []
        self._strips_width = -1
        self._blank: Strip | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return steady_vertical_scrollbar(self)  # (redrawn only when the thumb moves a cell)

    def show(self, renderable: RenderableType | None, *, placeholder: str = "") -> None:
        """Show ``renderable`` from its top. Only the lines that differ from what is on
        screen are redrawn: Textual redraws each line of a pane for ~0.15 ms, and the lines
        under a short entry are blank before and after (half the pane on most moves)."""
        if renderable is None:
            renderable = Text(placeholder, style="dim italic")
        self._renderable = renderable
        old, old_width = self._strips, self._strips_width
        at_top = self.scroll_offset.y == 0
        self._strips_width = -1
        relaid = self._layout_strips(repaint=False)
        self.scroll_to(y=0, animate=False, immediate=True)
        if relaid or not at_top or old_width < 0 or old_width != self._strips_width:
            self.refresh()
            return
        new = self._strips
        for y in range(max(len(old), len(new))):
            if y >= len(old) or y >= len(new) or old[y] != new[y]:
                self.refresh_line(y)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (tests, copying)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def _layout_strips(self, *, repaint: bool = True) -> bool:
        """Render the renderable at the pane's width; a scrollbar narrows it by its size.

        Returns True when the whole pane is redrawn anyway (a scrollbar came or went)."""
        if not self.is_mounted:
            return True
        full = self.container_size.width
        height = self.container_size.height
        if full <= 0:
            return True
        strips = self._render_at(full)
        bar = self.styles.scrollbar_size_vertical
        width = full
        if len(strips) > height and bar and full - bar > 0:
            width = full - bar
            strips = self._render_at(width)
        self._strips = strips
        self._strips_width = width
        return set_virtual_size(self, Size(width, len(strips)), repaint=repaint)

    def _render_at(self, width: int) -> list[Strip]:
        visual = visualize(self, self._renderable, markup=False)
        return Visual.to_strips(self, visual, width, None, self.visual_style)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_strips()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_width = -1
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._blank = None  # (styles may have changed since the last draw)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._strips_width != width and self.is_mounted:
            self._strips = self._render_at(width)
            self._strips_width = width
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._strips):
            return self._strips[index]  # (padded to the width with the pane's background)
        # The lines under the entry: one blank strip per draw (rich_style walks every
        # ancestor's styles; looked up per line it cost more than the entry's own lines).
        if self._blank is None or self._blank.cell_length != width:
            self._blank = Strip.blank(width, self.rich_style)
        return self._blank
