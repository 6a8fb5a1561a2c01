"""Snapshots of the main screen (pytest-textual-snapshot): 80x24 and 160x48.

The catalogue is the bundled guide with a few statuses and a note set at a fixed time, so the
frames are the same on every run (animations are off: TEXTUAL_ANIMATIONS=none in conftest).
Regenerate after an intended change with ``pytest tests/tui/test_ui_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from ui_support import fixed_now


def snapshot_app(tmp_path: Path) -> TuiguideApp:
    db = tmp_path / "snapshot.db"
    with Catalogue.open(db, now=fixed_now) as cat:  # seeds the bundled guide
        first = cat.items(limit=5)
        cat.set_status(first[0].id, "done")
        cat.set_status(first[1].id, "reading")
        cat.set_status(first[3].id, "skipped")
        cat.set_note(first[1].id, "Worth a second read.\nCompare with the KV cache post.")
    app = make_app(db, now=fixed_now)
    app.animation_level = "none"  # belt and braces: conftest sets TEXTUAL_ANIMATIONS=none
    return app


def test_main_screen_80x24(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24))


def test_main_screen_160x48(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(160, 48))


def test_topic_in_tier_2_at_80x24(snap_compare, tmp_path: Path) -> None:
    # Tree: Up next, All items, the guide, 1., 2. -> topic 2 in Tier 2, third row.
    assert snap_compare(
        snapshot_app(tmp_path), press=["h", "j", "j", "j", "j", "enter", "2", "j", "j"],
        terminal_size=(80, 24),
    )
