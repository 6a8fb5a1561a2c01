"""Smoke test of the installed ``tuiguide`` command in a real terminal (tmux).

Starts a shell in a private tmux server, runs the app, navigates with keys, quits, and checks
that the terminal is handed back clean. Skips only where tmux is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tmux_support import COMMAND, PROMPT, TMUX, Terminal, at_prompt
from tuiguide.core.store.catalogue import Catalogue
from ui_support import down_to_topic, make_catalogue

from hostile import hostile_guide

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_start_navigate_change_status_and_quit_cleanly(tmp_path: Path, terminal: Terminal) -> None:
    assert COMMAND.exists(), f"the tuiguide command is not installed next to {sys.executable}"
    db = make_catalogue(tmp_path / "smoke.db")
    terminal.type_line(f"{COMMAND} --db {db}")
    terminal.wait_for(lambda s: "Test Guide" in s and "Alpha one" in s, "the guide on screen")
    assert terminal.flag("alternate_on") == "1"

    # Typed fast, as a user does: keys right after a focus move must reach the new pane.
    # Tree: Up next, All items, ..., the guide, 1., 2. Beta Topic; enter; the list's 2nd row.
    terminal.keys("h", *down_to_topic(2), "Enter", "j")
    screen = terminal.wait_for(
        lambda s: "2. Beta Topic · 3" in s and "Deep beta." in s, "Beta deep in the Beta topic"
    )

    terminal.keys("d")
    terminal.wait_for(lambda s: "1/6 done" in s, "the header to count the done item")
    terminal.keys("3")
    terminal.wait_for(lambda s: "Deep beta." in s, "Tier 3 (detail of Beta deep)")

    terminal.keys("q")
    screen = terminal.wait_for(
        lambda s: at_prompt(s) and "Test Guide" not in s,
        "the shell prompt after quitting",
    )
    assert terminal.flag("alternate_on") == "0"
    assert terminal.flag("mouse_any_flag") == "0"
    assert terminal.flag("cursor_flag") == "1"
    assert "Traceback" not in screen
    terminal.type_line("echo status=$?")
    terminal.wait_for(lambda s: "status=0" in s, "the exit status")

    with Catalogue.open(db, seed=False) as cat:
        statuses = {item.title: item.status for item in cat.items()}
    assert statuses["Beta deep"] == "done"
    assert statuses["Beta one"] == "todo"


def test_hostile_titles_leave_the_terminal_alone(tmp_path: Path, terminal: Terminal) -> None:
    db = make_catalogue(tmp_path / "hostile.db", hostile_guide())
    title_before = terminal.flag("pane_title")
    terminal.run("set-buffer", "-b", "probe", "untouched")
    terminal.type_line(f"{COMMAND} --db {db}")
    terminal.wait_for(lambda s: "Hostile [bold]Guide[/]" in s, "the hostile guide, literally")
    for _ in range(30):  # walk every row so each description reaches the detail pane
        terminal.keys("j")
    terminal.wait_for(lambda s: "file link" in s, "the last rows")
    assert terminal.flag("pane_title") == title_before
    buffers = terminal.run("list-buffers", "-F", "#{buffer_name}")
    assert buffers.split() == ["probe"], "something wrote the clipboard (OSC 52)"
    terminal.keys("q")
    terminal.wait_for(at_prompt, "the shell prompt")


def test_a_bad_catalogue_is_one_line_not_a_traceback(tmp_path: Path, terminal: Terminal) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_text("this is not sqlite\n" * 20)
    terminal.type_line(f"{COMMAND} --db {bad}; echo status=$?")
    screen = terminal.wait_for(
        lambda s: any(line.startswith("status=") for line in s.splitlines()), "the command to end"
    )
    assert "status=2" in screen.splitlines()
    assert "not an SQLite database" in terminal.screen(joined=True)
    error_lines = [line for line in terminal.screen(joined=True).splitlines() if "tuiguide:" in line]
    assert len(error_lines) == 1
    assert "Traceback" not in screen
    assert terminal.flag("alternate_on") == "0"


def test_ctrl_q_quits_from_anywhere_and_prints_nothing(tmp_path: Path, terminal: Terminal) -> None:
    """The first frame shows the guide; ctrl+q (the app's priority key) quits even from the
    help screen, exit status 0, the terminal back as it was and nothing printed."""
    db = make_catalogue(tmp_path / "ready.db")
    log = tmp_path / "pane-output.log"
    terminal.run("pipe-pane", "-o", "-t", "t", f"cat >> {log}")
    terminal.type_line(f"{COMMAND} --db {db}; echo status=$?")
    terminal.wait_for(lambda s: "Test Guide" in s and "Alpha one" in s, "the guide on screen")
    terminal.keys("?")
    terminal.wait_for(lambda s: "This list of keys" in s, "the help screen")
    terminal.keys("C-q")
    screen = terminal.wait_for(
        lambda s: any(line.startswith("status=") for line in s.splitlines()), "the app to exit"
    )
    lines = [line for line in screen.splitlines() if line.strip()]
    assert lines[-2:] == ["status=0", PROMPT.strip()]
    assert lines[-3].endswith("ready.db; echo status=$?")  # nothing printed in between
    assert terminal.flag("alternate_on") == "0"
    terminal.run("pipe-pane", "-t", "t")
    painted = log.read_text(errors="replace")
    assert "Alpha one" in painted and "Test Guide" in painted


def test_keys_typed_after_q_start_nothing(tmp_path: Path, terminal: Terminal) -> None:
    """q, then r and / before the app has gone: it closes cleanly (a refresh or a search
    started while the screen is being taken down printed a traceback)."""
    db = make_catalogue(tmp_path / "late.db")
    terminal.type_line(f"{COMMAND} --db {db}; echo status=$?")
    terminal.wait_for(lambda s: "Test Guide" in s and "Alpha one" in s, "the guide on screen")
    terminal.run("send-keys", "-t", "t", "-l", "qr/r/")
    screen = terminal.wait_for(
        lambda s: any(line.startswith("status=") for line in s.splitlines()), "the app to exit"
    )
    assert "status=0" in screen.splitlines()
    assert "Traceback" not in terminal.screen(joined=True) and "Error" not in screen
