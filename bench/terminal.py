"""A pseudo-terminal and a small screen model, to time an app from outside as a user sees it.

The app runs on a pty of a fixed size; what it writes is fed to ``Screen``, which keeps the
character grid a terminal would show (cursor moves, erases, autowrap, the alternate screen,
synchronized updates). Colours and attributes are ignored: the benchmark only asks whether
some text is on screen. Textual draws each changed line with an absolute cursor move and
styled segments, which this subset covers; bench/check_screen.py compares it with pyte, a
full emulator, on recorded sessions (pyte is not needed to run the benchmark).
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import functools
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

SIZE = (120, 40)
"""Columns, rows: the terminal every start-up and session run gets."""


_TEXT = re.compile(r"[^\x00-\x1f\x7f-\x9f]+")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_CSI = re.compile(r"\x1b\[([0-?]*[ -/]*)([@-~])")
_PARTIAL_CSI = re.compile(r"\x1b(\[[0-?]*[ -/]*)?\Z")


@functools.lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@functools.lru_cache(maxsize=4096)
def _narrow(run: str) -> bool:
    """Every character takes one cell (runs repeat: borders, blank lines)."""
    return all(char_width(c) == 1 for c in run)


class Screen:
    """The text a terminal of ``cols`` x ``rows`` shows after the bytes fed so far."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.saved = (0, 0)
        self.autowrap = True
        self.pending_wrap = False
        self.synchronized = False
        """Inside a synchronized update (mode 2026): a terminal shows nothing of it yet."""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._state = "ground"
        self._params = ""
        self._held = ""

    # ------------------------------------------------------------------ reading
    def text(self) -> str:
        return "\n".join("".join(line) for line in self.grid)

    def shows(self, patterns: Iterable[re.Pattern[str]]) -> bool:
        """True when every pattern is found on screen and no update is half-drawn."""
        if self.synchronized:
            return False
        text = self.text()
        return all(p.search(text) for p in patterns)

    # ------------------------------------------------------------------ writing
    def feed(self, data: bytes) -> None:
        # Colours and attributes change nothing read here; without them, a line's text is
        # one run.
        text = _SGR.sub("", self._held + self._decoder.decode(data))
        self._held = ""
        pos, end = 0, len(text)
        while pos < end:
            if self._state == "ground":  # the bulk of a frame: runs of text and CSI sequences
                match = _TEXT.match(text, pos)
                if match:
                    self._print(match.group())
                    pos = match.end()
                    continue
                match = _CSI.match(text, pos)
                if match:
                    self._csi(match.group(1), match.group(2))
                    pos = match.end()
                    continue
                if _PARTIAL_CSI.match(text, pos):  # a sequence cut by the read: wait for the rest
                    self._held = text[pos:]
                    return
            self._char(text[pos])
            pos += 1

    def _char(self, char: str) -> None:
        state = self._state
        if state == "ground":
            self._ground(char)
        elif state == "esc":
            self._escape(char)
        elif state == "csi":
            if "\x40" <= char <= "\x7e":
                self._state = "ground"
                self._csi(self._params, char)
            else:
                self._params += char
        elif state in ("osc", "string"):  # until BEL (OSC) or ST (ESC \)
            if char == "\x07" and state == "osc":
                self._state = "ground"
            elif char == "\x1b":
                self._state = "string_esc"
        elif state == "string_esc":
            self._state = "ground" if char == "\\" else "string"
        elif state == "charset":  # ESC ( B and friends: one more character
            self._state = "ground"

    def _print(self, run: str) -> None:
        """A run of printable characters: copied in one slice when it fits on the line."""
        x, n = self.x, len(run)
        if (self.pending_wrap or x + n > self.cols
                or not run.isascii() and not _narrow(run)):
            for char in run:
                self._put(char)
            return
        self.grid[self.y][x:x + n] = run
        self.x = x + n
        if self.x >= self.cols:
            self.x = self.cols - 1
            self.pending_wrap = True

    def _ground(self, char: str) -> None:
        if char == "\x1b":
            self._state = "esc"
        elif char == "\r":
            self.x, self.pending_wrap = 0, False
        elif char in "\n\x0b\x0c":
            self._line_feed()
        elif char == "\b":
            self.x, self.pending_wrap = max(0, self.x - 1), False
        elif char == "\t":
            self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
        elif char >= " " and char != "\x7f":
            self._put(char)

    def _put(self, char: str) -> None:
        width = char_width(char)
        if width == 0:
            return
        if self.pending_wrap:
            self.pending_wrap = False
            if self.autowrap:
                self.x = 0
                self._line_feed()
        if self.x + width > self.cols:
            if self.autowrap:
                self.x = 0
                self._line_feed()
            else:
                self.x = self.cols - width
        line = self.grid[self.y]
        line[self.x] = char
        if width == 2:
            line[self.x + 1] = ""
        self.x += width
        if self.x >= self.cols:
            self.x = self.cols - 1
            self.pending_wrap = True

    def _line_feed(self) -> None:
        if self.y == self.rows - 1:
            del self.grid[0]
            self.grid.append([" "] * self.cols)
        else:
            self.y += 1

    def _escape(self, char: str) -> None:
        self._state = "ground"
        if char == "[":
            self._state, self._params = "csi", ""
        elif char == "]":
            self._state = "osc"
        elif char in "P_^X":
            self._state = "string"
        elif char in "()*+":
            self._state = "charset"
        elif char == "7":
            self.saved = (self.x, self.y)
        elif char == "8":
            self.x, self.y = self.saved
        elif char == "D":
            self._line_feed()
        elif char == "E":
            self.x = 0
            self._line_feed()
        elif char == "M":
            self.y = max(0, self.y - 1)
        elif char == "c":
            self.__init__(self.cols, self.rows)  # type: ignore[misc]

    def _csi(self, params: str, final: str) -> None:
        if params and params[-1] in " !\"#$%&'()*+,-./":  # an intermediate: DECRQM, cursor style...
            return
        private = params[:1] in ("?", ">", "<", "=")
        body = params[1:] if private else params
        nums = [int(p.split(":")[0]) if p.split(":")[0].isdigit() else 0 for p in body.split(";")]
        first = nums[0] if nums else 0
        n = max(1, first)
        if private:
            if final in "hl" and params[0] == "?":
                on = final == "h"
                for mode in nums:
                    if mode == 7:
                        self.autowrap = on
                    elif mode == 2026:
                        self.synchronized = on
                    elif mode in (47, 1047, 1049):
                        self._erase_lines(0, self.rows)
            return
        self.pending_wrap = False
        if final in "Hf":
            row = nums[0] if nums else 0
            col = nums[1] if len(nums) > 1 else 0
            self.y = min(self.rows - 1, max(0, row - 1))
            self.x = min(self.cols - 1, max(0, col - 1))
        elif final == "A":
            self.y = max(0, self.y - n)
        elif final in "Be":
            self.y = min(self.rows - 1, self.y + n)
        elif final in "Ca":
            self.x = min(self.cols - 1, self.x + n)
        elif final == "D":
            self.x = max(0, self.x - n)
        elif final == "E":
            self.x, self.y = 0, min(self.rows - 1, self.y + n)
        elif final == "F":
            self.x, self.y = 0, max(0, self.y - n)
        elif final in "G`":
            self.x = min(self.cols - 1, n - 1)
        elif final == "d":
            self.y = min(self.rows - 1, n - 1)
        elif final == "J":
            if first == 0:
                self._erase(self.y, self.x, self.cols)
                self._erase_lines(self.y + 1, self.rows)
            elif first == 1:
                self._erase_lines(0, self.y)
                self._erase(self.y, 0, self.x + 1)
            else:
                self._erase_lines(0, self.rows)
        elif final == "K":
            start, end = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(first, (0, self.cols))
            self._erase(self.y, start, end)
        elif final == "X":
            self._erase(self.y, self.x, min(self.cols, self.x + n))
        elif final == "s":
            self.saved = (self.x, self.y)
        elif final == "u":
            self.x, self.y = self.saved
        # SGR (m), scroll regions (r) and the rest change nothing the benchmark reads.

    def _erase(self, y: int, start: int, end: int) -> None:
        self.grid[y][start:end] = [" "] * (end - start)

    def _erase_lines(self, start: int, end: int) -> None:
        for y in range(start, end):
            self.grid[y] = [" "] * self.cols


class PtyProcess:
    """A command on a pseudo-terminal of ``size``, its output fed to a :class:`Screen`."""

    def __init__(self, cmd: list[str], env: dict[str, str], size: tuple[int, int] = SIZE) -> None:
        self.master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = Screen(cols, rows)
        self.output_bytes = 0
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.closed = False

    def _read_raw(self, timeout: float) -> tuple[float, bytes] | None:
        """Wait up to ``timeout`` s for output: the time it was read and the bytes."""
        if self.closed:
            return None
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return None
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        read_at = time.perf_counter()
        if not data:
            self.closed = True
            return None
        self.output_bytes += len(data)
        return read_at, data

    def read(self, timeout: float) -> float | None:
        """Wait up to ``timeout`` s for output and feed it; the time it was read (None if none)."""
        got = self._read_raw(timeout)
        if got is None:
            return None
        self.screen.feed(got[1])
        return got[0]

    def wait_for(self, done: Callable[[Screen], bool], timeout: float) -> float | None:
        """Seconds from spawn to the read after which ``done(screen)`` held; None on timeout
        or if the process closed the terminal first. Output is drained as fast as it comes
        and fed to the screen when none is waiting, so feeding delays neither the app (a
        full terminal blocks its writes) nor the time a later read is stamped with."""
        deadline = self.start + timeout
        batch: list[tuple[float, bytes]] = []
        while (left := deadline - time.perf_counter()) > 0:
            got = self._read_raw(0.0 if batch else min(left, 0.5))
            if got is not None:
                batch.append(got)
                if len(batch) < 64:  # (an app that never pauses is still read)
                    continue
            for read_at, data in batch:
                self.screen.feed(data)
                if done(self.screen):
                    return read_at - self.start
            batch.clear()
            if got is None and (self.closed or self.proc.poll() is not None):
                return None
        return None

    def settle(self, quiet: float, timeout: float) -> None:
        """Read until nothing was written for ``quiet`` s (after some output) or ``timeout``."""
        deadline = self.start + timeout
        while time.perf_counter() < deadline and not self.closed:
            if self.read(quiet) is None and self.output_bytes and not self.screen.synchronized:
                return

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def peak_rss_kb(self) -> int:
        """The process's peak resident memory so far (VmHWM), 0 once it has gone."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return 0
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        return int(match.group(1)) if match else 0

    def close(self, grace: float = 0.0) -> int:
        """End the process (after ``grace`` s to exit by itself) and return its exit code."""
        deadline = time.perf_counter() + grace
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self.read(0.05)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait()
        os.close(self.master)
        self.closed = True
        return code
