"""The browsing TUI driven through Pilot over a real catalogue file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import STATE_KEY, BrowseScreen
from ui_support import down_to_topic, fixed_now, make_catalogue, screen_text


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "small.db")


def browse(app) -> BrowseScreen:
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


def titles(screen: BrowseScreen) -> list[str]:
    items = screen.item_list
    return [items.row_at(i).title for i in range(items.count)]


def badge(screen: BrowseScreen, key: str) -> str:
    return screen.topic_tree.nodes_by_key[key].data.badge


async def test_opens_on_up_next_in_reading_order(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.node_key == "special:upnext"
        # Tier 1 of every topic first, then Tier 2, then Tier 3.
        assert titles(screen) == [
            "Alpha one", "Alpha two", "Beta one", "Alpha three", "Beta deep", "Script link",
        ]
        text = screen_text(app)
        assert "Test Guide" in text
        assert "0/6 done" in text
        assert "Alpha one" in text and "Ann Author" in text
        assert screen.focused is screen.item_list


async def test_navigate_to_a_topic_with_the_tree(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("h")  # focus the tree
        assert screen.focused is screen.topic_tree
        # Up next, All items, ... -> the guide -> 1. Alpha Topic -> 2. Beta Topic
        await pilot.press(*down_to_topic(2))
        await pilot.pause()
        assert screen.node_key == "topic:2"
        assert titles(screen) == ["Beta one", "Beta deep", "Script link"]
        await pilot.press("enter")
        await pilot.pause()
        assert screen.focused is screen.item_list
        assert "First beta." in screen_text(app)  # the detail pane follows the cursor
        await pilot.press("j")
        await pilot.pause()
        assert screen.item_list.current_row.title == "Beta deep"
        assert "Deep beta." in screen_text(app)
        # Sub-sections are nested under their topic.
        assert screen.topic_tree.nodes_by_key["topic:3"].parent is screen.topic_tree.nodes_by_key["topic:2"]


async def test_tier_keys_filter_the_list_and_the_counts(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("h", *down_to_topic(1))  # 1. Alpha Topic, from the tree
        await pilot.pause()
        assert titles(screen) == ["Alpha one", "Alpha two", "Alpha three"]
        assert screen.tier_tabs.counts == {None: 3, 1: 2, 2: 1}
        assert badge(screen, "topic:1") == "0/3"
        await pilot.press("2")  # works with the tree focused too
        await pilot.pause()
        assert screen.tier == 2
        assert titles(screen) == ["Alpha three"]
        assert badge(screen, "topic:1") == "0/1"
        assert badge(screen, "topic:2") == "0/0"
        assert screen.tier_tabs.tier == 2
        await pilot.press("1")
        await pilot.pause()
        assert titles(screen) == ["Alpha one", "Alpha two"]
        await pilot.press("0")
        await pilot.pause()
        assert screen.tier is None
        assert len(titles(screen)) == 3


async def test_status_keys_write_at_once_and_update_every_count(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        items = screen.item_list
        assert items.current_row.title == "Alpha one"
        await pilot.press("d")
        # Written before the next key: another connection sees it straight away.
        with Catalogue.open(small_db, seed=False) as other:
            assert other.item(items.current_row.id).status == "done"
        assert items.current_row.status == "done"
        assert items.current_row.status_at == "2025-01-15T09:30:00Z"
        await pilot.pause()
        assert "1/6 done · 17%" in screen_text(app)
        assert badge(screen, "topic:1") == "1/3"
        assert badge(screen, "special:all") == "1/6"
        assert badge(screen, "special:upnext") == "5"
        assert "● Done on 2025-01-15" in screen_text(app)
        # The row stays under the cursor, so space walks one item through the cycle.
        await pilot.press("j", "space")
        await pilot.pause()
        assert items.current_row.title == "Alpha two"
        assert items.current_row.status == "reading"
        await pilot.press("space")
        await pilot.pause()
        assert items.current_row.status == "done"
        assert "2/6 done · 33%" in screen_text(app)
        await pilot.press("space")
        assert items.current_row.status == "todo"
        # Skipped items leave the denominator.
        await pilot.press("j", "s")
        await pilot.pause()
        assert items.current_row.status == "skipped"
        assert "1/5 done · 20%" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert items.current_row.status == "todo"
        assert "1/6 done" in screen_text(app)
    with Catalogue.open(small_db, seed=False) as cat:
        statuses = {i.title: i.status for i in cat.items()}
    assert statuses["Alpha one"] == "done"
    assert statuses["Alpha two"] == "todo"
    assert statuses["Beta one"] == "todo"


async def test_list_keys_move_the_cursor(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        items = browse(app).item_list
        await pilot.press("G")
        assert items.cursor == 5
        await pilot.press("k")
        assert items.cursor == 4
        await pilot.press("g")
        assert items.cursor == 0
        await pilot.press("down", "down", "up")
        assert items.cursor == 1
        await pilot.press("pagedown")
        assert items.cursor == 5
        await pilot.press("pageup")
        assert items.cursor == 0
        await pilot.press("end")
        assert items.cursor == 5
        await pilot.press("home")
        assert items.cursor == 0


async def test_mouse_click_selects_a_row(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.click("#items", offset=(5, 2))
        await pilot.pause()
        assert screen.item_list.cursor == 2
        assert screen.item_list.current_row.title == "Beta one"


async def test_focus_moves_between_panes(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.focused is screen.item_list
        await pilot.press("l")
        assert screen.focused is screen.detail_pane
        await pilot.press("l")  # no wrap with h/l
        assert screen.focused is screen.detail_pane
        await pilot.press("tab")  # tab wraps round
        assert screen.focused is screen.topic_tree
        await pilot.press("shift+tab")
        assert screen.focused is screen.detail_pane
        await pilot.press("h", "h")
        assert screen.focused is screen.topic_tree
        await pilot.press("h")
        assert screen.focused is screen.topic_tree


async def test_reopens_where_the_user_left(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("h", *down_to_topic(2), "enter")  # 2. Beta Topic
        await pilot.press("3", "j")  # Tier 3, second row
        await pilot.pause()
        assert screen.item_list.current_row.title == "Script link"
        await pilot.press("q")
    with Catalogue.open(small_db, seed=False) as cat:
        assert cat.get_state(STATE_KEY)["node"] == "topic:2"

    again = make_app(small_db, now=fixed_now)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(again)
        assert screen.node_key == "topic:2"
        assert screen.tier == 3
        assert screen.item_list.current_row.title == "Script link"
        assert screen.topic_tree.cursor_node.data.key == "topic:2"
        assert screen.focused is screen.item_list
        assert "Must not open." in screen_text(again)


async def test_reopening_survives_a_vanished_topic(small_db: Path) -> None:
    with Catalogue.open(small_db, seed=False) as cat:
        cat.set_state(STATE_KEY, {"node": "topic:999", "tier": 7, "row": "x", "index": 99})
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.node_key == "special:upnext"
        assert screen.tier is None
        assert screen.item_list.cursor == 0


async def test_reload_picks_up_changes_from_another_process(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        with Catalogue.open(small_db, seed=False) as other:
            rid = next(i.id for i in other.items() if i.title == "Beta one")
            other.set_status(rid, "done")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "1/6 done" in screen_text(app)
        assert badge(screen, "topic:2") == "1/3"
        assert "Beta one" not in titles(screen)  # Up next re-queried


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (60, 16), (40, 12)])
async def test_layout_holds_at_any_size(small_db: Path, size: tuple[int, int]) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = browse(app)
        for widget in (screen.topic_tree, screen.item_list, screen.detail_pane):
            assert widget.size.width > 0 and widget.size.height > 0
        narrow = size[0] < 100
        assert screen.has_class("-narrow") is narrow
        tree_region = screen.topic_tree.region
        detail_region = screen.detail_pane.region
        if narrow:
            assert detail_region.y > tree_region.y  # the detail pane sits below
        else:
            assert detail_region.x > screen.item_list.region.x  # ... or on the right
        await pilot.press("j", "d", "2")
        await pilot.pause()
        assert "Test Guide" in screen_text(app)


async def test_a_broken_catalogue_at_start_stops_with_one_line(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)  # opens fine...
    with sqlite3.connect(small_db) as other:  # ... then the file loses a table under it
        other.execute("PRAGMA foreign_keys = OFF")
        other.execute("DROP TABLE topics")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert app.error_message is not None
    assert str(small_db) in app.error_message
    assert "\n" not in app.error_message
