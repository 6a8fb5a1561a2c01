"""Full-text search: FTS5 indexes over resources (with notes) and feed entries, kept by triggers.

``resource_fts`` holds one row per resource that sits in a guide (has a live placement;
rowid = resources.id), so search finds exactly what the lists show:

- ``title``, ``author``, ``description``: the resource's own text plus any different text a
  live placement gives it (comma-joined);
- ``note``: the user's note;
- ``facets``: filter tokens, so ``tier:2 status:todo topic:quant`` is answered inside the index
  instead of by joins over every match: ``s<status>``, and per live placement
  ``g<guide id>t<tier>`` and ``c<topic id>t<tier>`` (topic and section; tier 0 = untiered).
  A topic in any tier is the prefix ``"c12t"*``; a tier in any guide is an OR over guides.
  Text queries never look at this column; its bm25 weight is 0.

Triggers on resources, placements and notes rebuild a resource's row whenever its text,
status or placements change, in the same transaction as the write, so the index cannot drift.
``entry_fts`` (rowid = feed_entries.id: title, author, summary) does the same for feed entries.

Bulk writers (the guide importer) wrap their work in
:func:`tuiguide.search_index.deferred_indexing`: ``search_control.deferred`` is 1 for the
duration, triggers only note ids in ``search_pending`` (new placements are found by id), and
one ``INSERT ... SELECT`` indexes them all before the transaction commits. FTS5 written from
a trigger costs 5-7x more per row than that: 6 s against 0.8 s for a 50k-item guide.

It also adds two indexes that let the browsing list page through 50k items in guide order
without a sort. Ranking: bm25 weighted title 10 > author 4 > description 2 > note 1. Prefix indexes on 1-3
characters keep "the last word is a prefix while typing" fast. The migration indexes every
row already in the file.
"""

from __future__ import annotations

import sqlite3

TOKENIZER = "unicode61 remove_diacritics 2"
PREFIXES = "1 2"
RESOURCE_COLUMNS = ("title", "author", "description", "note")
RESOURCE_RANK = "bm25(10.0, 4.0, 2.0, 1.0, 0.0)"
ENTRY_RANK = "bm25(10.0, 4.0, 2.0)"

_NOW = "(SELECT deferred FROM search_control) = 0"
_LATER = "(SELECT deferred FROM search_control) = 1"


def _live_extra(column: str) -> str:
    """Placement text for ``column`` that differs from the resource's own (comma-joined)."""
    return (
        f"COALESCE(' ' || (SELECT group_concat(DISTINCT p.{column}) FROM placements p "
        f"WHERE p.resource_id = r.id AND p.removed_at IS NULL "
        f"AND p.{column} IS NOT NULL AND p.{column} IS NOT r.{column}), '')"
    )


_FACETS = """(SELECT group_concat(
        'g' || p.guide_id || 't' || COALESCE(p.tier, 0)
        || ' c' || p.topic_id || 't' || COALESCE(p.tier, 0)
        || COALESCE(' c' || p.section_id || 't' || COALESCE(p.tier, 0), ''),
        ' ') FROM placements p WHERE p.resource_id = r.id AND p.removed_at IS NULL)
        || ' s' || r.status"""


def index_rows_sql(where: str) -> str:
    """``INSERT ... SELECT`` indexing the resources that ``where`` (``AND ...``) picks."""
    return f"""INSERT INTO resource_fts (rowid, title, author, description, note, facets)
    SELECT r.id,
           r.title || {_live_extra("title")},
           COALESCE(r.author, '') || {_live_extra("author")},
           r.description || {_live_extra("description")},
           COALESCE((SELECT n.body FROM notes n WHERE n.resource_id = r.id), ''),
           {_FACETS}
    FROM resources r
    WHERE EXISTS (SELECT 1 FROM placements lp WHERE lp.resource_id = r.id AND lp.removed_at IS NULL)
    {where}"""


def index_entries_sql(where: str) -> str:
    return f"""INSERT INTO entry_fts (rowid, title, author, summary)
    SELECT e.id, e.title, COALESCE(e.author, ''), e.summary FROM feed_entries e {where}"""


def _refresh(rid: str, guard: str = "") -> str:
    extra = f" AND {guard}" if guard else ""
    return (
        f"DELETE FROM resource_fts WHERE rowid = {rid}{extra};\n"
        f"    {index_rows_sql(f'AND r.id = {rid}{extra}')};"
    )


def _pending(kind: str, rid: str) -> str:
    return f"INSERT OR IGNORE INTO search_pending (kind, id) VALUES ('{kind}', {rid});"


def _trigger_pair(name: str, event: str, when: str, rids: list[str]) -> str:
    """Two triggers for one event: index now, or (inside a bulk write) note the ids for later."""
    when_sql = f" AND ({when})" if when else ""
    # The second id (an OLD one) only needs work when it differs from the first.
    now_body = "\n    ".join(
        _refresh(rid, f"{rid} IS NOT {rids[0]}" if i else "") for i, rid in enumerate(rids)
    )
    later_body = "\n    ".join(_pending("r", rid) for rid in rids)
    return f"""
CREATE TRIGGER {name}_now {event}
WHEN {_NOW}{when_sql} BEGIN
    {now_body}
END;
CREATE TRIGGER {name}_later {event}
WHEN {_LATER}{when_sql} BEGIN
    {later_body}
END;
"""


_TEXT_CHANGED = (
    "OLD.title IS NOT NEW.title OR OLD.author IS NOT NEW.author "
    "OR OLD.description IS NOT NEW.description"
)
_PLACEMENT_CHANGED = f"""{_TEXT_CHANGED} OR OLD.resource_id IS NOT NEW.resource_id
    OR (OLD.removed_at IS NULL) IS NOT (NEW.removed_at IS NULL) OR OLD.tier IS NOT NEW.tier
    OR OLD.topic_id IS NOT NEW.topic_id OR OLD.section_id IS NOT NEW.section_id
    OR OLD.guide_id IS NOT NEW.guide_id"""

RESOURCE_SQL = f"""
CREATE TABLE search_control (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    deferred INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1)),
    -- While deferred: placements with a higher id are new; their resources get indexed.
    placements_from INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_control (id, deferred) VALUES (1, 0);
CREATE TABLE search_pending (
    kind TEXT NOT NULL CHECK (kind IN ('r', 'e')),
    id INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE resource_fts USING fts5(
    title, author, description, note, facets,
    tokenize = '{TOKENIZER}', prefix = '{PREFIXES}'
);
INSERT INTO resource_fts (resource_fts, rank) VALUES ('rank', '{RESOURCE_RANK}');

{_trigger_pair("resources_fts_update",
               "AFTER UPDATE OF title, author, description, status ON resources",
               _TEXT_CHANGED + " OR OLD.status IS NOT NEW.status", ["NEW.id"])}
CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources BEGIN
    DELETE FROM resource_fts WHERE rowid = OLD.id;
    DELETE FROM search_pending WHERE kind = 'r' AND id = OLD.id;
END;

CREATE TRIGGER placements_fts_insert_now AFTER INSERT ON placements
WHEN {_NOW} AND NEW.removed_at IS NULL BEGIN
    {_refresh("NEW.resource_id")}
END;
-- Deferred: new placements have ids above placements_from and are found by id when the
-- block ends (no per-row work). A delete lowers placements_from below the deleted id, so an
-- id SQLite reuses after deleting the highest row is still above it.
{_trigger_pair("placements_fts_update",
               "AFTER UPDATE OF title, author, description, removed_at, resource_id, tier, "
               "topic_id, section_id, guide_id ON placements",
               _PLACEMENT_CHANGED, ["NEW.resource_id", "OLD.resource_id"])}
CREATE TRIGGER placements_fts_delete_now AFTER DELETE ON placements WHEN {_NOW} BEGIN
    {_refresh("OLD.resource_id")}
END;
CREATE TRIGGER placements_fts_delete_later AFTER DELETE ON placements WHEN {_LATER} BEGIN
    {_pending("r", "OLD.resource_id")}
    UPDATE search_control SET placements_from = min(placements_from, OLD.id - 1);
END;

{_trigger_pair("notes_fts_insert", "AFTER INSERT ON notes", "", ["NEW.resource_id"])}
{_trigger_pair("notes_fts_update", "AFTER UPDATE OF body, resource_id ON notes", "",
               ["NEW.resource_id", "OLD.resource_id"])}
{_trigger_pair("notes_fts_delete", "AFTER DELETE ON notes", "", ["OLD.resource_id"])}

-- Browsing 50k items in guide order without sorting them all (Catalogue.items walks
-- guides -> topics -> placements in index order).
CREATE INDEX guides_order ON guides (position);
CREATE INDEX placements_topic_order ON placements (topic_id, removed_at, position, tier);
"""

_ENTRY_ROW = "DELETE FROM entry_fts WHERE rowid = {id};\n    " + index_entries_sql("WHERE e.id = {id}")
ENTRY_SQL = f"""
CREATE VIRTUAL TABLE entry_fts USING fts5(
    title, author, summary,
    tokenize = '{TOKENIZER}', prefix = '{PREFIXES}'
);
INSERT INTO entry_fts (entry_fts, rank) VALUES ('rank', '{ENTRY_RANK}');

CREATE TRIGGER feed_entries_fts_insert_now AFTER INSERT ON feed_entries WHEN {_NOW} BEGIN
    {index_entries_sql("WHERE e.id = NEW.id")};
END;
CREATE TRIGGER feed_entries_fts_insert_later AFTER INSERT ON feed_entries WHEN {_LATER} BEGIN
    {_pending("e", "NEW.id")}
END;
CREATE TRIGGER feed_entries_fts_update_now AFTER UPDATE OF title, author, summary ON feed_entries
WHEN {_NOW} AND ({_TEXT_CHANGED.replace("description", "summary")}) BEGIN
    {_ENTRY_ROW.format(id="NEW.id")};
END;
CREATE TRIGGER feed_entries_fts_update_later AFTER UPDATE OF title, author, summary ON feed_entries
WHEN {_LATER} AND ({_TEXT_CHANGED.replace("description", "summary")}) BEGIN
    {_pending("e", "NEW.id")}
END;
CREATE TRIGGER feed_entries_fts_delete AFTER DELETE ON feed_entries BEGIN
    DELETE FROM entry_fts WHERE rowid = OLD.id;
    DELETE FROM search_pending WHERE kind = 'e' AND id = OLD.id;
END;
"""


def statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies hold semicolons)."""
    out, current = [], ""
    for line in sql.splitlines(keepends=True):
        if not current and (not line.strip() or line.strip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement: {current[:80]!r}")
    return out


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,)
        ).fetchone()
    )


def up(conn: sqlite3.Connection) -> None:
    for statement in statements(RESOURCE_SQL):
        conn.execute(statement)
    conn.execute(index_rows_sql(""))
    # Table statistics, so the new browsing indexes are used as meant (sampled: a few ms).
    conn.execute("PRAGMA analysis_limit = 400")
    for table in ("guides", "topics", "placements", "resources", "notes"):
        conn.execute(f"ANALYZE main.{table}")
    if has_table(conn, "feed_entries"):
        for statement in statements(ENTRY_SQL):
            conn.execute(statement)
        conn.execute(index_entries_sql(""))
