"""Start-up to the first frame with data, timed from outside, against a minimal Textual app.

Each command runs on a pseudo-terminal of a fixed size (terminal.py); the figure is the time
from spawning it to the read after which the screen shows data, then the process is ended.
For tuiguide, "data" is a resource title from the catalogue in the list and a progress count
("12/333"); which title is learnt from a first run left to settle (its screen is saved in the
work directory), so the figure does not depend on how either build lays out its list. For the
peer (bench/minimal_app.py) it is its option and detail texts. Runs are interleaved so the
builds and the peer see the same machine load.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import Cell, Row, cell, label, pending
from terminal import PtyProcess

BENCH = Path(__file__).resolve().parent
TERM_ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
PEER_TEXTS = ("Resource title number 0", "Detail of the first resource")
COUNT = re.compile(r"\d[\d,]*/[\d,]*\d")
"""A progress count as the header and tree draw it (done/total)."""
TITLE_CHARS = 12
"""How much of a title must show: less than the narrowest title column the list draws."""
TIMEOUT = 90.0
RATIO_LIMIT = 1.3


@dataclass
class Launch:
    """A command and what its first frame with data shows."""

    cmd: list[str]
    env: dict[str, str]
    patterns: list[re.Pattern[str]]


class NoData(RuntimeError):
    """The command never showed its data (the message holds the last screen's first lines)."""


def _titles(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT title FROM resources") if row[0]]
    finally:
        conn.close()


def tuiguide_launch(build: Any, db: Path) -> Launch:
    """The launch of ``tuiguide --db db`` in ``build``, learnt from one run left to settle
    (which also compiles the build's bytecode into its cache)."""
    launch = Launch(build.tuiguide("--db", str(db)), build.env(**TERM_ENV), [])
    proc = PtyProcess(launch.cmd, launch.env)
    try:
        proc.settle(quiet=1.5, timeout=TIMEOUT)
    finally:
        proc.close()
    text = proc.screen.text()
    (build.workdir / f"settled-screen-{db.stem}.txt").write_text(text + "\n", encoding="utf-8")
    best: tuple[int, str] | None = None
    for title in _titles(db):
        prefix = title[:TITLE_CHARS]
        if len(prefix) < 8:
            continue
        at = text.find(prefix)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, prefix)
    if best is None:
        raise NoData(f"{build.name}: no resource title on the settled screen: {_head(text)}")
    launch.patterns.append(re.compile(re.escape(best[1])))
    if COUNT.search(text):
        launch.patterns.append(COUNT)
    return launch


def peer_launch(build: Any) -> Launch:
    return Launch(build.python_cmd(str(BENCH / "minimal_app.py")), build.env(**TERM_ENV),
                  [re.compile(re.escape(text)) for text in PEER_TEXTS])


def _head(text: str) -> str:
    return " | ".join(line.strip() for line in text.splitlines()[:4] if line.strip())[:300]


def first_frame(launch: Launch) -> tuple[float, int]:
    """Seconds to the first frame with data, and the process's peak RSS (kB) at that moment."""
    proc = PtyProcess(launch.cmd, launch.env)
    try:
        seconds = proc.wait_for(lambda screen: screen.shows(launch.patterns), TIMEOUT)
        rss = proc.peak_rss_kb()
    finally:
        code = proc.close()
    if seconds is None:
        wanted = ", ".join(p.pattern for p in launch.patterns)
        raise NoData(f"no frame showed {wanted} (exit {code}); screen: {_head(proc.screen.text())}")
    return seconds, rss


def measure(builds: list[Any], catalogues: dict[str, dict[int, Path]], runs: int,
            peer_build: Any) -> list[Row]:
    from builds import WorkerError, remove_catalogue

    rows: list[Row] = []
    peer = peer_launch(peer_build)
    launches: dict[tuple[str, int], Launch] = {}
    copies = []
    sizes = sorted({size for paths in catalogues.values() for size in paths})
    try:
        for size in sizes:
            for build in builds:
                if size not in catalogues.get(build.name, {}):
                    continue
                copy = build.copy(catalogues[build.name][size], "startup")  # app state stays here
                copies.append(copy)
                try:
                    launches[(build.name, size)] = launch = tuiguide_launch(build, copy)
                    first_frame(launch)  # warm: the OS file cache, the bytecode cache
                except (NoData, WorkerError) as exc:
                    rows.append(pending("startup", f"first frame ({label(size)}, {build.name})", str(exc)))
        first_frame(peer)
        peer_samples: list[float] = []
        ours: dict[tuple[str, int], list[float]] = {}
        for _ in range(runs):
            for key, launch in list(launches.items()):
                try:
                    ours.setdefault(key, []).append(first_frame(launch)[0])
                except NoData as exc:
                    rows.append(pending("startup", f"first frame ({label(key[1])}, {key[0]})", str(exc)))
                    del launches[key]
                peer_samples.append(first_frame(peer)[0])
    finally:
        for copy in copies:
            remove_catalogue(copy)
    if not peer_samples:
        return rows
    peer_cell = cell(peer_samples)
    rows.append(Row("startup", "peer: minimal Textual app", "s", peer=peer_cell,
                    note="bench/minimal_app.py (a Tree, an OptionList, a Static); one run after "
                         "each tuiguide run"))
    for size in sizes:
        cells: dict[str, Cell] = {b.name: cell(ours[(b.name, size)], peer=peer_cell)
                                  for b in builds if ours.get((b.name, size))}
        if not cells:
            continue
        row = Row("startup", f"first frame with data ({label(size)})", "s", peer=peer_cell,
                  cells=cells, size=size, note="spawn to the frame that shows a title and a count")
        if size >= 50_000:
            row.target = f"<= {RATIO_LIMIT}x the peer at 50k"
            after = cells.get("after")
            row.passed = None if after is None or after.ratio is None else after.ratio <= RATIO_LIMIT
        rows.append(row)
    return rows
