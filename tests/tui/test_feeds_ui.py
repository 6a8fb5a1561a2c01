"""The feeds screen, the filing dialog and the Inbox list source, through Pilot.

The screens are pushed onto a tiny host app (they are not wired into the main app here);
the Inbox source is also shown in the real browse screen, where the feeds feature adds its node.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, OptionList

from feeds_support import FAST, LMSYS_RSS, VLLM_ATOM, Route, open_catalogue, serve
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import InboxEntry, file_entry, inbox_entries
from tuiguide.core.feeds.suggest import Suggestion
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.features.feed_actions import dismiss_entry, file_with_dialog
from tuiguide.tui.screens.feeds import FeedsScreen
from tuiguide.tui.screens.file_dialog import FileDialog, dialog_for_entry
from tuiguide.tui.sources.inbox import InboxSource
from ui_support import said_after, screen_text

SIZE = (110, 32)


class Host(App[None]):
    """Pushes one screen and keeps what it dismissed with."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.db"
    open_catalogue(path).close()
    return path


def open_cat(path: Path) -> Catalogue:
    from feeds_support import fixed_now

    return Catalogue.open(path, seed=False, now=fixed_now)


def table_rows(app: App) -> list[list[str]]:
    table = app.screen.query_one("#feeds-table", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def settle(app: App, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


# --------------------------------------------------------------------------- feeds screen
async def test_feeds_screen_shows_each_feeds_state(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    server.routes["/gone.xml"] = Route(status=404)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/lmsys.xml"))
        feeds.insert_feed(cat, server.url("/gone.xml"), "Gone Blog")
        feeds.insert_feed(cat, "https://later.example/feed", "[bold]Later[/bold] \x1b[31mBlog")
        feeds.refresh(cat, settings=FAST, feed_ids=[1, 2])
        cat_ = cat
        app = Host(lambda: FeedsScreen(cat_, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            rows = table_rows(app)
            assert rows == [
                ["[bold]Later[/bold] Blog", "not fetched", "never", "0", "0"],
                ["Gone Blog", "failing (404)", "never", "0", "0"],
                ["LMSYS Org", "ok (200)", "2025-03-01 12:00", "4", "3"],
            ]
            text = screen_text(app)
            assert "Feeds · 3 followed · 3 in the Inbox · 1 failing" in text
            await pilot.press("j")  # the failing feed: its error is in the pane below
            await pilot.pause()
            text = screen_text(app)
            assert "HTTP 404 Not Found" in text
            assert "1 failure in a row; next try after 2025-03-01 12:01" in text
            await pilot.press("escape")
            await pilot.pause()
            assert app.results == [False]


async def test_add_a_feed_from_the_screen(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    with open_cat(db) as cat:
        app = Host(lambda: FeedsScreen(cat, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "No feeds. Press a to add one." in screen_text(app)
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*server.url("/lmsys.xml"), "enter")
            await settle(app, pilot)
            assert table_rows(app) == [["LMSYS Org", "ok (200)", "2025-03-01 12:00", "4", "3"]]
            assert "Following LMSYS Org: 3 new" in screen_text(app)
            await pilot.press("q")
            await pilot.pause()
            assert app.results == [True]


async def test_adding_a_bad_or_dead_url_shows_why_and_adds_nothing(db, server):
    with open_cat(db) as cat:
        app = Host(lambda: FeedsScreen(cat, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("a", *"ftp://x.example/feed", "enter")
            await pilot.pause()
            assert "ftp://x.example/feed: not a feed URL" in screen_text(app)
            await pilot.press("escape", "a")
            app.screen.query_one("#feeds-add", Input).value = server.url("/missing.xml")
            await pilot.press("enter")
            await settle(app, pilot)
            assert f"{server.url('/missing.xml')}: HTTP 404 Not Found" in screen_text(app)
            assert table_rows(app) == []
            assert feeds.list_feeds(cat) == []


async def test_an_add_box_error_goes_with_the_box(db):
    with open_cat(db) as cat:
        app = Host(lambda: FeedsScreen(cat, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("a", *"not a url", "enter")
            await pilot.pause()
            assert "not a feed URL" in screen_text(app)  # shown while the box is open
            await pilot.press("escape")
            await pilot.pause()
            assert "not a feed URL" not in screen_text(app)  # escape takes it away
            await pilot.press("a", *"ftp://x.example/feed", "enter")
            await pilot.pause()
            assert "ftp://x.example/feed: not a feed URL" in screen_text(app)
            await pilot.press("escape", "a")  # reopening starts clean too
            await pilot.pause()
            assert "not a feed URL" not in screen_text(app)
            assert app.screen.query_one("#feeds-add", Input).value == ""


async def test_remove_asks_first(db):
    with open_cat(db) as cat:
        feeds.insert_feed(cat, "https://a.example/feed", "Alpha")
        feeds.insert_feed(cat, "https://b.example/feed", "Beta")
        app = Host(lambda: FeedsScreen(cat, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("d")
            await pilot.pause()
            assert "Stop following Alpha?" in screen_text(app)
            await pilot.press("n")
            await pilot.pause()
            assert [r[0] for r in table_rows(app)] == ["Alpha", "Beta"]
            await pilot.press("d", "y")
            await pilot.pause()
            assert [r[0] for r in table_rows(app)] == ["Beta"]
            assert [f.title for f in feeds.list_feeds(cat)] == ["Beta"]


async def test_refresh_from_the_screen_updates_rows_and_keeps_keys_working(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/hang.xml"] = Route(hang=True)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/vllm.xml"))
        feeds.insert_feed(cat, server.url("/hang.xml"), "Slow")
        app = Host(lambda: FeedsScreen(cat, settings=FAST))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause(0.5)
            # The hanging feed is still being fetched, yet the screen answers keys.
            assert app.screen.busy
            await pilot.press("j")
            await pilot.pause()
            assert app.screen.query_one("#feeds-table", DataTable).cursor_row == 1
            await settle(app, pilot)
            rows = {r[0]: r for r in table_rows(app)}
            assert rows["vLLM Blog"][1:] == ["ok (200)", "2025-03-01 12:00", "3", "2"]
            assert rows["Slow"][1] == "failing"
            assert "2 new, 2 in the Inbox; 1 failed" in screen_text(app)


# --------------------------------------------------------------------------- file dialog
TOPICS = [(1, "1. Fundamentals"), (2, "2. Engines"), (3, "3. [red]Kernels[/red]"), (4, "4. Misc")]
SUGGESTED = [Suggestion(2, 0.8, 2, "2. Engines"), Suggestion(3, 0.5, 3, "3. Kernels"),
             Suggestion(1, 0.2, 1, "1. Fundamentals")]


async def test_file_dialog_preselects_the_best_suggestion_and_its_tier():
    app = Host(lambda: FileDialog("A \x1b]52;c;eA==\x07post [b]title[/b]", SUGGESTED, TOPICS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FileDialog)
        assert dialog.topic_id == 2 and dialog.tier == 2
        text = screen_text(app)
        assert "A post [b]title[/b]" in text  # markup shown literally, escape gone
        assert "3. [red]Kernels[/red]" in text
        lines = [line for line in text.splitlines() if "Engines" in line or "Misc" in line]
        assert "Engines" in lines[0] and "Misc" in lines[-1]  # suggestions above the rest
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [(2, 2)]


async def test_file_dialog_other_topic_and_tier():
    app = Host(lambda: FileDialog("Post", SUGGESTED, TOPICS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "3")
        await pilot.pause()
        assert app.screen.topic_id == 3 and app.screen.tier == 3
        await pilot.press("end", "0", "enter")  # past the suggestions: the full list
        await pilot.pause()
    assert app.results == [(4, None)]


async def test_file_dialog_escape_cancels():
    app = Host(lambda: FileDialog("Post", SUGGESTED, TOPICS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_dialog_for_an_inbox_entry_suggests_from_the_guide(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/lmsys.xml"))
        feeds.refresh(cat, settings=FAST)
        entry = next(e for e in inbox_entries(cat) if e.title.startswith("Deploying DeepSeek"))
        app = Host(lambda: dialog_for_entry(cat, entry))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            dialog = app.screen
            best = dialog.suggestions[0]
            assert dialog.topic_id == best.topic_id
            options = dialog.query_one("#file-topics", OptionList)
            assert options.option_count == 19  # 3 suggestions + the 16 other topics
            await pilot.press("enter")
            await pilot.pause()
        (choice,) = app.results
        item = file_entry(cat, entry.id, *choice)
        assert item.topic_id == best.topic_id and item.origin == "feed"


# --------------------------------------------------------------------------- inbox source
def test_inbox_rows_fit_and_unsafe_links_stay_closed(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/lmsys.xml"))
        feeds.refresh(cat, settings=FAST)
        source = InboxSource(cat)
        rows = source.page(0, 10)
        assert source.count() == 3 and all(isinstance(r, InboxEntry) for r in rows)
        for width in (20, 40, 80, 120):
            assert all(source.render_row(r, width).cell_len == width for r in rows)
        wide = source.render_row(rows[0], 80).plain
        assert wide.startswith(" ✦ Deploying DeepSeek") and wide.endswith("  2025-05-05 ")
        assert "  LMSYS Org  " in wide
        js = next(r for r in rows if r.title == "Click me")
        assert source.link(js) is None
        from rich.console import Console

        console = Console(width=80, record=True)
        console.print(source.render_detail(js))
        detail = console.export_text()
        assert "No web link (javascript:alert(document.cookie))" in detail
        assert "LMSYS Org" in detail and "2025-01-07" in detail


async def test_inbox_node_in_the_real_browse_screen(db, server):
    from feeds_support import fixed_now
    from tuiguide.tui.app import make_app

    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/vllm.xml"))
        feeds.refresh(cat, settings=FAST)
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        assert screen.topic_tree.nodes_by_key["special:inbox"].data.badge == "2"
        screen.show_node("special:inbox")
        await pilot.pause()
        text = screen_text(app)
        assert "Inbox · 2" in text
        rows = [line for line in text.splitlines() if "│ ✦ " in line]
        assert "✦ Distributed Inference with vLLM" in rows[0] and "2025-02-24" in rows[0]
        assert "✦ vLLM V1" in rows[1] and "2025-01-27" in rows[1]
        assert "How tensor and pipeline" in text  # the detail pane
        assert "vLLM Blog · 2025-02-24" in text


async def test_status_keys_on_an_inbox_row_say_to_file_it_first(db, server):
    from feeds_support import fixed_now
    from tuiguide.tui.app import make_app

    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/vllm.xml"))
        feeds.refresh(cat, settings=FAST)
        statuses = {item.id: item.status for item in cat.items(None, None, None, limit=1000)}
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        screen.show_node("special:inbox")
        await pilot.pause()
        for key in ("d", "s", "u", "space"):
            said = await said_after(pilot, key)
            assert len(said) == 1 and "press f to file it first" in said[0], (key, said)
        assert screen.item_list.count == 2  # nothing filed, dismissed or changed
    with open_cat(db) as cat:
        assert {i.id: i.status for i in cat.items(None, None, None, limit=1000)} == statuses


async def test_status_keys_on_an_empty_inbox_say_how_to_fill_it(db):
    from feeds_support import fixed_now
    from tuiguide.tui.app import make_app

    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.browse_screen
        screen.show_node("special:inbox")
        await pilot.pause()
        assert screen.item_list.count == 0
        for key in ("d", "s", "u", "space"):
            said = await said_after(pilot, key)
            assert said == ["The Inbox is empty. Press r to fetch new posts from your feeds."], (
                key, said)


# --------------------------------------------------------------------------- feed actions
class ActionsHost(App[None]):
    """A stand-in for the browse screen: f files, x dismisses."""

    BINDINGS = [("f", "file"), ("x", "dismiss_entry")]

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.filed: list[object] = []
        self.errors: list[str] = []

    def first_entry(self) -> InboxEntry:
        return next(e for e in inbox_entries(self.catalogue) if e.link)

    def action_file(self) -> None:
        file_with_dialog(self, self.catalogue, self.first_entry(), self.filed.append,
                         self.errors.append)

    def action_dismiss_entry(self) -> None:
        dismiss_entry(self.catalogue, self.first_entry())


async def test_file_and_dismiss_actions(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    with open_cat(db) as cat:
        feeds.insert_feed(cat, server.url("/lmsys.xml"))
        feeds.refresh(cat, settings=FAST)
        app = ActionsHost(cat)
        async with app.run_test(size=SIZE) as pilot:
            first = app.first_entry()
            await pilot.press("f")
            await pilot.pause()
            assert isinstance(app.screen, FileDialog)
            suggested = app.screen.topic_id
            await pilot.press("enter")
            await pilot.pause()
            (item,) = app.filed
            assert item.topic_id == suggested and item.title == first.title
            second = app.first_entry()
            await pilot.press("x")
            await pilot.pause()
            assert second.id not in {e.id for e in inbox_entries(cat)}
            assert app.errors == []
