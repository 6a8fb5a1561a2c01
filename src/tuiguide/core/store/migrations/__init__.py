"""Numbered schema migrations.

Each module ``mNNNN_name.py`` defines ``up(conn)``; :func:`tuiguide.core.store.connection.open_database` applies
the ones a file has not seen yet, in number order, each in its own transaction, and records
them in ``schema_migrations`` (and ``PRAGMA user_version``). Never edit a landed migration:
add a new module.
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


def all_migrations() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if not m:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Migration(int(m.group(1)), m.group(2), module.up))
    found.sort(key=lambda mig: mig.number)
    numbers = [mig.number for mig in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"duplicate migration numbers: {numbers}")
    return found


def latest_version() -> int:
    return max((m.number for m in all_migrations()), default=0)
