"""Every key is listed in the help screen and reachable from the command palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding, BindingsMap

from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.widgets.detail import DetailPane
from tuiguide.tui.widgets.item_list import ItemList
from tuiguide.tui.widgets.topic_tree import TopicTree
from ui_support import fixed_now, make_catalogue, screen_lines, screen_text

ISSUE_KEYS = {
    # key -> the binding id that must own it (the keys the issue asks for)
    "j": "list.down", "k": "list.up", "down": "list.down", "up": "list.up",
    "g": "list.first", "G": "list.last", "pageup": "list.page_up", "pagedown": "list.page_down",
    "tab": "focus.next", "shift+tab": "focus.previous", "h": "focus.left", "l": "focus.right",
    "0": "tier.all", "1": "tier.1", "2": "tier.2", "3": "tier.3",
    "enter": "link.open", "o": "link.open", "c": "link.copy", "y": "link.copy",
    "space": "status.cycle", "d": "status.done", "s": "status.skipped", "u": "status.todo",
    "q": "quit", "question_mark": "help", "f1": "help",
}


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "small.db")


def declared_bindings() -> list[Binding]:
    bindings: list[Binding] = []
    for cls in (BrowseScreen, TopicTree, ItemList, DetailPane):
        for binding in BindingsMap(cls.BINDINGS).key_to_bindings.values():
            bindings.extend(b for b in binding if b.id)
    return bindings


def test_every_key_of_the_issue_is_bound_with_an_id() -> None:
    by_key: dict[str, set[str]] = {}
    for binding in declared_bindings():
        by_key.setdefault(binding.key, set()).add(binding.id)
    for key, binding_id in ISSUE_KEYS.items():
        assert binding_id in by_key.get(key, set()), key


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_screen_lists_every_binding(small_db: Path, key: str) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(110, 90)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        box = app.screen.query_one("#help-body").content_region
        # The help box's lines as one line (a long description wraps onto the next line).
        lines = [line[box.x:box.right] for line in screen_lines(app)[box.y:box.bottom]]
        help_text = " ".join(" ".join(lines).split())
        for binding in declared_bindings():
            described = " ".join((binding.tooltip or binding.description).split())
            assert described in help_text, binding.id
            assert app.get_key_display(binding) in text, binding.key
        for group in ("Anywhere", "Topic tree", "Item list", "Detail pane"):
            assert group in text
        assert "Command palette" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


async def test_help_screen_scrolls_and_closes_at_80x24(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0  # more keys than lines: it scrolls
        await pilot.press("j", "j", "j")
        assert scroll.scroll_y > 0
        await pilot.press("q")  # q closes help, it does not quit the app
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert app.is_running


async def run_palette_command(pilot, app, query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_command_palette_runs_screen_and_widget_commands(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await run_palette_command(pilot, app, "Tier 3")
        assert screen.tier == 3
        await run_palette_command(pilot, app, "All tiers")
        assert screen.tier is None
        await run_palette_command(pilot, app, "Item list: Last item")
        assert screen.item_list.cursor == screen.item_list.count - 1
        await run_palette_command(pilot, app, "Mark done")
        assert screen.item_list.current_row.status == "done"


async def test_help_lists_the_search_filters_after_the_keys(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen = screen_text(app)
        for _ in range(200):  # scroll to the end, as a reader would
            if "every feed entry" in seen:
                break
            await pilot.press("j")
            await pilot.pause()
            seen += screen_text(app)
        assert "Search (/): words and filters combine" in seen
        for form in ("tier:2", "status:todo", "tag:NAME", "dead:yes", "in:article", "in:inbox"):
            assert form in seen, form
