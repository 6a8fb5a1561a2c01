"""The start-up and per-key peer: a minimal Textual app (a Tree, an OptionList and a Static).

It shows what any Textual app of tuiguide's shape costs on this machine: bench/startup.py
times it to its first frame from outside, bench/keys.py drives its OptionList with 5,000
options under the same keys as tuiguide's list.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, Static, Tree


class MinimalApp(App[None]):
    CSS = """
    Tree { width: 30; }
    OptionList { width: 1fr; }
    Static { width: 40; }
    """

    def __init__(self, options: int = 60) -> None:
        """``options``: the list's length."""
        super().__init__()
        self.option_count = options

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("Guide")
        for n in range(1, 19):
            tree.root.add_leaf(f"{n}. Topic number {n}")
        tree.root.expand()
        with Horizontal():
            yield tree
            yield OptionList(*(f"Resource title number {n}" for n in range(self.option_count)))
            yield Static("Detail of the first resource: title, author, description.")


if __name__ == "__main__":
    MinimalApp().run()
