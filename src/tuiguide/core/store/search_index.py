"""Keeping derived data in step with the catalogue: the full-text index and the progress
count tables (migration m0003). Bulk deferral, rebuild, consistency checks.

Triggers index and count every write as it happens. A bulk writer such as the guide importer
wraps its transaction's body in :func:`deferred_indexing`: the triggers then only note the
changed ids, and before the transaction commits the index catches up with one statement and
(when guide items changed) the counts are recomputed in one pass each. FTS5 written from a
trigger costs 5-7x more per row than one bulk insert: a 50k-item guide, or a feed refresh's
entries, should be written inside ``with transaction(conn), deferred_indexing(conn):``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from tuiguide.core.store.migrations.m0003_search import (
    has_table,
    index_entries_sql,
    index_rows_sql,
    recount_sql,
)


@contextmanager
def deferred_indexing(conn: sqlite3.Connection) -> Iterator[None]:
    """Within an open transaction: batch the index work of the writes inside this block.

    On an exception nothing is flushed: the caller's transaction rolls the flag and the
    pending list back with everything else. Nested use joins the outer block.
    """
    if not conn.in_transaction:
        raise RuntimeError("deferred_indexing() needs an open transaction (use db.transaction)")
    row = conn.execute("SELECT deferred FROM search_control").fetchone()
    if row and row[0]:
        yield
        return
    conn.execute(
        "UPDATE search_control SET deferred = 1, "
        "placements_from = (SELECT COALESCE(max(id), 0) FROM placements)"
    )
    yield
    if flush_pending(conn):
        recount(conn)  # only when guide items changed (not for feed entries alone)
    conn.execute("UPDATE search_control SET deferred = 0, placements_from = 0")


def flush_pending(conn: sqlite3.Connection) -> int:
    """Index the rows noted in ``search_pending``; return how many resources were touched
    (feed entries are indexed too but not counted: they change no progress counts)."""
    conn.execute(
        "INSERT OR IGNORE INTO search_pending (kind, id) SELECT 'r', resource_id FROM placements "
        "WHERE id > (SELECT placements_from FROM search_control) AND removed_at IS NULL"
    )
    pending_r = "SELECT id FROM search_pending WHERE kind = 'r'"
    pending_e = "SELECT id FROM search_pending WHERE kind = 'e'"
    n_r, n_e = conn.execute(
        "SELECT count(*) FILTER (WHERE kind = 'r'), count(*) FILTER (WHERE kind = 'e') "
        "FROM search_pending"
    ).fetchone()
    if n_r:
        conn.execute(f"DELETE FROM resource_fts WHERE rowid IN ({pending_r})")
        with _bulk_buffer(conn, "resource_fts") if n_r >= BULK_ROWS else nullcontext():
            conn.execute(index_rows_sql(f"AND r.id IN ({pending_r})"))
    if n_e and has_table(conn, "entry_fts"):
        conn.execute(f"DELETE FROM entry_fts WHERE rowid IN ({pending_e})")
        with _bulk_buffer(conn, "entry_fts") if n_e >= BULK_ROWS else nullcontext():
            conn.execute(index_entries_sql(f"WHERE e.id IN ({pending_e})"))
    if n_r or n_e:
        conn.execute("DELETE FROM search_pending")
    return n_r


BULK_ROWS = 2000
"""From this many rows, one index statement writes with a larger FTS5 buffer."""
BULK_HASHSIZE = 16 * 1024 * 1024
FTS5_DEFAULT_HASHSIZE = 1024 * 1024


@contextmanager
def _bulk_buffer(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """FTS5 buffers new terms in memory and writes a segment each time the buffer (1 MB by
    default) fills; then it merges those segments. For a 50k-item guide (three index entries
    a token: prefixes 1 and 2) that is ~11k index pages written and merged; a 16 MB buffer for
    the one statement writes ~4.8k: the import's CPU 2.84 -> 2.54 s. The setting is put back
    before the transaction commits (same transaction: a rollback undoes both)."""
    old = conn.execute(f"SELECT v FROM {table}_config WHERE k = 'hashsize'").fetchone()
    conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (BULK_HASHSIZE,))
    yield  # (on an error the caller's rollback undoes the setting with everything else)
    conn.execute(
        f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)",
        (old[0] if old else FTS5_DEFAULT_HASHSIZE,),
    )
    if old is None:
        conn.execute(f"DELETE FROM {table}_config WHERE k = 'hashsize'")


_IDLE_WHILE_DEFERRED = "(SELECT deferred FROM search_control) = 0"


def _idle_while_deferred(sql: str, table: str) -> bool:
    """True for ``AFTER INSERT ON table WHEN (deferred) = 0 [AND ...] BEGIN``: a no-op while
    deferred (a WHEN with an OR anywhere is not trusted to be)."""
    head, sep, _ = sql.partition(" BEGIN")
    prefix = f"AFTER INSERT ON {table}\nWHEN "
    if not sep or prefix not in head:
        return False
    when = head.split(prefix, 1)[1]
    return when.startswith(_IDLE_WHILE_DEFERRED) and not re.search(r"\bOR\b", when, re.I)


@contextmanager
def insert_triggers_idle(conn: sqlite3.Connection, table: str, rows: int) -> Iterator[None]:
    """Within :func:`deferred_indexing`: for a bulk insert of ``rows`` rows into ``table``,
    take away the AFTER INSERT triggers that do nothing while indexing is deferred, and put
    them back (same SQL) afterwards, in the same transaction.

    SQLite runs each trigger as a sub-program per row even when its WHEN clause is false:
    inserting a 50k-item guide's placements took 1.1 s with the two such triggers against
    0.28 s without. Triggers that may act while deferred are left alone.
    """
    row = conn.execute("SELECT deferred FROM search_control").fetchone()
    if rows < BULK_ROWS or not conn.in_transaction or not (row and row[0]):
        yield
        return
    idle = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        )
        if _idle_while_deferred(sql, table)
    ]
    for name, _ in idle:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield  # (on an error the caller's rollback brings the triggers back with everything else)
    for _, sql in idle:
        conn.execute(sql)


def recount(conn: sqlite3.Connection) -> None:
    """Rebuild the progress count tables from the placements (one pass each)."""
    for statement in recount_sql():
        conn.execute(statement)


def counts_match_tables(conn: sqlite3.Connection) -> bool:
    """True when the trigger-kept counts equal a fresh count (a test and repair aid)."""
    kept = {
        "p": set(conn.execute("SELECT * FROM placement_counts WHERE n <> 0")),
        "r": set(conn.execute("SELECT * FROM resource_counts WHERE n <> 0")),
    }
    conn.execute("SAVEPOINT recount_check")
    try:
        recount(conn)
        fresh = {
            "p": set(conn.execute("SELECT * FROM placement_counts")),
            "r": set(conn.execute("SELECT * FROM resource_counts")),
        }
    finally:
        conn.execute("ROLLBACK TO recount_check")
        conn.execute("RELEASE recount_check")
    return kept == fresh


def rebuild(conn: sqlite3.Connection) -> None:
    """Index everything from scratch, in one transaction (a repair tool; same result)."""
    from tuiguide.core.store.connection import transaction

    with transaction(conn):
        conn.execute("DELETE FROM resource_fts")
        conn.execute(index_rows_sql(""))
        if has_table(conn, "entry_fts"):
            conn.execute("DELETE FROM entry_fts")
            conn.execute(index_entries_sql(""))
        conn.execute("DELETE FROM search_pending")
        recount(conn)
        conn.execute("UPDATE search_control SET deferred = 0, placements_from = 0")


def index_matches_tables(conn: sqlite3.Connection) -> bool:
    """True when the index holds exactly the rows a rebuild would write (a test and repair aid)."""
    conn.execute("DROP TABLE IF EXISTS temp.fts_expected")
    conn.execute(
        "CREATE TEMP TABLE fts_expected (rowid INTEGER PRIMARY KEY, title, author, description,"
        " note, facets)"
    )
    try:
        conn.execute(
            index_rows_sql("").replace("INSERT INTO resource_fts", "INSERT INTO temp.fts_expected")
        )
        diff = conn.execute(
            "SELECT count(*) FROM (SELECT rowid, title, author, description, note, facets "
            "FROM temp.fts_expected EXCEPT SELECT rowid, title, author, description, note, facets "
            "FROM resource_fts)"
        ).fetchone()[0]
        extra = conn.execute(
            "SELECT count(*) FROM resource_fts WHERE rowid NOT IN (SELECT rowid FROM "
            "temp.fts_expected)"
        ).fetchone()[0]
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.fts_expected")
    return diff == 0 and extra == 0
