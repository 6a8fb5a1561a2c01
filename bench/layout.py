"""Where a build keeps what the benchmark calls, for either module layout of tuiguide.

Imported inside a build's own interpreter (bench/worker.py): the release before the
restructure has a flat package (``tuiguide.catalogue``, ``tuiguide.ui.app``, ...), today's
has feature packages (``tuiguide.core.store.catalogue``, ``tuiguide.tui.app``, ...). Each name
is looked up in every candidate module, newest layout first, so a function that moves within
the new layout is still found.
"""

from __future__ import annotations

import importlib
import types
from pathlib import Path
from typing import Any

CANDIDATES: dict[str, tuple[str, ...]] = {
    "Catalogue": ("tuiguide.core.store.catalogue", "tuiguide.core.store", "tuiguide.catalogue"),
    "make_app": ("tuiguide.tui.app", "tuiguide.ui.app"),
    "search": ("tuiguide.core.search.engine", "tuiguide.core.search", "tuiguide.search"),
    "refresh": ("tuiguide.core.feeds.refresh", "tuiguide.core.feeds", "tuiguide.feeds"),
    "FetchSettings": ("tuiguide.core.feeds.fetch", "tuiguide.core.feeds.refresh",
                      "tuiguide.feeds_fetch", "tuiguide.feeds"),
    "evaluate_bundled": ("tuiguide.core.feeds.suggest", "tuiguide.suggest"),
    "latest_version": ("tuiguide.core.store.migrations", "tuiguide.migrations"),
}


def find(name: str) -> Any:
    """The object called ``name`` in the first candidate module that has it."""
    tried = []
    for module_name in CANDIDATES[name]:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            tried.append(f"{module_name} ({exc})")
            continue
        found = getattr(module, name, None)
        if found is not None and not isinstance(found, types.ModuleType):  # (not a submodule)
            return found
        tried.append(f"{module_name} (no {name})")
    raise LookupError(f"{name} not found: " + "; ".join(tried))


def layout_name() -> str:
    """"packages" (core/, tui/, cli/) or "flat" (the release before the restructure)."""
    try:
        importlib.import_module("tuiguide.core")
    except ImportError:
        return "flat"
    return "packages"


def open_catalogue(path: Path) -> Any:
    """The build's ``Catalogue`` on ``path``, without seeding the bundled guide where the build
    can be told so."""
    catalogue_class = find("Catalogue")
    try:
        return catalogue_class.open(path, seed=False)
    except TypeError:
        return catalogue_class.open(path)


def schema_mark() -> str:
    """What identifies the schema the build writes: its latest migration's number, or the
    names of its migration modules where it has no ``latest_version``."""
    try:
        return str(find("latest_version")())
    except LookupError:
        import tuiguide

        package = Path(tuiguide.__file__).parent
        names = sorted(p.name for p in package.rglob("m[0-9]*.py") if "migration" in str(p.parent))
        return "+".join(names) or "unknown"
