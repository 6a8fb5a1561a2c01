"""Fixtures for the CLI tests: the installed ``tuiguide`` command, run as a user's shell would
run it (through a pipe, or on a pseudo-terminal)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

TUIGUIDE = Path(sys.executable).parent / "tuiguide"


@pytest.fixture
def tuiguide() -> Path:
    """The console script pip installed (the entry point in pyproject.toml)."""
    assert TUIGUIDE.exists(), f"{TUIGUIDE}: install the project (pip install -e .)"
    return TUIGUIDE


AtTerminal = Callable[..., tuple[int, str]]


@pytest.fixture
def at_terminal(tuiguide: Path) -> AtTerminal:
    """Run ``tuiguide ARGS`` with stdin, stdout and stderr on a pseudo-terminal; returns the
    exit status and everything written to the terminal. ``keys`` are typed once ``wait_for``
    has appeared on the screen (to quit the app)."""

    def run(args: Sequence[str], *, env: dict[str, str] | None = None, columns: int = 100,
            wait_for: str | None = None, keys: bytes = b"", timeout: float = 60) -> tuple[int, str]:
        master, slave = os.openpty()
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns),
                    "LINES": "30", "NO_COLOR": "1", **(env or {})}
        proc = subprocess.Popen([str(tuiguide), *args], stdin=slave, stdout=slave, stderr=slave,
                                env=full_env, close_fds=True)
        os.close(slave)
        output = b""
        typed = not keys
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # EIO: the child side closed
                        break
                    if not chunk:
                        break
                    output += chunk
                    if not typed and wait_for is not None and wait_for.encode() in output:
                        os.write(master, keys)
                        typed = True
                elif proc.poll() is not None:
                    break
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
        return code, output.decode("utf-8", "replace")

    return run
