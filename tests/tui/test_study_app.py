"""Study tracking in the real app (make_app, Pilot, a real catalogue file): the note key
``n`` and the Notes node, the progress screen ``p``, the reading-order key ``N``, the
progress bars in the tree, and notes rendered as inert Markdown."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import TextArea

from feeds_support import FAST, LMSYS_RSS, Route, serve
from study_support import STATS_EVENTS, Clock, mark, rid, small_catalogue
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.commands import key_commands
from tuiguide.tui.features.study import NOTES_KEY, NotesSource, note_age, note_first_line
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.help import HelpScreen
from tuiguide.tui.screens.note_editor import NoteEditor
from tuiguide.tui.screens.stats import StatsScreen
from tuiguide.tui.sources.inbox import INBOX_KEY
from ui_support import notices, screen_lines, screen_text, settle_keys, terminal_output

SIZE = (120, 36)
READING_ORDER = ["A1", "B1", "Shared", "A2", "B2", "G2", "A3", "B3", "G0"]


@pytest.fixture
def clock() -> Clock:
    return Clock("2025-03-01T10:00:00Z")


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Path:
    """The small three-tier guide (Alpha, Beta, Gamma) in a real catalogue file."""
    small_catalogue(tmp_path, "app.db", clock).close()
    return tmp_path / "app.db"


def browse(app: TuiguideApp) -> BrowseScreen:
    screen = app.screen
    assert isinstance(screen, BrowseScreen), screen
    return screen


def current_title(app: TuiguideApp) -> str:
    return browse(app).item_list.current_row.title


def list_titles(screen: BrowseScreen) -> list[str]:
    return [screen.item_list.row_at(i).title for i in range(screen.item_list.count)]


def detail_text(app: TuiguideApp) -> str:
    """The lines of the detail pane on screen (from its border title down)."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "Details" in line)
    return "\n".join(lines[start:])


def notifications(app: TuiguideApp) -> list[str]:
    return [n.message for n in notices(app)]


def badge(screen: BrowseScreen, key: str) -> str:
    return screen.topic_tree.nodes_by_key[key].data.badge


def stored_note(path: Path, title: str) -> str:
    """The note as another process reads it from the file."""
    other = Catalogue.open(path, seed=False)
    try:
        return other.note(rid(other, title))
    finally:
        other.close()


async def go_to_node(pilot, screen: BrowseScreen, key: str) -> None:
    """Walk the tree with keys (h, g, j...) to the node ``key`` and enter its list."""
    await pilot.press("h", "h", "g")  # from any pane to the tree, its first node
    order = [special.key for special in screen.topic_tree.special_nodes]
    # A special node, or topic:N: the N-th topic under the only guide, just after the specials.
    steps = order.index(key) if key in order else len(order) + int(key.split(":")[1])
    await pilot.press(*("j",) * steps, "enter")
    await pilot.pause()
    assert screen.node_key == key


async def write_note(pilot, app: TuiguideApp, *keys: str) -> None:
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NoteEditor)
    await pilot.press(*keys)
    await pilot.press("escape")
    await pilot.pause()


# ---------------------------------------------------------------------------- notes
async def test_note_written_in_the_app_is_there_after_a_restart(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert current_title(app) == "A1"
        assert badge(screen, NOTES_KEY) == "0"
        assert "n Note" in screen_text(app)  # the footer shows the key at this width
        await write_note(
            pilot, app, *"Memory bound!", "enter", *"see the KV post", "enter",
            *"- decode is **slow**",
        )
        screen = browse(app)
        # The detail pane shows the note as Markdown, at once: a bullet, no asterisks, and
        # the line break typed after the first line kept.
        text = screen_text(app)
        first_line = next(line for line in text.splitlines() if "Memory bound!" in line)
        assert "see the KV post" not in first_line and "see the KV post" in text
        assert "• decode is slow" in text
        assert "**slow**" not in text
        assert badge(screen, NOTES_KEY) == "1"
        await pilot.press("q")
    assert stored_note(db, "A1") == "Memory bound!\nsee the KV post\n- decode is **slow**"

    again = make_app(db, now=clock)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_title(again) == "A1"  # reopened where the user left
        text = screen_text(again)
        assert "Memory bound!" in text and "• decode is slow" in text
        await pilot.press("n")
        await pilot.pause()
        area = again.screen.query_one(TextArea)
        assert area.language == "markdown"  # highlighted (tree-sitter is a dependency)
        assert area.text == (
            "Memory bound!\nsee the KV post\n- decode is **slow**"
        )


async def test_note_autosaves_while_the_editor_is_open(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "n")  # B1
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"half a thought")
        await pilot.pause(1.5)
        assert isinstance(app.screen, NoteEditor)  # still typing: nothing closed it
        assert stored_note(db, "B1") == "half a thought"
        await pilot.press(*", finished")
        await pilot.pause(1.5)
        assert stored_note(db, "B1") == "half a thought, finished"


async def test_note_key_refuses_rows_without_a_resource(db: Path, clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        for title in READING_ORDER:
            cat.set_status(rid(cat, title), "done")
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.item_list.count == 0  # Up next is empty: everything is done
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert "No item selected." in notifications(app)


async def test_note_key_refuses_inbox_entries_politely(tmp_path: Path, clock: Clock) -> None:
    """Inbox rows are feed entries, not resources: n explains instead of opening an editor."""
    db = tmp_path / "inbox.db"
    small_catalogue(tmp_path, "inbox.db", clock).close()
    for server in serve():
        server.routes["/lmsys.xml"] = Route(body=LMSYS_RSS)
        with Catalogue.open(db, seed=False, now=clock) as cat:
            feeds.insert_feed(cat, server.url("/lmsys.xml"))
            feeds.refresh(cat, settings=FAST)
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        await go_to_node(pilot, screen, INBOX_KEY)
        assert screen.item_list.count > 0
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert any("file it first to take notes" in m for m in notifications(app))


async def test_notes_node_lists_noted_items_newest_first(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        clock.stamp = "2025-03-01T10:00:00Z"
        await write_note(pilot, app, *"# Alpha thoughts", "enter", *"more")  # A1
        clock.stamp = "2025-03-02T09:00:00Z"
        await pilot.press("j")
        await write_note(pilot, app, *"Beta: read twice")  # B1
        assert badge(screen, NOTES_KEY) == "2"

        clock.stamp = "2025-03-02T12:00:00Z"
        await go_to_node(pilot, screen, NOTES_KEY)
        assert isinstance(screen.source, NotesSource)
        assert list_titles(screen) == ["B1", "A1"]
        text = screen_text(app)
        assert "Beta: read twice" in text and "3h" in text  # first line and age of B1
        assert "Alpha thoughts" in text and "1d" in text  # heading marks dropped
        assert "# Alpha" not in text.split("Details")[0]

        # Editing A1's note from the Notes list moves it to the top, cursor on it.
        clock.stamp = "2025-03-02T12:30:00Z"
        await pilot.press("j")
        assert current_title(app) == "A1"
        await write_note(pilot, app, "enter", *"edited")
        assert list_titles(screen) == ["A1", "B1"]
        assert current_title(app) == "A1"
        assert "edited" in screen_text(app)

        # Emptying a note removes it from the list and the count.
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(TextArea).clear()
        await pilot.press("escape")
        await pilot.pause()
        assert list_titles(screen) == ["B1"]
        assert badge(screen, NOTES_KEY) == "1"
    assert stored_note(db, "A1") == ""


def test_note_row_helpers() -> None:
    assert note_first_line("\n\n  ## Heading  \nbody") == "Heading"
    assert note_first_line("- first point\n- second") == "first point"
    assert note_first_line("x \x1b]52;c;ZXZpbA==\x07y") == "x y"
    now = "2025-03-10T12:00:00Z"
    assert note_age("2025-03-10T11:59:30Z", now) == "now"
    assert note_age("2025-03-10T11:15:00Z", now) == "45m"
    assert note_age("2025-03-08T12:00:00Z", now) == "2d"
    assert note_age("2025-01-01T00:00:00Z", now) == "9w"
    assert note_age("2023-01-01T00:00:00Z", now) == "2y"
    assert note_age(None, now) == ""


async def test_hostile_note_renders_literally_without_escapes(db: Path, clock: Clock) -> None:
    body = (
        "[bold]not bold[/] [@click=app.quit]quit[/] [link=file:///etc/passwd]pw[/link]\n"
        "osc52 \x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x07 clear \x1b[2J title \x1b]0;pwned\x1b\\ "
        "c1 \x9b31m \u202eevil\n"
        "[a link](https://example.com/p) and [js](javascript:alert(1))"
    )
    with Catalogue.open(db, seed=False, now=clock) as cat:
        cat.set_note(rid(cat, "A1"), body)  # as a restored export would bring it
    for size in [(80, 24), (160, 48)]:
        app = make_app(db, now=clock)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = browse(app)
            if size == (80, 24):
                # The detail pane is short here: the note is shown first, in view.
                await pilot.press("tab")  # detail pane (below the list at this width)
                await pilot.pause()
            text = screen_text(app)
            assert "[bold]not bold[/]" in text
            assert "[@click=app.quit]quit[/]" in text
            assert "\x1b" not in text
            output = terminal_output(app)
            assert "\x07" not in output and "\x9b" not in output
            assert "\x1b]" not in output and "\x1b[2J" not in output
            assert "pwned" not in output.replace("title  ", "")  # the OSC body is dropped
            assert screen.is_ready
            # The Notes list row and the editor show it literally too.
            await go_to_node(pilot, screen, NOTES_KEY)
            assert "[bold]not bold[/]" in screen_text(app)
            await pilot.press("n")
            await pilot.pause()
            area = app.screen.query_one(TextArea)
            assert "\x1b" not in area.text and "\x9b" not in area.text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, BrowseScreen)
            assert "\x1b]" not in terminal_output(app)


# ---------------------------------------------------------------------------- progress
@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    """Days counted in UTC whatever this machine's zone (the app uses the local zone)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_progress_screen_shows_the_numbers_for_known_events(
    tmp_path: Path, clock: Clock, utc: None
) -> None:
    cat = small_catalogue(tmp_path, "stats.db", clock)
    for title, status, at in STATS_EVENTS:
        mark(cat, clock, title, status, at)
    cat.close()
    clock.stamp = "2025-03-12T18:00:00Z"  # today: Wednesday 2025-03-12
    app = make_app(tmp_path / "stats.db", now=clock)
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        stats_screen = app.screen
        assert isinstance(stats_screen, StatsScreen)
        s = stats_screen.stats
        assert s is not None
        assert s.today.isoformat() == "2025-03-12"
        assert (s.overall.done, s.overall.total, s.overall.skipped) == (6, 8, 1)
        assert (s.streak, s.pace, s.finished_total) == (3, 1.25, 6)
        assert [w.finished for w in s.weeks[-3:]] == [1, 1, 3]
        text = screen_text(app)
        assert "Progress · Small Guide" in text
        assert "Streak 3 days" in text and "Pace 1.25/week" in text
        assert "6/8" in text and "75%" in text
        await pilot.press("p")  # p again (or escape) goes back
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


async def test_progress_screen_at_80_columns_keeps_bars_and_counts(
    tmp_path: Path, clock: Clock, utc: None
) -> None:
    long_topics = "".join(
        f"## {n}. A Topic Title Long Enough To Need Cutting Number {n}\n\n#### Tier 1\n\n"
        f"- [R{n}](https://example.com/r{n}) - A. d\n\n"
        for n in range(1, 4)
    )
    guide = tmp_path / "long.md"
    guide.write_text("# Long\n\n" + long_topics, encoding="utf-8")
    with Catalogue.open(tmp_path / "long.db", seed=False, now=clock) as cat:
        cat.import_file(guide)
        cat.set_status(rid(cat, "R2"), "done")
    app = make_app(tmp_path / "long.db", now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        summary = next(i for i, line in enumerate(lines) if "Streak" in line)
        assert lines[summary].strip().startswith("Streak")
        assert "as of 2025-03-01" in lines[summary + 1]  # moved down whole, not split
        await pilot.press("end")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        # The topic bars (the topic x tier grid below repeats the names, without bars).
        topic_lines = [line for line in lines if "A Topic Title" in line and "━" in line]
        assert len(topic_lines) == 3
        grid_lines = [line for line in lines if "A Topic Title" in line and "━" not in line]
        assert [line.split()[-1] for line in grid_lines] == ["0/1", "1/1", "0/1"]
        for line in topic_lines:  # the title is cut, never the count or the percentage
            assert "…" in line
            assert line.rstrip().endswith("%")
        assert any("1/1" in line and "100%" in line for line in topic_lines)


async def test_tree_shows_done_of_total_with_a_bar(db: Path, clock: Clock) -> None:
    with Catalogue.open(db, seed=False, now=clock) as cat:
        cat.set_status(rid(cat, "A1"), "done")
        cat.set_status(rid(cat, "A2"), "done")
        cat.set_status(rid(cat, "A3"), "skipped")  # leaves the denominator
    app = make_app(db, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = browse(app)
        tree = screen.topic_tree
        assert badge(screen, "topic:1") == "2/3"  # A1, A2 of A1, A2, Shared
        line = next(line for line in screen_text(app).splitlines() if "1. Alpha" in line)
        assert "2/3" in line
        # The badge is drawn on a bar: the done share of its cells in the "done" colour.
        done_bg = tree.get_component_rich_style("topic-tree--progress-done").bgcolor
        left_bg = tree.get_component_rich_style("topic-tree--progress-left").bgcolor
        node = tree.nodes_by_key["topic:1"]
        label = tree.render_label(node, tree.rich_style, tree.rich_style)
        width = tree._badge_width
        bar = label[len(label) - width :]
        backgrounds = [bar.get_style_at_offset(app.console, i).bgcolor for i in range(width)]
        assert backgrounds.count(done_bg) == round(width * 2 / 3)
        assert backgrounds.count(left_bg) == width - round(width * 2 / 3)
        # Tier 2 tab: the bars follow the tier.
        await pilot.press("2")
        await pilot.pause()
        assert badge(screen, "topic:1") == "1/2"


# ---------------------------------------------------------------------------- up next
async def test_next_key_walks_the_reading_order(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        assert screen.node_key == "special:upnext"
        seen = [current_title(app)]
        for _ in range(len(READING_ORDER)):
            await pilot.press("N")
            await pilot.pause()
            seen.append(current_title(app))
        assert seen == [*READING_ORDER, "A1"]  # and round again at the end
        assert "Back to the top of Up next." in notifications(app)


async def test_next_key_from_a_topic_list_goes_to_the_top_of_up_next(
    db: Path, clock: Clock
) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        # In Beta (B1, Shared, B2, B3), on B1: N is what to read now, the first of Up next,
        # not the item after the cursor.
        await go_to_node(pilot, screen, "topic:2")
        assert current_title(app) == "B1"
        await pilot.press("N")
        await pilot.pause()
        assert screen.node_key == "special:upnext"
        assert screen.topic_tree.cursor_node.data.key == "special:upnext"
        assert screen.item_list.cursor == 0 and current_title(app) == READING_ORDER[0]
        assert screen.focused is screen.item_list
        # An item being read comes first: N from a topic list lands on it.
        await go_to_node(pilot, screen, "topic:2")
        await pilot.press("j", "j")
        assert current_title(app) == "B2"
        await pilot.press("space")  # todo -> reading
        await pilot.pause()
        await go_to_node(pilot, screen, "topic:1")
        await pilot.press("N")
        await pilot.pause()
        assert screen.node_key == "special:upnext"
        assert screen.item_list.cursor == 0 and current_title(app) == "B2"
        # Pressed again, it walks the order from there.
        await pilot.press("N")
        await pilot.pause()
        assert current_title(app) == READING_ORDER[0]


async def test_next_key_after_marking_done_moves_on(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("N", "N")  # Shared
        await pilot.pause()
        assert current_title(app) == "Shared"
        await pilot.press("d")  # done: it leaves the order, the row stays until re-shown
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert current_title(app) == "A2"  # after Shared's place, not back to the top
        # From a done item browsed in a topic list: the top of Up next, shown afresh (the
        # items marked done have left it).
        await go_to_node(pilot, screen, "topic:3")  # Gamma: G0 (untiered), G2
        await pilot.press("j")
        assert current_title(app) == "G2"
        await pilot.press("d", "N")
        await pilot.pause()
        assert screen.node_key == "special:upnext" and screen.item_list.cursor == 0
        assert current_title(app) == "A1"
        assert [screen.item_list.row_at(i).title for i in range(screen.item_list.count)] == [
            t for t in READING_ORDER if t not in ("Shared", "G2")]


async def test_next_key_follows_the_tier_tab(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = browse(app)
        await pilot.press("2")
        await pilot.pause()
        seen = [current_title(app)]
        for _ in range(3):
            await pilot.press("N")
            await pilot.pause()
            seen.append(current_title(app))
        # Shared sits in Tier 1 and Tier 2: it leads in Tier 1, so the Tier 2 list (and N
        # in it) does not hold it; after G2, N wraps round to the top.
        assert seen == ["A2", "B2", "G2", "A2"]
        # Done, next, done, next...: each N moves on past the rows just marked done.
        done = []
        for _ in range(3):
            done.append(current_title(app))
            await pilot.press("d", "N")
            await pilot.pause()
        assert done == ["A2", "B2", "G2"]
        # Everything in Tier 2 is done now: a message, the tier stays.
        assert "Nothing left to read in Tier 2." in notifications(app)
        assert screen.tier == 2


# ---------------------------------------------------------------------------- discoverability
async def test_study_keys_are_in_the_help_screen_and_the_palette(db: Path, clock: Clock) -> None:
    app = make_app(db, now=clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        screen = browse(app)
        commands = {c.binding_id: c for c in key_commands(screen, app)}
        for binding_id, key in [("study.note", "n"), ("study.stats", "p"), ("study.next", "N")]:
            assert binding_id in commands
            assert commands[binding_id].key_text == key
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Write or edit the note of the selected item" in text
        assert "Progress: bars per tier and topic" in text
        assert "What to read now: the first item of Up next" in text
        await pilot.press("escape")
        # The command palette runs them by name.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"what to read now")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert current_title(app) == "B1"


async def test_footer_overflow_shows_no_stray_letter_at_80_columns(db: Path, clock: Clock) -> None:
    """More keys than 80 columns hold: the last one drawn is whole, and the palette key
    (ctrl+p) leaves its room to them."""
    app = make_app(db, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_keys(pilot)
        footer = screen_lines(app)[-1]
        assert footer.startswith("space Status")
        assert footer.rstrip().endswith(" ? Help") and "palette" not in footer


async def test_notes_list_detail_shows_the_note_before_the_description(
    db: Path, clock: Clock
) -> None:
    long_description = "Second beta. " + "A long description of this resource. " * 20
    with Catalogue.open(db, seed=False, now=clock) as cat:
        cat.set_note(rid(cat, "B2"), "My own words on B2")
        cat.conn.execute(
            "UPDATE placements SET description = ? WHERE resource_id = ?",
            (long_description, rid(cat, "B2")),
        )
        cat.conn.commit()
    app = make_app(db, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = browse(app)
        await go_to_node(pilot, screen, NOTES_KEY)
        # At 80x24 the detail pane shows 7 lines: the note must be in them, not below the
        # description as in the other lists.
        assert "My own words on B2" in detail_text(app)
        await go_to_node(pilot, screen, "topic:2")
        await pilot.press("j", "j")
        assert current_title(app) == "B2"
        # In any list, a short pane puts the note first too (before the description).
        shown = detail_text(app)
        assert "My own words on B2" in shown
        assert "Second beta." not in shown or shown.index("My own") < shown.index("Second beta.")
        # The row says it has a note.
        row = next(line for line in screen_text(app).splitlines() if " B2 " in line)
        assert "B2 ✎" in row
        # A tall pane keeps the usual order: description, then the note.
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        shown = " ".join(detail_text(app).split())
        assert shown.index("Second beta.") < shown.index("My own words on B2")
