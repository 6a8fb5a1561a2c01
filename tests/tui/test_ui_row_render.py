"""A list row is exactly the list's width, whatever its title holds, and shows it as text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tuiguide.core.models import STATUSES, Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.widgets import render
from ui_support import make_catalogue

WIDTHS = (1, 5, 9, 20, 43, 44, 60, 80, 120, 200)  # (the list is never narrower than 16)


def test_rows_of_a_catalogue_fit_every_width(tmp_path: Path) -> None:
    cat = Catalogue.open(make_catalogue(tmp_path / "rows.db"), seed=False)
    try:
        items = cat.items(limit=400)
    finally:
        cat.close()
    assert items
    for item in items:
        for status in STATUSES:
            changed = dataclasses.replace(item, status=status)
            for width in WIDTHS:
                row = render.item_row(changed, width)
                assert row.cell_len == width
                if width >= 60:
                    assert row.plain.startswith(f" {render.GLYPHS[status]} {item.title[:10]}")
                    assert row.plain.rstrip().endswith(render.tier_label(item.tier))


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(max_size=80),
    author=st.one_of(st.none(), st.text(max_size=40)),
    status=st.sampled_from([*STATUSES, "unknown"]),
    tier=st.sampled_from([None, 1, 2, 3]),
    width=st.integers(min_value=1, max_value=160),
)
def test_any_row_fits_and_holds_no_control_character(
    title: str, author: str | None, status: str, tier: int | None, width: int
) -> None:
    """Wide characters, controls, empty titles and tiny widths included."""
    item = Item(id=1, placement_id=1, title=title, url="https://x.test/", link="https://x.test/",
                author=author, description="", guide_id=1, guide="G", topic_id=1, topic="T",
                topic_number="1", section=None, tier=tier, status=status, status_at=None,
                origin="guide", note="", note_updated_at=None)
    row = render.item_row(item, width)
    assert row.cell_len == width
    assert not any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in row.plain)
