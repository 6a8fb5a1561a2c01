"""tuiguide's benchmark: one table of figures, today's build against another one, with peers.

    python bench/run.py                                # today's build, every figure, 5 runs
    python bench/run.py --before-python /work/before/.venv/bin/python   # and the release before
    python bench/run.py --only startup,keys --sizes 337,5000 --runs 2   # a quick check
    python bench/run.py --json                         # JSON instead of the table
    python bench/run.py --markdown table.md            # also write the table as markdown

Run it with the interpreter of the build to measure as "after" (the project's virtualenv).
Figures, one module each, every one measured for each build in the same batch:

- rss (memory.py): peak resident memory of the app, first frame and a short session;
- startup (startup.py): spawn to the first frame with data on a pseudo-terminal, against a
  minimal Textual app (bench/minimal_app.py);
- keys (keys.py): CPU time of a key through Textual's Pilot, against Textual's OptionList;
- search (search_typing.py): one keystroke of search as you type;
- import (guide_import.py): a 50k-resource guide into an empty catalogue;
- refresh (feed_refresh.py): 50 feeds x 50 entries, fresh and all-304, against newsboat;
- cli (cli_list.py): ``list --tier 1`` through a pipe against ``topics``; ``list --json``'s
  peak memory;
- suggest (accuracy.py): the topic suggester's leave-one-out accuracy.

Catalogues of each size are built once per build in --workdir (builds.py) and reused. A
measure that cannot be taken gives a row that says why ("pending: ...").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import accuracy  # noqa: E402
import cli_list  # noqa: E402
import feed_refresh  # noqa: E402
import guide_import  # noqa: E402
import keys  # noqa: E402
import memory  # noqa: E402
import report  # noqa: E402
import search_typing  # noqa: E402
import startup  # noqa: E402
from builds import Build, WorkerError, make_builds  # noqa: E402
from common import Row, pending  # noqa: E402

SIZES = (337, 5000, 50_000)
FIGURES = ("rss", "startup", "keys", "search", "import", "refresh", "cli", "suggest")
NEEDS_CATALOGUES = {"rss", "startup", "keys", "search", "cli"}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_catalogues(builds: list[Build], sizes: list[int]) -> tuple[dict[str, dict[int, Path]], list[Row]]:
    catalogues: dict[str, dict[int, Path]] = {b.name: {} for b in builds}
    rows = []
    for size in sizes:
        for build in builds:
            progress(f"catalogue of {size} resources ({build.name})...")
            try:
                catalogues[build.name][size] = build.catalogue(size)
            except WorkerError as exc:
                rows.append(pending("catalogue", f"catalogue of {size} ({build.name})", str(exc)))
    return catalogues, rows


def steps(only: set[str], builds: list[Build], catalogues: dict[str, dict[int, Path]], runs: int,
          workdir: Path) -> list[tuple[str, Callable[[], list[Row]]]]:
    """The figures asked for, in FIGURES order; memory first, while nothing else has run."""
    after = builds[-1]
    every: dict[str, Callable[[], list[Row]]] = {
        "rss": lambda: memory.measure(builds, catalogues, runs),
        "startup": lambda: startup.measure(builds, catalogues, runs, after),
        "keys": lambda: keys.measure(builds, catalogues, runs, after),
        "search": lambda: search_typing.measure(builds, catalogues, runs),
        "import": lambda: guide_import.measure(builds, runs, workdir),
        "refresh": lambda: feed_refresh.measure(builds, runs),
        "cli": lambda: cli_list.measure(builds, catalogues, runs),
        "suggest": lambda: accuracy.measure(builds),
    }
    return [(name, every[name]) for name in FIGURES if name in only]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (>= 5 for the table)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--only", default=",".join(FIGURES), help=f"subset of {','.join(FIGURES)}")
    parser.add_argument("--before-python", type=Path,
                        help="interpreter of another installation to measure as 'before'")
    parser.add_argument("--before-checkout", type=Path,
                        help="that build's checkout (for its bench/make_catalogue.py; default: "
                             "the directory holding its virtualenv)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "tuiguide-bench")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--markdown", type=Path, help="also write the table as markdown here")
    args = parser.parse_args(argv)
    only = {f.strip() for f in args.only.split(",") if f.strip()}
    unknown = only - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    if args.before_python is not None and not args.before_python.exists():
        parser.error(f"--before-python {args.before_python}: no such file")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    builds = make_builds(args.workdir.resolve(), args.before_python, args.before_checkout)
    info = report.machine(builds)
    rows: list[Row] = []
    catalogues: dict[str, dict[int, Path]] = {}
    if only & NEEDS_CATALOGUES:
        catalogues, rows = build_catalogues(builds, sizes)
    for name, step in steps(only, builds, catalogues, args.runs, args.workdir.resolve()):
        progress(f"measuring {name}...")
        try:
            rows += step()
        except Exception as exc:  # one figure's failure must not lose the others
            rows.append(pending(name, name, f"{type(exc).__name__}: {exc}"))
    if args.json:
        print(json.dumps({"machine": info, "rows": [r.as_json() for r in rows]}, indent=2))
    else:
        report.print_table(rows, info)
    if args.markdown:
        args.markdown.write_text(report.markdown(rows, info), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
