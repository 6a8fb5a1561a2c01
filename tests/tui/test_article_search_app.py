"""Search over stored article text and dead links in the real app (Pilot, a real catalogue
file): a result found only in its article says so in its row and shows the sentence in the
detail pane; ``dead:yes`` lists dead links; a dead link carries its glyph in the guide list
and in the Notes list."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_support import mark_dead, store_text
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from ui_support import screen_text, search_for

GUIDE = """# Study Guide

## 1. Serving

### Tier 1

- [Paged attention](https://example.org/paged) - Kwon. Memory for serving.
- [Speculative decoding](https://example.org/spec) - Leviathan. Draft then verify.
- [Quantisation notes](https://example.org/quant) - Dettmers. Smaller weights.
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    with Catalogue.open(path, seed=False) as cat:
        cat.import_text(GUIDE, source="g")
        store_text(cat, 1, "Blocks live in pages. Fragmentation drops below four percent.")
        mark_dead(cat, 3)
    return path


async def test_a_result_found_in_its_article_says_so_with_the_sentence(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await search_for(pilot, screen, "fragmentation")
        shown = screen_text(app)
        assert "Search: fragmentation · 1" in shown
        row = next(line for line in shown.splitlines() if "○ Paged attention" in line)
        assert "article: Fragment" in row  # the label, then the matching sentence
        assert "Found in the stored article" in shown
        assert "Fragmentation drops below four" in shown  # the sentence, wrapped


async def test_dead_yes_lists_the_dead_links(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await search_for(pilot, screen, "dead:yes")
        items = screen.item_list
        assert [items.row_at(i).title for i in range(items.count)] == ["Quantisation notes"]


async def test_a_dead_link_has_its_glyph_in_the_list(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.press("l")
        await pilot.pause(0.3)
        shown = screen_text(app)
        cells = [cell for line in shown.splitlines() for cell in line.split("│")]
        dead = next(cell for cell in cells if "○ Quantisation notes" in cell)
        alive = next(cell for cell in cells if "○ Paged attention" in cell)
        assert dead.startswith("✗○ Quantisation notes"), shown
        assert alive.startswith(" ○ Paged attention") and "✗" not in alive


async def test_a_dead_link_has_its_glyph_in_the_notes_list_too(db: Path) -> None:
    from tuiguide.tui.features.study import NOTES_KEY

    with Catalogue.open(db, seed=False) as cat:
        cat.set_note(3, "Reread the int8 section")
        cat.set_note(2, "Draft models must share the tokenizer")
    app = make_app(db)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.show_node(NOTES_KEY)
        await pilot.pause(0.3)
        shown = screen_text(app)
        assert "Notes · 2" in shown, shown
        cells = [cell for line in shown.splitlines() for cell in line.split("│")]
        dead = next(cell for cell in cells if "○ Quantisation notes" in cell)
        alive = next(cell for cell in cells if "○ Speculative decoding" in cell)
        assert dead.startswith("✗○ Quantisation notes") and "Reread th" in dead, shown
        assert alive.startswith(" ○ Speculative decoding") and "✗" not in alive
