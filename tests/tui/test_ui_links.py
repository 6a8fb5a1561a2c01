"""Opening and copying links from the TUI: only web links open; copy falls back to OSC 52."""

from __future__ import annotations

import base64
import webbrowser
from pathlib import Path

import pyperclip
import pytest

from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from ui_support import fixed_now, make_catalogue, notices


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "small.db")


class FakeBrowser:
    """Stands in for the user's desktop browser (the real one must not start in a test)."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    fake = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: fake)
    return fake


def notifications(app) -> list[str]:
    return [n.message for n in notices(app)]


async def go_to(pilot, screen: BrowseScreen, title: str) -> None:
    await pilot.press("g")
    for _ in range(screen.item_list.count):
        if screen.item_list.current_row.title == title:
            return
        await pilot.press("j")
    raise AssertionError(f"{title!r} not in the list")


async def test_copy_uses_the_system_clipboard(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "c")
        assert copied == ["https://example.com/a2"]
        assert "Copied to the system clipboard: https://example.com/a2" in notifications(app)
        await pilot.press("j", "y")  # y copies too
        assert copied[-1] == "https://example.com/b1"
        assert app.clipboard == ""  # OSC 52 was not needed


async def test_copy_falls_back_to_osc52_without_a_clipboard_tool(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        written: list[str] = []
        real_write = app._driver.write
        app._driver.write = lambda data: (written.append(data), real_write(data))
        await pilot.press("c")
        assert app.clipboard == "https://example.com/a1"
        payload = base64.b64encode(b"https://example.com/a1").decode()
        assert f"\x1b]52;c;{payload}\x07" in written
        # It says where the text went (the terminal may drop it), not that it was copied.
        assert any("Sent to the terminal's clipboard (OSC 52" in m for m in notifications(app))
        assert not any("tmux" in m for m in notifications(app))


async def test_osc52_copy_inside_tmux_names_the_setting_that_makes_it_work(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == "https://example.com/a1"
        message = notifications(app)[-1]
        assert message.startswith("Sent to the terminal's clipboard (OSC 52")
        assert "set -g set-clipboard on" in message


async def test_open_hands_web_links_to_the_browser(small_db: Path, browser: FakeBrowser) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert browser.opened == ["https://example.com/a1"]
        await pilot.press("j", "enter")  # enter opens too
        assert browser.opened[-1] == "https://example.com/a2"
        assert "Opened https://example.com/a2" in notifications(app)


async def test_double_click_opens_the_row(small_db: Path, browser: FakeBrowser) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.double_click("#items", offset=(5, 1))
        await pilot.pause()
        assert browser.opened == ["https://example.com/a2"]


async def test_javascript_link_is_refused(small_db: Path, browser: FakeBrowser) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await go_to(pilot, screen, "Script link")
        await pilot.press("o", "enter")
        await pilot.pause()
        assert browser.opened == []
        refused = [m for m in notifications(app) if m.startswith("Not opened")]
        assert len(refused) == 2
        assert "javascript:alert(1)" in refused[0]


async def test_no_browser_is_reported_not_fatal(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_browser(using: str | None = None):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert any("No web browser found" in m for m in notifications(app))
        assert app.is_running
