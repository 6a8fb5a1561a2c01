"""The item list is virtual: it counts with SQL and fetches pages on demand, never all rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.widgets import item_list as item_list_module
from tuiguide.tui.widgets.item_list import MAX_PAGES, PAGE_SIZE
from ui_support import big_guide, fixed_now, make_catalogue, screen_text

ROWS = 5_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalogue(tmp_path_factory.mktemp("big") / "big.db", big_guide(ROWS))


async def test_a_big_list_is_counted_and_paged(big_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[tuple[int, int]] = []
    real_page = item_list_module.ItemList._page

    def counting_page(self, page_no: int):
        if page_no not in self._pages:
            fetched.append((page_no, len(self._pages)))
        return real_page(self, page_no)

    monkeypatch.setattr(item_list_module.ItemList, "_page", counting_page)
    app = make_app(big_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        items = screen.item_list
        assert items.count == ROWS
        assert fetched == [(0, 0)]  # one page for the first screenful
        # One widget for the whole list, not one per row.
        assert len(screen.query("*")) < 60

        await pilot.press("G")
        await pilot.pause()
        assert items.cursor == ROWS - 1
        assert items.current_row.title == f"Item {ROWS - 1:05d}"
        assert f"Item {ROWS - 1:05d}" in screen_text(app)
        assert [page for page, _ in fetched] == [0, (ROWS - 1) // PAGE_SIZE]

        # Paging down through the list keeps a bounded cache.
        await pilot.press("g")
        for _ in range(60):
            await pilot.press("pagedown")
        await pilot.pause()
        assert len(items._pages) <= MAX_PAGES
        assert sum(len(p) for p in items._pages.values()) <= MAX_PAGES * PAGE_SIZE
        row = items.current_row
        assert row.title == f"Item {items.cursor:05d}"  # rows are where the cursor says


async def test_tier_and_status_changes_stay_correct_on_a_big_list(big_db: Path) -> None:
    app = make_app(big_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.press("h", "j", "enter")  # All items
        await pilot.press("G", "d")
        await pilot.pause()
        assert screen.item_list.current_row.status == "done"
        assert f"1/{ROWS} done · <0.1%" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert f"0/{ROWS} done · 0%" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert screen.item_list.count == 0
        assert "No Tier 2 items here." in screen_text(app)
        assert "Press 0 for all tiers." in screen_text(app)
        await pilot.press("d")  # nothing under the cursor: a warning, no crash
        await pilot.press("0")
        await pilot.pause()
        assert screen.item_list.count == ROWS
