"""What every command module shares: the catalogue handle, one-line errors, JSON, tiers.

Every user mistake surfaces as one line on stderr and exit status 2 (no traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from tuiguide.core.errors import UserError
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from rich.console import Console

    from tuiguide.core.store.catalogue import Catalogue

EXIT_USER_ERROR = 2

P = ParamSpec("P")
R = TypeVar("R")


class Context:
    """Carries the catalogue path; opens the catalogue lazily, once per command."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._catalogue: Catalogue | None = None

    def catalogue(self, *, seed: bool = True) -> Catalogue:
        if self._catalogue is None:
            from tuiguide.core.store.catalogue import Catalogue

            created = is_new_catalogue(self.db_path)
            self._catalogue = Catalogue.open(self.db_path, seed=seed)
            announce(self._catalogue, created)
        return self._catalogue

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()
            self._catalogue = None


pass_ctx = click.make_pass_decorator(Context)


def is_new_catalogue(path: Path) -> bool:
    """True when opening ``path`` will create a catalogue (a typo in --db starts over)."""
    return str(path) != ":memory:" and not path.expanduser().exists()


def announce(catalogue: Catalogue, created: bool) -> None:
    """Say on stderr what opening the file did: created it, or upgraded it (and where the
    copy of the old file is)."""
    if created:
        click.echo(f"tuiguide: created a new catalogue at {clean_text(catalogue.path.expanduser())}", err=True)
    for notice in catalogue.notices:
        click.echo(clean_text(notice), err=True)


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit 2."""
    click.echo(f"tuiguide: {clean_text(message)}", err=True)
    sys.exit(EXIT_USER_ERROR)


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn core errors into one-line messages (the user sees no traceback)."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            fail(str(exc))
        except sqlite3.DatabaseError as exc:
            from tuiguide.core.store.connection import describe_sqlite_error

            ctx = click.get_current_context().find_object(Context)
            fail(describe_sqlite_error(exc, ctx.db_path if ctx else "catalogue"))
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, and keep Python's final flush
            # at exit from failing on the closed pipe too.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)

    return wrapper


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def console() -> Console:
    """A console that prints outside text as it is: no highlighting, no wrapping of lines."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def parse_tier(value: str | None) -> int | None:
    """``1``..``9``, or 0 for untiered items (``none``); None when not given."""
    if value is None:
        return None
    if value.lower() in ("none", "untiered", "0"):
        return 0
    if value.isdigit() and 1 <= int(value) <= 9:
        return int(value)
    raise UserError(f"bad tier {value!r}; use 1, 2, 3 (or 'none' for untiered items)")


def require_tier(catalogue: Catalogue, tier: int | None, guide_id: int | None) -> None:
    """Refuse a tier no guide here has (``--tier 7``), as a typo rather than an empty list."""
    if not tier:
        return
    tiers = sorted(t for t in catalogue.tier_counts(guide_id) if t)
    if tier not in tiers:
        have = ", ".join(str(t) for t in tiers) or "none"
        raise UserError(
            f"bad tier '{tier}'; the {'guide' if guide_id else 'catalogue'} has tiers {have} "
            "(or 'none' for untiered items)"
        )


def resource_id(value: str) -> int:
    if not value.strip().isdigit():
        raise UserError(f"bad ID {value!r}; IDs are numbers (see 'tuiguide list')")
    return int(value)
