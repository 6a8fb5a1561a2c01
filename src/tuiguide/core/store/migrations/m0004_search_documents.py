"""Full-text search set up by sqlite-utils, in place of m0003's hand-made index machinery.

m0003 rebuilt a resource's index row from triggers on resources, placements and notes, and
bulk writers flipped a switch (``search_control``/``search_pending``) to defer that work; its
count tables were kept by triggers too. Here:

- ``search_documents`` is a plain table, one row per resource in a guide (title, author,
  description, note, facets: m0003's index rows, copied over), which the store keeps in step
  on each write it makes (it is the only writer);
- sqlite-utils creates the FTS5 index over it and the triggers that follow its rows
  (``enable_fts(create_triggers=True)``), and likewise ``feed_entries_fts`` over
  ``feed_entries``, so whoever stores feed entries gets them indexed;
- m0003's triggers, ``search_control``, ``search_pending`` and its two FTS tables go; the
  count tables stay (their contents are right), kept by the store from now on.

sqlite-utils' ``enable_fts`` has no option for FTS5 prefix indexes, which keep a one-letter
prefix typed into the search box from walking every term of the index; so each FTS table it
creates is then recreated with the same columns, tokenizer and content table, plus
``prefix='1 2'`` (its triggers name the table, so they carry on), and rebuilt. Each index is
given its ranking weights and a larger write buffer (``hashsize``) as persistent settings.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

TOKENIZER = "unicode61 remove_diacritics 2"
PREFIXES = "1 2"
DOCUMENT_COLUMNS = ("title", "author", "description", "note", "facets")
DOCUMENT_RANK = "bm25(10.0, 4.0, 2.0, 1.0, 0.0)"
ENTRY_COLUMNS = ("title", "author", "summary")
ENTRY_RANK = "bm25(10.0, 4.0, 2.0)"
HASHSIZE = 16 * 1024 * 1024
"""Bytes of new index terms FTS5 buffers before writing a segment (its default is 1 MB): a
big write (a large guide) then writes fewer, larger segments and merges less. Small writes
never fill the buffer, so they cost nothing more."""

M0003_TABLES = ("search_control", "search_pending", "resource_fts", "entry_fts")
M0003_TRIGGER_TABLES = ("resources", "placements", "notes", "feed_entries")


def _index(db: Database, table: str, columns: tuple[str, ...], rank: str) -> None:
    """FTS5 over ``table`` with triggers (sqlite-utils), prefix indexes, ranking, filled."""
    db.table(table).enable_fts(list(columns), create_triggers=True, tokenize=TOKENIZER)
    fts = f"{table}_fts"
    db.table(fts).drop()
    db.execute(
        f"CREATE VIRTUAL TABLE [{fts}] USING FTS5 ({', '.join(f'[{c}]' for c in columns)}, "
        f"tokenize='{TOKENIZER}', prefix='{PREFIXES}', content=[{table}])"
    )
    db.execute(f"INSERT INTO [{fts}] ([{fts}], rank) VALUES ('rank', ?)", (rank,))
    db.execute(f"INSERT INTO [{fts}] ([{fts}], rank) VALUES ('hashsize', ?)", (HASHSIZE,))
    db.table(table).rebuild_fts()


def up(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    for table in M0003_TRIGGER_TABLES:
        for trigger in db.table(table).triggers:
            db.execute(f"DROP TRIGGER [{trigger.name}]")
    db.create_table(
        "search_documents",
        {"resource_id": int, **dict.fromkeys(DOCUMENT_COLUMNS, str)},
        pk="resource_id",
    )
    _index(db, "search_documents", DOCUMENT_COLUMNS, DOCUMENT_RANK)
    # m0003's index rows are the documents (its triggers kept them right): the new index's
    # triggers index them as they are copied.
    db.execute(
        f"INSERT INTO search_documents (resource_id, {', '.join(DOCUMENT_COLUMNS)}) "
        f"SELECT rowid, {', '.join(DOCUMENT_COLUMNS)} FROM resource_fts"
    )
    for table in M0003_TABLES:
        db.table(table).drop(ignore=True)
    _index(db, "feed_entries", ENTRY_COLUMNS, ENTRY_RANK)
