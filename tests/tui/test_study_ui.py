"""The study screens hosted in a tiny app over a real catalogue file (Pilot)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static, TextArea

from study_support import STATS_TODAY, rid, small_catalogue, stats_catalogue
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.screens.note_editor import NoteEditor
from tuiguide.tui.screens.stats import StatsScreen
from tuiguide.tui.widgets.markdown_note import NoteView, note_markdown

TODAY = date(*STATS_TODAY)


class Host(App[None]):
    """Pushes one screen on start and records what it was dismissed with."""

    def __init__(self, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self.results.append)


def db_note(path: Path, resource_id: int) -> str:
    """Read the note through a second connection, as another process would."""
    other = Catalogue.open(path, seed=False)
    try:
        return other.note(resource_id)
    finally:
        other.close()


async def test_write_close_reopen(tmp_path: Path) -> None:
    cat = small_catalogue(tmp_path)
    a1 = rid(cat, "A1")
    app = Host(lambda: NoteEditor(cat, a1))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"Memory bound!", "enter", *"- decode is slow")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        assert app.results == [True]
    cat.close()
    assert db_note(tmp_path / "study.db", a1) == "Memory bound!\n- decode is slow"

    reopened = Catalogue.open(tmp_path / "study.db", seed=False)
    app2 = Host(lambda: NoteEditor(reopened, a1))
    async with app2.run_test(size=(100, 30)) as pilot:
        area = app2.screen.query_one(TextArea)
        assert area.text == "Memory bound!\n- decode is slow"
        await pilot.press("escape")
        await pilot.pause()
        assert app2.results == [False]  # nothing changed, nothing written
    reopened.close()


async def test_autosave_without_closing(tmp_path: Path) -> None:
    cat = small_catalogue(tmp_path)
    b2 = rid(cat, "B2")
    app = Host(lambda: NoteEditor(cat, b2))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"draft")
        assert db_note(tmp_path / "study.db", b2) == ""  # not yet: saving waits for a pause
        await pilot.pause(1.5)
        assert isinstance(app.screen, NoteEditor)  # still open
        assert db_note(tmp_path / "study.db", b2) == "draft"
        status = app.screen.query_one("#note-status", Static)
        assert "saved" in str(status.content)
    cat.close()


async def test_quitting_the_app_with_the_editor_open_keeps_the_text(
    tmp_path: Path, monkeypatch
) -> None:
    from tuiguide.tui.screens import note_editor

    # No autosave can fire during this test: only the save on the way out can write.
    monkeypatch.setattr(note_editor, "SAVE_DEBOUNCE", 60.0)
    monkeypatch.setattr(note_editor, "SAVE_MAX_DELAY", 60.0)
    cat = small_catalogue(tmp_path)
    g2 = rid(cat, "G2")
    app = Host(lambda: NoteEditor(cat, g2))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"typed just before quitting")
        assert db_note(tmp_path / "study.db", g2) == ""
        app.exit()
    assert db_note(tmp_path / "study.db", g2) == "typed just before quitting"
    cat.close()


async def test_steady_typing_still_lands_every_second(tmp_path: Path) -> None:
    """No pause long enough for the debounce: the 1 s cap still writes."""
    cat = small_catalogue(tmp_path)
    b2 = rid(cat, "B2")
    app = Host(lambda: NoteEditor(cat, b2))
    typed = "abcdefghij"
    async with app.run_test(size=(100, 30)) as pilot:
        for ch in typed:
            await pilot.press(ch)
            await pilot.pause(0.3)  # shorter than the 0.5 s debounce
        saved = db_note(tmp_path / "study.db", b2)
        assert saved and typed.startswith(saved)
    cat.close()


async def test_title_bar_is_clean_text_not_markup(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "# G\n\n## 1. T\n\n#### Tier 1\n\n"
        "- [[bold]Loud[/bold] \x1b[31mred \x1b]52;c;ZXZpbA==\x07title](https://example.com/x) - X. d\n",
        encoding="utf-8",
    )
    cat = Catalogue.open(tmp_path / "g.db", seed=False)
    cat.import_file(guide)
    app = Host(lambda: NoteEditor(cat, 1))
    async with app.run_test(size=(100, 30)):
        title = app.screen.query_one("#note-title", Static).content
        assert isinstance(title, Text)
        assert title.plain == "Note · [bold]Loud[/bold] red title"
        assert "\x1b" not in title.plain
    cat.close()


def screen_text(app: App) -> str:
    """The characters on screen, line by line (what the user sees)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_stats_screen_numbers(tmp_path: Path) -> None:
    cat = stats_catalogue(tmp_path)
    app = Host(lambda: StatsScreen(cat, today=TODAY, tz=UTC))
    async with app.run_test(size=(110, 60)) as pilot:
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        s = screen.stats
        assert s is not None
        assert (s.overall.done, s.overall.total, s.streak, s.pace) == (6, 8, 3, 1.25)
        assert [w.finished for w in s.weeks[-3:]] == [1, 1, 3]
        text = screen_text(app)
        assert "Streak 3 days" in text
        assert "Pace 1.25/week" in text
        assert "Overall" in text and "6/8" in text and "75%" in text
        assert "1. Alpha" in text and "3. Gamma" in text
        # New activity shows after a refresh (r).
        cat.now = lambda: "2025-03-12T12:00:00Z"
        cat.set_status(rid(cat, "B3"), "done")
        await pilot.press("r")
        assert screen.stats.overall.done == 7
        assert "7/8" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)
    cat.close()


def test_stats_screen_snapshot(snap_compare, tmp_path: Path) -> None:
    cat = stats_catalogue(tmp_path)
    app = Host(lambda: StatsScreen(cat, today=TODAY, tz=UTC))
    assert snap_compare(app, terminal_size=(100, 48))
    cat.close()


def test_note_markdown_has_no_links_actions_or_escapes() -> None:
    body = (
        "# Heading\n\nSee [the paper](https://example.com/p) and <https://auto.example>.\n"
        "[@click=app.quit]Quit[/] \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ "
        "\x1b[2J![img](https://example.com/i.png)\n"
    )
    console = Console(width=80, record=True, color_system="truecolor")
    segments = list(console.render(note_markdown(body)))
    assert not [s for s in segments if s.style and (s.style.link or s.style.meta)]
    text = "".join(s.text for s in segments)
    assert "\x1b" not in text
    assert "the paper (https://example.com/p)" in text  # the URL stays visible
    assert "[@click=app.quit]Quit[/]" in text  # literal text, not markup


async def test_clicking_a_note_triggers_nothing(tmp_path: Path) -> None:
    opened: list[str] = []

    class NoteHost(App[None]):
        def compose(self):
            yield NoteView("[@click=app.quit]Quit[/] and [a link](https://example.com)", id="n")

        def open_url(self, url: str, *, new_tab: bool = True) -> None:  # record, never open
            opened.append(url)

    app = NoteHost()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.click("#n", offset=(2, 0))
        await pilot.click("#n", offset=(30, 0))
        await pilot.pause()
        assert app.is_running
        assert opened == []
        view = app.query_one(NoteView)
        assert "[@click=app.quit]Quit[/]" in screen_text(app)
        assert "a link (https://example.com)" in screen_text(app)
        view.show_note("")
        await pilot.pause()
        assert "No note yet" in screen_text(app)
