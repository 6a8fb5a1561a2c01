"""The detail pane: everything about the row under the list's cursor, scrollable."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static


class DetailPane(VerticalScroll, can_focus=True):
    """Shows a renderable built by the list's source (never a markup string)."""

    HELP_GROUP = "Detail pane"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Scroll to top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Scroll to bottom", show=False, id="detail.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="detail.page_down"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="detail-body")

    def show(self, renderable: RenderableType | None, *, placeholder: str = "") -> None:
        body = self.query_one("#detail-body", Static)
        if renderable is None:
            body.update(Text(placeholder, style="dim italic"))
        else:
            body.update(renderable)
        self.scroll_home(animate=False, immediate=True)
