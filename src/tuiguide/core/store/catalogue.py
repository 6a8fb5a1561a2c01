"""The catalogue: every query and write the UI and CLI make, over one SQLite file.

No Textual imports here (a test enforces it). A :class:`Catalogue` owns one connection and
so belongs to one thread; a worker thread opens its own with :meth:`Catalogue.open`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tuiguide.core.errors import CatalogueError, UserError, read_user_file
from tuiguide.core.guides.parser import ParsedGuide, ParsedItem, decode_guide, parse_guide, slugify
from tuiguide.core.models import STATUSES, Counts, Guide, ImportReport, Item, Topic
from tuiguide.core.store.connection import (
    bulk_write_settings,
    data_version,
    describe_sqlite_error,
    open_connection,
    transaction,
    utcnow,
)
from tuiguide.core.store.search_index import deferred_indexing, insert_triggers_idle
from tuiguide.core.text.urls import normalise_url

_ITEM_SELECT = """
SELECT r.id, p.id, COALESCE(p.title, r.title), r.url, r.link,
       COALESCE(p.author, r.author), COALESCE(p.description, r.description),
       g.id, g.title, t.id, t.title, t.number, s.title, p.tier,
       r.status, r.status_at, r.origin, COALESCE(n.body, ''), n.updated_at,
       p.removed_at IS NOT NULL
FROM placements p
JOIN resources r ON r.id = p.resource_id
JOIN guides g ON g.id = p.guide_id
JOIN topics t ON t.id = p.topic_id
LEFT JOIN topics s ON s.id = p.section_id
LEFT JOIN notes n ON n.resource_id = r.id
"""


ITEM_CACHE_SIZE = 4000
"""Items kept by placement id between reads (a few pages of every list the user visits)."""


def _row_to_item(row: tuple[Any, ...]) -> Item:
    return Item(
        id=row[0],
        placement_id=row[1],
        title=row[2],
        url=row[3],
        link=row[4],
        author=row[5],
        description=row[6] or "",
        guide_id=row[7],
        guide=row[8],
        topic_id=row[9],
        topic=row[10],
        topic_number=row[11],
        section=row[12],
        tier=row[13],
        status=row[14],
        status_at=row[15],
        origin=row[16],
        note=row[17],
        note_updated_at=row[18],
        removed=bool(row[19]),
    )


class Catalogue:
    """Queries and writes over one catalogue file."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | str, *, now: Callable[[], str] = utcnow
    ):
        self.conn = conn
        self._db: Any = None
        self.path = Path(path)
        self.now = now
        self.notices: list[str] = []
        # Items read lately, by placement id, valid while read_stamp() is unchanged.
        self._items: dict[int, Item] = {}
        self._items_stamp: tuple[int, int] | None = None
        self._state_changes = 0  # rows app_state saves changed (they change no item)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        seed: bool = True,
        now: Callable[[], str] = utcnow,
    ) -> Catalogue:
        """Open (creating and migrating) the catalogue; import the bundled guide when empty."""
        notices: list[str] = []
        conn = open_connection(path, notices=notices)
        cat = cls(conn, path, now=now)
        cat.notices = notices
        if seed:
            cat.ensure_seeded()
        return cat

    @property
    def db(self) -> Any:
        """The connection as a ``sqlite_utils.Database`` (imported lazily: it costs start-up time)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_seeded(self) -> ImportReport | None:
        """First run: an empty catalogue gets the bundled guide."""
        if self.conn.execute("SELECT 1 FROM guides LIMIT 1").fetchone():
            return None
        from tuiguide.core.paths import BUNDLED_GUIDE, bundled_guide_text

        text = bundled_guide_text()
        return self.import_text(text, source=f"bundled:{BUNDLED_GUIDE}")

    # ------------------------------------------------------------------ state
    def get_state(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return default

    def set_state(self, key: str, value: Any) -> None:
        with transaction(self.conn):
            before = self.conn.total_changes
            self.conn.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
            self._state_changes += self.conn.total_changes - before

    def read_stamp(self) -> tuple[int, int]:
        """Moves on every write to the file but app_state saves: another connection's commit
        (SQLite's data_version) or a row this connection changed (its total_changes, which
        counts rows of every statement and trigger, rolled back or not). Reads cached under
        one stamp are valid while it is unchanged."""
        return data_version(self.conn), self.conn.total_changes - self._state_changes

    # ------------------------------------------------------------------ guides & topics
    def guides(self) -> list[Guide]:
        rows = self.conn.execute(
            "SELECT id, slug, title, description, source, imported_at FROM guides "
            "ORDER BY position, id"
        ).fetchall()
        return [Guide(*row) for row in rows]

    def guide(self, guide_id: int) -> Guide | None:
        row = self.conn.execute(
            "SELECT id, slug, title, description, source, imported_at FROM guides WHERE id = ?",
            (guide_id,),
        ).fetchone()
        return Guide(*row) if row else None

    def find_guide(self, spec: str) -> Guide:
        """A guide by id, slug or case-insensitive title prefix."""
        guides = self.guides()
        spec_l = spec.strip().lower()
        for g in guides:
            if str(g.id) == spec_l or g.slug == spec_l or g.title.lower() == spec_l:
                return g
        matches = [g for g in guides if g.title.lower().startswith(spec_l) or g.slug.startswith(spec_l)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UserError(f"no guide matches {spec!r}; see 'tuiguide topics' for the guides")
        names = ", ".join(g.slug for g in matches)
        raise UserError(f"{spec!r} matches several guides ({names}); be more specific")

    def topics(self, guide_id: int | None = None) -> list[Topic]:
        """Topics (with sub-sections) in guide order, each with counts per tier and status."""
        where, params = "t.removed_at IS NULL", []
        if guide_id is not None:
            where += " AND t.guide_id = ?"
            params.append(guide_id)
        rows = self.conn.execute(
            "SELECT t.id, t.guide_id, t.parent_id, t.number, t.title, t.position "
            "FROM topics t JOIN guides g ON g.id = t.guide_id "
            f"WHERE {where} ORDER BY g.position, g.id, t.position",
            params,
        ).fetchall()
        topics = {row[0]: Topic(*row) for row in rows}
        # Live placements per topic/section, tier and status: kept by triggers (m0003).
        count_where, count_params = "n > 0", []
        if guide_id is not None:
            count_where += " AND guide_id = ?"
            count_params.append(guide_id)
        counts = self.conn.execute(
            "SELECT topic_id, NULLIF(section_id, 0), NULLIF(tier, -1), status, n "
            f"FROM placement_counts WHERE {count_where}",
            count_params,
        ).fetchall()
        for topic_id, section_id, tier, status, n in counts:
            for tid in (topic_id, section_id):
                t = topics.get(tid) if tid is not None else None
                if t is not None:
                    t.by_tier.setdefault(tier, Counts()).add(status, n)
        return list(topics.values())

    def topic(self, topic_id: int) -> Topic | None:
        row = self.conn.execute(
            "SELECT id, guide_id, parent_id, number, title, position FROM topics WHERE id = ?",
            (topic_id,),
        ).fetchone()
        return Topic(*row) if row else None

    def find_topic(self, spec: str, guide_id: int | None = None) -> Topic:
        """A topic by its number in the guide or a case-insensitive title prefix."""
        spec_s = spec.strip()
        topics = self.topics(guide_id)
        exact = [t for t in topics if t.number is not None and t.number == spec_s.rstrip(".")]
        if not exact:
            low = spec_s.lower()
            exact = [t for t in topics if t.title.lower() == low]
            if not exact:
                exact = [t for t in topics if t.title.lower().startswith(low)]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise UserError(
                f"no topic matches {spec!r}; use a topic number or title prefix "
                "(see 'tuiguide topics')"
            )
        names = "; ".join(t.label for t in exact[:5])
        raise UserError(f"{spec!r} matches several topics ({names}); be more specific")

    def guide_counts(self, guide_id: int | None = None, tier: int | None = None) -> Counts:
        """Progress over distinct resources (a URL placed twice counts once).

        Read from ``resource_counts``, kept by triggers (m0003): guide 0 = every guide,
        tier -2 = every tier.
        """
        rows = self.conn.execute(
            "SELECT status, n FROM resource_counts WHERE guide_id = ? AND tier = ? AND n > 0",
            (guide_id if guide_id is not None else 0, tier if tier is not None else -2),
        ).fetchall()
        counts = Counts()
        for status, n in rows:
            counts.add(status, n)
        return counts

    def tier_counts(self, guide_id: int | None = None, topic_id: int | None = None) -> dict[int | None, int]:
        """Number of placements per tier (for the tier tabs)."""
        where, params = self._count_filters(guide_id, topic_id, None, None)
        rows = self.conn.execute(
            f"SELECT NULLIF(tier, -1), sum(n) FROM placement_counts WHERE {where} "
            "GROUP BY tier HAVING sum(n) > 0",
            params,
        ).fetchall()
        return {tier: n for tier, n in rows}

    def _count_filters(
        self,
        guide_id: int | None,
        topic_id: int | None,
        tier: int | None,
        statuses: list[str] | None,
    ) -> tuple[str, list[Any]]:
        """WHERE over ``placement_counts`` (live placements; tier -1 = untiered)."""
        where, params = ["1"], []
        if guide_id is not None:
            where.append("guide_id = ?")
            params.append(guide_id)
        if topic_id is not None:
            where.append("(topic_id = ? OR section_id = ?)")
            params += [topic_id, topic_id]
        if tier is not None:
            where.append("tier = ?")
            params.append(-1 if tier == 0 else tier)
        if statuses is not None:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += statuses
        return " AND ".join(where), params

    # ------------------------------------------------------------------ items
    def _filters(
        self,
        guide_id: int | None,
        topic_id: int | None,
        tier: int | None,
        status: str | Iterable[str] | None,
        include_removed: bool,
    ) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if not include_removed:
            where.append("p.removed_at IS NULL")
        if guide_id is not None:
            where.append("p.guide_id = ?")
            params.append(guide_id)
        if topic_id is not None:
            where.append("(p.topic_id = ? OR p.section_id = ?)")
            params += [topic_id, topic_id]
        if tier is not None:
            if tier == 0:
                where.append("p.tier IS NULL")
            else:
                where.append("p.tier = ?")
                params.append(tier)
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            for s in statuses:
                if s not in STATUSES:
                    raise UserError(f"unknown status {s!r}; use one of {', '.join(STATUSES)}")
            where.append(f"r.status IN ({', '.join('?' * len(statuses))})")
            params += statuses
        return (" AND ".join(where) or "1"), params

    def count_items(
        self,
        guide_id: int | None = None,
        topic_id: int | None = None,
        tier: int | None = None,
        status: str | Iterable[str] | None = None,
        include_removed: bool = False,
    ) -> int:
        where, params = self._filters(guide_id, topic_id, tier, status, include_removed)
        if not include_removed:
            # Live placements are counted by triggers (m0003): no scan of 50k rows.
            statuses = None if status is None else ([status] if isinstance(status, str) else list(status))
            cwhere, cparams = self._count_filters(guide_id, topic_id, tier, statuses)
            return self.conn.execute(
                f"SELECT COALESCE(sum(n), 0) FROM placement_counts WHERE {cwhere}", cparams
            ).fetchone()[0]
        sql = "SELECT count(*) FROM placements p "
        if status is not None:
            sql += "JOIN resources r ON r.id = p.resource_id "
        return self.conn.execute(f"{sql} WHERE {where}", params).fetchone()[0]

    def items(
        self,
        guide_id: int | None = None,
        topic_id: int | None = None,
        tier: int | None = None,
        status: str | Iterable[str] | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        include_removed: bool = False,
    ) -> list[Item]:
        """One page of placements in guide order (topic, then position in the guide).

        Two steps, for speed at 50k items: the page's placement ids walk the indexes in
        guide order (guides -> topics -> placements, no sort of the whole list: ~0.1 ms for
        the first page, ~2 ms at offset 50k), then only those rows are read in full. The
        indexes are named (migration m0003) so the plan does not depend on table statistics.
        """
        where, params = self._filters(guide_id, topic_id, tier, status, include_removed)
        joins = "CROSS JOIN resources r " if status is not None else ""
        topic_where = ""
        if topic_id is not None:
            # Items of a section hang under its parent topic: visit just those topics.
            topic_where = "AND t.id IN (?, (SELECT parent_id FROM topics WHERE id = ?)) "
            params = [topic_id, topic_id, *params]
        ids = [
            row[0]
            for row in self.conn.execute(
                "SELECT p.id FROM guides g INDEXED BY guides_order "
                "CROSS JOIN topics t INDEXED BY topics_guide "
                "CROSS JOIN placements p INDEXED BY placements_topic_order "
                f"{joins}WHERE t.guide_id = g.id AND p.topic_id = t.id {topic_where}"
                f"{'AND r.id = p.resource_id ' if joins else ''}AND {where} "
                "ORDER BY g.position, g.id, t.position, t.id, p.position LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        ]
        return self.items_by_placement(ids)

    def items_by_placement(self, ids: list[int]) -> list[Item]:
        """The items placed as ``ids`` (placement ids), in that order (a page found by ids
        first, then read whole in one query).

        Items read before are reused while nothing was written (:meth:`read_stamp`):
        reading 200 whole rows is ~2 ms at 50k items, paid on every topic or tier change,
        though the user mostly comes back to lists seen a moment ago.
        """
        if not ids:
            return []
        stamp = self.read_stamp()
        cache = self._items
        if stamp != self._items_stamp or len(cache) + len(ids) > ITEM_CACHE_SIZE:
            cache.clear()
            self._items_stamp = stamp
        missing = [pid for pid in ids if pid not in cache]
        if missing:
            rows = self.conn.execute(
                f"{_ITEM_SELECT} WHERE p.id IN ({', '.join('?' * len(missing))})", missing
            ).fetchall()
            for row in rows:
                cache[row[1]] = _row_to_item(row)
        return [cache[pid] for pid in ids if pid in cache]

    def item(self, resource_id: int, placement_id: int | None = None) -> Item | None:
        """Everything about one resource (as placed in ``placement_id`` when given)."""
        if placement_id is not None:
            row = self.conn.execute(
                f"{_ITEM_SELECT} WHERE p.id = ? AND r.id = ?", (placement_id, resource_id)
            ).fetchone()
            if row:
                return _row_to_item(row)
        row = self.conn.execute(
            f"{_ITEM_SELECT} WHERE r.id = ? ORDER BY p.removed_at IS NOT NULL, g.position, "
            "t.position, p.position LIMIT 1",
            (resource_id,),
        ).fetchone()
        if row:
            return _row_to_item(row)
        row = self.conn.execute(
            "SELECT r.id, NULL, r.title, r.url, r.link, r.author, r.description, NULL, NULL, "
            "NULL, NULL, NULL, NULL, NULL, r.status, r.status_at, r.origin, "
            "COALESCE(n.body, ''), n.updated_at, 0 "
            "FROM resources r LEFT JOIN notes n ON n.resource_id = r.id WHERE r.id = ?",
            (resource_id,),
        ).fetchone()
        return _row_to_item(row) if row else None

    def require_item(self, resource_id: int) -> Item:
        item = self.item(resource_id)
        if item is None:
            raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
        return item

    def placements_of(self, resource_id: int) -> list[Item]:
        rows = self.conn.execute(
            f"{_ITEM_SELECT} WHERE r.id = ? ORDER BY g.position, t.position, p.position",
            (resource_id,),
        ).fetchall()
        return [_row_to_item(r) for r in rows]

    # ------------------------------------------------------------------ writes
    def set_status(self, resource_id: int, status: str) -> Item:
        """Set a resource's status (in every topic it sits in) and record the change."""
        if status not in STATUSES:
            raise UserError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        now = self.now()
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT status FROM resources WHERE id = ?", (resource_id,)
            ).fetchone()
            if row is None:
                raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
            previous = row[0]
            if previous != status:
                self.conn.execute(
                    "UPDATE resources SET status = ?, status_at = ?, "
                    "started_at = CASE WHEN ? = 'reading' AND started_at IS NULL THEN ? "
                    "ELSE started_at END, "
                    "finished_at = CASE WHEN ? = 'done' THEN ? WHEN ? = 'todo' THEN NULL "
                    "ELSE finished_at END "
                    "WHERE id = ?",
                    (status, now, status, now, status, now, status, resource_id),
                )
                self.conn.execute(
                    "INSERT INTO events (resource_id, kind, value, previous, at) "
                    "VALUES (?, 'status', ?, ?, ?)",
                    (resource_id, status, previous, now),
                )
        return self.require_item(resource_id)

    def note(self, resource_id: int) -> str:
        self.require_item(resource_id)
        row = self.conn.execute(
            "SELECT body FROM notes WHERE resource_id = ?", (resource_id,)
        ).fetchone()
        return row[0] if row else ""

    def set_note(self, resource_id: int, body: str) -> None:
        """Save a note (empty text deletes it). Edits in a burst count as one history event."""
        now = self.now()
        with transaction(self.conn):
            if not self.conn.execute(
                "SELECT 1 FROM resources WHERE id = ?", (resource_id,)
            ).fetchone():
                raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
            old = self.conn.execute(
                "SELECT body FROM notes WHERE resource_id = ?", (resource_id,)
            ).fetchone()
            if (old[0] if old else "") == body:
                return
            if body.strip():
                self.conn.execute(
                    "INSERT INTO notes (resource_id, body, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (resource_id) DO UPDATE SET "
                    "body = excluded.body, updated_at = excluded.updated_at",
                    (resource_id, body, now, now),
                )
            else:
                self.conn.execute("DELETE FROM notes WHERE resource_id = ?", (resource_id,))
            self._record_note_event(resource_id, "edit" if body.strip() else "delete", now)

    def _record_note_event(self, resource_id: int, value: str, now: str) -> None:
        last = self.conn.execute(
            "SELECT id, kind, at FROM events WHERE resource_id = ? ORDER BY id DESC LIMIT 1",
            (resource_id,),
        ).fetchone()
        # Autosave writes every second while typing; one session of typing is one event.
        if last and last[1] == "note" and _seconds_between(last[2], now) < 300:
            self.conn.execute(
                "UPDATE events SET at = ?, value = ? WHERE id = ?", (now, value, last[0])
            )
        else:
            self.conn.execute(
                "INSERT INTO events (resource_id, kind, value, at) VALUES (?, 'note', ?, ?)",
                (resource_id, value, now),
            )

    # ------------------------------------------------------------------ import
    def import_file(self, path: Path | str) -> ImportReport:
        """Import or update a guide from a markdown file; nothing is written on error."""
        path = Path(path)
        data = read_user_file(path, "a markdown guide file")
        text, warnings = decode_guide(data, str(path))
        report = self.import_text(text, source=str(path.resolve()), name=str(path))
        report.warnings[:0] = warnings
        return report

    def import_text(self, text: str, *, source: str, name: str | None = None) -> ImportReport:
        parsed = parse_guide(text, name or source)
        digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        try:
            return self._import_parsed(parsed, source, digest)
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(describe_sqlite_error(exc, self.path)) from None

    def _import_parsed(self, parsed: ParsedGuide, source: str, digest: str) -> ImportReport:
        now = self.now()
        conn = self.conn
        slug = slugify(parsed.title)
        # Index the guide's text for search in one statement at the end (search_index.py).
        with bulk_write_settings(conn), transaction(conn), deferred_indexing(conn):
            row = conn.execute("SELECT id FROM guides WHERE slug = ?", (slug,)).fetchone()
            if row:
                guide_id = row[0]
                conn.execute(
                    "UPDATE guides SET title = ?, description = ?, source = ?, content_hash = ?, "
                    "imported_at = ? WHERE id = ?",
                    (parsed.title, parsed.description, source, digest, now, guide_id),
                )
            else:
                position = conn.execute(
                    "SELECT COALESCE(max(position) + 1, 0) FROM guides"
                ).fetchone()[0]
                guide_id = conn.execute(
                    "INSERT INTO guides (slug, title, description, source, content_hash, position, "
                    "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (slug, parsed.title, parsed.description, source, digest, position, now),
                ).lastrowid
            report = ImportReport(guide_id=guide_id, guide=parsed.title)
            report.warnings.extend(parsed.warnings)

            # Topics, matched across imports by key (their number, else their title).
            existing_topics = dict(
                conn.execute("SELECT key, id FROM topics WHERE guide_id = ?", (guide_id,))
            )
            topic_ids: dict[str, int] = {}
            for t in parsed.topics:
                parent_id = topic_ids.get(t.parent_key) if t.parent_key else None
                if t.key in existing_topics:
                    tid = existing_topics[t.key]
                    conn.execute(
                        "UPDATE topics SET parent_id = ?, number = ?, title = ?, position = ?, "
                        "removed_at = NULL WHERE id = ?",
                        (parent_id, t.number, t.title, t.position, tid),
                    )
                else:
                    tid = conn.execute(
                        "INSERT INTO topics (guide_id, parent_id, key, number, title, position) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (guide_id, parent_id, t.key, t.number, t.title, t.position),
                    ).lastrowid
                topic_ids[t.key] = tid
            gone_topics = [tid for key, tid in existing_topics.items() if key not in topic_ids]
            conn.executemany(
                "UPDATE topics SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                [(now, tid) for tid in gone_topics],
            )
            report.topics = len(parsed.topics)

            # Resources, identified by normalised URL across every guide. Batched: one lookup,
            # one update and one insert statement for the whole guide (50k items in < 1 s).
            urls = [normalise_url(item.url) for item in parsed.items]
            first: dict[str, ParsedItem] = {}
            for url, item in zip(urls, parsed.items, strict=True):
                first.setdefault(url, item)
            resource_ids = self._resource_ids_by_url(list(first))
            conn.executemany(
                "UPDATE resources SET title = ?, author = ?, description = ?, link = ?, "
                "updated_at = ? WHERE id = ? AND (title IS NOT ? OR author IS NOT ? OR "
                "description IS NOT ? OR link IS NOT ?) AND origin = 'guide'",
                [
                    (item.title, item.author, item.description, item.url, now,
                     resource_ids[url], item.title, item.author, item.description, item.url)
                    for url, item in first.items()
                    if url in resource_ids
                ],
            )
            new_urls = [url for url in first if url not in resource_ids]
            conn.executemany(
                "INSERT INTO resources (url, link, title, author, description, origin, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'guide', ?, ?)",
                [
                    (url, first[url].url, first[url].title, first[url].author,
                     first[url].description, now, now)
                    for url in new_urls
                ],
            )
            resource_ids.update(self._resource_ids_by_url(new_urls))
            report.resources = len(resource_ids)

            # Placements: (topic, resource) pairs.
            existing = {
                (row[1], row[2]): row
                for row in conn.execute(
                    "SELECT id, topic_id, resource_id, section_id, tier, title, author, "
                    "description, removed_at, position, line FROM placements WHERE guide_id = ?",
                    (guide_id,),
                )
            }
            seen: dict[tuple[int, int], int] = {}
            inserts = []
            updates = []
            for url, item in zip(urls, parsed.items, strict=True):
                rid = resource_ids[url]
                tid = topic_ids[item.topic_key]
                sid = topic_ids.get(item.section_key) if item.section_key else None
                key = (tid, rid)
                if key in seen:
                    report.warnings.append(
                        f"line {item.line}: same link as line {seen[key]} in the same topic; "
                        "kept the first"
                    )
                    continue
                seen[key] = item.line
                old = existing.get(key)
                if old is None:
                    inserts.append(
                        (rid, guide_id, tid, sid, item.tier, item.position, item.title,
                         item.author, item.description, item.line, now, now)
                    )
                    report.added += 1
                    continue
                fields_changed = (old[3], old[4], old[5], old[6], old[7]) != (
                    sid, item.tier, item.title, item.author, item.description
                )
                if old[8] is not None:
                    report.added += 1
                elif fields_changed:
                    report.changed += 1
                else:
                    report.unchanged += 1
                    if (old[9], old[10]) == (item.position, item.line):
                        continue  # nothing to write
                updates.append(
                    (sid, item.tier, item.position, item.title, item.author, item.description,
                     item.line, fields_changed or old[8] is not None, now, old[0])
                )
            conn.executemany(
                "UPDATE placements SET section_id = ?, tier = ?, position = ?, title = ?, "
                "author = ?, description = ?, line = ?, removed_at = NULL, "
                "updated_at = CASE WHEN ? THEN ? ELSE updated_at END WHERE id = ?",
                updates,
            )
            with insert_triggers_idle(conn, "placements", len(inserts)):
                conn.executemany(
                    "INSERT INTO placements (resource_id, guide_id, topic_id, section_id, tier, "
                    "position, title, author, description, line, added_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    inserts,
                )
            # Placements with no guide line were filed by the user (from the Inbox): theirs.
            gone = [
                row[0]
                for key, row in existing.items()
                if key not in seen and row[8] is None and row[10] is not None
            ]
            conn.executemany(
                "UPDATE placements SET removed_at = ? WHERE id = ?", [(now, pid) for pid in gone]
            )
            report.removed = len(gone)
            report.placements = len(seen)
            analyze_browsing_tables(conn)
        return report

    def _resource_ids_by_url(self, urls: list[str]) -> dict[str, int]:
        """url -> id for the given normalised URLs that exist (one query, any number)."""
        if not urls:
            return {}
        rows = self.conn.execute(
            "SELECT r.url, r.id FROM json_each(?) AS j JOIN resources r ON r.url = j.value",
            (json.dumps(urls),),
        )
        return dict(rows)

    # ------------------------------------------------------------------ export helpers
    def stats_summary(self) -> dict[str, Any]:
        """Small overall numbers, used by the header and `topics --json`."""
        return {
            "guides": len(self.guides()),
            "resources": self.conn.execute("SELECT count(*) FROM resources").fetchone()[0],
        }


def analyze_browsing_tables(conn: sqlite3.Connection) -> None:
    """Refresh the planner's table statistics (a few ms, sampled) after a bulk change.

    Without them SQLite guesses every table is huge and builds a Bloom filter over all of
    placements for each page of the list (8 ms at 50k items instead of 0.03 ms).
    """
    conn.execute("PRAGMA analysis_limit = 400")
    for table in ("guides", "topics", "placements", "resources", "notes"):
        conn.execute(f"ANALYZE main.{table}")


def _seconds_between(a: str, b: str) -> float:
    from datetime import datetime

    try:
        ta = datetime.fromisoformat(a.replace("Z", "+00:00"))
        tb = datetime.fromisoformat(b.replace("Z", "+00:00"))
    except ValueError:
        return float("inf")
    return abs((tb - ta).total_seconds())
