"""The topic suggester's leave-one-out accuracy on the bundled guide, in each build.

Each build scores its own suggester (and the plain TF-IDF baseline it reports alongside)
with its ``evaluate_bundled``; bench/suggester.py prints the same for one build.
"""

from __future__ import annotations

from typing import Any

from common import Row, cell, pending


def measure(builds: list[Any]) -> list[Row]:
    from builds import WorkerError

    scores: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    rows: list[Row] = []
    order: list[str] = []
    for build in builds:
        try:
            result = build.worker("suggest", timeout=1800)
        except WorkerError as exc:
            rows.append(pending("suggest", f"suggester accuracy ({build.name})", str(exc)))
            continue
        for score in result:
            for k in ("top1", "top3"):
                name = f"{score['method']} {k.replace('top', 'top-')}"
                if name not in order:
                    order.append(name)
                scores.setdefault(name, {})[build.name] = 100 * score[k]
                counts[build.name] = score["n"]
    for name in order:
        cells = {b: cell([v]) for b, v in scores[name].items()}
        rows.append(Row("suggest", name, "%", cells=cells, size=337,
                        note="leave-one-out over " + ", ".join(f"{b} {n}" for b, n in counts.items())
                             + " resources"))
    return rows
