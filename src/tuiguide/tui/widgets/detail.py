"""The detail pane: everything about the row under the list's cursor, scrollable."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize

from tuiguide.tui.widgets.render import ByHeight


class DetailPane(ScrollView, can_focus=True):
    """Shows a renderable built by the list's source (never a markup string).

    A line-rendered ``ScrollView``: the entry is rendered once into strips (Textual's own
    ``visualize``, as a ``Static`` would draw it), blank lines below it down to the pane's
    height, and ``render_line`` hands them out. A column is kept for the scrollbar
    (``scrollbar-gutter: stable``), so moving between entries that fit changes neither the
    width nor the virtual size: the screen is not laid out again on each cursor move. The
    virtual width is 0 (the pane wraps to its width and never scrolls sideways); it also
    keeps the virtual size from equalling the visible area, which is when Textual would not
    re-check the scrollbar after a long entry.
    """

    HELP_GROUP = "Detail pane"

    DEFAULT_CSS = """
    DetailPane {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
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

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._renderable: RenderableType = Text("")
        self._strips: list[Strip] = []
        self._strips_width = -1  # the width the strips were rendered at

    def show(self, renderable: RenderableType | None, *, placeholder: str = "") -> None:
        """Show ``renderable`` from its top (``placeholder``, dimmed, when None).

        Only the lines that differ from those on screen are redrawn (entries share their
        blank lines, often their "where" and status lines): moving the list's cursor redraws
        a third of the pane, not all of it."""
        self._renderable = Text(placeholder, style="dim italic") if renderable is None else renderable
        before, width, top = self._strips, self._strips_width, self.scroll_offset.y
        self._lay_out()
        self.scroll_to(y=0, animate=False, immediate=True)
        if top or width != self._strips_width or len(before) != len(self._strips):
            self.refresh()
            return
        changed = [y for y, (old, new) in enumerate(zip(before, self._strips, strict=True)) if old != new]
        if changed:
            self.refresh(*(Region(0, y, self.size.width, 1) for y in changed))

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (tests, copying)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def _render_strips(self, width: int) -> list[Strip]:
        """The entry's lines at ``width``, then blank lines to the pane's height."""
        renderable = self._renderable
        if isinstance(renderable, ByHeight):  # (a note goes first in a short pane)
            renderable = renderable.pick(self.scrollable_content_region.height)
        visual = visualize(self, renderable, markup=False)
        strips = Visual.to_strips(self, visual, width, None, self.visual_style, pad=True)
        blank = Strip.blank(width, self.visual_style.rich_style)
        return strips + [blank] * (self.scrollable_content_region.height - len(strips))

    def _lay_out(self) -> None:
        """Render the entry at the pane's width and size the scrollable area to it."""
        region = self.scrollable_content_region
        if not self.is_mounted or region.width <= 0:
            self._strips, self._strips_width = [], -1
            return
        self._strips = self._render_strips(region.width)
        self._strips_width = region.width
        self.virtual_size = Size(0, len(self._strips))

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_width = -1  # (colours are in the strips: render them again)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._strips_width != width and width > 0:
            self._strips = self._render_strips(width)
            self._strips_width = width
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width, self.visual_style.rich_style)
