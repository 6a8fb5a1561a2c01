"""The startup floor: a minimal Textual app (a Tree, an OptionList and a Static).

Run like tuiguide in the benchmark: with ``TUIGUIDE_EXIT_AFTER_READY=1`` it quits right after
its first frame with data has been written, the same trick the real app uses.
"""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, Static, Tree

EXIT_AFTER_READY_ENV = "TUIGUIDE_EXIT_AFTER_READY"


class MinimalApp(App[None]):
    CSS = """
    Tree { width: 30; }
    OptionList { width: 1fr; }
    Static { width: 40; }
    """

    def __init__(self, options: int = 60) -> None:
        """``options``: the list's length (the per-key peer in bench/run.py uses 5,000)."""
        super().__init__()
        self._options = options
        self._exit_after_ready = os.environ.get(EXIT_AFTER_READY_ENV) == "1"

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("Guide")
        for n in range(1, 19):
            tree.root.add_leaf(f"{n}. Topic number {n}")
        tree.root.expand()
        with Horizontal():
            yield tree
            yield OptionList(*(f"Resource title number {n}" for n in range(self._options)))
            yield Static("Detail of the first resource: title, author, description.")

    def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        super()._display(screen, renderable)
        if self._exit_after_ready and renderable is not None and not self._batch_count:
            self._exit_after_ready = False
            self.exit()


if __name__ == "__main__":
    MinimalApp().run()
