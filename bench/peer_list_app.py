"""The per-key peer: Textual's own list widget, drawn the way the startup floor is laid out.

A Tree, an OptionList of 5,000 one-line options and a Static, with nothing else to do on a
key (no detail pane to update, no database). Its list down and page down costs, measured in
the same process batch as tuiguide's, show what Textual itself charges to move through a list
on this machine: the part of a key no application code can remove.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, Static, Tree

OPTIONS = 5_000


class PeerListApp(App[None]):
    CSS = """
    Tree { width: 30; }
    OptionList { width: 1fr; }
    Static { width: 40; }
    """

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("Guide")
        for n in range(1, 19):
            tree.root.add_leaf(f"{n}. Topic number {n}")
        tree.root.expand()
        with Horizontal():
            yield tree
            yield OptionList(
                *(f"Resource title number {n} by Author {n % 13}" for n in range(OPTIONS))
            )
            yield Static("Detail of the first resource: title, author, description.")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
