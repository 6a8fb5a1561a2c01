"""The stats screen (``p``): progress bars, weekly activity, streak, pace and time to finish.

It shows the same renderable as ``tuiguide stats`` (:mod:`tuiguide.views.stats`), computed
for an injectable ``today`` and time zone so tests and snapshots are fixed.
"""

from __future__ import annotations

from datetime import date, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tuiguide.core.study.stats import Stats, compute_stats
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.widgets.footer import FittingFooter
from tuiguide.views.stats import render_stats

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


class StatsScreen(Screen[None]):
    """Progress for one guide (or all guides when ``guide_id`` is None)."""

    DEFAULT_CSS = """
    StatsScreen #stats-title {
        height: 1;
        padding: 0 1;
        background: $accent 30%;
        text-style: bold;
    }
    StatsScreen #stats-scroll {
        height: 1fr;
    }
    StatsScreen #stats-body {
        padding: 1 2;
        width: auto;
        min-width: 100%;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("q", "close", "Back", show=False),
        Binding("p", "close", "Back", show=False),
        Binding("r", "refresh_stats", "Refresh"),
        Binding("g", "set_goal", "Daily goal", id="stats.goal"),
    ]

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        guide_id: int | None = None,
        today: date | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.guide_id = guide_id
        self.today = today
        self.tz = tz
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id="stats-title")
        with VerticalScroll(id="stats-scroll"):
            yield Static(id="stats-body")
        yield FittingFooter()

    def title_text(self) -> Text:
        guide = self.catalogue.guide(self.guide_id) if self.guide_id is not None else None
        name = clean_text(guide.title, limit=80) if guide else "All guides"
        return Text(f"Progress · {name}", no_wrap=True, overflow="ellipsis")

    def on_mount(self) -> None:
        self.action_refresh_stats()
        self.query_one("#stats-scroll").focus()

    def action_refresh_stats(self) -> None:
        """Recompute (cheap: a few grouped queries) and redraw."""
        self.stats = compute_stats(
            self.catalogue, today=self.today, tz=self.tz, guide_id=self.guide_id
        )
        self.query_one("#stats-body", Static).update(render_stats(self.stats))

    def action_set_goal(self) -> None:
        """``g``: ask for the daily goal, save it, show the numbers again."""
        from tuiguide.core.review import store as review_store
        from tuiguide.tui.screens.goal_dialog import GoalDialog

        def given(goal: int | None) -> None:
            if goal is not None:
                review_store.set_goal(self.catalogue, goal)
                self.action_refresh_stats()

        self.app.push_screen(GoalDialog(review_store.goal(self.catalogue)), callback=given)

    def action_close(self) -> None:
        self.dismiss(None)
