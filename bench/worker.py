"""Run one in-process measurement inside a build's own interpreter and write its result as JSON.

    python bench/worker.py TASK ARGS_JSON OUT_FILE

bench/run.py starts this with each build's python (see builds.py), so the release before the
restructure and today's code are measured by the same code, each importing its own
``tuiguide`` (layout.py finds the modules of either layout). Only the standard library, the
build's own packages and bench modules are imported here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
try:
    import tuiguide  # noqa: F401
except ImportError:  # pragma: no cover - a checkout without the package installed
    sys.path.insert(0, str(BENCH.parent / "src"))


def info() -> dict[str, Any]:
    import platform
    import sqlite3

    import layout
    import textual

    import tuiguide

    return {
        "layout": layout.layout_name(),
        "schema": layout.schema_mark(),
        "tuiguide": getattr(tuiguide, "__version__", "?"),
        "package": str(Path(tuiguide.__file__).parent),
        "textual": getattr(textual, "__version__", "?"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def keys(db: str | None) -> Any:
    import keys as key_figures

    return key_figures.run_session(db)


def search(db: str, runs: int) -> Any:
    import search_typing

    return search_typing.keystroke_times(Path(db), runs)


def import_guide(guide: str, db: str) -> Any:
    import guide_import

    return guide_import.import_once(Path(guide), Path(db))


def guide_markdown(size: int, path: str) -> Any:
    import make_catalogue

    Path(path).write_text(make_catalogue.guide_markdown(size, seed=1), encoding="utf-8")
    return {"path": path}


def refresh(db: str, warm_db: str) -> Any:
    import feed_refresh

    return feed_refresh.refresh_twice(Path(db), Path(warm_db))


def suggest() -> Any:
    import layout

    return [{"method": s.method, "top1": s.top1, "top3": s.top3, "n": s.n}
            for s in layout.find("evaluate_bundled")()]


TASKS: dict[str, Callable[..., Any]] = {
    "info": info, "keys": keys, "search": search, "import": import_guide,
    "guide-markdown": guide_markdown, "refresh": refresh, "suggest": suggest,
}


def main(argv: list[str]) -> int:
    task, args, out = argv
    result = TASKS[task](**json.loads(args))
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
