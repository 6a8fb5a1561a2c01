"""Stemmed search and resources counted once across topics.

- Both full-text indexes (``search_documents_fts``, ``feed_entries_fts``) are rebuilt by
  sqlite-utils with FTS5's porter tokenizer in front of m0004's (``quantized`` finds
  "Quantization"), keeping m0004's prefix indexes, ranking weights and write buffer.
- Each search document's facets gain the resource's lead tier, ``l<guide>t<tier>`` per guide
  and ``l0t<tier>`` over every guide: its lowest tier (untiered last), the one tier a
  resource placed twice counts in when a tier filter crosses topics.
- ``resource_counts`` is recounted the same way: per (guide, tier) each resource counts at its
  lead tier only, so the tiers add up to the total.
- ``events`` gains ``undone_at``: undo (``ctrl+z``, ``tuiguide undo``) marks the change it
  reversed, so a repeated undo goes further back, across restarts.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

TOKENIZER = "porter unicode61 remove_diacritics 2"
PREFIXES = "1 2"
HASHSIZE = 16 * 1024 * 1024
INDEXES = (
    ("search_documents", ("title", "author", "description", "note", "facets"),
     "bm25(10.0, 4.0, 2.0, 1.0, 0.0)"),
    ("feed_entries", ("title", "author", "summary"), "bm25(10.0, 4.0, 2.0)"),
)
UNTIERED_KEY = 1000000

LEAD_FACETS = f"""UPDATE search_documents SET facets = facets || ' ' || (
    SELECT group_concat('l' || lg || 't' || (CASE lk WHEN {UNTIERED_KEY} THEN 0 ELSE lk END), ' ')
    FROM (SELECT lp.guide_id AS lg, min(COALESCE(lp.tier, {UNTIERED_KEY})) AS lk
          FROM placements lp WHERE lp.resource_id = search_documents.resource_id
          AND lp.removed_at IS NULL GROUP BY lp.guide_id
          UNION ALL SELECT 0, min(COALESCE(lp.tier, {UNTIERED_KEY})) FROM placements lp
          WHERE lp.resource_id = search_documents.resource_id AND lp.removed_at IS NULL))
WHERE EXISTS (SELECT 1 FROM placements lp WHERE lp.resource_id = search_documents.resource_id
              AND lp.removed_at IS NULL)"""

_TIER = f"(CASE WHEN k = {UNTIERED_KEY} THEN -1 ELSE k END)"
RECOUNT = f"""INSERT INTO resource_counts (guide_id, tier, status, n)
WITH lead AS (
    SELECT p.resource_id AS rid, p.guide_id AS g, min(COALESCE(p.tier, {UNTIERED_KEY})) AS k,
           r.status AS s
    FROM placements p JOIN resources r ON r.id = p.resource_id WHERE p.removed_at IS NULL
    GROUP BY 1, 2),
everywhere AS (SELECT rid, min(k) AS k, s FROM lead GROUP BY rid)
SELECT g, {_TIER}, s, count(*) FROM lead GROUP BY 1, 2, 3
UNION ALL SELECT g, -2, s, count(*) FROM lead GROUP BY 1, 3
UNION ALL SELECT 0, {_TIER}, s, count(*) FROM everywhere GROUP BY 2, 3
UNION ALL SELECT 0, -2, s, count(*) FROM everywhere GROUP BY 3"""


def _index(db: Database, table: str, columns: tuple[str, ...], rank: str) -> None:
    """FTS5 over ``table`` with sqlite-utils' triggers, stemmed, prefix-indexed, filled."""
    db.table(table).enable_fts(
        list(columns), create_triggers=True, tokenize=TOKENIZER, replace=True
    )
    # sqlite-utils has no option for prefix indexes: recreate its table with them (its
    # triggers name the table, so they carry on).
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
    if "undone_at" not in db.table("events").columns_dict:
        db.table("events").add_column("undone_at", str)
    for table, _, _ in INDEXES:
        db.table(table).disable_fts()
    conn.execute(LEAD_FACETS)
    conn.execute("DELETE FROM resource_counts")
    conn.execute(RECOUNT)
    for table, columns, rank in INDEXES:
        _index(db, table, columns, rank)
