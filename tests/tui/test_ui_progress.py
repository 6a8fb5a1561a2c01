"""The progress screen (``p``) in the real app: the same percentage as the header, the width
used at 160 columns, a 0% bar that shows, the topic x tier grid, and a dash for the ETA on
the first day."""

from __future__ import annotations

from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.stats import StatsScreen
from ui_support import fixed_now, make_catalogue, screen_lines, settle_keys

GUIDE = "# Twenty\n\n## 1. One\n\n### Tier 1\n\n" + "".join(
    f"- [Item {n}](https://example.com/{n}) - A. Text.\n" for n in range(20)
) + "\n## 2. Two\n\n### Tier 3\n\n- [Last](https://example.com/last) - B. Text.\n"


async def test_progress_screen_uses_the_width_and_agrees_with_the_header(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "progress.db", GUIDE)
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        first = cat.items(limit=1)[0]
        cat.set_status(first.id, "done")  # 1 of 21 on the first day
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle_keys(pilot)
        header = screen_lines(app)[0]
        assert "1/21 done · 4.8%" in header
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        lines = screen_lines(app)
        overall = next(line for line in lines if line.lstrip().startswith("Overall"))
        assert "1/21" in overall and "4.8%" in overall  # the header's rule, not "5%"
        # One day of activity: no ETA yet (the row's last cell, before the column beside it).
        assert overall.split("Topic")[0].rstrip().endswith("—")
        # The topics sit beside the progress: the screen's width is used.
        assert any("Streak" in line and "Topic" in line for line in lines)
        # A topic with nothing done still draws its bar's track.
        two = next(line for line in lines if "2. Two" in line and "━" in line)
        assert two.count("━") >= 12 and "0/1" in two
        # The grid: topic x tier, done/total per cell.
        grid = lines[next(i for i, line in enumerate(lines) if "Topic × tier" in line):]
        assert "Tier 1" in grid[0] and "Tier 3" in grid[0]
        one = next(line for line in grid if "1. One" in line)
        assert one[one.index("1. One"):].split()[2:4] == ["1/20", "·"]
