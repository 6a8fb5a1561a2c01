"""Numbered schema migrations.

Each module ``mNNNN_name.py`` defines ``up(conn)``; :func:`tuiguide.core.store.connection.open_connection`
applies the ones a file has not seen yet, in number order, each in its own transaction, and
records them in ``schema_migrations`` (and ``PRAGMA user_version``). Never edit a landed
migration: add a new module. A module is imported only when its migration runs, so opening
an up-to-date catalogue loads none of them (nor what they import, such as sqlite-utils).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

_NAME = re.compile(r"^m(\d{4})_(\w+)$")


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    up: Callable[[sqlite3.Connection], None]


def _runner(module_name: str) -> Callable[[sqlite3.Connection], None]:
    """``up`` of a migration module, imported when first called."""

    def up(conn: sqlite3.Connection) -> None:
        module = importlib.import_module(f"{__name__}.{module_name}")
        module.up(conn)

    return up


def all_migrations() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), _runner(info.name)))
    found.sort(key=lambda mig: mig.number)
    numbers = [mig.number for mig in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"duplicate migration numbers: {numbers}")
    return found


def latest_version() -> int:
    return max((m.number for m in all_migrations()), default=0)
