"""What the detail pane draws on each cursor move: a group of Text parts is wrapped and drawn
by the pane itself (not through Textual's Rich wrapper), and must look exactly, cell for cell,
as Textual draws it (``Visual.to_strips``) in the same mounted pane."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.style import Style
from rich.text import Span, Text
from textual.strip import Strip
from textual.visual import Visual, visualize

from tuiguide.core.feeds.inbox import InboxEntry
from tuiguide.core.models import Item
from tuiguide.core.search.engine import parse_query
from tuiguide.tui.app import make_app
from tuiguide.tui.sources.inbox import InboxSource
from tuiguide.tui.sources.search import EntrySearchSource, search_detail
from tuiguide.tui.widgets.detail import DetailPane
from tuiguide.tui.widgets.render import item_detail
from ui_support import cells, count_lines_drawn, fixed_now, make_catalogue, screen_lines

SIZE = (100, 30)


def textual_strips(pane: DetailPane, renderable: RenderableType, width: int) -> list[Strip]:
    """The lines as Textual draws ``renderable`` in ``pane`` (what the pane did before)."""
    visual = visualize(pane, renderable, markup=False)
    return Visual.to_strips(pane, visual, width, None, pane.visual_style)


def pane_strips(pane: DetailPane, renderable: RenderableType, width: int) -> list[Strip]:
    pane._renderable = renderable
    return pane._render_at(width)


def assert_same_drawing(pane: DetailPane, renderable: RenderableType, width: int) -> None:
    expected = textual_strips(pane, renderable, width)
    got = pane_strips(pane, renderable, width)
    assert [strip.cell_length for strip in got] == [strip.cell_length for strip in expected]
    assert [cells(strip) for strip in got] == [cells(strip) for strip in expected]


# ------------------------------------------------------------------------ real renderables
ITEM = Item(
    id=1, placement_id=1, title="Attention Is All You Need: the Transformer, explained",
    url="https://example.com/attention", link="https://example.com/attention",
    author="Vaswani et al.", guide_id=1, guide="Learning Guide: AI Inference Engineering",
    description=("The paper that introduced the Transformer architecture. Self-attention "
                 "replaces recurrence.\n\nRead sections 3 and 4 first; 日本語の説明もあります。"
                 "\nA very-long-unbroken-identifier-like-word-that-must-fold-across-lines-here"),
    topic_id=1, topic="Foundations", topic_number="1", section="Architecture", tier=1,
    status="reading", status_at="2025-01-10T08:00:00Z", origin="guide", note="",
    note_updated_at=None,
)
NOTED = Item(**{**ITEM.__dict__, "note": "# My note\n\n- point *one*\n- point two",
                "note_updated_at": "2025-01-12T10:00:00Z"})
ENTRY = InboxEntry(
    id=1, feed_id=1, feed_title="Inference Weekly", feed_url="https://feeds.example.com/rss",
    title="Speculative decoding in practice", link="https://blog.example.com/spec",
    raw_link=None, url="https://blog.example.com/spec", author="Ann Author",
    summary="Draft models propose tokens; the target model verifies them in one pass.\n"
            "Speculative decoding speeds up decoding by 2-3x.",
    published_at="2025-01-09T00:00:00Z", sort_at="2025-01-09T00:00:00Z",
    fetched_at="2025-01-10T00:00:00Z", state="new", resource_id=None,
)
# (render_detail reads only the row and the query: no catalogue is needed to build these)
INBOX = InboxSource(None)  # type: ignore[arg-type]
ENTRY_SEARCH = EntrySearchSource(None, "decoding speculative")  # type: ignore[arg-type]
TERMS = parse_query("transformer attention").terms


# ----------------------------------------------------------------------- random renderables
STYLES = st.sampled_from([
    "", "dim", "bold yellow", "dim strike", "reverse", "underline cyan", "italic dim",
    "bold reverse", Style(bgcolor="red"), Style(italic=True, color="#123456"),
    Style(link="https://example.com/x"), Style.null(),
])
CHARS = st.one_of(
    st.characters(min_codepoint=32, max_codepoint=0x30FF, exclude_categories=("Cs", "Cc")),
    st.sampled_from(["\n", "\n", " ", " ", "\t", "日", "本", "👍", "\u0301", "\u200d", "\ufe0f",
                     "é", "-", "…"]),
)
WORDS = st.sampled_from(["supercalifragilisticexpialidocious", "https://example.com/a/b/c",
                         "  ", "\n\n", "word ", "日本語のテキスト"])


@st.composite
def texts(draw: st.DrawFn) -> Text:
    plain = "".join(draw(st.lists(st.one_of(st.text(CHARS, max_size=30), WORDS), max_size=6)))
    ends = st.lists(st.integers(0, len(plain)), min_size=2, max_size=2).map(sorted)
    spans = draw(st.lists(st.builds(lambda se, style: Span(se[0], se[1], style), ends, STYLES),
                          max_size=6))
    return Text(
        plain, style=draw(STYLES), spans=spans,
        justify=draw(st.sampled_from([None, None, None, "default", "left", "center", "right",
                                      "full"])),
        overflow=draw(st.sampled_from([None, None, "fold", "crop", "ellipsis", "ignore"])),
        no_wrap=draw(st.sampled_from([None, None, False, True])),
        tab_size=draw(st.sampled_from([None, 2, 8])),
    )


GROUPS = st.lists(st.one_of(texts(), st.just(Text())), max_size=5).map(lambda parts: Group(*parts))


def check_drawings(pane: DetailPane) -> None:
    @settings(max_examples=400, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(GROUPS, st.integers(1, 70))
    @example(item_detail(ITEM), 60)
    @example(item_detail(ITEM), 7)
    @example(item_detail(ITEM, show_guide=False), 33)
    @example(item_detail(NOTED), 50)  # a Rule and Markdown: drawn by Textual
    @example(item_detail(NOTED, note_first=True), 41)
    @example(search_detail(ITEM, TERMS), 47)
    @example(search_detail(ITEM, TERMS), 12)
    @example(INBOX.render_detail(ENTRY), 64)
    @example(ENTRY_SEARCH.render_detail(ENTRY), 29)
    @example(ENTRY_SEARCH.render_detail(ENTRY), 3)
    @example(Group(Text("abc", spans=[Span(0, 3, "bold"), Span(1, 2, "red")])), 2)  # overlap
    @example(Group(Text("a b c  "), Text(), Text("日本語", style="bold")), 1)  # wide, cropped
    @example(Group(Text("x\u0301\u0301\u0301 y  ")), 4)  # more characters than cells
    @example(Group(Text("x\u0301\u0301 ")), 3)  # fits in cells, not in characters
    @example(Group(Text("a\tb\tc", tab_size=4)), 9)
    @example(Group(Text("centre me", justify="center", style="on red")), 20)
    @example(Group(Text("keep going", overflow="ignore", no_wrap=True)), 4)
    @example(Group(), 10)
    @example(Text("a lone Text is drawn as Textual Content"), 10)
    def same(renderable: RenderableType, width: int) -> None:
        assert_same_drawing(pane, renderable, width)

    same()


async def test_groups_of_text_are_drawn_as_textual_draws_them(tmp_path: Path) -> None:
    app = make_app(make_catalogue(tmp_path / "detail.db"), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.browse_screen.detail_pane
        check_drawings(pane)
        await pilot.press("tab")  # a focused pane has other styles underneath
        await pilot.pause()
        check_drawings(pane)


async def test_text_groups_take_the_pane_s_own_path_and_the_rest_textual_s(tmp_path: Path) -> None:
    app = make_app(make_catalogue(tmp_path / "detail.db"), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.browse_screen.detail_pane
        pane._renderable = item_detail(ITEM)
        assert pane._text_strips(40) is not None
        pane._renderable = INBOX.render_detail(ENTRY)
        assert pane._text_strips(40) is not None
        for other in (item_detail(NOTED), Text("lone"), Group(Text("a"), Rule()),
                      Group(Text("click", style=Style(meta={"@click": "app.bell"})))):
            pane._renderable = other
            assert pane._text_strips(40) is None
            assert_same_drawing(pane, other, 40)


async def test_the_pane_shows_each_row_as_textual_would_and_follows_the_cursor(tmp_path: Path) -> None:
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
            width = pane.scrollable_content_region.width
            expected = textual_strips(pane, screen.source.render_detail(row), width)
            assert [cells(strip) for strip in pane._strips] == [cells(s) for s in expected]
            lines = screen_lines(app)
            region = pane.content_region
            assert row.title in lines[region.y][region.x:region.right]
            titles.append(row.title)
            await pilot.press("j")
        assert len(set(titles)) == items.count > 3


async def test_a_cursor_move_redraws_only_the_pane_lines_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = count_lines_drawn(monkeypatch, DetailPane)
    app = make_app(make_catalogue(tmp_path / "detail.db"), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        await pilot.press("h", "j", "enter")  # All items: Alpha one, Alpha two, ...
        await pilot.pause()
        pane = screen.detail_pane
        before = list(pane._strips)
        drawn.clear()
        await pilot.press("j")
        await pilot.pause()
        after = pane._strips
        assert "Alpha two" in pane.text and "Alpha one" not in pane.text
        changed = {y for y in range(max(len(before), len(after)))
                   if y >= len(before) or y >= len(after) or before[y] != after[y]}
        assert changed and len(changed) < len(after)  # (the where/status lines are the same)
        assert set(drawn) == changed
        assert "Alpha two" in screen_lines(app)[pane.content_region.y]
