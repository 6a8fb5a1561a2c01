"""Peak resident memory of the app: at its first frame with data, and over a short session.

Read from the app's own ``VmHWM`` (its high-water mark) on a pseudo-terminal, in each build:
once when the first frame with data is on screen (start-up's criterion, startup.py), and in a
scripted session (browse All items, jump to its end, switch tiers, type a search, quit) just
before the quit key.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from common import Row, cell, label, pending
from startup import TIMEOUT, NoData, first_frame, tuiguide_launch
from terminal import PtyProcess

SESSION: list[tuple[float, bytes]] = [
    # (pause before, keys): tree, All items, enter, end of list, tier 2, all tiers, a search.
    (0.5, b"h"), (0.3, b"\x1b[B"), (0.3, b"\r"), (0.5, b"G"), (0.5, b"2"), (0.5, b"0"),
    (0.3, b"/"), (0.2, b"k"), (0.2, b"v"), (0.5, b"\x1b"), (0.5, b""),
]
QUIT = b"\x11"  # ctrl+q
LIMIT_MB = 150.0


def session_peak_kb(launch: Any) -> tuple[int, int]:
    """Peak RSS (kB) over the scripted session, and the app's exit code after ctrl+q."""
    proc = PtyProcess(launch.cmd, launch.env)
    try:
        if proc.wait_for(lambda screen: screen.shows(launch.patterns), TIMEOUT) is None:
            raise NoData("the session's first frame never showed data")
        for pause, keys in SESSION:
            deadline = time.perf_counter() + pause
            while (left := deadline - time.perf_counter()) > 0:
                proc.read(left)
            if keys:
                proc.type(keys)
        peak = proc.peak_rss_kb()
        proc.type(QUIT)
    finally:
        code = proc.close(grace=10.0)
    return peak, code


def measure(builds: list[Any], catalogues: dict[str, dict[int, Path]], runs: int) -> list[Row]:
    from builds import WorkerError, remove_catalogue

    rows: list[Row] = []
    sizes = sorted({size for paths in catalogues.values() for size in paths})
    for size in sizes:
        peaks: dict[str, list[float]] = {}
        notes = []
        for build in builds:
            db = catalogues.get(build.name, {}).get(size)
            if db is None:
                continue
            copy = build.copy(db, "memory")  # the session saves its state on quit
            try:
                launch = tuiguide_launch(build, copy)
                first = [first_frame(launch)[1] for _ in range(max(1, runs // 2))]
                session, code = session_peak_kb(launch)
            except (NoData, WorkerError) as exc:
                rows.append(pending("rss", f"peak RSS ({label(size)}, {build.name})", str(exc)))
                continue
            finally:
                remove_catalogue(copy)
            peaks[build.name] = [max(session, *first) / 1024]
            notes.append(f"{build.name}: first frame {max(first) / 1024:.0f} MB, session "
                         f"{session / 1024:.0f} MB (exit {code})")
        if not peaks:
            continue
        cells = {b: cell(v) for b, v in peaks.items()}
        after = cells.get("after")
        row = Row("rss", f"peak RSS ({label(size)})", "MB", cells=cells, size=size,
                  note="; ".join(notes))
        if size >= 50_000:
            row.target = f"<= {LIMIT_MB:.0f} MB at 50k"
            row.passed = None if after is None else after.median <= LIMIT_MB
        rows.append(row)
    return rows
