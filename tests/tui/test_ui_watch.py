"""The app follows writes made by another process (the CLI here, cron's refresh in real
life) within a few seconds, without ctrl+r, and keeps the cursor where it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from ui_support import fixed_now, make_catalogue, notices, screen_text


async def wait_for(pilot, condition, seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app did not catch up"
        await pilot.pause(0.1)


async def test_a_status_set_from_the_cli_shows_without_reloading(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    with Catalogue.open(db, seed=False) as cat:
        first, second = (item.id for item in cat.items(limit=2))
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.show_node("special:all")
        screen.set_focus(screen.item_list)
        await pilot.press("j")  # the cursor on the second row
        await pilot.pause()
        assert screen.current_row.id == second
        assert "0/6 done" in screen_text(app)
        done = subprocess.run(
            [sys.executable, "-m", "tuiguide", "--db", str(db), "status", str(first), "done"],
            capture_output=True, text=True, env=os.environ.copy(), timeout=60)
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: "1/6 done" in screen_text(app))
        assert screen.item_list.row_at(0).status == "done"
        assert screen.current_row.id == second  # the cursor stayed on its row
        assert not [n for n in notices(app) if n.severity == "error"]
