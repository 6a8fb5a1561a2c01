"""A real terminal for end-to-end tests: one tmux pane on a private server socket."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

TMUX = shutil.which("tmux")
COMMAND = Path(sys.executable).parent / "tuiguide"
PROMPT = "READY$ "


def at_prompt(screen: str) -> bool:
    """The last non-blank line is the shell's prompt (capture-pane drops trailing spaces)."""
    lines = [line for line in screen.splitlines() if line.strip()]
    return bool(lines) and lines[-1].strip() == PROMPT.strip()


class Terminal:
    """One tmux pane running a plain shell, on a private server socket."""

    def __init__(self, tmp_path: Path, width: int, height: int) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.run(
            "new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
            "-e", "TEXTUAL_ANIMATIONS=none", "-e", "TERM=xterm-256color",
            "bash --norc --noprofile",
        )
        self.run("set-option", "-g", "set-clipboard", "on")
        self.type_line(f"PS1='{PROMPT}'; clear")
        self.wait_for(at_prompt, "the shell prompt")

    def run(self, *args: str) -> str:
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", "t", key)

    def type_line(self, line: str) -> None:
        self.run("send-keys", "-t", "t", "-l", line)
        self.run("send-keys", "-t", "t", "Enter")

    def screen(self, *, joined: bool = False) -> str:
        """The pane's text; ``joined`` undoes the terminal's own line wrapping."""
        return self.run("capture-pane", "-p", *(["-J"] if joined else []), "-t", "t")

    def flag(self, name: str) -> str:
        return self.run("display-message", "-p", "-t", "t", f"#{{{name}}}").strip()

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the pane shows:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run([TMUX, "-S", self.socket, "kill-server"], capture_output=True, timeout=30)
