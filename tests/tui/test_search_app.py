"""Search and jump in the TUI, driven through Pilot over a real catalogue file.

``/`` opens the search bar; results replace the list as the user types, with the matched
words highlighted; escape goes back. ctrl+p jumps to topics and resources by fuzzy title.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.search_index import refresh_documents
from tuiguide.tui.app import make_app
from tuiguide.tui.features import search as search_ui
from tuiguide.tui.features.search import SearchBar, search_bar
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.sources.base import ItemSource
from tuiguide.tui.sources.inbox import InboxSource
from tuiguide.tui.sources.search import EntrySearchSource, ItemSearchSource, is_search_source
from ui_support import (
    down_to_topic,
    fixed_now,
    palette_results,
    screen_lines,
    screen_text,
    search_for,
    settle_search,
    terminal_output,
    type_text,
)

GUIDE = """\
# Search Guide

## 1. Memory

### Tier 1

- [KV cache explained](https://example.com/kv1) - Ann. How the key value cache works.
- [Paged attention](https://example.com/paged) - Bob. Blocks for the KV cache in vLLM.
- [XLA compiler notes](https://example.com/xla) - Cy. Fusion and layout.

### Tier 2

- [Prefix caching at scale](https://example.com/prefix) - Dee. Reusing the KV cache across requests.
- [C++ kernels for inference](https://example.com/cpp) - Eve. Writing fast kernels.
- [foo-bar tricks](https://example.com/foobar) - Fay. Odd names, and more.

## 2. Quantization

### Tier 2

- [Quantization with AWQ](https://example.com/awq) - Gus. Activation aware weights.

### Tier 3

- [INT4 kernels](https://example.com/int4) - Hal. Packing weights and the KV cache.
"""

HOSTILE = "Evil [/] [bold]kv[/bold] \x1b[2J\x1b]0;pwned\x07 cache"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "search.db"
    with Catalogue.open(path, seed=False, now=fixed_now) as cat:
        cat.import_text(GUIDE, source="search-guide.md")
    return path


def browse(app) -> BrowseScreen:
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


def titles(screen: BrowseScreen) -> list[str]:
    items = screen.item_list
    return [items.row_at(i).title for i in range(items.count)]


def pane_text(app, widget) -> str:
    """The words shown in ``widget``'s part of the screen, wrapped lines joined."""
    region = widget.region
    lines = screen_lines(app)[region.y:region.bottom]
    return " ".join(" ".join(line[region.x:region.right] for line in lines).split())


def highlighted(app, word: str) -> list[str]:
    """Screen segments whose text is ``word`` drawn in reverse (the match style)."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style or Style()
            if segment.text.strip() and word.lower() in segment.text.lower() and style.reverse:
                found.append(segment.text)
    return found


# ---------------------------------------------------------------------------- typing
async def test_typing_shows_ranked_results_with_highlights_and_a_count(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("slash")
        await pilot.pause()
        bar = search_bar(screen, create=False)
        assert isinstance(bar, SearchBar) and bar.active
        assert screen.focused is bar.input
        await type_text(pilot, "kv cache")
        await settle_search(pilot, screen)
        assert isinstance(screen.source, ItemSearchSource)
        found = titles(screen)
        # Every item mentioning the KV cache, best (title) matches first.
        assert set(found) == {"KV cache explained", "Paged attention", "Prefix caching at scale",
                              "INT4 kernels"}
        assert found[0] == "KV cache explained"
        text = screen_text(app)
        assert "Search: kv cache · 4" in text
        assert "All 4" in text and "Tier 1 2" in text and "Tier 2 1" in text and "Tier 3 1" in text
        # The matched words are drawn highlighted in the row and in the detail pane.
        row = screen.source.render_row(screen.item_list.row_at(0), 60)
        assert [row.plain[s.start:s.end] for s in row.spans if "reverse" in str(s.style)] == [
            "KV", "cache"]
        assert highlighted(app, "KV") and highlighted(app, "cache")
        # A description-only match shows the words around it in the author column.
        await pilot.press("enter")
        assert screen.focused is screen.item_list
        index = found.index("Paged attention")
        for _ in range(index):
            await pilot.press("j")
        await pilot.pause()
        assert "Blocks for the KV cache in vLLM." in " ".join(screen.detail_pane.text.split())
        detail_marks = [s for s in highlighted(app, "KV")]
        assert len(detail_marks) >= 2  # the row's snippet and the description


async def test_results_follow_each_keystroke_and_the_last_word_is_a_prefix(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "quant")
        assert titles(screen) == ["Quantization with AWQ"]  # "quant" matched as a prefix
        await type_text(pilot, "ization awq")
        await settle_search(pilot, screen)
        assert titles(screen) == ["Quantization with AWQ"]
        await search_for(pilot, screen, "zebra")
        assert titles(screen) == []
        assert "No items match" in screen_text(app)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("c++", {"C++ kernels for inference"}),
        ('"x', {"XLA compiler notes"}),  # unbalanced quote: a phrase to the end, as a prefix
        ("foo-bar", {"foo-bar tricks"}),
        # A bare operator is just the word "and" (in three descriptions).
        ("AND", {"foo-bar tricks", "XLA compiler notes", "INT4 kernels"}),
        ('kernels "', {"C++ kernels for inference", "INT4 kernels"}),
        ("(", None),
        ("-", None),
        ("tier:", None),
    ],
)
async def test_raw_input_never_crashes(db: Path, query: str, expected: set[str] | None) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, query)
        assert app.is_running
        if expected is None:
            # Nothing searchable: the list says why.
            assert is_search_source(screen.source)
            assert titles(screen) == []
            assert "Nothing to search for" in screen.source.empty_message
            assert screen.source.empty_message in pane_text(app, screen.item_list)
        else:
            assert set(titles(screen)) == expected


async def test_problems_are_the_empty_list_message(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "status:later kv")
        assert titles(screen) == []
        assert "status:later is not a status; use todo, reading, done, skipped." in pane_text(
            app, screen.item_list)


async def test_the_bar_names_in_article_and_refuses_an_ambiguous_in(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("slash")
        await pilot.pause()
        # The empty field's hint is whole at 80 columns and names in:article.
        assert "/ words · tier:2 status:todo in:article in:inbox" in screen_text(app)
        await search_for(pilot, screen, "in:a kv ")
        assert titles(screen) == []
        assert ("in:a is ambiguous: in:all, in:article or in:author; type more letters."
                in pane_text(app, screen.item_list))
        await search_for(pilot, screen, "in:au dee")  # Dee wrote one; no title has "dee"
        assert titles(screen) == ["Prefix caching at scale"]


# ---------------------------------------------------------------------------- filters and tiers
async def test_filters_combine_with_each_other_and_with_words(db: Path) -> None:
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        prefix = next(i for i in cat.items() if i.title == "Prefix caching at scale")
        cat.set_status(prefix.id, "done")
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "tier:2 status:todo")
        assert titles(screen) == ["C++ kernels for inference", "foo-bar tricks",
                                  "Quantization with AWQ"]
        await search_for(pilot, screen, "tier:2 status:todo topic:quant")
        assert titles(screen) == ["Quantization with AWQ"]
        await search_for(pilot, screen, "kernels tier:3")
        assert titles(screen) == ["INT4 kernels"]
        await search_for(pilot, screen, "cache status:done")
        assert titles(screen) == ["Prefix caching at scale"]


async def test_tier_keys_filter_the_results(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "kv cache")
        await pilot.press("enter")  # into the results: the digit keys are tier keys again
        await pilot.press("1")
        await pilot.pause()
        assert screen.tier == 1
        assert isinstance(screen.source, ItemSearchSource)
        assert set(titles(screen)) == {"KV cache explained", "Paged attention"}
        await pilot.press("3")
        await pilot.pause()
        assert titles(screen) == ["INT4 kernels"]
        await pilot.press("0")
        await pilot.pause()
        assert len(titles(screen)) == 4
        # A tab and a tier: filter that disagree: nothing, and a message saying why.
        await pilot.press("2")
        await search_for(pilot, screen, "kv tier:1")
        assert titles(screen) == []
        assert "Press 0 for all tiers" in pane_text(app, screen.item_list)


# ---------------------------------------------------------------------------- acting on results
async def test_status_open_and_note_keys_work_on_results(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "awq")
        await pilot.press("down")  # down from the field moves into the results too
        assert screen.focused is screen.item_list
        await pilot.press("d")
        await pilot.pause()
        row = screen.item_list.current_row
        assert row.title == "Quantization with AWQ" and row.status == "done"
        assert app.catalogue.item(row.id).status == "done"
        assert "●" in screen_text(app)  # the row's glyph
        assert "1/8 done" in screen_text(app)  # the header counts the change
        await pilot.press("c")  # copy: acts on the result's link
        await pilot.pause()
        await pilot.press("n")  # the note editor opens for the result's resource
        await pilot.pause()
        assert not isinstance(app.screen, BrowseScreen)


# ---------------------------------------------------------------------------- escape
async def test_escape_returns_to_the_node_row_and_pane(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("h", *down_to_topic(1), "enter")  # 1. Memory, into its list
        await pilot.press("j", "j", "j", "j")
        await pilot.pause()
        node, cursor = screen.node_key, screen.item_list.cursor
        row = screen.item_list.current_row
        assert node.startswith("topic:") and cursor == 4 and row.title == "C++ kernels for inference"
        await search_for(pilot, screen, "kv cache")
        await pilot.press("enter", "j", "j")
        await pilot.pause()
        assert screen.item_list.cursor == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not search_bar(screen, create=False).active
        assert isinstance(screen.source, ItemSource) and not is_search_source(screen.source)
        assert screen.node_key == node and screen.source.key == node
        assert screen.item_list.cursor == cursor
        assert screen.item_list.current_row.title == row.title
        assert screen.focused is screen.item_list
        assert "Search:" not in screen_text(app)
        # From the field as well, and back to the pane that had the focus (the tree).
        await pilot.press("h")
        await search_for(pilot, screen, "awq")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is screen.topic_tree
        assert screen.item_list.cursor == cursor and screen.node_key == node


async def test_another_list_closes_the_search(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "kv")
        await pilot.press("enter", "h", "j")  # the tree: the next node's list
        await pilot.pause()
        assert not is_search_source(screen.source)
        assert not search_bar(screen, create=False).active
        await pilot.press("escape")  # nothing to go back to: a no-op
        await pilot.pause()
        assert app.is_running


async def test_clearing_the_query_shows_the_previous_list(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        before = titles(screen)
        await search_for(pilot, screen, "awq")
        assert titles(screen) == ["Quantization with AWQ"]
        await pilot.press("backspace", "backspace", "backspace")
        await settle_search(pilot, screen)
        assert titles(screen) == before
        assert search_bar(screen, create=False).active


# ---------------------------------------------------------------------------- large catalogues
async def test_a_worker_searches_large_catalogues_and_stale_results_are_dropped(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_ui, "INLINE_MAX", 0)  # every query in a worker thread
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "kv")
        await pilot.pause(0.2)  # the debounce fires; the worker may still be running
        await type_text(pilot, " cache int4")
        await settle_search(pilot, screen)
        assert titles(screen) == ["INT4 kernels"]
        assert "Search: kv cache int4 · 1" in screen_text(app)
        await pilot.press("enter", "2")
        await pilot.pause()
        assert titles(screen) == []  # tier 2 of the same query, on the UI thread


# ---------------------------------------------------------------------------- feed entries
def _add_inbox(path: Path) -> None:
    with Catalogue.open(path, seed=False, now=fixed_now) as cat, transaction(cat.conn):
        feed = cat.conn.execute(
            "INSERT INTO feeds (url, link, title, created_at, updated_at) "
            "VALUES ('http://127.0.0.1/f.xml', 'http://127.0.0.1/f.xml', 'Test Feed', 'x', 'x')"
        ).lastrowid
        for n, title in enumerate(["Speculative decoding in practice", "Kernel fusion notes"]):
            cat.conn.execute(
                "INSERT INTO feed_entries (feed_id, identity, url, link, title, summary, sort_at, "
                "state, fetched_at) VALUES (?, ?, ?, ?, ?, 'About draft models.', ?, 'new', 'x')",
                (feed, f"id{n}", f"https://feed.example/{n}", f"https://feed.example/{n}", title,
                 f"2025-01-0{n + 1}T00:00:00Z"),
            )


async def test_inbox_search_shows_entries_with_the_inbox_rows_and_keys(db: Path) -> None:
    _add_inbox(db)
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "in:inbox speculative")
        assert isinstance(screen.source, EntrySearchSource)
        assert isinstance(screen.source, InboxSource)  # f and x work on these rows
        assert titles(screen) == ["Speculative decoding in practice"]
        text = screen_text(app)
        assert "✦ Speculative decoding in practice" in text
        assert "About draft models." in text  # the Inbox's detail pane
        assert highlighted(app, "Speculative")
        await pilot.press("enter", "x")  # dismiss from the results
        await pilot.pause()
        assert titles(screen) == []


async def test_i_during_an_inbox_search_shows_the_whole_inbox(db: Path) -> None:
    _add_inbox(db)
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("i")  # in the Inbox (the tree's cursor on it), then search it
        await pilot.pause()
        await search_for(pilot, screen, "in:inbox speculative")
        await pilot.press("enter")  # from the field to the results
        await pilot.pause()
        assert titles(screen) == ["Speculative decoding in practice"]
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(screen.source, EntrySearchSource)
        assert titles(screen) == ["Kernel fusion notes", "Speculative decoding in practice"]


# ---------------------------------------------------------------------------- hostile text
async def test_a_hostile_title_is_highlighted_literally(db: Path) -> None:
    with Catalogue.open(db, seed=False, now=fixed_now) as cat, transaction(cat.conn):
        cat.conn.execute("UPDATE resources SET title = ? WHERE link = 'https://example.com/xla'",
                         (HOSTILE,))
        cat.conn.execute(
            "UPDATE placements SET title = ? WHERE resource_id = "
            "(SELECT id FROM resources WHERE link = 'https://example.com/xla')", (HOSTILE,))
        refresh_documents(cat)  # written straight to the tables: bring the search index along
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "evil kv")
        assert titles(screen)[0] == HOSTILE
        lines = screen_lines(app)
        row = next(line for line in lines if "Evil" in line)
        assert "Evil [/] [bold]kv[/bold]" in row  # markup shown as typed, not applied
        assert "\x1b" not in "".join(lines)
        assert highlighted(app, "Evil") and "kv" in highlighted(app, "kv")
        output = terminal_output(app)
        assert "\x1b[2J" not in output and "pwned" not in output and "\x07" not in output
        # The palette shows it literally too.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "evil")
        await palette_results(pilot)
        assert "Evil [/] [bold]kv[/bold]" in screen_text(app)
        assert "\x1b[2J" not in terminal_output(app)


# ---------------------------------------------------------------------------- the palette
async def palette_choose(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, text)
    await palette_results(pilot)
    await pilot.press("enter")  # the best hit is highlighted
    await pilot.pause()


async def test_palette_jumps_to_a_topic_by_fuzzy_title(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        with Catalogue.open(db, seed=False) as cat:
            topic = next(t for t in cat.topics() if t.title == "Quantization")
            memory = next(t for t in cat.topics() if t.title == "Memory")
        await palette_choose(pilot, "quantiz")
        assert isinstance(app.screen, BrowseScreen)
        assert screen.node_key == f"topic:{topic.id}"
        assert screen.topic_tree.cursor_node.data.key == f"topic:{topic.id}"
        assert titles(screen) == ["Quantization with AWQ", "INT4 kernels"]
        assert screen.focused is screen.item_list
        # Three letters of a topic beat the same letters scattered through a command's text.
        await palette_choose(pilot, "mem")
        assert screen.node_key == f"topic:{memory.id}"
        assert titles(screen)[0] == "KV cache explained"


async def test_palette_lists_app_actions_too(db: Path) -> None:
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "search titles")
        await palette_results(pilot)
        assert "Search titles, authors, descriptions and notes" in screen_text(app)


BIG_TOPIC = "# Big Guide\n\n## 1. Many\n\n### Tier 1\n\n" + "".join(
    f"- [Filler item {n}](https://example.com/f{n}) - A. Filler.\n" for n in range(150)
) + "\n### Tier 2\n\n" + "".join(
    f"- [Second filler {n}](https://example.com/s{n}) - B. Filler.\n" for n in range(150)
) + "- [Wombat serving notes](https://example.com/wombat) - C. The one to find.\n" + "".join(
    f"- [Tail filler {n}](https://example.com/t{n}) - D. Filler.\n" for n in range(30)
)


async def test_palette_puts_the_cursor_on_a_resource_far_down_its_topic(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    with Catalogue.open(path, seed=False, now=fixed_now) as cat:
        cat.import_text(BIG_TOPIC, source="big.md")
    app = make_app(path, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("1")  # Tier 1 hides the resource: the jump shows all tiers
        await pilot.pause()
        assert screen.tier == 1
        await palette_choose(pilot, "wombat serv")
        assert screen.tier is None
        assert screen.node_key.startswith("topic:")
        assert screen.item_list.cursor == 300
        assert screen.item_list.current_row.title == "Wombat serving notes"
        assert "The one to find." in screen_text(app)


async def test_a_note_match_is_shown_in_the_row_and_highlighted_in_the_detail_pane(db: Path) -> None:
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        awq = next(i for i in cat.items() if i.title == "Quantization with AWQ")
        cat.set_note(awq.id, "# Reading notes\n\nThe **wombat** trick halves the memory.")
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await search_for(pilot, screen, "wombat")
        assert titles(screen) == ["Quantization with AWQ"]
        # Only the note matched: the words around it get their own column after the title
        # (the ✎ says the item has a note), and the author keeps his.
        row = screen.source.render_row(screen.item_list.row_at(0), 100).plain
        assert row.startswith(" ○ Quantization with AWQ ✎ ")
        assert "wombat" in row and row.index("wombat") > row.index("✎")
        assert row.rstrip().endswith("Gus  T2") and row.index("Gus") > row.index("wombat")
        detail = pane_text(app, screen.detail_pane)
        assert "The **wombat** trick halves the memory." in detail  # plain text, as written
        assert len(highlighted(app, "wombat")) == 2  # in the row and in the note


async def test_the_first_slash_focuses_the_field_at_once(db: Path) -> None:
    """The bar is in place before the first /, so / moves the focus in the same step (a bar
    mounted on the first / took its focus a refresh later, and a key typed right after it
    reached the list)."""
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = browse(app)
        bar = search_bar(screen, create=False)
        assert bar is not None and not bar.active  # mounted, hidden
        screen.action_feature("search", "open")  # what / runs, with no refresh after it
        assert screen.focused is bar.input and bar.active
