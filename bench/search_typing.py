"""Search as you type: the latency of one keystroke, through each build's search function.

Realistic queries are typed one character at a time; each keystroke runs the search the app
runs (``as_you_type``: the last word is a prefix) and builds what a 40-row list draws of the
hits (title and snippet). Measured in each build's interpreter (bench/worker.py).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from common import Row, cell, label, pending

QUERIES = [
    "speculative decoding",
    "kv cache tier:2",
    "flash attention",
    "quantization awq",
    "paged attention vllm",
    "c++ kernel",
    "status:todo triton",
    "topic:quant int4",
]
LIMIT_MS = 30.0


def _draw(hit: Any) -> None:
    """What a list row needs of a hit: its highlighted title and snippet."""
    for name in ("title", "snippet"):
        part = getattr(hit, name, None)
        if callable(part):
            try:
                part(limit=200)
            except TypeError:
                part()


def keystroke_times(db: Path, runs: int) -> list[float]:
    """Milliseconds of each keystroke of every query, ``runs`` times over (in the build)."""
    import layout

    catalogue = layout.open_catalogue(db)
    search = layout.find("search")
    samples: list[float] = []
    try:
        for _ in range(runs):
            for query in QUERIES:
                for end in range(1, len(query) + 1):
                    start = time.perf_counter()
                    results = search(catalogue, query[:end], limit=50, as_you_type=True)
                    for hit in results.hits[:40]:
                        _draw(hit)
                    samples.append((time.perf_counter() - start) * 1000)
    finally:
        catalogue.close()
    return samples


def measure(builds: list[Any], catalogues: dict[str, dict[int, Path]], runs: int) -> list[Row]:
    from builds import WorkerError

    rows: list[Row] = []
    sizes = sorted({size for paths in catalogues.values() for size in paths})
    for size in sizes:
        samples: dict[str, list[float]] = {}
        failed: set[str] = set()
        for _ in range(runs):  # interleaved: one pass of every query per build in turn
            for build in builds:
                db = catalogues.get(build.name, {}).get(size)
                if db is None or build.name in failed:
                    continue
                try:
                    samples.setdefault(build.name, []).extend(build.worker("search", db=str(db), runs=1))
                except WorkerError as exc:
                    failed.add(build.name)
                    rows.append(pending("search", f"keystroke ({label(size)}, {build.name})", str(exc)))
        if not samples:
            continue
        cells = {b: cell(v, p95=True) for b, v in samples.items()}
        after = cells.get("after")
        rows.append(Row("search", f"keystroke ({label(size)})", "ms", cells=cells, size=size,
                        target=f"p95 <= {LIMIT_MS:.0f} ms",
                        passed=None if after is None or after.p95 is None else after.p95 <= LIMIT_MS,
                        note=f"{len(QUERIES)} queries typed a character at a time"))
    return rows
