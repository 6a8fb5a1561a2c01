"""The help screen (``?`` / F1): every key, grouped by where it works."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tuiguide.tui.commands import SCREEN_GROUP, KeyCommand, key_commands
from tuiguide.tui.widgets.modal_box import modal_box_css


def help_renderable(commands: list[KeyCommand], palette_key: str | None,
                    sections: Sequence[tuple[str, Sequence[tuple[str, str]]]] = ()
                    ) -> RenderableType:
    """The keys by group, then the screen's own ``sections`` (title, (form, meaning) rows)."""
    groups: dict[str, list[KeyCommand]] = {}
    for command in commands:
        groups.setdefault(command.group, []).append(command)
    parts: list[RenderableType] = []
    order = [SCREEN_GROUP, *[g for g in groups if g != SCREEN_GROUP]]
    for group in order:
        if group not in groups and not (group == SCREEN_GROUP and palette_key):
            continue
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=14, no_wrap=True)
        table.add_column()
        for command in groups.get(group, []):
            table.add_row(Text(command.key_text), Text(command.help))
        if group == SCREEN_GROUP and palette_key:
            table.add_row(Text(palette_key), Text("Command palette: run any of these by name"))
        if parts:
            parts.append(Text())
        parts.append(Text(group, style="bold underline"))
        parts.append(table)
    for title, rows in sections:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=14, no_wrap=True)
        table.add_column()
        for form, meaning in rows:
            table.add_row(Text(form), Text(meaning))
        parts += [Text(), Text(title, style="bold underline"), table]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the screen it was opened from (and its ``HELP_SECTIONS``, if any);
    any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
    ]

    DEFAULT_CSS = modal_box_css("HelpScreen", "help-box", 76) + """
    HelpScreen #help-scroll {
        height: auto;
        max-height: 100%;
    }
    """

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        palette_key = None
        if self.app.ENABLE_COMMAND_PALETTE:
            palette_key = self.app.COMMAND_PALETTE_DISPLAY or "^p"
        box = Vertical(id="help-box")
        box.border_title = "Keys"
        box.border_subtitle = "esc to close"
        with box, VerticalScroll(id="help-scroll"):
            sections = getattr(self.origin, "HELP_SECTIONS", ())
            yield Static(help_renderable(key_commands(self.origin, self.app), palette_key,
                                         sections), id="help-body")

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        if direction == "down":
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)
