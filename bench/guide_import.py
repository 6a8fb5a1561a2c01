"""Importing a 50k-resource guide into an empty catalogue, in each build, on the same file.

The guide is written once by bench/make_catalogue.py (today's build); each run imports it
into a new catalogue through the build's ``Catalogue.import_file`` in its own interpreter
(bench/worker.py). Builds alternate run by run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from common import Row, cell, label, pending

SIZE = 50_000


def import_once(guide: Path, db: Path) -> dict[str, Any]:
    """Wall and CPU seconds of one import (in the build)."""
    import layout

    catalogue = layout.open_catalogue(db)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        report = catalogue.import_file(guide)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        catalogue.close()
    return {"wall": wall, "cpu": cpu, "resources": report.resources}


def measure(builds: list[Any], runs: int, workdir: Path, size: int = SIZE) -> list[Row]:
    from builds import WorkerError, remove_catalogue

    name = f"import a {label(size)}-resource guide (wall)"
    after = next(b for b in builds if b.name == "after")
    guide = workdir / f"guide-{size}.md"
    if not guide.exists():
        after.worker("guide-markdown", size=size, path=str(guide))
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    rows: list[Row] = []
    for _ in range(runs):
        for build in builds:
            if build.name in walls and not walls[build.name]:
                continue  # failed before
            db = build.workdir / "import.db"
            remove_catalogue(db)
            try:
                result = build.worker("import", guide=str(guide), db=str(db))
            except WorkerError as exc:
                rows.append(pending("import", f"{name}, {build.name}", str(exc)))
                walls[build.name] = []
                continue
            finally:
                remove_catalogue(db)
            if result["resources"] != size:
                rows.append(pending("import", f"{name}, {build.name}",
                                    f"imported {result['resources']} resources, not {size}"))
                walls[build.name] = []
                continue
            walls.setdefault(build.name, []).append(result["wall"])
            cpus.setdefault(build.name, []).append(result["cpu"])
    walls = {b: v for b, v in walls.items() if v}
    if not walls:
        return rows
    before = cell(walls["before"]) if "before" in walls else None
    cells = {b: cell(v, peer=before if b == "after" else None) for b, v in walls.items()}
    row = Row("import", name, "s", cells=cells, size=size, target="after <= before",
              note="after's ratio is to before; CPU medians " + ", ".join(
                  f"{b} {statistics.median(v):.2f} s" for b, v in cpus.items()))
    if before is not None and "after" in cells:
        row.passed = cells["after"].median <= before.median
    rows.append(row)
    return rows
