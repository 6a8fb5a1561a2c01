"""Minimal app until the browsing TUI lands (issue 3 replaces this module)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class TuiguideApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, db_path: Path):
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("tuiguide")
        yield Footer()


def make_app(db_path: Path) -> TuiguideApp:
    return TuiguideApp(db_path)
