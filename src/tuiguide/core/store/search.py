"""Search queries: FTS5 matches over the search documents and feed entries, filtered lists in
guide order, and the names the query language resolves ``topic:`` and ``guide:`` against.

Match expressions come from :mod:`tuiguide.core.search.query` (words quoted, never raw
input). Filters arrive as a :class:`SearchScope`: as SQL over placements and the count
tables, and as an expression over the documents' ``facets`` column (see
:mod:`tuiguide.core.store.search_index` for its tokens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# The feed entries' SELECT and row mapping are the feeds package's (one definition).
from tuiguide.core.feeds.models import InboxEntry
from tuiguide.core.feeds.store import ENTRY_SELECT, IN_INBOX, entry_from_row
from tuiguide.core.models import Item
from tuiguide.core.store.browse import GUIDE_ORDER, GUIDE_ORDER_WALK, lead_here
from tuiguide.core.store.counts import TIER_NONE, lead_resources
from tuiguide.core.store.rows import ITEM_SELECT, item_from_row
from tuiguide.core.store.search_index import DOCUMENTS_FTS, ENTRIES_FTS

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


@dataclass
class SearchScope:
    """Resolved filters: topics (or sections), guides, tiers (0 = untiered), statuses,
    tags (any of them)."""

    topic_ids: list[int]
    guide_ids: list[int]
    tiers: list[int]
    statuses: list[str]
    tags: list[str] = field(default_factory=list)

    def sql(self) -> tuple[list[str], list[Any]]:
        """As conditions over placements ``p`` and resources ``r``."""
        where: list[str] = ["p.removed_at IS NULL"]
        params: list[Any] = []
        if self.tiers:
            parts = []
            real = sorted({t for t in self.tiers if t})
            if real:
                parts.append(f"p.tier IN ({', '.join('?' * len(real))})")
                params += real
            if 0 in self.tiers:
                parts.append("p.tier IS NULL")
            where.append("(" + " OR ".join(parts) + ")")
        if self.topic_ids:
            marks = ", ".join("?" * len(self.topic_ids))
            where.append(f"(p.topic_id IN ({marks}) OR p.section_id IN ({marks}))")
            params += self.topic_ids + self.topic_ids
        if self.guide_ids:
            where.append(f"p.guide_id IN ({', '.join('?' * len(self.guide_ids))})")
            params += self.guide_ids
        if self.statuses:
            where.append(f"r.status IN ({', '.join('?' * len(self.statuses))})")
            params += self.statuses
        if self.tags:
            where.append(f"r.id IN {_tagged(self.tags)}")
            params += self.tags
        return where, params

    def count_sql(self) -> tuple[str, list[Any]]:
        """As a condition over ``placement_counts``."""
        where: list[str] = ["n > 0"]
        params: list[Any] = []
        if self.tiers:
            tiers = sorted({TIER_NONE if t == 0 else t for t in self.tiers})
            where.append(f"tier IN ({', '.join('?' * len(tiers))})")
            params += tiers
        if self.topic_ids:
            marks = ", ".join("?" * len(self.topic_ids))
            where.append(f"(topic_id IN ({marks}) OR section_id IN ({marks}))")
            params += self.topic_ids + self.topic_ids
        if self.guide_ids:
            where.append(f"guide_id IN ({', '.join('?' * len(self.guide_ids))})")
            params += self.guide_ids
        if self.statuses:
            where.append(f"status IN ({', '.join('?' * len(self.statuses))})")
            params += self.statuses
        return " AND ".join(where), params

    def facets(self) -> str | None:
        """As an FTS5 expression over the ``facets`` column (None: no filter). Inside a
        topic a tier is a placement's; across topics it is the resource's lead tier, so a
        resource placed twice counts in one tier."""
        tiers = sorted(set(self.tiers))
        groups: list[list[str]] = []
        if self.statuses:
            groups.append([f'"s{s}"' for s in sorted(set(self.statuses))])
        if self.topic_ids:
            ids = sorted(set(self.topic_ids))
            groups.append(
                [f'"c{c}t{t}"' for c in ids for t in tiers] if tiers else [f'"c{c}t"*' for c in ids]
            )
        elif self.guide_ids:
            # Across topics a tier means the resource's lead tier (in that guide).
            ids = sorted(set(self.guide_ids))
            groups.append(
                [f'"l{g}t{t}"' for g in ids for t in tiers] if tiers else [f'"g{g}t"*' for g in ids]
            )
        elif tiers:
            groups.append([f'"l0t{t}"' for t in tiers])
        if not groups:
            return None
        return " AND ".join("{facets} : (" + " OR ".join(group) + ")" for group in groups)


# ---------------------------------------------------------------------------- names
def live_topic_names(catalogue: Catalogue) -> list[tuple[int, int, str | None, str]]:
    """(id, guide id, number, title) of every live topic and section."""
    return catalogue.conn.execute(
        "SELECT id, guide_id, number, title FROM topics WHERE removed_at IS NULL"
    ).fetchall()


def guide_names(catalogue: Catalogue) -> list[tuple[int, str, str]]:
    """(id, slug, title) of every guide."""
    return catalogue.conn.execute("SELECT id, slug, title FROM guides").fetchall()


def topic_labels(catalogue: Catalogue) -> list[tuple[int, int, str | None, str, str]]:
    """(id, guide id, number, title, guide title) of live topics in guide order."""
    return catalogue.conn.execute(
        "SELECT t.id, t.guide_id, t.number, t.title, g.title FROM topics t "
        "JOIN guides g ON g.id = t.guide_id WHERE t.removed_at IS NULL "
        "ORDER BY g.position, g.id, t.position"
    ).fetchall()


# ---------------------------------------------------------------------------- resources
def _tagged(tags: Sequence[str]) -> str:
    """A subquery of the resources carrying any of ``tags`` (one ``?`` per tag)."""
    return (f"(SELECT resource_id FROM tags WHERE removed_at IS NULL "
            f"AND name IN ({', '.join('?' * len(tags))}))")


def count_matches(catalogue: Catalogue, match: str, tags: Sequence[str] = ()) -> int:
    """Documents matching an FTS5 expression (and carrying one of ``tags``, when given)."""
    extra = f" AND rowid IN {_tagged(tags)}" if tags else ""
    return catalogue.conn.execute(
        f"SELECT count(*) FROM {DOCUMENTS_FTS} WHERE {DOCUMENTS_FTS} MATCH ?{extra}",
        (match, *tags),
    ).fetchone()[0]


def match_page(
    catalogue: Catalogue, match: str, limit: int, offset: int, *, ranked: bool,
    tags: Sequence[str] = (),
) -> list[tuple[int, float]]:
    """(resource id, bm25 rank) of one page of matches: best first when ``ranked``, else in
    catalogue order with rank 0 (cheap for very broad queries)."""
    if limit <= 0:
        return []
    order = "rank" if ranked else "rowid"
    return catalogue.conn.execute(
        f"SELECT rowid, {'rank' if ranked else '0.0'} FROM {DOCUMENTS_FTS} "
        f"WHERE {DOCUMENTS_FTS} MATCH ?{f' AND rowid IN {_tagged(tags)}' if tags else ''} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        (match, *tags, limit, offset),
    ).fetchall()


def first_matches(catalogue: Catalogue, match: str, limit: int) -> list[tuple[int, float]]:
    """(resource id, rank) of the first ``limit`` matches in catalogue order: rank is
    computed only for the rows read, so the cost is bounded however broad the match."""
    return catalogue.conn.execute(
        f"SELECT rowid, rank FROM {DOCUMENTS_FTS} WHERE {DOCUMENTS_FTS} MATCH ? LIMIT ?",
        (match, limit),
    ).fetchall()


def places_of(catalogue: Catalogue, resource_ids: list[int], scope: SearchScope) -> list[Item]:
    """Every live place of the resources within the scope, in guide order."""
    where, params = scope.sql()
    marks = ", ".join("?" * len(resource_ids))
    rows = catalogue.conn.execute(
        f"{ITEM_SELECT} WHERE p.resource_id IN ({marks}) AND {' AND '.join(where)} "
        "ORDER BY g.position, g.id, t.position, p.position, p.id",
        [*resource_ids, *params],
    ).fetchall()
    return [item_from_row(row) for row in rows]


def _lead_total(catalogue: Catalogue, scope: SearchScope) -> int:
    """Resources a filter across topics lists (each once, at its lead tier)."""
    tiers = scope.tiers or None
    statuses = scope.statuses or None
    if not scope.guide_ids:
        return lead_resources(catalogue, None, tiers, statuses)
    return sum(lead_resources(catalogue, g, tiers, statuses) for g in sorted(set(scope.guide_ids)))


def filtered_page(
    catalogue: Catalogue, scope: SearchScope, *, noted: bool, limit: int, offset: int
) -> tuple[int, list[Item]]:
    """Filters only: (total, one page of the matching items in guide order), counted from
    the count tables and paged by the same index walk as the browsing list. Inside a topic
    every placement shows; across topics each resource once, at its lead placement."""
    conn = catalogue.conn
    where, params = scope.sql()
    if not scope.topic_ids:
        where.append(lead_here(bool(scope.guide_ids)))
    if noted:
        where.append("EXISTS (SELECT 1 FROM notes n WHERE n.resource_id = p.resource_id)")
    sql_where = " AND ".join(where)
    if noted:  # notes are few: count them directly
        total = conn.execute(
            "SELECT count(*) FROM notes nn JOIN placements p ON p.resource_id = nn.resource_id "
            "JOIN resources r ON r.id = p.resource_id JOIN guides g ON g.id = p.guide_id "
            f"JOIN topics t ON t.id = p.topic_id WHERE {sql_where}",
            params,
        ).fetchone()[0]
    elif scope.tags:  # tagged resources are few: count them directly too
        total = conn.execute(
            "SELECT count(*) FROM placements p JOIN resources r ON r.id = p.resource_id "
            "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
            f"WHERE {sql_where}", params,
        ).fetchone()[0]
    elif not scope.topic_ids:
        total = _lead_total(catalogue, scope)
    else:
        cwhere, cparams = scope.count_sql()
        total = conn.execute(
            f"SELECT COALESCE(sum(n), 0) FROM placement_counts WHERE {cwhere}", cparams
        ).fetchone()[0]
    topic_where, topic_params = "", []
    if scope.topic_ids:
        # Items of a section hang under its parent topic: visit those topics only.
        marks = ", ".join("?" * len(scope.topic_ids))
        topic_where = (
            f"AND (t.id IN ({marks}) OR t.id IN (SELECT parent_id FROM topics WHERE id IN ({marks}))) "
        )
        topic_params = [*scope.topic_ids, *scope.topic_ids]
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT p.id {GUIDE_ORDER_WALK}CROSS JOIN resources r "
            f"WHERE t.guide_id = g.id AND p.topic_id = t.id {topic_where}"
            f"AND r.id = p.resource_id AND {sql_where} "
            f"ORDER BY {GUIDE_ORDER} LIMIT ? OFFSET ?",
            [*topic_params, *params, limit, offset],
        )
    ]
    if not ids:
        return total, []
    rows = conn.execute(f"{ITEM_SELECT} WHERE p.id IN ({', '.join('?' * len(ids))})", ids)
    by_id = {row[1]: item_from_row(row) for row in rows}
    return total, [by_id[i] for i in ids if i in by_id]


# ---------------------------------------------------------------------------- feed entries
def entry_page(
    catalogue: Catalogue, *, inbox_only: bool, limit: int, offset: int
) -> tuple[int, list[InboxEntry]]:
    """No words: (total, one page of entries newest first), the Inbox or every entry."""
    where = IN_INBOX if inbox_only else "1"
    conn = catalogue.conn
    total = conn.execute(f"SELECT count(*) FROM feed_entries e WHERE {where}").fetchone()[0]
    rows = conn.execute(
        f"{ENTRY_SELECT} WHERE {where} ORDER BY e.sort_at DESC, e.id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return total, [entry_from_row(r) for r in rows]


def entry_matches(
    catalogue: Catalogue, match: str, *, inbox_only: bool, limit: int, offset: int
) -> tuple[int, list[tuple[InboxEntry, float]]]:
    """(total, one page of (entry, bm25 rank), best first) for an FTS5 expression."""
    where = IN_INBOX if inbox_only else "1"
    conn = catalogue.conn
    base = (
        f"FROM (SELECT rowid AS eid, rank AS score FROM {ENTRIES_FTS} WHERE {ENTRIES_FTS} MATCH ?) m "
        f"JOIN feed_entries e ON e.id = m.eid WHERE {where}"
    )
    total = conn.execute(f"SELECT count(*) {base}", (match,)).fetchone()[0]
    page = conn.execute(
        f"SELECT m.eid, m.score {base} ORDER BY m.score, m.eid LIMIT ? OFFSET ?",
        (match, limit, offset),
    ).fetchall()
    if not page:
        return total, []
    ids = [eid for eid, _ in page]
    rows = conn.execute(
        f"{ENTRY_SELECT} WHERE e.id IN ({', '.join('?' * len(ids))})", ids
    ).fetchall()
    by_id = {row[0]: entry_from_row(row) for row in rows}
    return total, [(by_id[eid], score) for eid, score in page if eid in by_id]
