"""The TUI next to other writers on the same catalogue file: nobody sees an error, every
write lands.

* ``tuiguide refresh`` (as cron runs it) in a subprocess, fetching from a server on
  127.0.0.1, while the user changes statuses in the app (Pilot). One feed is held open by
  the server until the keys are done, so the refresh is certainly still running (and
  storing other feeds) while they are pressed.
* Two TUIs at once: the real ``tuiguide`` in tmux and a Pilot app, both writing statuses.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from feeds_support import delayed, fixed_now, open_catalogue, rss, serve
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import inbox_count
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study import upnext as study
from tuiguide.tui.app import make_app
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.sources.inbox import INBOX_KEY
from ui_support import notices

FEEDS = 24
ENTRIES = 250
KEYS = 40
# What each status key does to a row still "todo".
KEY_STATUS = {"d": "done", "s": "skipped", "space": "reading"}


@pytest.fixture
def server():
    yield from serve()


def blog(n: int) -> str:
    return rss(f"Blog {n}", [(f"b{n}-{i}", f"Post {i} of blog {n}", f"https://blog{n}.example/p{i}")
                             for i in range(ENTRIES)])



def stored_entries(db: Path) -> int:
    """Read from outside (read-only, no lock taken) how many entries the refresh stored."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]


def statuses(db: Path, ids: list[int]) -> dict[int, str]:
    with Catalogue.open(db, seed=False) as cat:
        marks = ",".join("?" * len(ids))
        rows = cat.conn.execute(f"SELECT id, status FROM resources WHERE id IN ({marks})", ids)
        return dict(rows.fetchall())


def problems(app) -> list[str]:
    """Notifications a user would read as something going wrong."""
    return [n.message for n in notices(app)
            if n.severity == "error" or "locked" in n.message.lower()]


async def test_status_keys_while_cron_refreshes(tmp_path: Path, server) -> None:
    gate = threading.Event()
    db = tmp_path / "catalogue.db"
    with open_catalogue(db) as cat:
        for n in range(FEEDS):
            server.routes[f"/f{n}.xml"] = delayed(blog(n), delay=0.15)
            feeds.insert_feed(cat, server.url(f"/f{n}.xml"))
        server.routes["/held.xml"] = delayed(blog(FEEDS), gate)
        feeds.insert_feed(cat, server.url("/held.xml"))
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    cron = subprocess.Popen(
        [sys.executable, "-m", "tuiguide", "--db", str(db), "refresh", "--json", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    expected: dict[int, str] = {}
    try:
        app = make_app(db, now=fixed_now)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            screen.show_node("special:all")
            screen.set_focus(screen.item_list)
            deadline = time.monotonic() + 30
            while stored_entries(db) == 0:  # the refresh is storing feeds now
                assert time.monotonic() < deadline, "the refresh never stored anything"
                await pilot.pause(0.05)
            before = stored_entries(db)
            keys = list(KEY_STATUS)
            for i in range(KEYS):
                row = screen.current_row
                key = keys[i % len(keys)]
                assert row.status == "todo"
                expected[row.id] = KEY_STATUS[key]
                await pilot.press(key, "j")
            await pilot.pause()
            during = stored_entries(db) - before
            assert cron.poll() is None, "the refresh ended before the keys did"
            assert during > 0, "no feed was stored while the keys were pressed"
            gate.set()
            out, err = cron.communicate(timeout=120)
            assert cron.returncode == 0, err
            assert "locked" not in err.lower()
            report = json.loads(out)
            assert report["failed"] == 0 and len(report["feeds"]) == FEEDS + 1
            # The app shows what cron stored once it reloads; nothing went wrong on screen.
            await pilot.press("ctrl+r")
            await pilot.pause()
            with Catalogue.open(db, seed=False) as cat:
                assert screen.topic_tree.nodes_by_key[INBOX_KEY].data.badge == str(
                    inbox_count(cat))
            assert problems(app) == []
        assert statuses(db, list(expected)) == expected
        assert stored_entries(db) == (FEEDS + 1) * ENTRIES
    finally:
        gate.set()
        if cron.poll() is None:
            cron.kill()
            cron.communicate()


async def test_a_tui_refresh_and_a_cron_refresh_at_once(tmp_path: Path, server) -> None:
    """``r`` in the app while cron refreshes the same feeds: each entry is stored once."""
    from tuiguide.tui.features.feeds import feed_control

    db = tmp_path / "catalogue.db"
    with open_catalogue(db) as cat:
        for n in range(8):
            server.routes[f"/f{n}.xml"] = delayed(blog(n), delay=0.1)
            feeds.insert_feed(cat, server.url(f"/f{n}.xml"))
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    cron = subprocess.Popen(
        [sys.executable, "-m", "tuiguide", "--db", str(db), "refresh", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        app = make_app(db, now=fixed_now)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("r", "i")
            deadline = time.monotonic() + 60
            while not feed_control(app).reports:
                assert time.monotonic() < deadline
                await pilot.pause(0.05)
            await pilot.pause()
            ((report, error),) = feed_control(app).reports
            assert error is None and not report.failed
            out, err = cron.communicate(timeout=120)
            assert cron.returncode == 0 and "locked" not in err.lower(), err
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert app.screen.item_list.count == 8 * ENTRIES
            assert problems(app) == []
        assert stored_entries(db) == 8 * ENTRIES
    finally:
        if cron.poll() is None:
            cron.kill()
            cron.communicate()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
async def test_two_tuis_writing_at_once(tmp_path: Path) -> None:
    """The real ``tuiguide`` in tmux marks the first Up next rows done while a Pilot app
    skips the last rows of All items: every status lands, neither shows an error."""
    from tmux_support import Terminal, at_prompt

    n = 30
    db = tmp_path / "catalogue.db"
    with open_catalogue(db) as cat:
        tmux_ids = [item.id for item in study.up_next(cat, limit=n)]
        everything = [item.id for item in cat.items(limit=1000)]
    pilot_ids = list(reversed(everything))[:n]
    assert not set(tmux_ids) & set(pilot_ids)
    command = Path(sys.executable).parent / "tuiguide"
    terminal = Terminal(tmp_path, 120, 36)
    panes: list[str] = []
    try:
        terminal.type_line(f"{command} --db {db}")
        terminal.wait_for(lambda s: "Up next" in s and "Inbox" in s, "the app in tmux")

        def other_user() -> None:
            for _ in range(n):
                terminal.keys("d", "j")
                panes.append(terminal.screen())

        app = make_app(db, now=fixed_now)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BrowseScreen)
            screen.show_node("special:all")
            screen.set_focus(screen.item_list)
            await pilot.press("G")
            typist = threading.Thread(target=other_user)
            typist.start()
            for _ in range(n):
                await pilot.press("s", "k")
            while typist.is_alive():
                await pilot.pause(0.05)
            typist.join()
            assert problems(app) == []
        deadline = time.monotonic() + 30
        while set(statuses(db, tmux_ids).values()) != {"done"}:
            assert time.monotonic() < deadline, statuses(db, tmux_ids)
            time.sleep(0.1)
        panes.append(terminal.screen())
        terminal.keys("q")
        terminal.wait_for(at_prompt, "the shell prompt")
    finally:
        terminal.close()
    assert set(statuses(db, pilot_ids).values()) == {"skipped"}
    assert set(statuses(db, tmux_ids).values()) == {"done"}
    for pane in panes:
        assert "locked" not in pane.lower() and "traceback" not in pane.lower(), pane
    with Catalogue.open(db, seed=False) as cat:
        events = cat.conn.execute("SELECT count(*) FROM events WHERE kind = 'status'").fetchone()
        assert events[0] == 2 * n
        assert cat.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
