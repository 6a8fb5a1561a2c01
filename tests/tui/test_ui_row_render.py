"""List rows are built as one string plus spans (for speed); they must be exactly the rows
that fitting one ``Text`` per column gives: same characters, same spans, same cells."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from tuiguide.core.models import STATUSES, Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.widgets import render
from ui_support import make_catalogue


def reference_row(item: Item, width: int) -> Text:
    """The row as it was built before: a fitted ``Text`` per column, appended."""
    glyph = Text(render.GLYPHS.get(item.status, "?"), style=render.GLYPH_STYLES.get(item.status, ""))
    tier = Text(render.tier_label(item.tier).rjust(2), style="dim" if not item.tier else "")
    rest = max(width - 6 - tier.cell_len, 0)
    author_width = min(24, (rest - 2) // 3) if rest >= 38 else 0
    title_width = rest - author_width - 2 if author_width else rest
    title = render.safe(item.title, limit=500, style=render.TITLE_STYLES.get(item.status, ""))
    row = Text(" ")
    row.append_text(glyph)
    row.append(" ")
    row.append_text(render.fit(title, title_width))
    if author_width:
        row.append("  ")
        row.append_text(render.fit(render.safe(item.author or "", limit=200, style="dim"), author_width))
    row.append("  ")
    row.append_text(tier)
    row.append(" ")
    return render.fit(row, width)


def assert_same(item: Item, width: int) -> None:
    fast, slow = render.item_row(item, width), reference_row(item, width)
    assert fast.plain == slow.plain
    assert fast.spans == slow.spans
    assert (fast.style, fast.end, fast.no_wrap, fast.overflow) == (
        slow.style, slow.end, slow.no_wrap, slow.overflow)
    console = Console(width=max(width, 1), color_system="truecolor")
    assert list(fast.render(console)) == list(slow.render(console))


def test_rows_of_a_catalogue_match_at_every_width(tmp_path: Path) -> None:
    cat = Catalogue.open(make_catalogue(tmp_path / "rows.db"), seed=False)
    try:
        items = cat.items(limit=400)
    finally:
        cat.close()
    assert items
    for item in items:
        for status in STATUSES:
            changed = dataclasses.replace(item, status=status)
            for width in (0, 1, 5, 9, 20, 43, 44, 60, 80, 120, 200):
                assert_same(changed, width)


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(max_size=80),
    author=st.one_of(st.none(), st.text(max_size=40)),
    status=st.sampled_from([*STATUSES, "unknown"]),
    tier=st.sampled_from([None, 1, 2, 3]),
    width=st.integers(min_value=0, max_value=160),
)
def test_any_row_matches(title: str, author: str | None, status: str, tier: int | None,
                         width: int) -> None:
    """Wide characters, controls, empty titles and tiny widths included."""
    item = Item(id=1, placement_id=1, title=title, url="https://x.test/", link="https://x.test/",
                author=author, description="", guide_id=1, guide="G", topic_id=1, topic="T",
                topic_number="1", section=None, tier=tier, status=status, status_at=None,
                origin="guide", note="", note_updated_at=None)
    assert_same(item, width)
