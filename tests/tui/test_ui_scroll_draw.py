"""What a page move draws: the list's rows and its scrollbar are built without Rich's general
text walk or console, and must look exactly as Textual and Rich would draw them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.strip import Strip
from textual.widget import Widget

from tuiguide.tui.app import make_app
from tuiguide.tui.widgets.item_list import ItemList, row_strip
from tuiguide.tui.widgets.scrolling import SteadyScrollBar
from ui_support import big_guide, cells, count_lines_drawn, fixed_now, make_catalogue, screen_lines

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


def textual_lines(bar: SteadyScrollBar) -> list[Strip]:
    """The bar's lines as Textual's own ScrollBar draws them (through Rich's console)."""
    bar._dirty_regions.add(bar.size.region)
    return [Widget.render_line(bar, y) for y in range(bar.size.height)]


async def show_all_items(app, pilot) -> ItemList:
    """Start at "All items" (2,000 rows), the list focused; returns the list."""
    await pilot.pause()
    await pilot.press("h", "j", "enter")
    await pilot.pause()
    return app.browse_screen.item_list


async def test_the_scrollbar_looks_as_textual_draws_it_and_redraws_only_what_moved(
    paged_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_lines_drawn(monkeypatch, SteadyScrollBar)
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        items = await show_all_items(app, pilot)
        screen = app.browse_screen
        assert items.count == 2_000
        bar = items.vertical_scrollbar
        assert bar.display and bar.size.height > 20
        column = screen.item_list.region.right - 1
        moved = 0
        for _ in range(12):
            before = [line[column] for line in screen_lines(app)]
            drawn.clear()
            await pilot.press("pagedown")
            await pilot.pause()
            # A page moves the thumb's ends by a line or two: only those lines are drawn.
            assert len(set(drawn)) <= 3
            assert [cells(s) for s in (bar.render_line(y) for y in range(bar.size.height))] == [
                cells(s) for s in textual_lines(bar)
            ]
            moved += [line[column] for line in screen_lines(app)] != before
        assert moved >= 6  # the thumb visibly moved down the track
        assert items.scroll_offset.y > 200

        # Hovering changes the bar's colours: all of it is drawn again, as Textual would.
        drawn.clear()
        await pilot.hover(bar, offset=(0, 0))
        await pilot.pause()
        assert bar.mouse_over
        assert len(set(drawn)) == bar.size.height
        assert [cells(bar.render_line(y)) for y in range(bar.size.height)] == [
            cells(s) for s in textual_lines(bar)
        ]


async def test_clicking_the_track_below_the_thumb_scrolls_the_list(paged_db: Path) -> None:
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        items = await show_all_items(app, pilot)
        assert items.scroll_offset.y == 0 and items.vertical_scrollbar.display
        region = items.region  # the scrollbar is its last column
        await pilot.click(offset=(region.right - 1, region.bottom - 2))
        await pilot.pause()
        assert items.scroll_offset.y > 0


# Rows: any text with spans (overlapping ones too, as search highlights make) must come out
# of row_strip exactly as Rich renders it with the row style underneath.
STYLES = st.sampled_from(["", "dim", "bold yellow", "dim strike", "reverse", "underline cyan",
                          Style(bgcolor="red"), Style(italic=True, color="#123456")])
CONSOLE = Console(width=200, color_system="truecolor", legacy_windows=False)


@st.composite
def texts(draw: st.DrawFn) -> Text:
    plain = draw(st.text(st.characters(min_codepoint=32, max_codepoint=0x30FF,
                                       exclude_categories=("Cs", "Cc")), max_size=40))
    ends = st.lists(st.integers(0, len(plain)), min_size=2, max_size=2).map(sorted)
    spans = draw(st.lists(st.builds(lambda se, style: Span(se[0], se[1], style), ends, STYLES),
                          max_size=6))
    return Text(plain, style=draw(STYLES), spans=spans)


@given(texts(), st.integers(0, 50), STYLES)
@example(Text(" ○ Title  Ann  T1 ", spans=[Span(1, 2, "dim"), Span(9, 12, "dim")]), 18, "")
@example(Text("abc", spans=[Span(0, 3, "bold"), Span(1, 2, "red")]), 3, "on blue")  # overlap
@example(Text("日本語", spans=[Span(0, 1, "bold")]), 5, "")  # wide cells, padded
def test_row_strip_draws_what_rich_draws(text: Text, width: int, style: str | Style) -> None:
    base = CONSOLE.get_style(style) if isinstance(style, str) else style
    expected = Strip(Segment.apply_style(list(text.render(CONSOLE)), base)).crop_extend(
        0, width, base)
    got = row_strip(CONSOLE, text, width, base)
    assert got.cell_length == width
    assert cells(got) == cells(expected)


async def test_a_one_line_scroll_draws_one_new_row_and_the_rest_as_they_were(
    paged_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuiguide.tui.sources.base import ItemSource

    built: list[str] = []
    real = ItemSource.render_row

    def counting(self: ItemSource, row, width: int) -> Text:
        built.append(row.title)
        return real(self, row, width)

    monkeypatch.setattr(ItemSource, "render_row", counting)
    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        items = await show_all_items(app, pilot)
        height = items.scrollable_content_region.height
        for _ in range(height - 1):  # to the last visible row
            await pilot.press("j")
        await pilot.pause()
        assert items.scroll_offset.y == 0
        for step in range(1, 4):
            built.clear()
            await pilot.press("j")
            await pilot.pause()
            assert items.scroll_offset.y == step
            # The new bottom row and the two rows the cursor left and reached.
            assert len(built) <= 3, built
            lines = screen_lines(app)
            top = items.region.y
            assert f"Item {step:05d}" in lines[top]
            assert f"Item {step + height - 1:05d}" in lines[top + height - 1]

        # A status change draws that row again (its glyph), not the old strip.
        await pilot.press("space")
        await pilot.pause()
        row = items.current_row
        assert row.status != "todo"
        cursor_line = screen_lines(app)[items.region.y + items.cursor - items.scroll_offset.y]
        assert row.title in cursor_line and "○" not in cursor_line


async def test_switching_between_a_long_list_and_the_empty_inbox_lays_nothing_out(
    paged_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list keeps its scrollbar's column whatever its length: an empty or short list
    does not make the screen re-arrange every widget (two layouts and three frames a key)
    and the rows keep their width."""
    from textual._compositor import Compositor

    from tuiguide.tui.sources.inbox import INBOX_KEY

    reflows = 0
    real = Compositor.reflow

    def counting(self, *args, **kwargs):
        nonlocal reflows
        reflows += 1
        return real(self, *args, **kwargs)

    app = make_app(paged_db, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        screen.show_node("special:all")
        await pilot.pause()
        items = screen.item_list
        width = items.scrollable_content_region.width
        monkeypatch.setattr(Compositor, "reflow", counting)
        for node in (INBOX_KEY, "special:all", INBOX_KEY, "special:all"):
            screen.show_node(node)
            await pilot.pause()
            assert items.scrollable_content_region.width == width
            if node == INBOX_KEY:
                assert items.count == 0 and "The Inbox is empty" in "\n".join(screen_lines(app))
            else:
                assert items.count == 2_000
        assert reflows == 0
