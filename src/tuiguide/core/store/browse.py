"""Reads for browsing: guides, topics with their counts, pages of items in guide order.

The list pages walk named indexes in guide order (guides -> topics -> placements), so a
page costs the same at any size and never sorts the whole list; the plans do not depend on
table statistics.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError
from tuiguide.core.models import STATUSES, Counts, Guide, Item, Placement, Topic
from tuiguide.core.store import counts
from tuiguide.core.store.rows import (
    GUIDE_COLUMNS,
    ITEM_SELECT,
    TOPIC_COLUMNS,
    UNPLACED_ITEM_SELECT,
    guide_from_row,
    item_from_row,
    topic_from_row,
)

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

GUIDE_ORDER_WALK = (
    "FROM guides g INDEXED BY guides_order "
    "CROSS JOIN topics t INDEXED BY topics_guide "
    "CROSS JOIN placements p INDEXED BY placements_topic_order "
)
"""Placements ``p`` in guide order, topic ``t`` by topic (join with ``WHERE t.guide_id =
g.id AND p.topic_id = t.id`` and order by :data:`GUIDE_ORDER`)."""
GUIDE_ORDER = "g.position, g.id, t.position, t.id, p.position"


def lead_here(guide_scoped: bool) -> str:
    """SQL true when placement ``p`` (in guide ``g``, topic ``t``) is its resource's lead
    placement: no other live one has a lower tier (untiered last) or, in the same tier, an
    earlier place in guide order (:data:`counts.LEAD_RULE`). ``guide_scoped``: only the
    placements in ``p``'s guide compete (a view of one guide)."""
    key = f"COALESCE({{x}}.tier, {counts.UNTIERED_KEY})"
    return (
        "NOT EXISTS (SELECT 1 FROM placements q JOIN guides qg ON qg.id = q.guide_id "
        "JOIN topics qt ON qt.id = q.topic_id WHERE q.resource_id = p.resource_id "
        "AND q.id <> p.id AND q.removed_at IS NULL"
        + (" AND q.guide_id = p.guide_id" if guide_scoped else "")
        + f" AND ({key.format(x='q')}, qg.position, qg.id, qt.position, qt.id, q.position, q.id)"
        f" < ({key.format(x='p')}, g.position, g.id, t.position, t.id, p.position, p.id))"
    )


# ---------------------------------------------------------------------------- guides, topics
def guides(catalogue: Catalogue) -> list[Guide]:
    rows = catalogue.conn.execute(
        f"SELECT {GUIDE_COLUMNS} FROM guides ORDER BY position, id"
    ).fetchall()
    return [guide_from_row(row) for row in rows]


def guide(catalogue: Catalogue, guide_id: int) -> Guide | None:
    row = catalogue.conn.execute(
        f"SELECT {GUIDE_COLUMNS} FROM guides WHERE id = ?", (guide_id,)
    ).fetchone()
    return guide_from_row(row) if row else None


def topics(catalogue: Catalogue, guide_id: int | None = None) -> list[Topic]:
    """Live topics (with sub-sections) in guide order, each with counts per tier and status."""
    where, params = "t.removed_at IS NULL", []
    if guide_id is not None:
        where += " AND t.guide_id = ?"
        params.append(guide_id)
    rows = catalogue.conn.execute(
        f"SELECT {', '.join('t.' + c for c in TOPIC_COLUMNS.split(', '))} "
        "FROM topics t JOIN guides g ON g.id = t.guide_id "
        f"WHERE {where} ORDER BY g.position, g.id, t.position",
        params,
    ).fetchall()
    found = {row[0]: topic_from_row(row) for row in rows}
    for topic_id, section_id, tier, status, n in counts.topic_counts(catalogue, guide_id):
        for tid in (topic_id, section_id):
            t = found.get(tid) if tid is not None else None
            if t is not None:
                t.by_tier.setdefault(tier, Counts()).add(status, n)
    return list(found.values())


def topic(catalogue: Catalogue, topic_id: int) -> Topic | None:
    row = catalogue.conn.execute(
        f"SELECT {TOPIC_COLUMNS} FROM topics WHERE id = ?", (topic_id,)
    ).fetchone()
    return topic_from_row(row) if row else None


# ---------------------------------------------------------------------------- item lists
def statuses_of(status: str | Iterable[str] | None) -> list[str] | None:
    """A status filter as a list, checked (a user mistake names the statuses to use)."""
    if status is None:
        return None
    found = [status] if isinstance(status, str) else list(status)
    for s in found:
        if s not in STATUSES:
            raise UserError(f"unknown status {s!r}; use one of {', '.join(STATUSES)}")
    return found


def _filters(
    guide_id: int | None,
    topic_id: int | None,
    tier: int | None,
    statuses: list[str] | None,
    include_removed: bool,
) -> tuple[str, list[Any]]:
    """WHERE over placements ``p`` (and resources ``r`` when statuses are given)."""
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
    if statuses is not None:
        where.append(f"r.status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    return (" AND ".join(where) or "1"), params


def count_items(
    catalogue: Catalogue,
    guide_id: int | None = None,
    topic_id: int | None = None,
    tier: int | None = None,
    status: str | Iterable[str] | None = None,
    include_removed: bool = False,
) -> int:
    """Items a list with these filters shows (live ones from the count tables: no scan):
    inside a topic its placements, across topics each resource once (at its lead tier)."""
    statuses = statuses_of(status)
    if not include_removed:
        if topic_id is None:
            tiers = None if tier is None else [tier]
            return counts.lead_resources(catalogue, guide_id, tiers, statuses)
        return counts.live_placements(catalogue, guide_id, topic_id, tier, statuses)
    where, params = _filters(guide_id, topic_id, tier, statuses, include_removed)
    sql = "SELECT count(*) FROM placements p "
    if statuses is not None:
        sql += "JOIN resources r ON r.id = p.resource_id "
    return catalogue.conn.execute(f"{sql} WHERE {where}", params).fetchone()[0]


def placement_page(
    catalogue: Catalogue,
    guide_id: int | None = None,
    topic_id: int | None = None,
    tier: int | None = None,
    status: str | Iterable[str] | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    include_removed: bool = False,
) -> list[int]:
    """Placement ids of one page of the list in guide order (topic, then position); a list
    across topics shows each resource once, at its lead placement (:func:`lead_here`)."""
    where, params = _filters(guide_id, topic_id, tier, statuses_of(status), include_removed)
    if topic_id is None and not include_removed:
        where += " AND " + lead_here(guide_id is not None)
    joins = "CROSS JOIN resources r " if status is not None else ""
    topic_where = ""
    if topic_id is not None:
        # Items of a section hang under its parent topic: visit just those topics.
        topic_where = "AND t.id IN (?, (SELECT parent_id FROM topics WHERE id = ?)) "
        params = [topic_id, topic_id, *params]
    return [
        row[0]
        for row in catalogue.conn.execute(
            f"SELECT p.id {GUIDE_ORDER_WALK}{joins}"
            f"WHERE t.guide_id = g.id AND p.topic_id = t.id {topic_where}"
            f"{'AND r.id = p.resource_id ' if joins else ''}AND {where} "
            f"ORDER BY {GUIDE_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]


def items_at(catalogue: Catalogue, placement_ids: list[int]) -> list[Item]:
    """The items placed as ``placement_ids``, in no particular order (one query)."""
    if not placement_ids:
        return []
    rows = catalogue.conn.execute(
        f"{ITEM_SELECT} WHERE p.id IN ({', '.join('?' * len(placement_ids))})", placement_ids
    ).fetchall()
    return [item_from_row(row) for row in rows]


def item(catalogue: Catalogue, resource_id: int, placement_id: int | None = None) -> Item | None:
    """One resource as placed in ``placement_id`` when given, else at its first place (live
    ones first, in guide order), else as a resource in no topic."""
    conn = catalogue.conn
    if placement_id is not None:
        row = conn.execute(
            f"{ITEM_SELECT} WHERE p.id = ? AND r.id = ?", (placement_id, resource_id)
        ).fetchone()
        if row:
            return item_from_row(row)
    row = conn.execute(
        f"{ITEM_SELECT} WHERE r.id = ? ORDER BY p.removed_at IS NOT NULL, g.position, "
        "t.position, p.position LIMIT 1",
        (resource_id,),
    ).fetchone()
    if row is None:
        row = conn.execute(f"{UNPLACED_ITEM_SELECT} WHERE r.id = ?", (resource_id,)).fetchone()
    return item_from_row(row) if row else None


def placements_of(catalogue: Catalogue, resource_id: int) -> list[Item]:
    rows = catalogue.conn.execute(
        f"{ITEM_SELECT} WHERE r.id = ? ORDER BY g.position, t.position, p.position",
        (resource_id,),
    ).fetchall()
    return [item_from_row(r) for r in rows]


# ---------------------------------------------------------------------------- placements
_PLACEMENT = "SELECT id, resource_id, topic_id, section_id, tier, position FROM placements "


def live_placement(
    catalogue: Catalogue, resource_id: int, placement_id: int | None = None
) -> Placement | None:
    """Where a resource sits now: at ``placement_id`` if that place is still live, else its
    oldest live place; None when it is in no guide any more."""
    conn = catalogue.conn
    row = None
    if placement_id is not None:
        row = conn.execute(
            f"{_PLACEMENT} WHERE id = ? AND resource_id = ? AND removed_at IS NULL",
            (placement_id, resource_id),
        ).fetchone()
    if row is None:
        row = conn.execute(
            f"{_PLACEMENT} WHERE resource_id = ? AND removed_at IS NULL ORDER BY id LIMIT 1",
            (resource_id,),
        ).fetchone()
    return Placement(*row) if row else None


def placement(catalogue: Catalogue, placement_id: int) -> Placement | None:
    row = catalogue.conn.execute(f"{_PLACEMENT} WHERE id = ?", (placement_id,)).fetchone()
    return Placement(*row) if row else None


def placed_before(
    catalogue: Catalogue,
    topic_id: int,
    position: int,
    *,
    section_id: int | None = None,
    tier: int | None = None,
) -> int:
    """Live placements of a topic (or of one of its sections, or one tier) placed before
    ``position``: a row's index in that list, which is in position order."""
    where = ["topic_id = ?", "removed_at IS NULL", "position < ?"]
    params: list[Any] = [topic_id, position]
    if section_id is not None:
        where.append("section_id = ?")
        params.append(section_id)
    if tier is not None:
        where.append("tier = ?")
        params.append(tier)
    return catalogue.conn.execute(
        f"SELECT count(*) FROM placements WHERE {' AND '.join(where)}", params
    ).fetchone()[0]


def resource_total(catalogue: Catalogue) -> int:
    return catalogue.conn.execute("SELECT count(*) FROM resources").fetchone()[0]
