"""Hostile text that enters through a feed, an OPML import or a JSON restore, shown by the app.

Every string of ``tests/hostile.py`` goes in; the app walks every list, row, detail pane, the
filing dialog and the feeds screen. What it would write to the terminal is captured update
by update (the renderables handed to ``App._display``, rendered exactly as the driver would
write them), and once more from a real terminal (tmux, ``pipe-pane``): markup shows
literally, nothing quits the app, and no escape sequence, BEL or C1 control from the data
ever reaches the terminal.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from textual.app import App

from feeds_support import FAST, Route, fixed_now, open_catalogue, serve
from tuiguide.core.backup.restore import restore_file
from tuiguide.core.errors import UserError
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.opml import import_opml
from tuiguide.core.feeds.parse import parse_feed
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.features.feeds import feed_control, set_fetch_settings
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.screens.feeds import FeedsScreen
from tuiguide.tui.screens.file_dialog import FileDialog
from tuiguide.tui.sources.inbox import INBOX_KEY
from ui_support import make_catalogue, notices, screen_lines, screen_text

from hostile import ALL, INVALID_UTF8, LONG_TITLE, MARKUP, hostile_feed

# Payloads inside the corpus's escape sequences: removed with their sequence, never shown.
PAYLOADS = ("SGFja2VkIGNsaXBib2FyZA", "pwned", "1$r0m")
LITERALS = ("closing [/] tag", "[@click=app.quit]click to quit[/]",
            "[link=file:///etc/passwd]passwd[/link]", "[bold]bold?[/bold]")
C1 = re.compile("[\x80-\x9f]")


# --------------------------------------------------------------------------- documents
def xml_legal(text: str) -> bool:
    """Characters XML 1.0 can carry at all (ESC, NUL, BEL... cannot be in an OPML file)."""
    return all(c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd"
               or c > "\uffff" for c in text)


def hostile_opml(server) -> str:
    """An OPML file whose feed titles are every XML-legal hostile string (markup, C1
    controls, bidi overrides, zero-width joiners, 100,000 characters)."""
    names = [t for t in ALL if xml_legal(t)] + [LONG_TITLE]
    outlines = [f"<outline type=\"rss\" text={quoteattr(name)} title={quoteattr(name)} "
                f"xmlUrl=\"{server.url(f'/gone/{n}.xml')}\"/>" for n, name in enumerate(names)]
    outlines.append(f'<outline text={quoteattr("[@click=app.quit]Evil feed[/]")} '
                    f'xmlUrl="{server.url("/evil.xml")}"/>')
    return ('<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>'
            + escape("[bold]subs[/]") + "</title></head><body>" + "".join(outlines)
            + "</body></opml>")


def hostile_export(server) -> dict:
    """A JSON export: notes and titles with the whole corpus (JSON carries ESC, NUL, BEL),
    statuses on the guide's own links, unknown resources, and hostile feed titles."""
    guide_urls = ["https://example.com/a1", "https://example.com/a2", "https://example.com/a3",
                  "https://example.com/b1", "https://example.com/b2"]
    resources = {}
    for n, url in enumerate(guide_urls):
        resources[url] = {
            "status": "reading", "status_at": "2025-01-16T10:00:00Z",
            "note": {"body": "\n".join(ALL[n::len(guide_urls)]) + "\n" + LONG_TITLE[:5000],
                     "updated_at": "2025-01-16T10:00:00Z"},
        }
    for n, text in enumerate(ALL):
        resources[f"https://restored.example/{n}"] = {
            "title": text, "author": text, "link": f"https://restored.example/{n}",
            "status": "done", "status_at": "2025-01-16T10:00:00Z",
            "note": {"body": text, "updated_at": "2025-01-16T10:00:00Z"},
        }
    return {
        "format": "tuiguide-export", "version": 1, "resources": resources, "events": [],
        "feeds": [{"url": server.url(f"/restored/{n}.xml"), "title": text}
                  for n, text in enumerate(ALL)],
    }


# --------------------------------------------------------------------------- capture
class Output:
    """Everything the app hands the driver to write, rendered the way the driver writes it
    (in run_test the headless driver drops it; here it is kept)."""

    def __init__(self, app: App) -> None:
        self.writes: list[str] = []
        original = app._display

        def display(screen, renderable) -> None:
            render = getattr(renderable, "render_segments", None)
            if render is not None:
                self.writes.append(render(app.console))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        self.checked = 0

    def unchecked(self) -> str:
        """What was written since the last call (each write is checked once)."""
        text = "".join(self.writes[self.checked:])
        self.checked = len(self.writes)
        return text


def assert_nothing_from_data_written(app: App, output: Output) -> None:
    for line in screen_lines(app):
        assert "\x1b" not in line and "\x00" not in line and "\x07" not in line
        assert not C1.search(line), repr(line)
        assert not any(p in line for p in PAYLOADS), line
    written = output.unchecked()
    assert output.writes, "nothing was captured"
    # Textual's own output is CSI only (ESC [); anything else after an ESC came from data.
    assert set(re.findall(r"\x1b(.)", written)) <= {"["}
    assert "\x07" not in written and "\x00" not in written and not C1.search(written)
    assert "\x1b[2J" not in written
    assert not any(p in written for p in PAYLOADS)


async def walk(pilot, app: TuiguideApp, output: Output, *, limit: int = 60) -> str:
    """Show every tree node's list and put the cursor on each row (the detail pane renders
    it); returns all the screen text seen."""
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    seen: list[str] = []
    for key in list(screen.topic_tree.nodes_by_key):
        screen.show_node(key)
        screen.set_focus(screen.item_list)
        await pilot.pause()
        for _ in range(min(screen.item_list.count, limit)):
            seen.append(screen_text(app))
            await pilot.press("j")
        seen.append(screen_text(app))
        assert_nothing_from_data_written(app, output)
    return "\n".join(seen)


async def click_rows(pilot, app: TuiguideApp) -> None:
    """Click every visible row where titles and authors are: markup must not be live."""
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    for y in range(min(screen.item_list.count, screen.item_list.size.height)):
        for x in (4, 30):
            if x < screen.item_list.size.width:
                await pilot.click("#items", offset=(x, y))
    await pilot.pause()
    assert app.is_running and app.screen is screen


@pytest.fixture
def server():
    yield from serve()


def test_invalid_utf8_bytes_do_not_garble_the_whole_feed() -> None:
    parsed = parse_feed(hostile_feed(), content_type="application/rss+xml; charset=utf-8")
    titles = [e.title for e in parsed.entries]
    assert "emoji family 👩\u200d👩\u200d👧 and CJK 漢字 and combining e\u0301" in titles
    assert "bad bytes invalid \ufffd\ufffd utf8 \ufffd( bytes" in titles
    assert "invalid UTF-8 bytes replaced" in (parsed.problem or "")


# --------------------------------------------------------------------------- a feed
@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_hostile_feed_in_the_inbox(tmp_path: Path, server, size) -> None:
    server.routes["/evil.xml"] = Route(hostile_feed())
    db = tmp_path / "catalogue.db"
    with open_catalogue(db) as cat:
        feeds.insert_feed(cat, server.url("/evil.xml"))
    app = make_app(db, now=fixed_now)
    set_fetch_settings(app, FAST)
    output = Output(app)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("r")
        while not feed_control(app).reports:
            await pilot.pause(0.05)
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen) and screen.source.key == INBOX_KEY
        assert screen.item_list.count == len(ALL) + 2
        seen = []
        for _ in range(screen.item_list.count):
            seen.append(screen_text(app))
            await pilot.press("j")
            assert_nothing_from_data_written(app, output)
        seen_text = "\n".join(seen)
        if size[0] >= 160:  # wide enough for whole titles in the detail pane
            for literal in LITERALS:
                assert literal in seen_text, literal
        assert "AAAAAAAAAA" in seen_text and "bad bytes invalid" in seen_text
        await click_rows(pilot, app)
        # The filing dialog on the [@click=...] entry shows it literally.
        await pilot.press("g")
        for _ in range(screen.item_list.count):
            if screen.current_row.title.startswith("[@click"):
                break
            await pilot.press("j")
        await pilot.press("f")
        while not isinstance(app.screen, FileDialog):  # suggestions come from a worker
            await pilot.pause(0.05)
        assert "[@click=app.quit]click to quit[/]" in screen_text(app)
        assert_nothing_from_data_written(app, output)
        await pilot.press("escape", "F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        text = screen_text(app)
        assert "Feed [bold]Evil[/]" in text and "pwned" not in text
        assert_nothing_from_data_written(app, output)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


# --------------------------------------------------------------------------- OPML
async def test_hostile_opml_import_in_the_feeds_screen_and_inbox(tmp_path: Path, server) -> None:
    server.routes["/evil.xml"] = Route(hostile_feed())
    opml = tmp_path / "subs.opml"
    opml.write_text(hostile_opml(server), encoding="utf-8")
    db = make_catalogue(tmp_path / "catalogue.db")
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        report = import_opml(cat, opml)
        assert len(report.added) == len([t for t in ALL if xml_legal(t)]) + 2
    app = make_app(db, now=fixed_now)
    set_fetch_settings(app, FAST)
    output = Output(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        seen = []
        for _ in range(len(report.added)):
            seen.append(screen_text(app))
            await pilot.press("j")
            assert_nothing_from_data_written(app, output)
        seen_text = "\n".join(seen)
        for literal in [m for m in MARKUP if xml_legal(m)]:
            assert " ".join(literal.split()) in seen_text, literal
        await pilot.press("escape", "r")  # every feed but one fails: the names are listed
        while not feed_control(app).reports:
            await pilot.pause(0.05)
        await pilot.pause()
        assert any("feeds failed" in n.message for n in notices(app))
        assert_nothing_from_data_written(app, output)
        text = await walk(pilot, app, output)
        assert "[@click=app.quit]Evil feed[/]" in text  # the feed column of the Inbox
        await click_rows(pilot, app)


# --------------------------------------------------------------------------- JSON restore
async def test_hostile_json_restore_rendered(tmp_path: Path, server) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(hostile_export(server)), encoding="utf-8")
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        report = restore_file(cat, backup)
        assert report.notes == 5 + len(ALL) and report.feeds == len(ALL)
    app = make_app(db, now=fixed_now)
    set_fetch_settings(app, FAST)
    output = Output(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        text = await walk(pilot, app, output)
        assert "[bold]bold?[/bold]" in text  # a note, in the detail pane
        await click_rows(pilot, app)
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FeedsScreen)
        for _ in range(len(ALL)):
            await pilot.press("j")
            assert_nothing_from_data_written(app, output)
        await pilot.press("escape", "r")
        while not feed_control(app).reports:
            await pilot.pause(0.05)
        await pilot.pause()
        assert_nothing_from_data_written(app, output)
        assert app.is_running


def test_a_restore_file_with_invalid_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    backup = tmp_path / "backup.json"
    backup.write_bytes(b'{"format": "tuiguide-export", "version": 1, "resources": {"https://'
                       b'example.com/a1": {"note": {"body": "' + INVALID_UTF8 + b'", '
                       b'"updated_at": "2025-01-16T10:00:00Z"}}}}')
    with Catalogue.open(db, seed=False, now=fixed_now) as cat:
        with pytest.raises(UserError) as err:
            restore_file(cat, backup)
        assert str(err.value).startswith(f"{backup}: ") and "\n" not in str(err.value)
        assert cat.note(cat.items(limit=1)[0].id) in ("", None)


# --------------------------------------------------------------------------- a real terminal
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_hostile_feed_in_a_real_terminal(tmp_path: Path, server) -> None:
    """The real ``tuiguide`` in tmux: the bytes written to the pane are read back raw."""
    from tmux_support import Terminal, at_prompt

    server.routes["/evil.xml"] = Route(hostile_feed())
    db = tmp_path / "catalogue.db"
    with open_catalogue(db) as cat:
        feeds.insert_feed(cat, server.url("/evil.xml"))
    command = Path(sys.executable).parent / "tuiguide"
    log = tmp_path / "pane.log"
    terminal = Terminal(tmp_path, 120, 40)
    try:
        title_before = terminal.flag("pane_title")
        terminal.run("set-buffer", "-b", "probe", "untouched")
        terminal.run("pipe-pane", "-o", "-t", "t", f"cat >> {log}")
        terminal.type_line(f"NO_PROXY='*' {command} --db {db}")
        terminal.wait_for(lambda s: "Inbox" in s and "Up next" in s, "the app")
        terminal.keys("r")
        terminal.wait_for(lambda s: "Feeds refreshed" in s, "the refresh to end")
        terminal.keys("i")
        terminal.wait_for(lambda s: f"Inbox · {len(ALL) + 2}" in s, "the Inbox")
        for _ in range(len(ALL) + 2):
            terminal.keys("j")
        terminal.wait_for(lambda s: "bad bytes invalid" in s, "the last rows")
        terminal.keys("F")
        screen = terminal.wait_for(lambda s: "Feeds · 1 followed" in s, "the feeds screen")
        assert "Feed [bold]Evil[/]" in screen
        terminal.keys("Escape")  # (ESC then q at once would read as alt+q)
        terminal.wait_for(lambda s: "Feeds · 1 followed" not in s, "the main screen")
        terminal.keys("q")
        terminal.wait_for(at_prompt, "the shell prompt")
        terminal.run("pipe-pane", "-t", "t")
        assert terminal.flag("pane_title") == title_before
        buffers = terminal.run("list-buffers", "-F", "#{buffer_name}")
        assert buffers.split() == ["probe"], "something wrote the clipboard (OSC 52)"
    finally:
        terminal.close()
    written = log.read_bytes().decode("utf-8", "replace")
    assert "Inbox" in written
    # Textual's own non-CSI output is the pointer shape (OSC 22); nothing else may remain.
    rest = re.sub(r"\x1b\]22;[a-z-]*(\x07|\x1b\\)", "", written)
    assert set(re.findall(r"\x1b(.)", rest)) <= {"["}
    assert "\x1b]" not in rest and "\x1bP" not in rest and "\x07" not in rest
    assert not C1.search(rest)
    assert not any(p in written for p in PAYLOADS)
