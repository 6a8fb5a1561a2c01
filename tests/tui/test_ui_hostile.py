"""A catalogue full of hostile text renders literally, without crashing and without ESC."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.text import Text

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from ui_support import fixed_now, make_catalogue, screen_lines, screen_text, terminal_output

from hostile import ALL, hostile_guide

# Bytes that start or end terminal strings (BEL, C1 CSI/OSC/DCS/PM/APC) must never be written.
FORBIDDEN_OUTPUT = ("\x07", "\x9b", "\x9d", "\x90", "\x9e", "\x9f", "\x9c")


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    path = make_catalogue(tmp_path / "hostile.db", hostile_guide())
    with Catalogue.open(path, seed=False, now=fixed_now) as cat:
        first = cat.items(limit=1)[0]
        cat.set_note(first.id, "\n".join(ALL))
        # An item whose title holds a real OSC 52 clipboard write and a clear-screen.
        cat.conn.execute(
            "UPDATE placements SET title = ?, author = ? WHERE resource_id = ?",
            (
                "osc \x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x07 end \x1b[2J",
                "\x1b]0;pwned window\x07",
                first.id,
            ),
        )
        cat.conn.commit()
    return path


def assert_no_escape_from_data(app) -> None:
    for line in screen_lines(app):
        assert "\x1b" not in line
        assert not any(ch in line for ch in "\x07\x9b\x9d\x00")
    output = terminal_output(app)
    # Textual's own styling is CSI (ESC [); anything else after an ESC came from data.
    assert set(re.findall(r"\x1b(.)", output)) <= {"["}
    for bad in FORBIDDEN_OUTPUT:
        assert bad not in output
    assert "\x1b[2J" not in output


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_hostile_catalogue_renders_literally(hostile_db: Path, size: tuple[int, int]) -> None:
    app = make_app(hostile_db, now=fixed_now)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        text = screen_text(app)
        assert "Hostile [bold]Guide[/]" in text  # header, shown as typed
        assert_no_escape_from_data(app)
        # Visit every row (the detail pane renders each description and the note).
        for _ in range(screen.item_list.count):
            await pilot.press("j")
            await pilot.pause()
            assert_no_escape_from_data(app)
        await pilot.press("h", "G")  # the topic whose title is [@click=...] markup
        await pilot.pause()
        assert "[@click=app.quit]" in screen_text(app)
        for node in screen.topic_tree.nodes_by_key.values():
            assert isinstance(node.label, Text)
        assert app.is_running


async def test_markup_in_titles_is_not_live(hostile_db: Path) -> None:
    app = make_app(hostile_db, now=fixed_now)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.press("1")  # tier 1: every hostile row
        await pilot.pause()
        text = screen_text(app)
        for literal in ("closing [/] tag", "[@click=app.quit]click", "[link=file:///etc/passwd]"):
            assert literal in text, literal
        # Click every visible row, on the title and on the author: nothing quits the app.
        for y in range(min(screen.item_list.count, screen.item_list.size.height)):
            for x in (6, 40, 60):
                await pilot.click("#items", offset=(x, y))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, BrowseScreen)
        # The first item (real OSC 52 in its title) and its note show with the sequences gone.
        await pilot.press("g")
        await pilot.pause()
        text = screen_text(app)
        assert "osc  end" in text
        assert "Note · 2025-01-15" in text
        assert "[bold]bold?[/bold]" in text
        assert_no_escape_from_data(app)


async def test_hostile_links_never_reach_a_browser(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    opened: list[str] = []

    class Browser:
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: Browser())
    app = make_app(hostile_db, now=fixed_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        items = app.screen.item_list
        for _ in range(items.count):
            await pilot.press("o", "j")
        await pilot.pause()
    assert opened, "the web links open"
    assert all(url.startswith("https://hostile.example/") for url in opened)
    assert not any(url.startswith(("javascript:", "file:")) for url in opened)
