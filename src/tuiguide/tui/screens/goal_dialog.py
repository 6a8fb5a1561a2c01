"""The daily-goal dialog (``g`` on the progress screen): resources finished plus reviews a
day, 0 for none. Returns the number; the caller saves it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tuiguide.tui.widgets.modal_box import modal_box_css


class GoalDialog(ModalScreen[int | None]):
    """Ask for the daily goal; dismisses with it (0 turns it off) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="goal.cancel"),
    ]
    DEFAULT_CSS = modal_box_css("GoalDialog", "goal-box", 56)

    def __init__(self, goal: int) -> None:
        super().__init__()
        self.goal = goal

    def compose(self) -> ComposeResult:
        box = Vertical(id="goal-box")
        box.border_title = "Daily goal"
        box.border_subtitle = "enter save · esc cancel"
        with box:
            yield Static(Text("Resources finished plus reviews a day (0: no goal)"))
            yield Input(str(self.goal or ""), type="integer", max_length=4, id="goal-input")
            yield Static(id="goal-hint")

    def on_mount(self) -> None:
        self.query_one("#goal-input", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#goal-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip() or "0"
        if not value.isdigit() or int(value) > 1000:
            self.query_one("#goal-hint", Static).update(Text("Type a number from 0 to 1000."))
            return
        self.dismiss(int(value))
