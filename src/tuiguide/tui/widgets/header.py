"""The one-line header: app name, the current guide's title, and its overall progress.

Progress counts distinct resources; skipped ones leave the denominator (they are not owed).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tuiguide.core.models import Counts
from tuiguide.core.study.stats import percent_text
from tuiguide.tui.widgets.render import progress_bar, safe


class GuideHeader(Widget):
    DEFAULT_CSS = """
    GuideHeader {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guide_title = ""
        self.counts = Counts()
        self.goal_text = ""  # "today 2/5", when a daily goal is set

    def set_goal(self, text: str) -> None:
        if text != self.goal_text:
            self.goal_text = text
            self.refresh()

    def set(self, guide_title: str, counts: Counts) -> None:
        if (guide_title, counts) == (self.guide_title, self.counts):
            return  # (unchanged: no redraw)
        self.guide_title, self.counts = guide_title, counts
        self.refresh()

    def progress_text(self) -> str:
        c = self.counts
        goal = f"{self.goal_text} · " if self.goal_text else ""
        return f"{goal}{c.done}/{c.total} done · {percent_text(c.done, c.total)}"

    def render(self) -> Text:
        width = self.size.width
        right = Text(self.progress_text() + " ", style="bold")
        bar_width = 12 if width >= 100 else (8 if width >= 70 else 0)
        if bar_width:
            right = Text.assemble(progress_bar(self.counts.done, self.counts.total, bar_width), " ", right)
        left = Text(" tuiguide ", style="bold reverse")
        left.append(" ")
        room = max(width - left.cell_len - right.cell_len - 1, 0)
        title = safe(self.guide_title, limit=300, style="bold")
        title.no_wrap = True
        title.truncate(room, overflow="ellipsis", pad=True)
        return Text.assemble(left, title, " ", right, no_wrap=True)
