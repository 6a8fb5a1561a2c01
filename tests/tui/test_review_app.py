"""Review sessions, own links and tags in the real app (make_app, Pilot, a real catalogue
file, a local HTTP server for the page of a link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds_support import Route, serve
from study_support import Clock, rid, small_catalogue
from tuiguide.core.library import store as library
from tuiguide.core.review import store as review
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.features.library import TAGS_KEY, TaggedSource
from tuiguide.tui.features.review import REVIEW_KEY
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.file_dialog import FileDialog
from tuiguide.tui.screens.link_dialog import ConfirmDialog, LinkDialog
from tuiguide.tui.screens.review import ReviewScreen
from tuiguide.tui.screens.tag_dialog import TagDialog
from ui_support import notices, screen_text, type_text

SIZE = (120, 36)
PAGE = ("<html><head><title>Alpha, the deep dive</title><meta name='description' "
        "content='More on the first alpha.'><meta name='author' content='Ada Lovelace'>"
        "</head><body><p>x</p></body></html>")


@pytest.fixture
def clock() -> Clock:
    return Clock("2025-03-01T10:00:00Z")


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Path:
    small_catalogue(tmp_path, "app.db", clock).close()
    return tmp_path / "app.db"


@pytest.fixture
def server():
    yield from serve()


def browse(app: TuiguideApp) -> BrowseScreen:
    assert isinstance(app.screen, BrowseScreen), app.screen
    return app.screen


def badge(screen: BrowseScreen, key: str) -> str:
    return screen.topic_tree.nodes_by_key[key].data.badge


def notifications(app: TuiguideApp) -> list[str]:
    return [n.message for n in notices(app)]


async def test_a_review_session_rates_skips_and_sums_up(db: Path, clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        a1, b1 = rid(cat, "A1"), rid(cat, "B1")
        cat.set_status(a1, "done")
        cat.set_note(a1, "Decode is memory bound.")
        clock.stamp = "2025-03-01T11:00:00Z"
        cat.set_status(b1, "done")
    clock.stamp = "2025-03-10T10:00:00Z"
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert badge(screen, REVIEW_KEY) == "2"
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "Review · 1 of 2" in text and "A1" in text and "Alpha · Tier 1" in text
        assert "What was the key idea?" in text
        assert "Decode is memory bound." not in text  # not until revealed
        assert "3 Good: in " in text and "1 Again: " in text
        await pilot.press("space")
        await pilot.pause()
        assert "Decode is memory bound." in screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        text = screen_text(app)
        assert "Review · 2 of 2" in text and "B1" in text
        assert "No note yet: press n" in text
        await pilot.press("s")
        await pilot.pause()
        text = screen_text(app)
        assert "Reviewed 1" in text and "Skipped 1" in text and "Next due in " in text
        await pilot.press("escape")
        await pilot.pause()
        screen = browse(app)
        assert badge(screen, REVIEW_KEY) == "1"  # B1 was skipped: still due
        assert "Reviewed 1 (again 0)." in notifications(app)
    with Catalogue.open(db, seed=False) as cat:
        assert cat.conn.execute("SELECT resource_id, rating FROM reviews").fetchall() == [(a1, 3)]
        card = review.card(cat, a1)
        assert card is not None and card.reps == 2 and card.due > "2025-03-15"


async def test_escape_ends_a_session_early(db: Path, clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        cat.set_status(rid(cat, "A1"), "done")
    clock.stamp = "2025-03-10T10:00:00Z"
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Reviewed 0" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("R")  # still due
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_adding_a_link_reads_its_page_and_files_it(db: Path, clock: Clock,
                                                         server) -> None:
    server.routes["/alpha"] = Route(PAGE, content_type="text/html; charset=utf-8")
    url = server.url("/alpha")
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LinkDialog)
        await type_text(pilot, url)
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if not dialog.reading:
                break
        assert "Alpha, the deep dive" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FileDialog)
        await pilot.press("2", "enter")
        await pilot.pause()
        screen = browse(app)
        row = screen.item_list.current_row
        assert (row.title, row.origin, row.tier) == ("Alpha, the deep dive", "user", 2)
        assert "Your link" in screen_text(app) and "Ada Lovelace" in screen_text(app)
        # The same page again (another spelling): taken to the one there.
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, url + "/")
        await pilot.press("enter")
        await pilot.pause()
        screen = browse(app)
        assert screen.item_list.current_row.title == "Alpha, the deep dive"
        assert "That link is already here: showing it." in notifications(app)
        # Removing asks once.
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        screen = browse(app)
        assert all(screen.item_list.row_at(i).title != "Alpha, the deep dive"
                   for i in range(screen.item_list.count))
    with Catalogue.open(db, seed=False) as cat:
        new = library.resource_by_url(cat, url)
        assert new is not None and cat.live_placement(new) is None
        library.restore_link(cat, new)
        assert cat.live_placement(new) is not None


async def test_an_unreadable_page_lets_the_title_be_typed(db: Path, clock: Clock,
                                                          server) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        await type_text(pilot, server.url("/missing"))
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if not dialog.reading:
                break
        assert "Could not read the page" in screen_text(app)
        await type_text(pilot, "Typed")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FileDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert browse(app).item_list.current_row.title == "Typed"


async def test_tagging_shows_in_rows_detail_tree_and_search(db: Path, clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        library.change_tags(cat, rid(cat, "B2"), add=["golang"])
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.item_list.current_row.title == "A1"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        await type_text(pilot, "perf, go")
        await pilot.press("right")  # completes "go" to the tag in use
        await pilot.press("enter")
        await pilot.pause()
        screen = browse(app)
        text = screen_text(app)
        assert "#golang+1" in text or "#golang" in text
        assert "Tags golang, perf" in text
        assert badge(screen, TAGS_KEY) == "2"
        screen.show_node(TAGS_KEY)
        screen.topic_tree.select_key(TAGS_KEY)
        await pilot.pause()
        assert [screen.item_list.row_at(i) for i in range(2)] == [("golang", 2), ("perf", 1)]
        screen.set_focus(screen.item_list)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(screen.source, TaggedSource)
        assert sorted(screen.item_list.row_at(i).title for i in range(2)) == ["A1", "B2"]
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "tag:perf")
        for _ in range(40):
            await pilot.pause(0.05)
            if screen.item_list.count == 1:
                break
        assert screen.item_list.row_at(0).title == "A1"


async def test_goal_set_on_the_progress_screen_shows_in_the_header(db: Path,
                                                                   clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        cat.set_status(rid(cat, "A1"), "done")
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "today 1/" not in screen_text(app).splitlines()[0]
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "Goal 1/2 today" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("j", "d")  # B1 done: the goal is met
        await pilot.pause()
        assert "today 2/2 ✓" in screen_text(app).splitlines()[0]
    with Catalogue.open(db, seed=False) as cat:
        assert review.goal(cat) == 2
