"""The full-text index: search documents the store keeps in step with what it writes.

``search_documents`` holds one row per resource that sits in a guide (has a live placement;
``resource_id`` = resources.id), so search finds exactly what the lists show:

- ``title``, ``author``, ``description``: the resource's own text plus any different text a
  live placement gives it (comma-joined);
- ``note``: the user's note;
- ``facets``: filter tokens, so ``tier:2 status:todo topic:quant`` is answered inside the index
  instead of by joins over every match: ``s<status>``, and per live placement
  ``g<guide id>t<tier>`` and ``c<topic id>t<tier>`` (topic and section; tier 0 = untiered);
  ``l<guide id>t<tier>`` per guide and ``l0t<tier>`` over every guide: the resource's lead
  tier there (:data:`tuiguide.core.store.counts.LEAD_RULE`), which a tier filter across
  topics looks at, so a resource counts in one tier.
  Text queries never look at this column; its bm25 weight is 0.

The store is the only writer of resources, placements and notes, and after each write it
calls :func:`refresh_documents` for the resources it touched. The FTS5 index over the
documents (``search_documents_fts``, set up by sqlite-utils in migration m0004) follows them
through sqlite-utils' triggers; ``feed_entries_fts`` follows ``feed_entries`` the same way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

DOCUMENTS = "search_documents"
DOCUMENTS_FTS = "search_documents_fts"
ENTRIES_FTS = "feed_entries_fts"
RESOURCE_COLUMNS = ("title", "author", "description", "note")
"""The text columns of a document, in rank-weight order (title 10, author 4, description 2,
note 1; facets 0)."""
ENTRY_COLUMNS = ("title", "author", "summary")

_COLUMNS = (*RESOURCE_COLUMNS, "facets")


def _other_text(column: str) -> str:
    """Placement text for ``column`` that differs from the resource's own (comma-joined)."""
    return (
        f"COALESCE(' ' || group_concat(DISTINCT CASE WHEN p.{column} IS NOT r.{column} "
        f"THEN p.{column} END), '')"
    )


_LEADS = """(SELECT group_concat('l' || lg || 't' || (CASE lk WHEN 1000000 THEN 0 ELSE lk END), ' ')
        FROM (SELECT lp.guide_id AS lg, min(COALESCE(lp.tier, 1000000)) AS lk FROM placements lp
              WHERE lp.resource_id = r.id AND lp.removed_at IS NULL GROUP BY lp.guide_id
              UNION ALL SELECT 0, min(COALESCE(lp.tier, 1000000)) FROM placements lp
              WHERE lp.resource_id = r.id AND lp.removed_at IS NULL))"""
_FACETS = f"""group_concat(
        'g' || p.guide_id || 't' || COALESCE(p.tier, 0)
        || ' c' || p.topic_id || 't' || COALESCE(p.tier, 0)
        || COALESCE(' c' || p.section_id || 't' || COALESCE(p.tier, 0), ''),
        ' ') || ' s' || r.status || ' ' || {_LEADS}"""


def document_rows(where: str) -> str:
    """SELECT of the documents the resources ``where`` (``AND ...``) picks should have: one
    pass over each resource's live placements."""
    return f"""SELECT r.id,
           r.title || {_other_text("title")},
           COALESCE(r.author, '') || {_other_text("author")},
           r.description || {_other_text("description")},
           COALESCE(n.body, ''),
           {_FACETS}
    FROM resources r
    JOIN placements p ON p.resource_id = r.id AND p.removed_at IS NULL
    LEFT JOIN notes n ON n.resource_id = r.id
    WHERE true {where}
    GROUP BY r.id"""


_CHANGED = " OR ".join(f"{c} IS NOT excluded.{c}" for c in _COLUMNS)
_UPSERT = (
    f"INSERT INTO {DOCUMENTS} (resource_id, {', '.join(_COLUMNS)}) {{rows}} "
    f"ON CONFLICT (resource_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS)
    + f" WHERE {_CHANGED}"
)
_PICKED = "IN (SELECT value FROM json_each(?))"
_UNPLACED = (
    f"NOT EXISTS (SELECT 1 FROM placements p WHERE p.resource_id = {DOCUMENTS}.resource_id "
    "AND p.removed_at IS NULL)"
)


def refresh_documents(catalogue: Catalogue, resource_ids: Iterable[int] | None = None) -> None:
    """Bring the documents of ``resource_ids`` (None: every resource) up to date: rewrite the
    ones whose text, note, status or placements changed, drop those no longer in a guide.
    Call it in the transaction that made the change."""
    conn = catalogue.conn
    # Deletions first: the placement check then runs only where a document exists.
    if resource_ids is None:
        conn.execute(f"DELETE FROM {DOCUMENTS} WHERE {_UNPLACED}")
        conn.execute(_UPSERT.format(rows=document_rows("")))
        return
    ids = json.dumps(sorted(set(resource_ids)))
    if ids == "[]":
        return
    conn.execute(f"DELETE FROM {DOCUMENTS} WHERE resource_id {_PICKED} AND {_UNPLACED}", (ids,))
    conn.execute(_UPSERT.format(rows=document_rows(f"AND r.id {_PICKED}")), (ids,))


def rebuild(catalogue: Catalogue) -> None:
    """Repair everything derived: the documents, both FTS indexes (sqlite-utils'
    ``rebuild_fts``) and the progress counts. One transaction; same result as keeping them."""
    from tuiguide.core.store.connection import transaction
    from tuiguide.core.store.counts import recount

    with transaction(catalogue.conn):
        # The indexes first: the documents' triggers then write to a sound index.
        catalogue.db.table(DOCUMENTS).rebuild_fts()
        catalogue.db.table("feed_entries").rebuild_fts()
        refresh_documents(catalogue)
        recount(catalogue)


def _fts_sound(catalogue: Catalogue, fts: str) -> bool:
    """FTS5's own check that the index holds exactly its content table's rows."""
    try:
        catalogue.conn.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True


def index_matches_tables(catalogue: Catalogue) -> bool:
    """True when the documents are what the tables say and both FTS indexes hold exactly
    their rows (a test and repair aid)."""
    conn = catalogue.conn
    columns = f"resource_id, {', '.join(_COLUMNS)}"
    expected = document_rows("")
    differ = conn.execute(
        f"SELECT count(*) FROM ({expected} EXCEPT SELECT {columns} FROM {DOCUMENTS})"
    ).fetchone()[0]
    extra = conn.execute(
        f"SELECT count(*) FROM (SELECT {columns} FROM {DOCUMENTS} EXCEPT {expected})"
    ).fetchone()[0]
    return (
        differ == 0
        and extra == 0
        and _fts_sound(catalogue, DOCUMENTS_FTS)
        and _fts_sound(catalogue, ENTRIES_FTS)
    )
