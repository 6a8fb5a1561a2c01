"""The ``All | Tier 1 | Tier 2 | Tier 3`` tabs over the item list, with row counts.

A one-line widget (not focusable: the keys 0-3 select a tab from anywhere; a click works too).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

TIERS: tuple[int | None, ...] = (None, 1, 2, 3)


def tier_name(tier: int | None) -> str:
    return "All" if tier is None else f"Tier {tier}"


class TierTabs(Widget):
    """Shows the tier filter; posts :class:`Chosen` when a tab is clicked."""

    COMPONENT_CLASSES = {"tier-tabs--active", "tier-tabs--muted"}

    DEFAULT_CSS = """
    TierTabs {
        height: 1;
        width: 1fr;
        & > .tier-tabs--active {
            background: $primary;
            color: $text;
            text-style: bold;
        }
        & > .tier-tabs--muted {
            color: $text-muted;
        }
    }
    """

    class Chosen(Message):
        def __init__(self, tier: int | None) -> None:
            super().__init__()
            self.tier = tier

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tier: int | None = None
        self.counts: dict[int | None, int] | None = None
        self.enabled = True
        self.caption = ""
        self._spans: list[tuple[int, int, int | None]] = []

    def set(
        self, tier: int | None, counts: dict[int | None, int] | None, *, enabled: bool = True,
        caption: str = "",
    ) -> None:
        """Show the tabs; a list without tiers (``enabled=False``: the Inbox, Notes) shows
        ``caption`` in their place, not tabs that would mean nothing there."""
        if (tier, counts, enabled, caption) == (self.tier, self.counts, self.enabled, self.caption):
            return  # (unchanged: no redraw)
        self.tier, self.counts, self.enabled, self.caption = tier, counts, enabled, caption
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        if not self.enabled:
            text.append(f" {self.caption}", style=self.get_component_rich_style("tier-tabs--muted"))
            return text
        compact = self.size.width and self.size.width < 44
        for tier in TIERS:
            if text.cell_len:
                text.append(" │ " if not compact else "│", style="dim")
            name = tier_name(tier) if not compact or tier is None else f"T{tier}"
            label = f" {name}"
            if self.counts is not None:
                label += f" {self.counts.get(tier, 0)}"
            label += " "
            active = self.enabled and tier == self.tier
            style: Style | str = ""
            if active:
                style = self.get_component_rich_style("tier-tabs--active")
            elif not self.enabled or (self.counts is not None and not self.counts.get(tier, 0)):
                style = self.get_component_rich_style("tier-tabs--muted")
            start = text.cell_len
            text.append(label, style=style)
            self._spans.append((start, text.cell_len, tier))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, tier in self._spans:
            if start <= event.x < end:
                self.post_message(self.Chosen(tier))
                return
