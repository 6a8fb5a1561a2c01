"""The tag dialog (``t``): the item's tags, comma-separated, with completion (right arrow)
from the tags already used. It returns the list typed; the caller writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.widgets.modal_box import modal_box_css


class TagCompleter(Suggester):
    """Completes the tag being typed (after the last comma) from the tags in use."""

    def __init__(self, used: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.used = list(used)

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        taken = {t.strip() for t in head.split(",")}
        for tag in self.used:
            if tag.startswith(typed.lower()) and tag != typed and tag not in taken:
                return f"{head}{sep}{last[: len(last) - len(typed)]}{tag}"
        return None


class TagDialog(ModalScreen[list[str] | None]):
    """Edit one item's tags; dismisses with the tags typed, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel"),
    ]
    DEFAULT_CSS = modal_box_css("TagDialog", "tag-box", 70) + """
    TagDialog #tag-used { height: auto; color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, tags: Sequence[str], used: Sequence[str]) -> None:
        super().__init__()
        self.item_title = title
        self.tags = list(tags)
        self.used = list(used)

    def compose(self) -> ComposeResult:
        box = Vertical(id="tag-box")
        box.border_title = "Tags"
        box.border_subtitle = "enter save · → complete · esc cancel"
        with box:
            yield Static(Text(clean_text(self.item_title, limit=200), style="bold"))
            yield Input(", ".join(self.tags), placeholder="databases, to-revisit",
                        suggester=TagCompleter(self.used), id="tag-input")
            if self.used:
                yield Static(Text("In use: " + ", ".join(clean_text(t) for t in self.used[:20])),
                             id="tag-used")

    def on_mount(self) -> None:
        self.query_one("#tag-input", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss([t.strip() for t in event.value.split(",") if t.strip()])
