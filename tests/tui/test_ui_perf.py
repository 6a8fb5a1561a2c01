"""Performance guards that do not time anything (a loaded 2-core machine makes timings flaky):
they count the work that made start-up and keys slow, so it stays fixed.

- Start-up imports: the CLI and the app build without httpx, feedparser, Markdown, the text
  area or sqlite-utils (each imported where it is used: refresh, a note, the editor, ...), nor
  tuiguide's feed refresh, suggester and feeds screen, nor the clipboard and browser modules;
  and without compiling the URL normaliser's slow pattern.
- The topic tree measures labels without drawing them, and measures them right.
- A cursor move in the list lays nothing out (the detail pane keeps its size).
- What a first note needs is loaded in the background after the first frame.
- The tree's counts are read once per change, and right for every tier after a write.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.style import Style
from textual._compositor import Compositor

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import make_app
from ui_support import down_to_topic, fixed_now, screen_lines

HEAVY = (
    "httpx",
    "feedparser",
    "sqlite_utils",
    "markdown_it",
    "rich.markdown",
    "textual.widgets._markdown",
    "textual.widgets._text_area",
    "tuiguide.core.feeds.refresh",
    "tuiguide.core.feeds.fetch",
    "tuiguide.core.feeds.suggest",
    "tuiguide.tui.screens.feeds",
    "tuiguide.tui.features.feed_actions",
    "tuiguide.tui.screens.file_dialog",
    "pyperclip",
    "webbrowser",
)

_PROBE = """
import json, sys
import tuiguide.cli.main
from tuiguide.tui.app import make_app
app = make_app(sys.argv[1])
app.catalogue.close()
from tuiguide.core.text import urls
heavy = json.loads(sys.argv[2])
loaded = [m for m in sys.modules if m.split('.')[0] in heavy or m in heavy]
if urls._canonical.cache_info().currsize:
    loaded.append('tuiguide.core.text.urls._canonical (compiled)')
print(json.dumps(sorted(loaded)))
"""


def test_cli_and_app_start_without_heavy_imports(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Catalogue.open(db).close()  # seeded with the bundled guide
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(db), json.dumps(HEAVY)], capture_output=True,
        text=True, timeout=120, check=True,
    ).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert loaded == [], f"imported at start-up (import them where they are used): {loaded}"


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    # The probe itself works: a module that imports httpx is reported.
    probe = _PROBE.replace("import tuiguide.cli.main", "import tuiguide.cli.main, httpx")
    db = tmp_path / "c.db"
    Catalogue.open(db).close()
    out = subprocess.run([sys.executable, "-c", probe, str(db), json.dumps(HEAVY)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "httpx" in json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    db = tmp_path / "bundled.db"
    with Catalogue.open(db, now=fixed_now) as cat:
        first = cat.items(limit=3)
        cat.set_status(first[0].id, "done")
        cat.set_note(first[1].id, "A note.\nTwo lines.")
    return db


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_tree_label_widths_match_the_drawn_labels(bundled: Path, size) -> None:
    app = make_app(bundled, now=fixed_now)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        tree = app.browse_screen.topic_tree
        for tier in ("0", "2", "3"):
            await pilot.press(tier)
            await pilot.pause()
            nodes = list(tree.nodes_by_key.values())
            assert len(nodes) > 20
            for node in nodes:
                drawn = tree.render_label(node, Style(), Style()).cell_len
                assert tree.get_label_width(node) == drawn, node.data.key


def count_reflows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the screen's layouts from now on (one entry each)."""
    reflows: list[int] = []
    real = Compositor.reflow

    def counting(compositor, *args, **kwargs):
        reflows.append(1)
        return real(compositor, *args, **kwargs)

    monkeypatch.setattr(Compositor, "reflow", counting)
    return reflows


async def test_cursor_moves_lay_nothing_out(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(bundled, now=fixed_now)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        await pilot.press("h", *down_to_topic(1), "enter")
        await pilot.pause()
        reflows = count_reflows(monkeypatch)
        titles = []
        for _ in range(4):
            await pilot.press("j")
            await pilot.pause()
            row = screen.item_list.current_row
            titles.append(row.title)
            assert row.title.split()[0] in screen.detail_pane.text  # the pane follows
        assert len(set(titles)) == 4
        assert reflows == [], "a cursor move made Textual lay out the whole screen"


_WARM_PROBE = """
import asyncio, json, sys
from tuiguide.tui import warmup
from tuiguide.tui.app import make_app
warmup.WARM_AFTER = 4.0  # (a slow first run on a busy machine must not reach it first)

async def main():
    app = make_app(sys.argv[1])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        at_first_frame = "markdown_it" in sys.modules
        await pilot.pause(6.0)
        print(json.dumps([at_first_frame, "markdown_it" in sys.modules]))

asyncio.run(main())
"""


def test_what_a_first_note_needs_loads_in_the_background_after_the_first_frame(
        tmp_path: Path) -> None:
    """The first note shown would otherwise import markdown-it on the key (~75 ms)."""
    db = tmp_path / "c.db"
    Catalogue.open(db).close()
    out = subprocess.run([sys.executable, "-c", _WARM_PROBE, str(db)], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [False, True]


def tree_lines(app) -> list[str]:
    tree = app.browse_screen.topic_tree
    region = tree.region
    return [line[region.x:region.right] for line in screen_lines(app)[region.y:region.bottom]]


async def test_tier_changes_count_once_and_show_the_counts_of_each_tier(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every badge changes with the tier: the per-tier counts read once are reused while
    nothing is written (no query per tier change), and every tier shows the new counts
    after a write."""
    counted = []
    guide_counts = Catalogue.guide_counts

    def counting_guide_counts(catalogue, guide_id=None, tier=None):
        counted.append((guide_id, tier))
        return guide_counts(catalogue, guide_id, tier)

    monkeypatch.setattr(Catalogue, "guide_counts", counting_guide_counts)
    app = make_app(bundled, now=fixed_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = {}
        for tier in ("1", "2", "0"):
            await pilot.press(tier)
            await pilot.pause()
            shown[tier] = tree_lines(app)
        assert len({tuple(lines) for lines in shown.values()}) == 3  # the counts differ
        counted.clear()
        for tier in ("1", "2", "0", "1"):
            await pilot.press(tier)
            await pilot.pause()
            assert tree_lines(app) == shown[tier]
        # Nothing was written: the tree's badges of those tiers are not counted again
        # (the header's progress, all tiers, is read once a change).
        guide = app.browse_screen.guide_id
        assert counted == [(guide, None)] * 4

        # A status change in tier 1: its badges change. Tier 2's lines still show the right
        # counts; tier 0's and tier 1's show the new ones.
        tree = app.browse_screen.topic_tree
        await pilot.press("h", "l", "g")  # the list's first row (Up next, tier 1)
        await pilot.pause()
        row = app.browse_screen.item_list.current_row
        changed = tree.nodes_by_key[f"topic:{row.topic_id}"].data
        before = changed.badge
        await pilot.press("d")
        await pilot.pause()
        assert app.browse_screen.item_list.current_row.status == "done"
        assert changed.badge != before
        assert any(line.rstrip("│ ").endswith(changed.badge) for line in tree_lines(app))
        assert tree_lines(app) != shown["1"]
        for tier in ("2", "0", "1"):
            await pilot.press(tier)
            await pilot.pause()
            lines = tree_lines(app)
            assert (lines == shown[tier]) == (tier == "2"), f"tier {tier}: counts out of date"
            assert any(line.rstrip("│ ").endswith(changed.badge) for line in lines)
