"""Feeds in the main app, through Pilot: a real catalogue file, a real server on 127.0.0.1.

``r`` refreshes in the background (feeds held open by the server show keys still work and
the Inbox filling in feed by feed), ``i`` shows the Inbox, ``f`` files an entry where the
suggester says, ``x`` dismisses, ``o``/``c`` refuse a ``javascript:`` link, ``F`` manages
feeds. A feed "hangs" on a gate the test opens when it chooses, so nothing depends on timing.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import pyperclip
import pytest
from textual.app import App
from textual.widgets import Input

from feeds_support import (
    FAST,
    LMSYS_RSS,
    VLLM_ATOM,
    Route,
    delayed,
    fixed_now,
    open_catalogue,
    serve,
)
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import get_entry, inbox_count
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.features.feeds import feed_control, set_fetch_settings
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.feeds import FeedsScreen
from tuiguide.tui.screens.file_dialog import FileDialog
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.sources.inbox import INBOX_KEY, InboxSource
from ui_support import notices, screen_text, settle_keys

SIZE = (120, 36)
# The gate, not a timeout, decides when a held feed answers.
PATIENT = dataclasses.replace(FAST, timeout=30.0)

# Newest first, as the Inbox lists them (LMSYS's SGLang deterministic post is in the guide).
INBOX_TITLES = [
    "Deploying DeepSeek with PD Disaggregation",
    "Distributed Inference with vLLM & Ray: Part 2",
    "vLLM V1: A Major Upgrade",
    "Click me",
    "SGLang v0.4",
]


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The bundled guide (the suggester learns from it), no internet feeds."""
    path = tmp_path / "catalogue.db"
    open_catalogue(path).close()
    return path



def follow(db: Path, *urls: str) -> None:
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        for url in urls:
            feeds.insert_feed(cat, url)


def refreshed(db: Path, server, *paths: str) -> None:
    """Follow and fetch feeds before the app starts (for the triage tests)."""
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        for path in paths:
            feeds.insert_feed(cat, server.url(path))
        feeds.refresh(cat, settings=FAST)


def app_for(db: Path, settings=FAST) -> TuiguideApp:
    app = make_app(db, now=fixed_now)
    set_fetch_settings(app, settings)
    return app


def browse(app: App) -> BrowseScreen:
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


def inbox_badge(app: TuiguideApp) -> str:
    screen = app.browse_screen
    assert screen is not None
    return screen.topic_tree.nodes_by_key[INBOX_KEY].data.badge


def notes(app: App) -> list[str]:
    return [n.message for n in notices(app)]


def list_titles(app: App) -> list[str]:
    screen = browse(app)
    return [screen.item_list.row_at(i).title for i in range(screen.item_list.count)]


async def until(pilot, check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def open_dialog(pilot, app: App) -> FileDialog:
    """``f``: the dialog opens once its suggestions are ready (they are built in a worker)."""
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FileDialog), "the filing dialog")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, FileDialog)
    return dialog


async def go_to_entry(pilot, app: App, title: str) -> None:
    """``i`` then down the list to the entry whose title starts with ``title``."""
    await pilot.press("i")
    await settle_keys(pilot)  # (the footer shows the Inbox's keys)
    screen = browse(app)
    for _ in range(screen.item_list.count):
        if screen.current_row.title.startswith(title):
            return
        await pilot.press("j")
    assert screen.current_row.title.startswith(title), title


# --------------------------------------------------------------------------- r: refresh
async def test_r_fills_the_inbox_feed_by_feed_with_a_progress_bar(db, server):
    gate = threading.Event()
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/lmsys.xml"] = delayed(LMSYS_RSS, gate, content_type="application/xml")
    follow(db, server.url("/vllm.xml"), server.url("/lmsys.xml"))
    app = app_for(db, PATIENT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert inbox_badge(app) == "0"
        await pilot.press("i")  # the Inbox shows while the feeds land
        await pilot.pause()
        assert "The Inbox is empty. Press r to fetch new posts" in screen_text(app)
        await pilot.press("f")
        await pilot.pause()
        assert "The Inbox is empty: nothing to file." in notes(app)
        await pilot.press("r")
        await until(pilot, lambda: inbox_badge(app) == "2", "the vLLM feed to land")
        # One feed in, the other still held by the server: count, list and bar show it.
        text = screen_text(app)
        assert "⟳ Refreshing feeds 1/2" in text and "2 new" in text
        assert "Inbox · 2" in text
        assert list_titles(app) == ["Distributed Inference with vLLM & Ray: Part 2",
                                    "vLLM V1: A Major Upgrade to vLLM’s Core Architecture"]
        assert feed_control(app).running
        gate.set()
        await until(pilot, lambda: bool(feed_control(app).reports), "the refresh to end")
        await pilot.pause()
        assert inbox_badge(app) == "5"
        titles = list_titles(app)
        assert [t for t in INBOX_TITLES if any(x.startswith(t) for x in titles)] == INBOX_TITLES
        assert all(t.startswith(e) for t, e in zip(titles, INBOX_TITLES, strict=True))
        text = screen_text(app)
        assert "Refreshing feeds" not in text  # the bar is gone
        assert "Inbox · 5" in text
        assert "5 new posts, 5 in the Inbox." in notes(app)
        # The Inbox filled while it showed: the triage keys are in the footer and work.
        assert "f File" in text.splitlines()[-1] and "x Dismiss" in text.splitlines()[-1]
        # The cursor stayed on its row while newer entries landed above it.
        assert browse(app).current_row.title.startswith("Distributed Inference")
        dialog = await open_dialog(pilot, app)
        assert dialog.entry_title.startswith("Distributed Inference")


async def test_r_never_blocks_keys_while_a_feed_hangs(db, server):
    gate = threading.Event()
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/hang.xml"] = delayed(LMSYS_RSS, gate, content_type="application/xml")
    follow(db, server.url("/vllm.xml"), server.url("/hang.xml"))
    app = app_for(db, PATIENT)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = browse(app)
            assert screen.source.key == "special:upnext" and screen.item_list.cursor == 0
            await pilot.press("r")
            await until(pilot, lambda: inbox_badge(app) == "2", "the first feed")
            assert feed_control(app).running
            # The held feed is still being fetched: every key is handled at once.
            await pilot.press("j", "j", "j")
            assert screen.item_list.cursor == 3
            await pilot.press("d")  # a write on the UI thread during the refresh
            assert screen.item_list.current_row.status == "done"
            await pilot.press("i", "j")
            assert screen.source.key == INBOX_KEY and screen.item_list.cursor == 1
            await pilot.press("r")  # one refresh at a time
            await pilot.pause()
            assert "Already refreshing (1/2 feeds done)." in notes(app)
            assert feed_control(app).running and "⟳ Refreshing feeds 1/2" in screen_text(app)
            stopped = feed_control(app).stopped
            await pilot.press("q")  # quitting stops waiting for the held feed
        assert stopped.is_set()
        with Catalogue.open(db, seed=False, now=fixed_now) as cat:
            assert inbox_count(cat) == 2  # what landed before quitting stays
    finally:
        gate.set()


async def test_r_with_no_feeds_says_how_to_add_one(db):
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert "No feeds followed yet. Press F to add one." in notes(app)
        assert not feed_control(app).running


async def test_failures_are_summed_up_and_shown(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/gone.xml"] = Route(status=404)
    follow(db, server.url("/vllm.xml"), server.url("/gone.xml"))
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await until(pilot, lambda: bool(feed_control(app).reports), "the refresh to end")
        await pilot.pause()
        (note,) = [n for n in notices(app) if n.title == "Feeds refreshed"]
        assert note.severity == "warning"
        assert note.message == (
            f"2 new posts, 2 in the Inbox (i shows it). 1 of 2 feeds failed: "
            f"{server.url('/gone.xml')} (HTTP 404 Not Found). F shows each feed's state."
        )
        assert inbox_badge(app) == "2"


# --------------------------------------------------------------------------- i, f, x
async def test_file_with_the_suggestion_puts_the_entry_in_the_guide(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    refreshed(db, server, "/vllm.xml", "/lmsys.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        await go_to_entry(pilot, app, "Deploying DeepSeek")
        entry = screen.current_row
        assert "f File" in screen_text(app) and "x Dismiss" in screen_text(app)
        dialog = await open_dialog(pilot, app)
        best = dialog.suggestions[0]
        assert len(dialog.suggestions) == 3
        assert (dialog.topic_id, dialog.tier) == (best.topic_id, best.tier)  # pre-selected
        topic_key = f"topic:{best.topic_id}"
        before = screen.topic_tree.nodes_by_key[topic_key].data.badge
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        with Catalogue.open(db, seed=False, now=fixed_now) as cat:
            placed = [i for i in cat.items(topic_id=best.topic_id, tier=best.tier, limit=500)
                      if i.title == entry.title]
            assert len(placed) == 1 and placed[0].origin == "feed"
            assert placed[0].link == entry.link
            assert get_entry(cat, entry.id).state == "filed"
            assert inbox_count(cat) == 4
        # Out of the Inbox; counts in the tree and the list title follow.
        assert inbox_badge(app) == "4"
        assert "Inbox · 4" in screen_text(app)
        assert entry.title not in list_titles(app)
        assert screen.current_row.title.startswith("Distributed Inference")  # the next one
        done, total = before.split("/")
        assert screen.topic_tree.nodes_by_key[topic_key].data.badge == f"{done}/{int(total) + 1}"
        assert any(n.startswith("Filed “Deploying DeepSeek") for n in notes(app))


async def test_file_into_another_topic_and_tier(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_entry(pilot, app, "vLLM V1")
        entry = browse(app).current_row
        dialog = await open_dialog(pilot, app)
        second = dialog.suggestions[1]
        await pilot.press("down", "3", "enter")
        await pilot.pause()
        with Catalogue.open(db, seed=False, now=fixed_now) as cat:
            (item,) = [i for i in cat.items(topic_id=second.topic_id, limit=500)
                       if i.title == entry.title]
            assert item.tier == 3
        assert inbox_badge(app) == "1"


async def test_f_never_blocks_while_the_suggester_learns(db, server, monkeypatch):
    """On a large catalogue the suggester takes seconds to learn: it does so in a worker,
    keys keep working, and the dialog opens (for the entry f was pressed on) when ready.
    Here its training waits for a gate, to stand in for 50,000 resources."""
    from tuiguide.core.feeds import suggest

    gate = threading.Event()
    train = suggest.Model.train

    def slow_train(*args, **kwargs):
        gate.wait(30)
        return train(*args, **kwargs)

    monkeypatch.setattr(suggest.Model, "train", slow_train)
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await go_to_entry(pilot, app, "Distributed Inference")
            screen = browse(app)
            entry = screen.current_row
            await pilot.press("f", "j")  # the suggester is still learning: j moves at once
            assert screen.item_list.cursor == 1 and isinstance(app.screen, BrowseScreen)
            await until(pilot, lambda: "Finding the likeliest topics…" in notes(app),
                        "the notice that it takes a while")
            await pilot.press("f")  # a second f while waiting: ignored
            gate.set()
            dialog = await open_dialog(pilot, app)
            assert dialog.entry_title == entry.title and len(dialog.suggestions) == 3
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, BrowseScreen)
            with Catalogue.open(db, seed=False, now=fixed_now) as cat:
                assert get_entry(cat, entry.id).state == "filed"
            assert inbox_badge(app) == "1"
            # Learnt once: the next f opens its dialog straight away, without training.
            gate.clear()
            await open_dialog(pilot, app)
    finally:
        gate.set()


async def test_quitting_while_the_suggester_learns(db, server, monkeypatch):
    """Learning cannot be interrupted, but it must not keep the app from closing."""
    from tuiguide.core.feeds import suggest

    gate = threading.Event()
    train = suggest.Model.train

    def slow_train(*args, **kwargs):
        gate.wait(30)
        return train(*args, **kwargs)

    monkeypatch.setattr(suggest.Model, "train", slow_train)
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    started = time.monotonic()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("i", "f")  # i starts learning in the background; f waits for it
            await pilot.pause()
            await pilot.press("q")
        assert time.monotonic() - started < 15, "quitting waited for the suggester"
    finally:
        gate.set()


async def test_escape_in_the_dialog_files_nothing(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_entry(pilot, app, "vLLM V1")
        await open_dialog(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert inbox_badge(app) == "2"
        with Catalogue.open(db, seed=False, now=fixed_now) as cat:
            assert not cat.conn.execute("SELECT count(*) FROM resources WHERE origin = 'feed'"
                                        ).fetchone()[0]


async def test_x_dismisses(db, server):
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    refreshed(db, server, "/lmsys.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_entry(pilot, app, "Click me")
        entry = browse(app).current_row
        await pilot.press("x")
        await pilot.pause()
        assert inbox_badge(app) == "2"
        assert "Click me" not in list_titles(app)
        assert "Inbox · 2" in screen_text(app)
        with Catalogue.open(db, seed=False, now=fixed_now) as cat:
            assert get_entry(cat, entry.id).state == "dismissed"
        assert any(n.startswith("Dismissed “Click me”") for n in notes(app))


async def test_f_and_x_only_work_and_show_in_the_inbox(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_keys(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Status" in footer and "File" not in footer and "Dismiss" not in footer
        await pilot.press("x", "f")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen) and inbox_badge(app) == "2"
        await pilot.press("i")
        await settle_keys(pilot)
        # In the Inbox at 80 columns: the triage keys are in the footer, status keys are not.
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith("f File x Dismiss / Search")
        assert "Status" not in footer
        await pilot.press("d", "space")  # no reading status on an entry: it says what to do
        await pilot.pause()
        assert inbox_badge(app) == "2"
        assert notes(app) and all("press f to file it first" in n for n in notes(app))


async def test_open_and_copy_refuse_a_javascript_entry(db, server, monkeypatch):
    opened: list[str] = []
    copied: list[str] = []

    class Browser:
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: Browser())
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    refreshed(db, server, "/lmsys.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_entry(pilot, app, "Click me")
        await pilot.press("o", "enter", "c")
        await pilot.pause()
        assert opened == [] and copied == []
        assert "This row has no link." in notes(app)
        text = screen_text(app)  # the detail pane says why (wrapped in its narrow column)
        assert "No web link" in text and "(javascript:alert(document.cook" in text
        await pilot.press("f")  # nothing to file either
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert any(n.startswith("This entry has no web link") for n in notes(app))
        await pilot.press("k")  # an http(s) entry opens and copies as elsewhere
        await pilot.press("o", "c")
        await pilot.pause()
        link = browse(app).current_row.link
        assert link.startswith("https://") and opened == [link] and copied == [link]


# --------------------------------------------------------------------------- F: feeds
async def test_feeds_screen_from_the_app_updates_the_inbox_on_return(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/lmsys.xml"] = Route(LMSYS_RSS)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i", "F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        assert "Feeds · 1 followed · 2 in the Inbox" in screen_text(app)
        await pilot.press("a")
        app.screen.query_one("#feeds-add", Input).value = server.url("/lmsys.xml")
        await pilot.press("enter")
        await until(pilot, lambda: "Following LMSYS Org: 3 new" in screen_text(app),
                    "the feed to be added")
        await pilot.press("escape")
        await pilot.pause()
        screen = browse(app)
        assert app.screen is screen
        assert inbox_badge(app) == "5" and screen.item_list.count == 5
        assert "Inbox · 5" in screen_text(app)
        # Removing a feed takes its entries out of the Inbox.
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("d", "y", "escape")  # the first row: LMSYS Org
        await pilot.pause()
        assert inbox_badge(app) == "2" and isinstance(screen.source, InboxSource)
        assert screen.item_list.count == 2


# --------------------------------------------------------------------------- help, palette
async def test_feed_keys_are_in_help_and_the_palette(db, server):
    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    refreshed(db, server, "/vllm.xml")
    app = app_for(db)
    async with app.run_test(size=(110, 90)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for line in ("Refresh every feed in the background", "Show the Inbox",
                     "File the Inbox entry into the guide", "Dismiss the Inbox entry",
                     "Feeds: add, remove and see each feed's state"):
            assert line in text, line
        await pilot.press("escape")
        await pilot.pause()
        # The palette runs them by name: show the Inbox, then open the feeds screen.
        for query, check in (("Show the Inbox", lambda: isinstance(browse(app).source, InboxSource)),
                             ("Feeds: add", lambda: isinstance(app.screen, FeedsScreen))):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert check(), query


# --------------------------------------------------------------------------- quitting
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_quitting_during_a_refresh_does_not_wait_for_a_hanging_feed(db, server, tmp_path):
    """The real ``tuiguide`` (default limits: 15 s per feed) quits at once while a feed
    never answers: the refresh worker is stopped, not waited for."""
    from tmux_support import Terminal, at_prompt

    server.routes["/vllm.xml"] = Route(VLLM_ATOM)
    server.routes["/hang.xml"] = Route(hang=True)
    follow(db, server.url("/vllm.xml"), server.url("/hang.xml"))
    command = Path(sys.executable).parent / "tuiguide"
    terminal = Terminal(tmp_path, 100, 30)
    try:
        terminal.type_line(f"{command} --db {db}; echo status=$?")
        terminal.wait_for(lambda s: "Up next" in s and "Inbox" in s, "the app")
        terminal.keys("r")
        terminal.wait_for(lambda s: "Refreshing feeds 1/2" in s, "one feed in, one hanging")
        terminal.keys("q")
        started = time.monotonic()
        screen = terminal.wait_for(lambda s: "status=" in s and at_prompt(s), "the prompt",
                                   timeout=20)
        assert time.monotonic() - started < 8, "quitting waited for the hanging feed"
        assert "status=0" in screen and "Traceback" not in screen
    finally:
        terminal.close()
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        assert inbox_count(cat) == 2  # the feed that answered is stored
