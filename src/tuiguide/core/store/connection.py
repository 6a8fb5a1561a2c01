"""Open the catalogue file safely: WAL, busy timeout, foreign keys, recorded migrations.

Each thread opens its own connection (sqlite3 connections are bound to their thread).
Writes go through :func:`transaction`, which takes the write lock up front
(``BEGIN IMMEDIATE``) so two processes wait for each other instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tuiguide.core.errors import CatalogueError
from tuiguide.core.store.migrations import all_migrations
from tuiguide.core.text.stamps import utc_stamp

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


def _check_file(path: Path) -> bool:
    """Refuse files we must not touch; return True when the file already exists."""
    if not path.exists():
        parent = path.parent
        if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
            raise CatalogueError(
                f"{parent}: cannot create the catalogue here (directory is read-only); "
                "pass --db with a writable path or set TUIGUIDE_DB"
            )
        return False
    if path.is_dir():
        raise CatalogueError(f"{path}: is a directory, not a catalogue file; pass --db FILE")
    if path.stat().st_size == 0:
        return True
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise CatalogueError(
            f"{path}: not an SQLite database (corrupt or another kind of file); "
            "move it aside or pass --db with another path"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise CatalogueError(
            f"{path}: the catalogue file is read-only; make it writable (chmod u+rw) "
            "or pass --db with another path"
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise CatalogueError(
            f"{path.parent}: the catalogue's directory is read-only (SQLite needs to write its "
            "journal beside the file); make it writable or pass --db with another path"
        )
    return True


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (notes are private)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def describe_sqlite_error(exc: BaseException, path: Path | str) -> str:
    """Turn an sqlite3 error into a one-line message that names the file and a next step."""
    text = str(exc)
    lowered = text.lower()
    if "not a database" in lowered:
        return f"{path}: not a tuiguide catalogue (file is not a database); move it aside or pass --db"
    if "malformed" in lowered or "corrupt" in lowered:
        return f"{path}: the catalogue is damaged ({text}); restore a *.bak-N copy or move it aside"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the catalogue is read-only; make the file and its folder writable"
    if "locked" in lowered or "busy" in lowered:
        return f"{path}: the catalogue stayed locked by another tuiguide process; try again"
    if "disk is full" in lowered or "disk i/o" in lowered:
        return f"{path}: could not write ({text}); free some disk space and try again"
    if "unable to open" in lowered:
        return f"{path}: cannot open the catalogue; check the path and its permissions"
    return f"{path}: database error: {text}"


def connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # The full-text indexes follow their tables through triggers (sqlite-utils'): a row an
    # INSERT OR REPLACE replaces must fire its delete trigger too, on every connection.
    conn.execute("PRAGMA recursive_triggers = ON")
    # Sorts and temporary B-trees in memory, not in a temp file: building the search index
    # for a large import sorts every row; the app's own sorts are small.
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: everything inside lands together or not at all."""
    if conn.in_transaction:
        # Nested use joins the outer transaction.
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _schema_state(conn: sqlite3.Connection, path: Path) -> int:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if version == 0 and tables and "schema_migrations" not in tables:
        raise CatalogueError(
            f"{path}: an SQLite database, but not a tuiguide catalogue; pass --db with another path"
        )
    return version


def open_connection(
    path: Path | str, *, notices: list[str] | None = None, migrate: bool = True
) -> sqlite3.Connection:
    """Open (creating if needed) and upgrade the catalogue at ``path``.

    Raises :class:`CatalogueError` with a one-line message for files we must not use.
    Before upgrading an existing catalogue, copies it to ``<path>.bak-<old version>`` and
    appends a line saying so to ``notices``.
    """
    path = Path(path).expanduser()
    in_memory = str(path) == ":memory:"
    if not in_memory:
        existed = _check_file(path)
        if not existed:
            try:
                _create_private(path)
            except OSError as exc:
                raise CatalogueError(
                    f"{path}: cannot create the catalogue ({exc.strerror}); "
                    "pass --db with a writable path"
                ) from None
    try:
        conn = connect(":memory:" if in_memory else path)
        # Look before writing anything: a foreign or newer file must stay byte-for-byte intact.
        version = _schema_state(conn, path)
        _check_version(version, path)
        if not in_memory:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise CatalogueError(f"{path}: could not switch the catalogue to WAL mode")
            conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            _migrate(conn, path, version, notices, backup=not in_memory)
    except sqlite3.DatabaseError as exc:
        raise CatalogueError(describe_sqlite_error(exc, path)) from None
    return conn


def _check_version(version: int, path: Path) -> None:
    latest = max((m.number for m in all_migrations()), default=0)
    if version > latest:
        raise CatalogueError(
            f"{path}: written by a newer tuiguide (schema {version}, this version knows "
            f"{latest}); upgrade tuiguide (pip install -U tuiguide)"
        )


def _migrate(
    conn: sqlite3.Connection,
    path: Path,
    version: int,
    notices: list[str] | None,
    *,
    backup: bool,
) -> None:
    migrations = all_migrations()
    latest = max((m.number for m in migrations), default=0)
    _check_version(version, path)
    pending = [m for m in migrations if m.number > version]
    if not pending:
        return
    if version > 0 and backup:
        copy = path.with_name(f"{path.name}.bak-{version}")
        target = connect(copy)
        try:
            conn.backup(target)
        finally:
            target.close()
        os.chmod(copy, 0o600)
        if notices is not None:
            notices.append(
                f"Upgrading {path} from schema {version} to {latest}; a copy is at {copy}"
            )
    with transaction(conn):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
    for migration in pending:
        with transaction(conn):
            migration.up(conn)
            conn.execute(
                "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
                (migration.number, migration.name, utc_stamp()),
            )
            conn.execute(f"PRAGMA user_version = {migration.number}")


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's ``PRAGMA data_version``: moves when another connection commits to the file
    (never on this connection's own writes); microseconds to read."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


