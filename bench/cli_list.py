"""The CLI at scale (issue 12): ``tuiguide list --tier 1`` through a pipe, against ``tuiguide
topics`` on the same catalogue, and the peak memory of ``tuiguide list --json``.

Each command is the installed ``tuiguide`` of a build, its output read from a pipe as a shell
pipeline would (``| wc -l``); the list and its peer alternate, build by build, after one
uncounted run of each. Peak memory comes from GNU time around the command alone.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

from common import Row, cell, label, pending

GNU_TIME = "/usr/bin/time"
RATIO_LIMIT = 3.0
RSS_GROWTH_LIMIT = 1.25
"""``list --json`` at the largest size may use at most this times its peak at the next size
down (10x fewer rows in a full batch; both synthetic catalogues, so the fixed cost of opening
one is the same)."""


def _piped(build: Any, args: list[str]) -> tuple[float, int]:
    """Wall seconds of the command with stdout to a pipe we drain, and the lines it printed."""
    cmd = build.tuiguide(*args)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=build.env())
    assert proc.stdout is not None
    lines = 0
    while chunk := proc.stdout.read(1 << 16):
        lines += chunk.count(b"\n")
    err = proc.stderr.read() if proc.stderr else b""
    code = proc.wait()
    seconds = time.perf_counter() - start
    if code != 0:
        from builds import WorkerError

        text = err.decode("utf-8", "replace").strip().splitlines()
        raise WorkerError(f"{build.name}: {' '.join(args[2:])}: {text[-1] if text else f'exit {code}'}")
    return seconds, lines


def _peak_rss_mb(build: Any, args: list[str]) -> float:
    """Peak RSS of the command alone, via GNU time (a tiny parent: a child forked from this
    process could report our size, since Linux keeps the high-water mark across exec)."""
    out = build.workdir / "maxrss.txt"
    out.unlink(missing_ok=True)
    with open(os.devnull, "wb") as sink:
        subprocess.run([GNU_TIME, "-f", "%M", "-o", str(out), *build.tuiguide(*args)],
                       stdout=sink, stderr=subprocess.DEVNULL, env=build.env(), check=False)
    text = out.read_text().strip().splitlines() if out.exists() else []
    return int(text[-1]) / 1024 if text and text[-1].isdigit() else 0.0


def measure(builds: list[Any], catalogues: dict[str, dict[int, Path]], runs: int) -> list[Row]:
    from builds import WorkerError

    rows: list[Row] = []
    sizes = sorted({size for paths in catalogues.values() for size in paths})
    rss: dict[str, dict[int, float]] = {}
    for size in sizes:
        listed: dict[str, list[float]] = {}
        topics: dict[str, list[float]] = {}
        printed: dict[str, int] = {}
        for run in range(runs + 1):  # run 0: the uncounted warm-up
            for build in builds:
                db = catalogues.get(build.name, {}).get(size)
                if db is None or build.name in printed and printed[build.name] < 0:
                    continue
                try:
                    seconds, lines = _piped(build, ["--db", str(db), "list", "--tier", "1"])
                    peer, _ = _piped(build, ["--db", str(db), "topics"])
                except WorkerError as exc:
                    rows.append(pending("cli", f"list --tier 1 ({label(size)}, {build.name})", str(exc)))
                    printed[build.name] = -1
                    continue
                printed[build.name] = lines
                if run:
                    listed.setdefault(build.name, []).append(seconds)
                    topics.setdefault(build.name, []).append(peer)
        for build in builds:
            db = catalogues.get(build.name, {}).get(size)
            if db is not None and os.access(GNU_TIME, os.X_OK):
                rss.setdefault(build.name, {})[size] = max(
                    _peak_rss_mb(build, ["--db", str(db), "list", "--json"]) for _ in range(2))
        if not listed:
            continue
        peers = {b: cell(v) for b, v in topics.items()}
        rows.append(Row("cli", f"tuiguide topics ({label(size)})", "s", cells=peers, size=size,
                        note="the peer of the row below, same catalogue and build"))
        cells = {b: cell(v, peer=peers[b]) for b, v in listed.items()}
        after = cells.get("after")
        row = Row("cli", f"list --tier 1 through a pipe ({label(size)})", "s", cells=cells,
                  size=size, note="ratio: to topics; lines printed: " + ", ".join(
                      f"{b} {n:,}" for b, n in printed.items() if n >= 0))
        if size == max(sizes) and size >= 50_000:
            row.target = f"<= {RATIO_LIMIT:.0f}x topics at 50k"
            row.passed = None if after is None or after.ratio is None else after.ratio <= RATIO_LIMIT
        rows.append(row)
    if not os.access(GNU_TIME, os.X_OK):
        rows.append(pending("cli", "peak RSS of list --json", f"{GNU_TIME} (GNU time) is not installed"))
        return rows
    reference = sizes[-2] if len(sizes) > 1 else (sizes[0] if sizes else 0)
    for size in sizes:
        cells = {b: cell([v[size]]) for b, v in rss.items() if size in v}
        if not cells:
            continue
        row = Row("cli", f"peak RSS of list --json ({label(size)})", "MB", cells=cells, size=size,
                  note=f"all resources as JSON to /dev/null; ratio: to the same build at {label(reference)}")
        for b, c in cells.items():
            base = rss[b].get(reference)
            c.ratio = c.median / base if base else None
        if size == max(sizes) and size > reference:
            row.target = f"<= {RSS_GROWTH_LIMIT}x the {label(reference)} peak"
            after = cells.get("after")
            row.passed = None if after is None or after.ratio is None else after.ratio <= RSS_GROWTH_LIMIT
        rows.append(row)
    return rows
