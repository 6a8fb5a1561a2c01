"""The screen uses the room it has: at 80, 120, 160 and 220 columns the list's title takes the
width an author leaves, the tree shows whole topic names once there is room, the detail pane
keeps a readable width; rows flag a note; search snippets and feed names have their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.features.study import NOTES_KEY
from tuiguide.tui.sources.inbox import INBOX_KEY
from ui_support import fixed_now, make_catalogue, screen_lines, settle_keys

LONG = "Top 5 AI Model Optimization Techniques for Faster, Smarter Inference at Any Scale"
TOPIC = "State-Space Models & Alternative Architectures"
GUIDE = f"""\
# Layout Guide

## 1. Basics

### Tier 1

- [{LONG}](https://example.com/long) - Eduardo Alvarez, Nikita Shiledarbaxi and Friends. On speed.
- [Short one](https://example.com/short) - Ann. The CUDA C++ programming model, explained well.

## 10. {TOPIC}

### Tier 2

- [Mamba explained](https://example.com/mamba) - Bo. Selective state spaces.
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "layout.db", GUIDE)


def pane_boxes(line: str) -> list[str]:
    """The panes on one screen line (``│...│`` boxes), their insides."""
    return [part for part in line.split("││")]


def row_with(lines: list[str], words: str) -> str:
    """The list pane's part of the screen line that shows ``words``."""
    return next(pane_boxes(line)[1] for line in lines if words in line)


def shown_title(line: str) -> str:
    """The title as the list row shows it: from the glyph to the gap before the author."""
    start = line.index("○ ") + 2
    return line[start:].split("  ")[0]


@pytest.mark.parametrize("width", [80, 120, 160, 220])
async def test_the_title_takes_the_free_width(db: Path, width: int) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle_keys(pilot)
        screen = app.browse_screen
        screen.show_node("special:all")
        await pilot.pause()
        lines = screen_lines(app)
        row = row_with(lines, "○ Top 5 AI")
        title = shown_title(row)
        list_width = screen.item_list.size.width
        # Glyph, tier, gaps and an author of at most 24 cells: the title has all the rest.
        author_max = min(24, (list_width - 10) // 4)
        assert len(title) >= list_width - 8 - author_max - 4, (width, title)
        assert "Eduardo" in row or list_width < 48  # the author is kept (cut) when there is room
        # A short author leaves its room to the title: "Short one" row ends "Ann  T1".
        assert row_with(lines, "○ Short one").rstrip(" │").endswith("Ann  T1")
        assert len(shown_title(row_with(lines, "○ Short one"))) == len("Short one")
        if width >= 160:
            assert LONG[:42] in row
        if width >= 220:
            assert LONG[:60] in row
        if width >= 220:
            # Whole topic names in the tree, and a detail pane of a readable width.
            assert f"10. {TOPIC}" in "\n".join(lines)
        detail = screen.detail_pane.size.width
        if width >= 120:
            assert 30 <= detail <= 90


async def test_titles_grow_with_the_terminal(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    seen: list[int] = []
    async with app.run_test(size=(80, 30)) as pilot:
        await settle_keys(pilot)
        app.browse_screen.show_node("special:all")
        for width in (80, 120, 160, 220):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
            seen.append(len(shown_title(row_with(screen_lines(app), "○ Top 5 AI"))))
    assert seen == sorted(seen) and seen[-1] > seen[0] + 25
    assert seen[-1] >= 60


async def test_a_row_with_a_note_carries_a_marker(db: Path) -> None:
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        short = next(i for i in cat.items() if i.title == "Short one")
        cat.set_note(short.id, "Read twice.")
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_keys(pilot)
        app.browse_screen.show_node("special:all")
        await pilot.pause()
        lines = screen_lines(app)
        assert "Short one ✎" in row_with(lines, "○ Short one")
        assert "✎" not in row_with(lines, "○ Mamba explained")


async def test_a_search_snippet_has_its_own_column_and_the_author_stays(db: Path) -> None:
    from tuiguide.tui.sources.search import ItemSearchSource

    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        source = ItemSearchSource(cat, "cuda")
        source.count()
        row = source.render_row(source.page(0, 10)[0], 80).plain
    # Only the description matched: title, then the words around the match, then the author.
    assert row.startswith(" ○ Short one  ")
    assert "CUDA C++" in row and row.rstrip().endswith("Ann  T1")
    assert row.index("Short one") < row.index("CUDA") < row.index("Ann")


async def test_lists_without_tiers_show_a_caption_not_tier_tabs(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle_keys(pilot)
        screen = app.browse_screen
        tabs_line = 2  # header, the pane's top border, then the tabs
        assert "Tier 1" in screen_lines(app)[tabs_line]
        for key, caption in ((INBOX_KEY, "Newest first · f file into the guide"),
                             (NOTES_KEY, "Last edited first")):
            screen.show_node(key)
            await pilot.pause()
            line = pane_boxes(screen_lines(app)[tabs_line])[1]
            assert caption in line and "Tier" not in line
        screen.show_node("special:all")
        await pilot.pause()
        assert "Tier 1" in screen_lines(app)[tabs_line]
