"""Scrolling a long list: the rows on screen are the rows the cursor says, a status change
shows at once, the scrollbar's track scrolls on a click, and an empty list keeps the rows'
width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tuiguide.tui.app import make_app
from tuiguide.tui.sources.inbox import INBOX_KEY
from tuiguide.tui.widgets.item_list import ItemList
from ui_support import big_guide, fixed_now, make_catalogue, screen_lines

SIZE = (100, 30)


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalogue(tmp_path_factory.mktemp("scroll") / "scroll.db", big_guide(2_000))


@pytest.fixture
def paged_db(built_db: Path, tmp_path: Path) -> Path:
    """A copy per test: the app saves where the user was, and each test starts afresh."""
    copy = tmp_path / "scroll.db"
    shutil.copyfile(built_db, copy)
    return copy


async def show_all_items(app, pilot) -> ItemList:
    """Start at "All items" (2,000 rows), the list focused; returns the list."""
    await pilot.pause()
    await pilot.press("h", "j", "enter")
    await pilot.pause()
    return app.browse_screen.item_list


async def test_clicking_the_track_below_the_thumb_scrolls_the_list(paged_db: Path) -> None:
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        items = await show_all_items(app, pilot)
        assert items.scroll_offset.y == 0 and items.vertical_scrollbar.display
        region = items.region  # the scrollbar is its last column
        await pilot.click(offset=(region.right - 1, region.bottom - 2))
        await pilot.pause()
        assert items.scroll_offset.y > 0


async def test_scrolling_line_by_line_shows_the_rows_in_order(paged_db: Path) -> None:
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        items = await show_all_items(app, pilot)
        height = items.scrollable_content_region.height
        for _ in range(height - 1):  # to the last visible row
            await pilot.press("j")
        await pilot.pause()
        assert items.scroll_offset.y == 0
        for step in range(1, 4):
            await pilot.press("j")
            await pilot.pause()
            assert items.scroll_offset.y == step
            lines = screen_lines(app)
            top = items.region.y
            assert f"Item {step:05d}" in lines[top]
            assert f"Item {step + height - 1:05d}" in lines[top + height - 1]

        # A status change shows on its row at once (its glyph).
        await pilot.press("space")
        await pilot.pause()
        row = items.current_row
        assert row.status != "todo"
        cursor_line = screen_lines(app)[items.region.y + items.cursor - items.scroll_offset.y]
        assert row.title in cursor_line and "○" not in cursor_line


async def test_switching_between_a_long_list_and_the_empty_inbox_keeps_the_rows_width(
    paged_db: Path,
) -> None:
    """The list keeps its scrollbar's column whatever its length: rows keep their width."""
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        screen.show_node("special:all")
        await pilot.pause()
        items = screen.item_list
        width = items.scrollable_content_region.width
        for node in (INBOX_KEY, "special:all", INBOX_KEY, "special:all"):
            screen.show_node(node)
            await pilot.pause()
            assert items.scrollable_content_region.width == width
            if node == INBOX_KEY:
                assert items.count == 0 and "The Inbox is empty" in "\n".join(screen_lines(app))
            else:
                assert items.count == 2_000
                assert "Item 00000" in "\n".join(screen_lines(app))
