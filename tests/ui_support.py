"""Shared helpers for the UI tests: a small real guide, a fixed clock, screen text capture."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App
from textual.command import CommandList, CommandPalette

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
    from tuiguide.tui.screens.browse import BrowseScreen
    from tuiguide.tui.sources.base import BASE_NODES

    features = [feature() for feature in BrowseScreen.FEATURES]
    return ("j",) * (len(BASE_NODES) + sum(len(f.nodes()) for f in features) + n)


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


async def settle_keys(pilot) -> None:
    """Wait until the footer shows the keys of the list now shown (it follows once the list
    has stayed for ``KEYS_SETTLE`` seconds)."""
    from tuiguide.tui.screens.browse import KEYS_SETTLE

    await pilot.pause(KEYS_SETTLE + 0.2)
    await pilot.pause()


async def palette_results(pilot) -> None:
    """Wait until the open command palette has gathered every provider's hits."""
    app = pilot.app
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.pause(0.1)
    for _ in range(200):
        gathering = any(w.is_running and w.node is palette for w in app.workers)
        if not gathering and palette.query_one(CommandList).option_count:
            break
        await pilot.pause(0.05)
    await pilot.pause()


@dataclass(frozen=True)
class Said:
    """One notification as the user saw it."""

    message: str
    title: str
    severity: str


HEARD: weakref.WeakKeyDictionary[Any, list[Said]] = weakref.WeakKeyDictionary()


def notices(app: Any) -> list[Said]:
    """The notifications ``app`` has shown so far (cleared ones included), oldest first."""
    return HEARD.setdefault(app, [])


async def said_after(pilot, *keys: str) -> list[str]:
    """The notifications the app shows in answer to pressing ``keys``."""
    before = len(notices(pilot.app))
    await pilot.press(*keys)
    await pilot.pause()
    return [n.message for n in notices(pilot.app)[before:]]


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key, as a user would."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def settle_search(pilot, screen) -> None:
    """Wait until no query is waiting for the debounce or running in a worker."""
    from tuiguide.tui.features.search import search_bar

    for _ in range(200):
        await pilot.pause(0.03)
        bar = search_bar(screen, create=False)
        if bar is None or bar.idle:
            break
    await pilot.pause()


async def search_for(pilot, screen, text: str) -> None:
    """Open the bar if needed, replace the query with ``text``, wait for the results."""
    from tuiguide.tui.features.search import search_bar

    bar = search_bar(screen, create=False)
    if bar is None or not bar.active or screen.focused is not bar.input:
        await pilot.press("slash")
        await pilot.pause()
    await pilot.press("ctrl+u")  # the field: delete everything left of the cursor
    await type_text(pilot, text)
    await settle_search(pilot, screen)
