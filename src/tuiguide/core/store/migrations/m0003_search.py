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
:func:`tuiguide.core.store.search_index.deferred_indexing`: ``search_control.deferred`` is 1 for the
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


# ---------------------------------------------------------------------------- counts
# Progress counts, kept by triggers so the topic tree, tier tabs and headers cost < 1 ms at
# 50k items instead of an aggregate over every placement (20-60 ms each).
#   placement_counts: live placements per (guide, topic, section, tier, status)
#   resource_counts:  distinct resources with a live placement per (guide, tier, status)
# Sentinels: section 0 = none; tier -1 = untiered, -2 = every tier; guide 0 = every guide.
TIER_NONE, TIER_ALL, ALL_GUIDES = -1, -2, 0

_UPSERT = "ON CONFLICT DO UPDATE SET n = n + excluded.n"
_STATUS = "(SELECT status FROM resources WHERE id = {x}.resource_id)"


def _pc_change(x: str, delta: str, when: str = "1") -> str:
    """Add ``delta`` for placement row ``x`` (NEW or OLD) when ``when`` holds."""
    return (
        "INSERT INTO placement_counts (guide_id, topic_id, section_id, tier, status, n) "
        f"SELECT {x}.guide_id, {x}.topic_id, COALESCE({x}.section_id, 0), "
        f"COALESCE({x}.tier, {TIER_NONE}), {_STATUS.format(x=x)}, {delta} WHERE {when} {_UPSERT};"
    )


def _rc_change(x: str, delta: str, when: str = "1") -> str:
    """Add ``delta`` in each scope of placement ``x`` where no other live placement of the
    same resource already counts it (the row itself is never "other")."""
    scopes = [
        (f"{x}.guide_id", f"COALESCE({x}.tier, {TIER_NONE})",
         f"q.guide_id = {x}.guide_id AND q.tier IS {x}.tier"),
        (f"{x}.guide_id", str(TIER_ALL), f"q.guide_id = {x}.guide_id"),
        (str(ALL_GUIDES), f"COALESCE({x}.tier, {TIER_NONE})", f"q.tier IS {x}.tier"),
        (str(ALL_GUIDES), str(TIER_ALL), "1"),
    ]
    return "\n    ".join(
        "INSERT INTO resource_counts (guide_id, tier, status, n) "
        f"SELECT {guide}, {tier}, {_STATUS.format(x=x)}, {delta} WHERE ({when}) AND NOT EXISTS ("
        f"SELECT 1 FROM placements q WHERE q.resource_id = {x}.resource_id AND q.id <> {x}.id "
        f"AND q.removed_at IS NULL AND {same}) {_UPSERT};"
        for guide, tier, same in scopes
    )


def _status_move(old: str, new: str) -> str:
    """A resource's status changed: move its counts from ``old`` to ``new`` status."""
    live = "FROM placements p WHERE p.resource_id = NEW.id AND p.removed_at IS NULL"
    scopes = (
        f"SELECT p.guide_id AS g, COALESCE(p.tier, {TIER_NONE}) AS t {live} "
        f"UNION SELECT p.guide_id, {TIER_ALL} {live} "
        f"UNION SELECT {ALL_GUIDES}, COALESCE(p.tier, {TIER_NONE}) {live} "
        f"UNION SELECT {ALL_GUIDES}, {TIER_ALL} {live}"
    )
    out = []
    for status, sign in ((old, "-"), (new, "")):
        out.append(
            "INSERT INTO placement_counts (guide_id, topic_id, section_id, tier, status, n) "
            "SELECT * FROM (SELECT p.guide_id, p.topic_id, COALESCE(p.section_id, 0), "
            f"COALESCE(p.tier, {TIER_NONE}), {status}, {sign}count(*) {live} "
            f"GROUP BY 1, 2, 3, 4) WHERE 1 {_UPSERT};"
        )
        out.append(
            "INSERT INTO resource_counts (guide_id, tier, status, n) "
            f"SELECT g, t, {status}, {sign}1 FROM ({scopes}) WHERE 1 {_UPSERT};"
        )
    return "\n    ".join(out)


_PLACEMENT_MOVED = """OLD.resource_id IS NOT NEW.resource_id
    OR (OLD.removed_at IS NULL) IS NOT (NEW.removed_at IS NULL) OR OLD.tier IS NOT NEW.tier
    OR OLD.topic_id IS NOT NEW.topic_id OR OLD.section_id IS NOT NEW.section_id
    OR OLD.guide_id IS NOT NEW.guide_id"""

COUNTS_SQL = f"""
CREATE TABLE placement_counts (
    guide_id INTEGER NOT NULL, topic_id INTEGER NOT NULL, section_id INTEGER NOT NULL,
    tier INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (guide_id, topic_id, section_id, tier, status)
) WITHOUT ROWID;
CREATE TABLE resource_counts (
    guide_id INTEGER NOT NULL, tier INTEGER NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (guide_id, tier, status)
) WITHOUT ROWID;

CREATE TRIGGER placements_counts_insert AFTER INSERT ON placements
WHEN {_NOW} AND NEW.removed_at IS NULL BEGIN
    {_pc_change("NEW", "1")}
    {_rc_change("NEW", "1")}
END;
CREATE TRIGGER placements_counts_update
AFTER UPDATE OF removed_at, resource_id, tier, topic_id, section_id, guide_id ON placements
WHEN {_NOW} AND ({_PLACEMENT_MOVED}) BEGIN
    {_pc_change("OLD", "-1", "OLD.removed_at IS NULL")}
    {_rc_change("OLD", "-1", "OLD.removed_at IS NULL")}
    {_pc_change("NEW", "1", "NEW.removed_at IS NULL")}
    {_rc_change("NEW", "1", "NEW.removed_at IS NULL")}
END;
CREATE TRIGGER placements_counts_delete AFTER DELETE ON placements
WHEN {_NOW} AND OLD.removed_at IS NULL BEGIN
    {_pc_change("OLD", "-1")}
    {_rc_change("OLD", "-1")}
END;
CREATE TRIGGER resources_counts_status AFTER UPDATE OF status ON resources
WHEN {_NOW} AND OLD.status IS NOT NEW.status BEGIN
    {_status_move("OLD.status", "NEW.status")}
END;
"""


def recount_sql() -> list[str]:
    """Statements that rebuild both count tables from scratch (migration, bulk writes)."""
    live = (
        "FROM placements p JOIN resources r ON r.id = p.resource_id WHERE p.removed_at IS NULL"
    )
    return [
        "DELETE FROM placement_counts",
        "INSERT INTO placement_counts (guide_id, topic_id, section_id, tier, status, n) "
        f"SELECT p.guide_id, p.topic_id, COALESCE(p.section_id, 0), "
        f"COALESCE(p.tier, {TIER_NONE}), r.status, count(*) {live} GROUP BY 1, 2, 3, 4, 5",
        "DELETE FROM resource_counts",
        # Distinct resources = placements (summed from placement_counts, just rebuilt) minus
        # the extra placements of the few resources placed more than once in a scope.
        f"""INSERT INTO resource_counts (guide_id, tier, status, n)
        WITH multi AS (SELECT resource_id FROM placements WHERE removed_at IS NULL
                       GROUP BY resource_id HAVING count(*) > 1),
        m AS (SELECT p.resource_id AS rid, p.guide_id AS g, COALESCE(p.tier, {TIER_NONE}) AS t,
                     r.status AS s
              FROM placements p JOIN resources r ON r.id = p.resource_id
              WHERE p.removed_at IS NULL AND p.resource_id IN multi)
        SELECT g, t, s, sum(n) FROM (
            SELECT guide_id AS g, tier AS t, status AS s, sum(n) AS n
            FROM placement_counts GROUP BY 1, 2, 3
            UNION ALL SELECT guide_id, {TIER_ALL}, status, sum(n) FROM placement_counts GROUP BY 1, 3
            UNION ALL SELECT {ALL_GUIDES}, tier, status, sum(n) FROM placement_counts GROUP BY 2, 3
            UNION ALL SELECT {ALL_GUIDES}, {TIER_ALL}, status, sum(n) FROM placement_counts GROUP BY 3
            UNION ALL SELECT g, t, s, count(DISTINCT rid) - count(*) FROM m GROUP BY 1, 2, 3
            UNION ALL SELECT g, {TIER_ALL}, s, count(DISTINCT rid) - count(*) FROM m GROUP BY 1, 3
            UNION ALL SELECT {ALL_GUIDES}, t, s, count(DISTINCT rid) - count(*) FROM m GROUP BY 2, 3
            UNION ALL SELECT {ALL_GUIDES}, {TIER_ALL}, s, count(DISTINCT rid) - count(*) FROM m
            GROUP BY 3
        ) GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",
    ]


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
    for statement in statements(COUNTS_SQL) + recount_sql():
        conn.execute(statement)
    # Table statistics, so the new browsing indexes are used as meant (sampled: a few ms).
    conn.execute("PRAGMA analysis_limit = 400")
    for table in ("guides", "topics", "placements", "resources", "notes", "placement_counts"):
        conn.execute(f"ANALYZE main.{table}")
    if has_table(conn, "feed_entries"):
        for statement in statements(ENTRY_SQL):
            conn.execute(statement)
        conn.execute(index_entries_sql(""))
