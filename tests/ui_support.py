"""Shared helpers for the UI tests: a small real guide, a fixed clock, screen text capture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.app import App
from textual.strip import Strip

from tuiguide.core.store.catalogue import Catalogue

FIXED_NOW = "2025-01-15T09:30:00Z"

SMALL_GUIDE = """\
# Test Guide

A guide for tests.

## 1. Alpha Topic

### Tier 1

- [Alpha one](https://example.com/a1) - Ann Author. First alpha.
- [Alpha two](https://example.com/a2) - Bob. Second alpha.

### Tier 2

- [Alpha three](https://example.com/a3) - Cy. Third alpha.

## 2. Beta Topic

### 2.1 Beta Basics

#### Tier 1

- [Beta one](https://example.com/b1) - Dee. First beta.

### 2.2 Beta Advanced

#### Tier 3

- [Beta deep](https://example.com/b2) - Eve. Deep beta.
- [Script link](javascript:alert(1)) - Mallory. Must not open.
"""


def fixed_now() -> str:
    return FIXED_NOW


def down_to_topic(n: int) -> tuple[str, ...]:
    """Keys from the tree's first node to the ``n``-th topic node of the only guide.

    Features add nodes above the guide (Up next, All items, Inbox, Notes...): count them
    rather than hard-coding how many there are.
    """
    import tuiguide.tui.app  # noqa: F401 (registers every feature's nodes)
    from tuiguide.tui.sources.base import SPECIAL_NODES

    return ("j",) * (len(SPECIAL_NODES) + n)


def make_catalogue(path: Path, text: str = SMALL_GUIDE) -> Path:
    """A real catalogue file at ``path`` holding the guide ``text`` (no bundled guide)."""
    with Catalogue.open(path, seed=False, now=fixed_now) as cat:
        cat.import_text(text, source="test-guide.md")
    return path


def screen_lines(app: App) -> list[str]:
    """The text of every cell on the screen, one string per terminal line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def terminal_output(app: App) -> str:
    """What the app would write to a real terminal for a full repaint (escape codes too)."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def cells(strip: Strip) -> list[tuple[str, Style]]:
    """Each cell's character and style (no style and the null style look the same)."""
    null = Style.null()
    return [(char, segment.style or null) for segment in strip for char in segment.text]


def count_lines_drawn(monkeypatch: pytest.MonkeyPatch, widget_class: type) -> list[int]:
    """The ``y`` of every line ``widget_class.render_line`` draws from now on."""
    drawn: list[int] = []
    real = widget_class.render_line

    def counting(self: Any, y: int) -> Strip:
        drawn.append(y)
        return real(self, y)

    monkeypatch.setattr(widget_class, "render_line", counting)
    return drawn


def big_guide(rows: int) -> str:
    lines = ["# Big Guide", "", "Many links.", ""]
    per_topic = rows // 10
    n = 0
    for topic in range(1, 11):
        lines += [f"## {topic}. Topic {topic}", "", "### Tier 1", ""]
        for _ in range(per_topic):
            lines.append(f"- [Item {n:05d}](https://example.com/{n}) - Author {n % 7}. Text {n}.")
            n += 1
        lines.append("")
    return "\n".join(lines)
