"""kill -9 while typing a note in the real, installed ``tuiguide`` (in tmux): the file stays
sound and at most the last second of typing is lost.

The app runs in a private tmux server as the pane's own process (``exec``), so its pid is the
pane's. Every chunk typed is timed when it shows on screen (the app has it then); after the
kill, the note must be a prefix of what was typed that holds every chunk shown more than the
autosave bound (1 s, plus slack for a loaded machine) before the kill.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tuiguide.tui.screens.note_editor import SAVE_MAX_DELAY
from ui_support import make_catalogue

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
COMMAND = Path(sys.executable).parent / "tuiguide"
SLACK = 0.4  # seconds: key delivery, screen polling and a busy machine


class Pane:
    """The app as the only process of a tmux pane, on a private server socket."""

    def __init__(self, tmp_path: Path, command: str) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.tmux(
            "new-session", "-d", "-s", "t", "-x", "100", "-y", "30",
            "-e", "TEXTUAL_ANIMATIONS=none", "-e", "TERM=xterm-256color", f"exec {command}",
        )
        self.pid = int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def key(self, key: str) -> None:
        self.tmux("send-keys", "-t", "t", key)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "t")

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 30) -> float:
        """Poll the screen until ``check`` holds; the time it was first seen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return time.monotonic()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the pane shows:\n{screen}")
            time.sleep(0.02)

    def close(self) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_while_typing_a_note_loses_at_most_the_last_second(tmp_path: Path) -> None:
    assert COMMAND.exists(), f"the tuiguide command is not installed next to {sys.executable}"
    db = make_catalogue(tmp_path / "kill.db")
    pane = Pane(tmp_path, f"{COMMAND} --db {db}")
    try:
        cmdline = Path(f"/proc/{pane.pid}/cmdline").read_bytes()
        assert b"tuiguide" in cmdline, cmdline  # the pane's pid is the app itself
        pane.wait_for(lambda s: "Alpha one" in s and "First alpha." in s, "the app")
        pane.key("n")
        pane.wait_for(lambda s: "esc close" in s, "the note editor")

        # A first burst, then a pause: it must be saved well before the kill.
        first = "First thoughts on Alpha. "
        pane.type(first)
        pane.wait_for(lambda s: first.strip() in s, "the first burst on screen")
        time.sleep(1.5)

        # Steady typing with no pause long enough for the debounce, then kill -9.
        chunks = [f"w{n:02d} " for n in range(14)]
        shown: list[float] = []
        for chunk in chunks:
            pane.type(chunk)
            shown.append(pane.wait_for(lambda s, c=chunk: c.strip() in s, f"{chunk!r}"))
            time.sleep(0.2)
        killed_at = time.monotonic()
        os.kill(pane.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pane.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pane.pid)
    finally:
        pane.close()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = conn.execute(
            "SELECT n.body, r.id FROM notes n JOIN resources r ON r.id = n.resource_id "
            "WHERE r.title = 'Alpha one'"
        ).fetchone()
    finally:
        conn.close()
    assert row is not None, "nothing of the note was saved"
    saved, resource_id = row
    typed = first + "".join(chunks)
    assert typed.startswith(saved), (saved, typed)
    must_have = first + "".join(
        chunk for chunk, at in zip(chunks, shown, strict=True)
        if at < killed_at - SAVE_MAX_DELAY - SLACK
    )
    assert len(must_have) > len(first) + 10, "the typing before the kill was too short to judge"
    assert saved.startswith(must_have.rstrip()), (
        f"lost more than the last second: saved {saved!r}, expected at least {must_have!r}"
    )
    # And the next start opens the file as usual, with the note there.
    result = subprocess.run(
        [str(COMMAND), "--db", str(db), "note", str(resource_id)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert first.strip() in result.stdout
