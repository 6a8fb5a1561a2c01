"""The detail pane follows the list's cursor, wraps to its width, scrolls, and re-wraps on resize."""

from __future__ import annotations

from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from ui_support import fixed_now, make_catalogue, screen_lines

SIZE = (100, 30)


async def test_the_pane_shows_the_row_under_the_cursor(tmp_path: Path) -> None:
    app = make_app(make_catalogue(tmp_path / "detail.db"), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        await pilot.press("h", "j", "enter")  # All items
        await pilot.pause()
        items, pane = screen.item_list, screen.detail_pane
        titles = []
        for _ in range(items.count):
            await pilot.pause()
            row = items.current_row
            region = pane.content_region
            lines = screen_lines(app)
            assert row.title in lines[region.y][region.x:region.right]  # its first line
            assert row.link in pane.text
            titles.append(row.title)
            await pilot.press("j")
        assert len(set(titles)) == items.count > 3


async def test_detail_pane_wraps_scrolls_and_rewraps_on_resize(tmp_path: Path) -> None:
    db = tmp_path / "long.db"
    long_description = " ".join(f"word{i}" for i in range(400))
    guide = tmp_path / "g.md"
    guide.write_text(
        "# Long Guide\n\n## 1. Topic\n\n#### Tier 1\n\n"
        f"- [Long one](https://example.com/long) - Ann. {long_description}\n"
        "- [Short one](https://example.com/short) - Bob. Short.\n",
        encoding="utf-8",
    )
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        cat.import_file(guide)
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        pane = app.browse_screen.detail_pane
        assert "word0 " in pane.text and "word399" in pane.text
        assert pane.virtual_size.height > pane.scrollable_content_region.height
        assert pane.show_vertical_scrollbar
        wide = pane.virtual_size.height
        lines = pane.text.splitlines()
        assert max(len(line) for line in lines) <= pane.scrollable_content_region.width
        await pilot.press("l", "l")  # focus the detail pane, scroll it
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_offset.y > 0
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        assert pane.virtual_size.height < wide  # re-wrapped to the wider pane
        assert max(len(line) for line in pane.text.splitlines()) <= pane.scrollable_content_region.width
        await pilot.press("h", "j")  # the short item: no scrollbar, back at the top
        await pilot.pause()
        assert "Short." in pane.text and "word1" not in pane.text
        assert pane.scroll_offset.y == 0 and not pane.show_vertical_scrollbar
