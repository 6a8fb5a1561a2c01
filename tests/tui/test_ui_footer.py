"""The footer: one widget drawing the screen's keys on one line, as Textual's Footer would.

It shows whole keys only: a key that does not fit is left out (help lists it), never cut to a
bare letter with no description; they come back when the terminal widens. Its keys follow
the list shown (the Inbox has its own); a click on a key runs it; the key under the mouse is
highlighted; and it looks like Textual's Footer, cell for cell, under the app's stylesheet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from tuiguide.tui.app import STYLES, make_app
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.sources.inbox import INBOX_KEY
from tuiguide.tui.widgets.key_footer import KeyFooter
from ui_support import fixed_now, make_catalogue, screen_lines

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
async def test_every_key_in_the_footer_has_its_description(small_db: Path, width: int) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        line = footer(app)
        assert line.rstrip().endswith("^p palette")
        shown = keys_part(line)
        # Nothing dangling at the end: the last word is a description, not a lone key.
        assert re.search(r"(Status|Done|Skip|Open|Copy|Tier|Help|Quit|Refresh|Search|Note|"
                         r"Progress|Next)$", shown), shown
        assert "space Status" in shown and "? Help" in shown


async def test_keys_left_out_come_back_when_the_terminal_widens(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        narrow = keys_part(footer(app))
        assert "r Refresh" not in narrow and "/ Search" not in narrow
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        await pilot.pause()
        wide = keys_part(footer(app))
        assert "r Refresh" in wide and "/ Search" in wide and "p Progress" in wide
        assert len(KEY.findall(wide)) > len(KEY.findall(narrow))


def column_of(app, text: str) -> int:
    """Where ``text`` starts on the footer line (the footer spans the screen from column 0)."""
    line = footer(app)
    assert text in line, line
    return line.index(text)


def footer_cells(app) -> list[tuple[str, object, object, bool | None, bool | None]]:
    """The footer line cell by cell: character, colour, background, bold, dim."""
    strip = app.screen._compositor.render_strips()[-1]
    return [
        (char, seg.style.color, seg.style.bgcolor, seg.style.bold, seg.style.dim)
        for seg in strip for char in seg.text
    ]


async def test_the_keys_follow_the_pane_and_the_list_shown(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        key_footer = screen.query_one(KeyFooter)
        assert not key_footer.children  # one widget, drawn, not composed
        in_list = keys_part(footer(app))
        assert screen.focused is screen.item_list
        assert "space Status" in in_list and "o Open" in in_list and "0123 Tier" in in_list
        assert "Dismiss" not in in_list

        await pilot.press("h")  # the tree: the same keys (its own enter is not shown)
        await pilot.pause()
        assert screen.focused is screen.topic_tree
        assert keys_part(footer(app)) == in_list

        screen.show_node(INBOX_KEY)  # Inbox rows have no status: f and x instead
        await pilot.pause()
        inbox = keys_part(footer(app))
        assert "x Dismiss" in inbox and "f File" in inbox
        assert "Status" not in inbox and "d Done" not in inbox and "? Help" in inbox
        assert footer(app).rstrip().endswith("^p palette")

        screen.show_node("special:all")
        await pilot.pause()
        assert keys_part(footer(app)) == in_list
        assert not key_footer.children


async def test_clicking_a_key_runs_it(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        items = app.browse_screen.item_list
        assert items.current_row.status == "todo"
        key_footer = app.browse_screen.query_one(KeyFooter)
        # On the description, then on the key itself: both belong to the key.
        await pilot.click(key_footer, offset=(column_of(app, "space Status") + 8, 0))
        await pilot.pause()
        assert items.current_row.status == "reading"
        await pilot.click(key_footer, offset=(column_of(app, "space Status"), 0))
        await pilot.pause()
        assert items.current_row.status == "done"
        # The gap between two keys runs nothing.
        await pilot.click(key_footer, offset=(column_of(app, "space Status") + 12, 0))
        await pilot.pause()
        assert items.current_row.status == "done"

        await pilot.click(key_footer, offset=(column_of(app, "? Help") + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_the_key_under_the_mouse_is_highlighted(small_db: Path) -> None:
    app = make_app(small_db, now=fixed_now)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        key_footer = app.browse_screen.query_one(KeyFooter)
        plain = footer_cells(app)
        done = column_of(app, "d Done")
        await pilot.hover(key_footer, offset=(done + 3, 0))
        await pilot.pause()
        hovered = footer_cells(app)
        changed = [x for x, (a, b) in enumerate(zip(plain, hovered, strict=True)) if a != b]
        assert changed == list(range(done, done + len("d Done")))
        assert all(hovered[x][2] != plain[x][2] for x in changed)  # a lighter background
        assert [cell[0] for cell in hovered] == [cell[0] for cell in plain]
        assert key_footer.tooltip is not None and "Mark done" in str(key_footer.tooltip)

        palette = column_of(app, "▏^p palette")
        await pilot.hover(key_footer, offset=(palette + 4, 0))
        await pilot.pause()
        moved = footer_cells(app)
        assert moved[done:done + 6] == plain[done:done + 6]
        assert moved[palette + 1][2] != plain[palette + 1][2]

        await pilot.hover(app.browse_screen.item_list)  # off the footer: nothing highlighted
        await pilot.pause()
        assert footer_cells(app) == plain
        assert key_footer.tooltip is None


# A screen's keys with what the footer has to draw: a description that looks like markup,
# groups (compact or not), a disabled key.
_TIER = Binding.Group("Tier", compact=True)
_MOVE = Binding.Group("Move")


class FooterApp(App[None]):
    CSS_PATH = STYLES  # the app's stylesheet: the footer must look as the app styles it
    BINDINGS = [
        Binding("space", "mark('space')", "Status", tooltip="Cycle the status"),
        Binding("b", "mark('b')", "[b]Bold[/b] [link=x]y[/]"),
        Binding("x", "off", "Off"),
        Binding("0", "tier(0)", "All", group=_TIER),
        Binding("1", "tier(1)", "One", group=_TIER),
        Binding("left", "move(0)", "Left", group=_MOVE),
        Binding("right", "move(1)", "Right", group=_MOVE),
        Binding("question_mark", "mark('?')", "Help"),
    ]

    def __init__(self, footer_class: type, compact: bool) -> None:
        super().__init__()
        self.footer_class = footer_class
        self.compact = compact
        self.marks: list[str] = []
        self.offs = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield self.footer_class(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "off" else True  # None: shown, dimmed, disabled

    def action_mark(self, key: str) -> None:
        self.marks.append(key)

    def action_off(self) -> None:
        self.offs += 1


async def drawn(footer_class: type, compact: bool, hover: int | None, theme: str = ""):
    app = FooterApp(footer_class, compact)
    async with app.run_test(size=(120, 5)) as pilot:
        await pilot.pause()
        await pilot.pause()
        if theme:  # switched while running
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
        if hover is not None:
            await pilot.hover(footer_class, offset=(hover, 0))
            await pilot.pause()
        return footer_cells(app)


@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("hover", [None, 1, 18, 42, 48, 58, 117])
async def test_it_draws_what_textuals_footer_draws(compact: bool, hover: int | None) -> None:
    # Every key fits at 120 columns, so nothing is left out: the same cells, the same styles,
    # hovered key included (compact: 1 space, 18 the markup-like one, 42 the disabled key,
    # 48 and 58 grouped keys, 117 the palette's; near those keys when not compact).
    mine = await drawn(KeyFooter, compact, hover)
    textual = await drawn(Footer, compact, hover)
    assert mine == textual
    assert "".join(cell[0] for cell in mine).rstrip().endswith("^p palette")


async def test_descriptions_are_shown_literally_and_disabled_keys_do_not_run() -> None:
    app = FooterApp(KeyFooter, compact=True)
    async with app.run_test(size=(120, 5)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "b [b]Bold[/b] [link=x]y[/]" in footer(app)
        key_footer = app.query_one(KeyFooter)
        await pilot.click(key_footer, offset=(column_of(app, "b [b]Bold") + 4, 0))
        await pilot.pause()
        assert app.marks == ["b"]
        off, status = column_of(app, "x Off"), column_of(app, "space Status")
        cells = footer_cells(app)
        # Dimmed (Textual blends dim text into its background): not the colours of a live key.
        assert cells[off][1] != cells[status][1] and cells[off + 2][1] != cells[status + 6][1]
        await pilot.click(key_footer, offset=(off, 0))
        await pilot.pause()
        assert app.offs == 0 and app.marks == ["b"]


async def test_a_theme_change_redraws_it_in_the_new_colours() -> None:
    before = await drawn(KeyFooter, True, None)
    after = await drawn(KeyFooter, True, None, theme="solarized-light")
    assert after != before
    assert after == await drawn(Footer, True, None, theme="solarized-light")
