"""Per-key latency: CPU time to handle a key and repaint, tuiguide against Textual's OptionList.

The sessions run in bench/worker.py, in each build's interpreter, through Textual's Pilot at
the start-up terminal's size; the parent (``measure``) interleaves them and makes the rows.
Only public Textual API finds its way around the app (a ``Tree`` is the topic tree, the
focused widget that is not one is the list), so both module layouts are driven alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import Cell, Row, cell, label, pending
from terminal import SIZE

KEY_PLAN: list[tuple[str, str, list[str], int]] = [
    # (row name, focus, keys cycled, presses). An unbound key first: the Pilot's own cost,
    # subtracted from every other row. At least 30 presses a row, so the p95 is not simply the
    # slowest press. The list moves 60 rows down and back, past the screen's edge, as a reader
    # does: about half of those presses scroll the list by a line.
    ("harness (unbound key)", "list", ["f12"], 20),
    ("list down", "list", ["down"], 60),
    ("list up", "list", ["up"], 60),
    ("page down", "list", ["pagedown"], 40),
    ("topic change", "tree", ["down"] * 6 + ["up"] * 6, 36),
    ("tier change", "any", ["1", "2", "3", "0"], 32),
    ("status toggle", "list", ["space"], 30),
]
PEER_OPTIONS = 5_000
"""The peer: bench/minimal_app.py (the start-up peer) with 5,000 options, focused on its
OptionList: what Textual itself charges to move through a list, with no detail pane and no
database."""
PEER_ROWS = ("list down", "list up", "page down")
ABSOLUTE = {"topic change": 50.0, "tier change": 50.0}
"""p95 targets in ms (issue 11)."""


# ---------------------------------------------------------------------------- in the build
@contextmanager
def frames_encoded() -> Iterator[None]:
    """Make the headless app turn each frame into terminal output, as it does on a terminal
    (headless, Textual skips that step and a key would look cheaper than it is)."""
    from textual.drivers.headless_driver import HeadlessDriver

    saved = HeadlessDriver.__dict__["is_headless"]
    HeadlessDriver.is_headless = property(lambda self: False)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        HeadlessDriver.is_headless = saved  # type: ignore[method-assign]


async def press_times(pilot: Any, keys: list[str], presses: int) -> list[float]:
    """CPU milliseconds (all threads) of each press (``keys`` cycled), until the app is idle."""
    samples = []
    for n in range(presses):
        start = time.process_time()
        await pilot.press(keys[n % len(keys)])
        await pilot.pause()
        samples.append((time.process_time() - start) * 1000)
    return samples


def _is_tree(widget: Any) -> bool:
    from textual.widgets import Tree

    return isinstance(widget, Tree)


async def _wait_ready(app: Any, pilot: Any, timeout: float = 60.0) -> None:
    """Until the app shows data: the browse screen's ``is_ready`` where the build has one,
    else a topic tree with nodes and a focused widget (workers may run for as long as the app
    does, so they are not waited for; the caller's pause lets a first page arrive)."""
    from textual.widgets import Tree

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        ready = getattr(app.screen, "is_ready", None)
        if ready is True:
            return
        if ready is None:
            trees = list(app.screen.query(Tree))
            if trees and trees[0].root.children and app.focused is not None:
                return
    raise RuntimeError(f"the app showed no data within {timeout:.0f} s")


async def _focus(pilot: Any, focus: str) -> None:
    app = pilot.app
    if focus == "tree":
        for _ in range(3):
            if _is_tree(app.focused):
                return
            await pilot.press("h")
            await pilot.pause()
        raise RuntimeError("'h' did not focus the topic tree")
    if focus == "list" and _is_tree(app.focused):
        await pilot.press("enter")
        await pilot.pause()
        if _is_tree(app.focused):
            raise RuntimeError("'enter' on the tree did not focus the list")


async def _open_all_items(pilot: Any) -> None:
    """The largest list: all tiers, focus the tree, move to "All items" (from the top: a saved
    state may have left the cursor anywhere), enter it."""
    await pilot.press("0")
    await _focus(pilot, "tree")
    tree = pilot.app.focused
    for _ in range(500):
        if tree.cursor_line <= 0:
            break
        await pilot.press("up")
    for _ in range(12):
        await pilot.pause()
        node = tree.cursor_node
        if node is not None and "All items" in str(node.label):
            await pilot.press("enter")
            await pilot.pause()
            return
        await pilot.press("down")
    raise RuntimeError("no 'All items' node near the top of the topic tree")


async def tuiguide_session(db: Path) -> dict[str, list[float]]:
    """The key plan on the build's own app over ``db`` (a private copy: status keys write)."""
    import layout

    app = layout.find("make_app")(db)
    out: dict[str, list[float]] = {}
    with frames_encoded():
        async with app.run_test(size=SIZE) as pilot:
            await _wait_ready(app, pilot)
            # A user reads the first screen before the first key; what the app loads in the
            # background meanwhile is not billed to a key.
            await pilot.pause(1.0)
            await _open_all_items(pilot)
            for name, focus, keys, presses in KEY_PLAN:
                await _focus(pilot, focus)
                out[name] = await press_times(pilot, keys, presses)
            await pilot.press("ctrl+q")
    return out


async def peer_session() -> dict[str, list[float]]:
    from minimal_app import MinimalApp
    from textual.widgets import OptionList

    app = MinimalApp(options=PEER_OPTIONS)
    out: dict[str, list[float]] = {}
    with frames_encoded():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(1.0)
            app.query_one(OptionList).focus()
            await pilot.pause()
            for name, _, keys, presses in KEY_PLAN:
                if name == KEY_PLAN[0][0] or name in PEER_ROWS:
                    out[name] = await press_times(pilot, keys, presses)
            await pilot.press("ctrl+q")
    return out


def run_session(db: str | None) -> dict[str, list[float]]:
    return asyncio.run(peer_session() if db is None else tuiguide_session(Path(db)))


# ---------------------------------------------------------------------------- in the parent
def _net(samples: dict[str, list[float]]) -> tuple[dict[str, list[float]], float]:
    """Samples less the median of the unbound key (the Pilot's own cost)."""
    import statistics

    base = statistics.median(samples[KEY_PLAN[0][0]])
    return {k: [max(0.0, v - base) for v in vs] for k, vs in samples.items()}, base


def _merge(into: dict[str, list[float]], more: dict[str, list[float]]) -> None:
    for name, values in more.items():
        into.setdefault(name, []).extend(values)


def measure(builds: list[Any], catalogues: dict[str, dict[int, Path]], runs: int,
            peer_build: Any) -> list[Row]:
    """Sessions interleaved: the peer, then each size in each build, ``runs // 5`` times."""
    from builds import WorkerError, remove_catalogue

    peer_raw: dict[str, list[float]] = {}
    raw: dict[tuple[str, int], dict[str, list[float]]] = {}
    failed: dict[tuple[str, int], str] = {}
    sizes = sorted({size for paths in catalogues.values() for size in paths})
    rows: list[Row] = []
    for _ in range(max(1, runs // 5)):
        try:
            _merge(peer_raw, peer_build.worker("keys", db=None))
        except WorkerError as exc:
            rows.append(pending("keys", "peer: Textual OptionList", str(exc)))
        for size in sizes:
            for build in builds:
                key = (build.name, size)
                if key in failed or size not in catalogues.get(build.name, {}):
                    continue
                copy = build.copy(catalogues[build.name][size], "keys")
                try:
                    samples = build.worker("keys", db=str(copy))
                    _merge(raw.setdefault(key, {}), samples)
                except WorkerError as exc:
                    failed[key] = str(exc)
                finally:
                    remove_catalogue(copy)
    peer: dict[str, Cell] = {}
    if peer_raw:
        net, base = _net(peer_raw)
        for name in PEER_ROWS:
            peer[name] = cell(net[name], p95=True)
            rows.append(Row("keys", f"peer: Textual OptionList, {name}", "ms", peer=peer[name],
                            note=f"{PEER_OPTIONS:,} options, no detail pane; CPU, minus "
                                 f"{base:.1f} ms Pilot overhead"))
    for size in sizes:
        rows += [pending("keys", f"per-key latency ({label(size)}, {b})", why)
                 for (b, s), why in failed.items() if s == size]
        nets = {b: _net(raw[(b, size)]) for b in (x.name for x in builds) if (b, size) in raw}
        if not nets:
            continue
        for name, _, _, _ in KEY_PLAN[1:]:
            peer_cell = peer.get(name)
            cells = {b: cell(net[name], p95=True, peer=peer_cell) for b, (net, _) in nets.items()}
            row = Row("keys", f"{name} ({label(size)})", "ms", peer=peer_cell, cells=cells,
                      size=size, note="CPU, minus Pilot overhead " + ", ".join(
                          f"{b} {base:.1f} ms" for b, (_, base) in nets.items()))
            after = cells.get("after")
            if name in ABSOLUTE:
                row.target = f"p95 <= {ABSOLUTE[name]:.0f} ms"
                row.passed = None if after is None else after.p95 is not None and after.p95 <= ABSOLUTE[name]
            elif peer_cell is not None and size >= 5000:
                row.target = "median and p95 <= the peer's"
                row.passed = None if after is None else (
                    after.median <= peer_cell.median and (after.p95 or 0) <= (peer_cell.p95 or 0))
            rows.append(row)
    return rows
