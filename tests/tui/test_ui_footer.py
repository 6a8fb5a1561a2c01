"""The footer (Textual's own, compact): the keys that apply to the list shown, the most used
first, the command palette's key at the right; a click on a key runs it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Footer

from tuiguide.tui.app import make_app
from tuiguide.tui.screens import browse
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.sources.inbox import INBOX_KEY
from ui_support import fixed_now, make_catalogue, screen_lines, settle_keys

# Every key the browse screen's footer may show: (key as displayed, its description).
KEY = re.compile(r"(\S+) ([A-Z][a-z]+)")


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "small.db")


def footer(app) -> str:
    return screen_lines(app)[-1]


def keys_part(line: str) -> str:
    return line.split("▏")[0].rstrip()


@pytest.mark.parametrize("width", [60, 80, 100, 120])
async def test_the_keys_used_all_day_come_first_and_none_is_cut(
    small_db: Path, width: int
) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle_keys(pilot)
        line = footer(app)
        # Below 100 columns the palette key (ctrl+p, listed in help) gives its room away.
        assert line.rstrip().endswith("^p palette") == (width >= 100)
        shown = keys_part(line)
        # The study session's keys first: at 80 columns all of them are still there.
        assert shown.startswith("space Status d Done / Search n Note")
        if width >= 80:
            assert "N Next up" in shown and "p Progress" in shown
            assert "o Open" in shown and "? Help" in shown
        # Every key is drawn whole or not at all (Textual's footer cut "? He" at 80).
        names = {b.description for _, b, _, _ in app.screen.active_bindings.values()}
        assert shown.endswith(tuple(f" {name}" for name in names | {"Tier"})), shown


async def test_more_keys_show_when_the_terminal_widens(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_keys(pilot)
        narrow = keys_part(footer(app))
        # The rare keys are the ones left out (? lists them); the study keys stay.
        assert "q Quit" not in narrow and "r Refresh" not in narrow and "c Copy" not in narrow
        assert "/ Search" in narrow and "p Progress" in narrow
        await pilot.resize_terminal(160, 24)
        await settle_keys(pilot)
        wide = keys_part(footer(app))
        assert "r Refresh" in wide and "q Quit" in wide and "c Copy" in wide
        assert len(KEY.findall(wide)) > len(KEY.findall(narrow))


async def test_the_keys_follow_the_pane_and_the_list_shown(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle_keys(pilot)
        screen = app.browse_screen
        in_list = keys_part(footer(app))
        assert screen.focused is screen.item_list
        assert "space Status" in in_list and "o Open" in in_list and "0123 Tier" in in_list
        assert "Dismiss" not in in_list

        await pilot.press("h")  # the tree: the same keys (its own enter is not shown)
        await settle_keys(pilot)
        assert screen.focused is screen.topic_tree
        assert keys_part(footer(app)) == in_list

        screen.show_node(INBOX_KEY)  # Inbox rows have no status: f and x instead
        await settle_keys(pilot)
        inbox = keys_part(footer(app))
        assert inbox.startswith("f File x Dismiss")
        assert "Status" not in inbox and "d Done" not in inbox and "? Help" in inbox
        assert footer(app).rstrip().endswith("^p palette")

        screen.show_node("special:all")
        await settle_keys(pilot)
        assert keys_part(footer(app)) == in_list


async def test_moving_between_lists_of_the_same_kind_leaves_the_footer_alone(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's footer mounts a widget per key whenever the screen's keys are refreshed: the
    screen refreshes them only when the keys that apply change (the Inbox, a search), and
    not for a list only passed over on the way to another."""
    # A busy machine can take a while between two keys: the test's "passed over" must hold.
    monkeypatch.setattr(browse, "KEYS_SETTLE", 1.5)
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.press("h")  # (a focus move refreshes the keys: Textual does)
        await settle_keys(pilot)
        bar = app.browse_screen.query_one(Footer)
        keys = list(bar.children)
        assert keys
        for key in ("j", "2", "1", "0", "k", "3", "0", "j"):  # Up next, All items: tiers
            await pilot.press(key)
            await pilot.pause()
        assert app.browse_screen.node_key == "special:all"
        await pilot.press("j", "j")  # past the Inbox (its own keys) to Notes
        await settle_keys(pilot)
        assert app.browse_screen.node_key == "special:notes"
        assert list(bar.children) == keys


async def test_clicking_a_key_runs_it(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle_keys(pilot)
        items = app.browse_screen.item_list
        assert items.current_row.status == "todo"
        bottom = app.size.height - 1
        status = footer(app).index("space Status")
        # On the description, then on the key itself: both belong to the key.
        await pilot.click(offset=(status + 8, bottom))
        await pilot.pause()
        assert items.current_row.status == "reading"
        await pilot.click(offset=(status, bottom))
        await pilot.pause()
        assert items.current_row.status == "done"

        await pilot.click(offset=(footer(app).index("? Help") + 2, bottom))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
