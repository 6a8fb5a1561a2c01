"""``ctrl+z`` in the real app (make_app, Pilot, a real catalogue file): it takes back a status
change and says so, goes further back when pressed again, works after a restart; and the
tier tabs of lists across topics add up to their All count (each resource once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from study_support import Clock, small_catalogue
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from ui_support import notices, screen_text

SIZE = (120, 36)


@pytest.fixture
def clock() -> Clock:
    return Clock("2025-03-01T10:00:00Z")


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Path:
    small_catalogue(tmp_path, "app.db", clock).close()
    return tmp_path / "app.db"


def status(db: Path, title: str) -> str:
    with Catalogue.open(db, seed=False) as cat:
        row = cat.conn.execute("SELECT status FROM resources WHERE title = ?", (title,)).fetchone()
        return str(row[0])


async def test_ctrl_z_takes_back_status_changes_across_a_restart(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        title = screen.item_list.current_row.title
        await pilot.press("d")
        await pilot.pause()
        assert status(db, title) == "done"
        await pilot.press("q")

    again = make_app(db, now=clock)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert status(db, title) == "todo"
        said = [n.message for n in notices(again)]
        assert any(m.startswith("Undone:") and "is todo again (was done)" in m for m in said)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Nothing to undo." in [n.message for n in notices(again)]
        assert "Undo" in [b.binding.description for b in again.screen.active_bindings.values()]


async def test_tier_tabs_of_all_items_add_up(db_path: Path) -> None:
    Catalogue.open(db_path).close()  # the bundled guide: 4 resources placed twice
    app = make_app(db_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.catalogue.set_state("browse", {})
        counts = screen.catalogue.tier_counts()
        assert sum(counts.values()) == screen.catalogue.count_items() == 333
        text = screen_text(app)
        # The header and the tabs of the list on screen agree.
        assert "333" in text
