"""The reader in the real app (make_app, Pilot at a fixed size, a real catalogue file, a
real HTTP server on 127.0.0.1): v shows the page with its facts, the note beside it saves as
one types, / finds in the page, the text reads again with the server stopped, and a dead
link says so and offers its archived copy (a live link does not)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import TextArea

from feeds_support import FeedServer
from reader_support import running_site, site_catalogue
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.commands import key_commands
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.reader import ReaderScreen
from ui_support import screen_text

SIZE = (120, 36)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    yield from running_site(monkeypatch)


@pytest.fixture
def db(tmp_path: Path, server: FeedServer) -> Path:
    path = tmp_path / "app.db"
    site_catalogue(path, server).close()
    return path


async def wait_for(pilot, app: TuiguideApp, text: str, seconds: float = 30) -> str:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 10)):
        await pilot.pause(0.1)
        shown = screen_text(app)
        if text in shown:
            return shown
    raise AssertionError(f"{text!r} never shown:\n{screen_text(app)}")


async def wait_until(pilot, what: str, done, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Poll ``done()`` (what a worker's message or a refresh brings) instead of a fixed pause."""
    for _ in range(int(seconds * 10)):
        if done():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never happened: {what}")


def footer_line(app: TuiguideApp) -> str:
    return screen_text(app).splitlines()[-1]


async def open_row(pilot, app: TuiguideApp, title: str) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    await pilot.press("l")
    for _ in range(20):
        row = screen.item_list.current_row
        if row is not None and row.title == title:
            break
        await pilot.press("j")
    await pilot.press("v")


async def test_v_reads_the_page_with_the_note_beside_it(db: Path, server: FeedServer) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_row(pilot, app, "Blog post")
        shown = await wait_for(pilot, app, "Measuring memory")
        assert isinstance(app.screen, ReaderScreen)
        assert "Tuning the KV cache" in shown
        assert "Inference Notes · Ada Lovelace · 2024-03-05 · 1 min read" in shown
        assert "def cache_bytes(layers, heads, dim, tokens):" in shown
        assert "SCRIPTTEXT" not in shown and "Note (tab to write)" in shown
        # The footer fills in after a refresh of its own: wait for it, not for a fixed time.
        await wait_until(pilot, "the reader's keys in the footer", lambda: "/ Find" in footer_line(app))
        footer = footer_line(app)
        assert "/ Find" in footer and "o Open link" in footer and "c Copy link" in footer
        # A live link has no archived copy to offer: its keys are not in the footer at all.
        assert "archived" not in footer, footer
        await pilot.press("slash", *"premature", "enter")
        shown = await wait_for(pilot, app, "Premature optimisation is the root")
        await pilot.press("escape", "tab")
        await wait_until(pilot, "the note focused",
                         lambda: app.focused is not None and app.focused.id == "note-text")
        await pilot.press(*"paged blocks", "escape")
        await wait_until(pilot, "the reader closed", lambda: isinstance(app.screen, BrowseScreen))
    with Catalogue.open(db, seed=False) as cat:
        assert cat.note(1) == "paged blocks"
    server.stop()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_row(pilot, app, "Blog post")
        shown = await wait_for(pilot, app, "Measuring memory")
        area = app.screen.query_one("#note-text", TextArea)
        assert area.text == "paged blocks"


async def test_a_dead_link_says_so_and_offers_the_archive(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        await app.push_screen(ReaderScreen(browse.catalogue, browse.catalogue.require_item(7)))
        shown = await wait_for(pilot, app, "Not available offline")
        assert "HTTP 404" in shown and "DEAD LINK" in shown
        await wait_until(pilot, "w in the footer", lambda: "w Open archived" in footer_line(app))
        assert "W Copy archived" in footer_line(app)


async def test_v_is_in_the_help_and_the_palette(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = {c.description for c in key_commands(app.screen)}
        assert {"Read", "Fetch all offline"} <= names
        await wait_until(pilot, "v Read in the footer", lambda: "v Read" in footer_line(app))


async def test_v_on_an_inbox_entry_reads_the_post_behind_it(db: Path, server: FeedServer) -> None:
    from feeds_support import Route, rss
    from tuiguide.core.feeds.refresh import add_feed
    from tuiguide.tui.screens.reader import ArticleScreen

    server.routes["/post"] = server.routes["/blog"]  # a post that is not in the guide
    server.routes["/feed.xml"] = Route(
        rss("Inference Notes", [("g1", "Tuning the KV cache (post)", server.url("/post"))]),
        content_type="application/rss+xml")
    with Catalogue.open(db, seed=False) as cat:
        assert add_feed(cat, server.url("/feed.xml")).new_entries == 1
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await wait_for(pilot, app, "Tuning the KV cache (post)")
        await pilot.press("l", "v")
        shown = await wait_for(pilot, app, "Measuring memory")
        assert isinstance(app.screen, ArticleScreen)
        assert "Inference Notes · Ada Lovelace · 2024-03-05 · 1 min read" in shown
        assert "def cache_bytes(layers, heads, dim, tokens):" in shown
        assert "SCRIPTTEXT" not in shown and "Note (tab" not in shown  # the text alone
        await pilot.press("escape")
        await wait_until(pilot, "back to the Inbox", lambda: isinstance(app.screen, BrowseScreen))


async def test_fetch_all_stores_every_page_in_the_background(db: Path, server: FeedServer) -> None:
    from tuiguide.core.articles import store
    from tuiguide.tui.widgets.offline_fetch import OfflineFetch

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        # Keys keep working while the worker fetches: the list moves under it.
        await pilot.press("l", "j")
        screen = app.screen
        assert isinstance(screen, BrowseScreen) and screen.item_list.current_row is not None
        line = screen.query_one(OfflineFetch)
        await wait_until(pilot, "the fetch to finish", lambda: line.summary is not None, 60)
        assert line.summary == "fetched 7, unchanged 0, failed 2"
        assert "✗○ Missing" in screen_text(app)  # the list shows what the fetch found dead
    with Catalogue.open(db, seed=False) as cat:
        assert len(store.stored_urls(cat, [t.url for t in store.resource_targets(cat)])) == 7
    server.stop()  # a second run needs no network: everything is stored
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        line = app.screen.query_one(OfflineFetch)
        await wait_until(pilot, "the second run", lambda: line.summary is not None, 60)
        assert line.summary is not None and line.summary.startswith("fetched 0")
