"""Performance guards that do not time anything (a loaded 2-core machine makes timings flaky):
they count the work that made start-up and keys slow, so it stays fixed.

- Start-up imports: the CLI and the app build without httpx, feedparser, Markdown, the text
  area or sqlite-utils (each imported where it is used: refresh, a note, the editor, ...), nor
  tuiguide's feed refresh, suggester and feeds screen, nor the clipboard and browser modules;
  and without compiling the URL normaliser's slow pattern.
- The topic tree measures labels without drawing them, and measures them right.
- A cursor move redraws the screen once and lays nothing out; a tier or topic change does not
  redraw the footer, and a change of keys redraws it once with no widget mounted.
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
from tuiguide.tui.sources.inbox import INBOX_KEY
from tuiguide.tui.widgets.key_footer import KeyFooter
from tuiguide.tui.widgets.topic_tree import TopicTree
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


class Counter:
    """Counts screen layouts (Compositor.reflow), the footer's changes of keys
    (KeyFooter._show) and its draws (KeyFooter.render_line)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reflows = 0
        self.footers = 0
        self.footer_draws = 0
        reflow, show, draw = Compositor.reflow, KeyFooter._show, KeyFooter.render_line

        def counting_reflow(compositor, *args, **kwargs):
            self.reflows += 1
            return reflow(compositor, *args, **kwargs)

        def counting_show(footer, *args, **kwargs):
            self.footers += 1
            return show(footer, *args, **kwargs)

        def counting_draw(footer, *args, **kwargs):
            self.footer_draws += 1
            return draw(footer, *args, **kwargs)

        monkeypatch.setattr(Compositor, "reflow", counting_reflow)
        monkeypatch.setattr(KeyFooter, "_show", counting_show)
        monkeypatch.setattr(KeyFooter, "render_line", counting_draw)


def footer_text(app) -> str:
    return app.screen._compositor.render_strips()[-1].text


async def test_cursor_moves_lay_nothing_out_and_the_footer_is_redrawn_only_for_new_keys(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(bundled, now=fixed_now)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        footer = screen.query_one(KeyFooter)
        await pilot.press("h", *down_to_topic(1), "enter")
        await pilot.pause()
        counter = Counter(monkeypatch)
        titles = []
        for _ in range(4):
            await pilot.press("j")
            await pilot.pause()
            row = screen.item_list.current_row
            titles.append(row.title)
            assert row.title.split()[0] in screen.detail_pane.text  # the pane follows
        assert len(set(titles)) == 4
        assert counter.reflows == 0, "a cursor move made Textual lay out the whole screen"

        # Tier changes, focus moves, topic changes: the same keys, the footer left alone.
        for key in ("2", "1", "0", "3", "0", "h", "l", "h", "j", "j", "k"):
            await pilot.press(key)
            await pilot.pause()
        assert screen.node_key.startswith("topic:")
        assert counter.footers == 0, "the footer laid out its keys though they did not change"
        assert counter.footer_draws == 0, "the footer was redrawn though its keys did not change"
        assert "Status" in footer_text(app) and "Dismiss" not in footer_text(app)

        # The Inbox's rows have no status: its own keys show. Each change of keys lays the
        # footer out once and draws it once, mounting nothing (Textual's Footer mounts ~20
        # widgets per change: 60-80 ms on that key press at 50k items).
        for node in (INBOX_KEY, "special:all", INBOX_KEY, "special:all", INBOX_KEY):
            before = (counter.footers, counter.footer_draws)
            screen.show_node(node)
            await pilot.pause()
            shown = footer_text(app)
            assert ("Dismiss" in shown) == (node == INBOX_KEY) != ("Status" in shown)
            assert (counter.footers, counter.footer_draws) == (before[0] + 1, before[1] + 1)
            assert not footer.children, "the footer mounted widgets"
        assert "Status" not in footer_text(app) and "Dismiss" in footer_text(app)


async def test_detail_pane_wraps_scrolls_and_rewraps_on_resize(tmp_path: Path) -> None:
    db = tmp_path / "long.db"
    long_description = " ".join(f"word{i}" for i in range(400))
    guide = tmp_path / "g.md"
    guide.write_text(
        "# Long Guide\n\n## 1. Topic\n\n#### Tier 1\n\n"
        f"- [Long one](https://example.com/long) - Ann. {long_description}\n"
        "- [Short one](https://example.com/short) - Bob. Short.\n",
        encoding="utf-8",
    )
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        cat.import_file(guide)
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        pane = app.browse_screen.detail_pane
        assert "word0 " in pane.text and "word399" in pane.text
        assert pane.virtual_size.height > pane.scrollable_content_region.height
        assert pane.show_vertical_scrollbar
        wide = pane.virtual_size.height
        lines = pane.text.splitlines()
        assert max(len(line) for line in lines) <= pane.scrollable_content_region.width
        await pilot.press("l", "l")  # focus the detail pane, scroll it
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_offset.y > 0
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        assert pane.virtual_size.height < wide  # re-wrapped to the wider pane
        assert max(len(line) for line in pane.text.splitlines()) <= pane.scrollable_content_region.width
        await pilot.press("h", "j")  # the short item: no scrollbar, back at the top
        await pilot.pause()
        assert "Short." in pane.text and "word1" not in pane.text
        assert pane.scroll_offset.y == 0 and not pane.show_vertical_scrollbar


_WARM_PROBE = """
import asyncio, json, sys
from tuiguide.tui import warmup
from tuiguide.tui.app import make_app
warmup.WARM_AFTER = 1.0  # (a slow first run must not reach it before the first look)

async def main():
    app = make_app(sys.argv[1])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        at_first_frame = "markdown_it" in sys.modules
        await pilot.pause(2.5)
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


def tree_look(app) -> list[list[tuple[str, object]]]:
    """The tree's cells on screen with their colours and styles (the cursor is only a
    colour), as (text, style) runs per line."""
    region = app.browse_screen.topic_tree.region
    strips = app.screen._compositor.render_strips()[region.y:region.bottom]
    return [
        [(segment.text, segment.style) for segment in strip.crop(region.x, region.right)]
        for strip in strips
    ]


def count_tree_labels(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The node keys of the tree labels drawn from now on, in order."""
    labels: list[str | None] = []
    render_label = TopicTree.render_label

    def counting_label(tree, node, *args):
        labels.append(node.data.key if node.data else None)
        return render_label(tree, node, *args)

    monkeypatch.setattr(TopicTree, "render_label", counting_label)
    return labels


async def test_a_tier_seen_before_draws_no_tree_label_and_shows_its_counts(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every badge changes with the tier: the tree's lines of a tier drawn a moment ago are
    reused (a tier change drew ~40 labels again, a third of its time at 50k items), never
    with a count that changed since."""
    labels = count_tree_labels(monkeypatch)
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
        labels.clear()
        counted.clear()
        for tier in ("1", "2", "0", "1"):
            await pilot.press(tier)
            await pilot.pause()
            assert tree_lines(app) == shown[tier]
        assert labels == [], f"tree labels drawn again for a tier seen before: {labels}"
        # Nothing was written: the tree's badges of those tiers are not counted again
        # (the header's progress, all tiers, is read once a change).
        guide = app.browse_screen.guide_id
        assert counted == [(guide, None)] * 4

        # A status change in tier 1: its badges change. Tier 2's lines, drawn before it,
        # still show the right counts; tier 0's and tier 1's are drawn again with the new.
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


async def test_a_tree_cursor_position_seen_before_draws_no_label_and_looks_the_same(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cursor onto a guide colours the guide lines of every topic under it: those lines
    are drawn once per look, then reused when the cursor comes back (they were drawn again
    on every move onto the guide and off it, ~20 lines each time)."""
    labels = count_tree_labels(monkeypatch)
    app = make_app(bundled, now=fixed_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        await pilot.press("h")
        await pilot.pause()
        keys = down_to_topic(2) + ("k",) * len(down_to_topic(2))
        seen = []
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            seen.append((screen.topic_tree.cursor_node.data.key, tree_look(app)))
        assert "guide:1" in [node for node, _ in seen]
        assert len({repr(look) for _, look in seen}) == len(down_to_topic(2)) + 1
        labels.clear()
        for key, (node, lines) in zip(keys, seen, strict=True):
            await pilot.press(key)
            await pilot.pause()
            assert screen.topic_tree.cursor_node.data.key == node
            assert tree_look(app) == lines, f"the tree looks different on {node}"
        assert labels == [], f"tree labels drawn again for cursor positions seen before: {labels}"
        # A tier change still redraws (its counts), and so does the cursor after it.
        await pilot.press("2", "j")
        await pilot.pause()
        assert labels
