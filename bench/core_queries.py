"""Time the catalogue queries the TUI makes, on one catalogue file (median and p95 in ms).

    python bench/core_queries.py /tmp/cat-50k.db [--runs 7] [--plans]

Every figure is the wall time of one call through the real core API. ``--plans`` prints
SQLite's EXPLAIN QUERY PLAN for the SQL behind each call, to spot a full scan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    from tuiguide.core.store.catalogue import Catalogue
except ImportError:  # pragma: no cover - run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tuiguide.core.store.catalogue import Catalogue


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def core_calls(cat: Catalogue) -> list[tuple[str, Callable[[], Any]]]:
    """(name, call) for each query the browsing screen makes, at realistic arguments."""
    guide = cat.guides()[0]
    topics = cat.topics(guide.id)
    big = max(topics, key=lambda t: t.counts().all)
    total = cat.count_items()
    deep = max(0, total - 60)
    some_id = cat.conn.execute("SELECT id FROM resources ORDER BY id DESC LIMIT 1").fetchone()[0]
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("guides()", cat.guides),
        ("topics() all guides", cat.topics),
        ("topics(guide)", lambda: cat.topics(guide.id)),
        ("guide_counts()", cat.guide_counts),
        ("guide_counts(guide, tier 2)", lambda: cat.guide_counts(guide.id, 2)),
        ("tier_counts()", cat.tier_counts),
        ("tier_counts(topic)", lambda: cat.tier_counts(guide.id, big.id)),
        ("count_items()", cat.count_items),
        ("count_items(topic, tier 2)", lambda: cat.count_items(guide.id, big.id, 2)),
        ("count_items(status todo)", lambda: cat.count_items(status="todo")),
        ("items() first page", lambda: cat.items(limit=60)),
        (f"items() offset {deep}", lambda: cat.items(limit=60, offset=deep)),
        ("items(topic, tier 2) page", lambda: cat.items(guide.id, big.id, 2, limit=60)),
        ("items(tier 2) deep page", lambda: cat.items(tier=2, limit=60, offset=deep // 2)),
        ("item(id)", lambda: cat.item(some_id)),
        ("placements_of(id)", lambda: cat.placements_of(some_id)),
    ]
    try:
        from tuiguide.core.study import upnext as study
    except ImportError:  # pragma: no cover - study helper not there
        study = None
    if study is not None and hasattr(study, "up_next"):
        calls += [
            ("study.up_next() first page", lambda: study.up_next(cat, limit=60)),
            ("study.up_next() deep page", lambda: study.up_next(cat, limit=60, offset=deep // 2)),
            ("study.up_next_count()", lambda: study.up_next_count(cat)),
        ]
        if hasattr(study, "up_next_tier_counts"):
            calls.append(("study.up_next_tier_counts()", lambda: study.up_next_tier_counts(cat)))
    return calls


def measure(path: Path, runs: int = 7) -> list[dict[str, Any]]:
    cat = Catalogue.open(path, seed=False)
    try:
        rows = []
        for name, call in core_calls(cat):
            call()  # warm the page cache like a running app
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                call()
                times.append((time.perf_counter() - t) * 1000)
            rows.append({"query": name, "median_ms": statistics.median(times),
                         "p95_ms": percentile(times, 0.95)})
        return rows
    finally:
        cat.close()


def print_plans(path: Path) -> None:
    """EXPLAIN QUERY PLAN of every statement the core calls run (traced)."""
    cat = Catalogue.open(path, seed=False)
    seen: list[str] = []
    cat.conn.set_trace_callback(seen.append)
    for _, call in core_calls(cat):
        call()
    cat.conn.set_trace_callback(None)
    for sql in dict.fromkeys(s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))):
        try:
            plan = cat.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        except Exception as exc:  # a traced statement with its values inlined may not re-run
            plan = [(0, 0, 0, f"(not re-run: {exc})")]
        print(" ".join(sql.split())[:160])
        for row in plan:
            print("   ", row[-1])
    cat.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args(argv)
    if args.plans:
        print_plans(args.db)
        return 0
    for row in measure(args.db, args.runs):
        print(f"{row['query']:34} median {row['median_ms']:7.2f} ms   p95 {row['p95_ms']:7.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
