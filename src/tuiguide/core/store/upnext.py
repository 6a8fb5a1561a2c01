"""Queries behind "Up next" (the guide's reading order) and the notes list.

The order (:mod:`tuiguide.core.study.upnext` says why): a resource marked ``reading`` first,
then tier (untiered last), then guide and topic order, then position; each resource once, at
its earliest place. It splits into segments -- the reading resources, then the todo ones
tier by tier -- and a todo segment is an index walk in guide order (like the browsing list)
that keeps a placement only when no earlier live placement of its resource is in scope, so a
page near the top never ranks every placement.

A *place* is a placement's position in that order:
``(tier key, guide position, guide id, topic position, topic id, position)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Item
from tuiguide.core.store.browse import GUIDE_ORDER, GUIDE_ORDER_WALK, lead_here
from tuiguide.core.store.rows import ITEM_SELECT, item_from_row

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

OPEN_STATUSES = ("todo", "reading")
UNTIERED = 1_000_000
"""The tier key of untiered placements: after every real tier."""

Place = tuple[Any, ...]

_ORDER_KEY = (
    f"(r.status <> 'reading'), COALESCE(p.tier, {UNTIERED}), g.position, g.id, "
    "t.position, t.id, p.position, p.id"
)
_PLACE_P = f"COALESCE(p.tier, {UNTIERED}), g.position, g.id, t.position, p.position, p.id"
_PLACE = f"COALESCE(p.tier, {UNTIERED}), g.position, g.id, t.position, t.id, p.position"
_PLACE_FROM = "FROM placements p JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id"


def _scope(alias: str, guide_id: int | None, tier: int | None) -> tuple[str, list[Any]]:
    """Conditions on placement ``alias`` for a guide and a tier (0 = untiered)."""
    sql, params = "", []
    if guide_id is not None:
        sql += f" AND {alias}.guide_id = ?"
        params.append(guide_id)
    if tier == 0:
        sql += f" AND {alias}.tier IS NULL"
    elif tier is not None:
        sql += f" AND {alias}.tier = ?"
        params.append(tier)
    return sql, params


def _first_here(guide_id: int | None, tier: int | None) -> tuple[str, list[Any]]:
    """SQL true when placement ``p`` is its resource's first in the reading order: its lead
    placement in the guide (or every guide). A tier filter does not change which placement
    leads, so a tier's list holds the resources whose lead is in that tier and the tiers
    add up to the whole list."""
    del tier
    return lead_here(guide_id is not None), []


def _first_placements(guide_id: int | None) -> tuple[str, list[Any]]:
    """Placement ids where each open resource comes first in the order (ranks them all)."""
    scope, params = _scope("p", guide_id, None)
    return (
        f"""SELECT pid FROM (
    SELECT p.id AS pid,
           ROW_NUMBER() OVER (PARTITION BY p.resource_id ORDER BY {_ORDER_KEY}) AS rn
    FROM placements p
    JOIN resources r ON r.id = p.resource_id
    JOIN guides g ON g.id = p.guide_id
    JOIN topics t ON t.id = p.topic_id
    WHERE p.removed_at IS NULL AND r.status IN ('todo', 'reading'){scope}
) WHERE rn = 1""",
        params,
    )


# ---------------------------------------------------------------------------- segments
def reading_page(
    catalogue: Catalogue, guide_id: int | None, tier: int | None, limit: int, offset: int
) -> list[int]:
    """Placement ids of the reading resources, in order (few: driven by the status index)."""
    scope, params = _scope("p", guide_id, tier)
    first, first_params = _first_here(guide_id, tier)
    return [
        row[0]
        for row in catalogue.conn.execute(
            "SELECT p.id FROM resources r INDEXED BY resources_status "
            "CROSS JOIN placements p INDEXED BY placements_resource "
            "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
            f"WHERE r.status = 'reading' AND p.resource_id = r.id AND p.removed_at IS NULL{scope} "
            f"AND {first} ORDER BY {_PLACE_P} LIMIT ? OFFSET ?",
            [*params, *first_params, limit, offset],
        )
    ]


def _tier_walk(
    guide_id: int | None, tier: int, filter_tier: int | None, status: str
) -> tuple[str, list[Any]]:
    """FROM/WHERE walking one tier's ``status`` placements in guide order (0 = untiered);
    ``filter_tier`` is the list's own tier filter (earlier places count only within it)."""
    if status not in OPEN_STATUSES:
        raise ValueError(status)
    scope, params = _scope("p", guide_id, tier)
    first, first_params = _first_here(guide_id, filter_tier)
    guide = ""
    if guide_id is not None:
        guide, params = "AND g.id = ? ", [guide_id, *params]
    return (
        f"{GUIDE_ORDER_WALK}CROSS JOIN resources r "
        f"WHERE t.guide_id = g.id {guide}AND p.topic_id = t.id AND p.removed_at IS NULL{scope} "
        f"AND r.id = p.resource_id AND r.status = '{status}' AND {first}",
        [*params, *first_params],
    )


def segment_size(
    catalogue: Catalogue, guide_id: int | None, tier: int, filter_tier: int | None, status: str
) -> int:
    """How many resources one tier's ``status`` segment lists (one walk of that tier)."""
    body, params = _tier_walk(guide_id, tier, filter_tier, status)
    return catalogue.conn.execute(f"SELECT count(*) {body}", params).fetchone()[0]


def segment_page(
    catalogue: Catalogue, guide_id: int | None, tier: int, filter_tier: int | None, status: str,
    limit: int, offset: int,
) -> list[int]:
    """Placement ids of one page of a tier's ``status`` segment, in guide order."""
    body, params = _tier_walk(guide_id, tier, filter_tier, status)
    return [
        row[0]
        for row in catalogue.conn.execute(
            f"SELECT p.id {body} ORDER BY {GUIDE_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]


def segment_first_after(
    catalogue: Catalogue, guide_id: int | None, tier: int, filter_tier: int | None,
    place: Place | None,
) -> int | None:
    """The first placement of a tier's todo segment placed after ``place`` (from the top
    when None). The walk is split so each condition sits on one loop of the index walk
    (this topic's later positions, this guide's later topics, later guides): the
    placements before the place are never read."""
    body, params = _tier_walk(guide_id, tier, filter_tier, "todo")
    parts: list[tuple[str, list[Any]]] = [("", [])]
    if place is not None:
        _, g_pos, g_id, t_pos, t_id, p_pos = place
        parts = [
            (" AND t.id = ? AND p.position > ?", [t_id, p_pos]),
            (" AND g.id = ? AND (t.position > ? OR (t.position = ? AND t.id > ?))",
             [g_id, t_pos, t_pos, t_id]),
            (" AND (g.position > ? OR (g.position = ? AND g.id > ?))", [g_pos, g_pos, g_id]),
        ]
    for extra, extra_params in parts:
        row = catalogue.conn.execute(
            f"SELECT p.id {body}{extra} ORDER BY {GUIDE_ORDER} LIMIT 1", [*params, *extra_params]
        ).fetchone()
        if row:
            return int(row[0])
    return None


def segment_count_before(
    catalogue: Catalogue, guide_id: int | None, tier: int, filter_tier: int | None,
    place: Place | None,
) -> int:
    """How many resources of a tier's todo segment come before ``place`` (all: None)."""
    body, params = _tier_walk(guide_id, tier, filter_tier, "todo")
    sql = f"SELECT count(*) {body}"
    if place is not None:
        sql += " AND (g.position, g.id, t.position, t.id, p.position) < (?, ?, ?, ?, ?)"
        params = [*params, *place[1:]]
    return catalogue.conn.execute(sql, params).fetchone()[0]


# ---------------------------------------------------------------------------- places
def place_of(catalogue: Catalogue, placement_id: int) -> Place | None:
    row = catalogue.conn.execute(
        f"SELECT {_PLACE} {_PLACE_FROM} WHERE p.id = ?", (placement_id,)
    ).fetchone()
    return tuple(row) if row else None


def first_place(
    catalogue: Catalogue, resource_id: int, guide_id: int | None, tier: int | None
) -> tuple[Place, int] | None:
    """(place, placement id) where the resource comes first in scope; None if not in scope."""
    scope, params = _scope("p", guide_id, None)
    row = catalogue.conn.execute(
        f"SELECT {_PLACE}, p.id, p.tier {_PLACE_FROM} WHERE p.resource_id = ? "
        f"AND p.removed_at IS NULL{scope} ORDER BY {_PLACE}, p.id LIMIT 1",
        [resource_id, *params],
    ).fetchone()
    if row is None or (tier is not None and row[-1] != (tier or None)):
        return None
    return tuple(row[:-2]), row[-2]


def resource_status(catalogue: Catalogue, resource_id: int) -> str | None:
    row = catalogue.conn.execute(
        "SELECT status FROM resources WHERE id = ?", (resource_id,)
    ).fetchone()
    return row[0] if row else None


def order_ids(catalogue: Catalogue, guide_id: int | None = None) -> list[int]:
    """Resource ids of every open resource in reading order (ranks every placement)."""
    sub, params = _first_placements(guide_id)
    rows = catalogue.conn.execute(
        "SELECT r.id FROM placements p JOIN resources r ON r.id = p.resource_id "
        "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
        f"WHERE p.id IN ({sub}) ORDER BY {_ORDER_KEY}",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def first_place_item(
    catalogue: Catalogue, resource_id: int, guide_id: int | None = None
) -> Item | None:
    """An open resource as placed where it comes first in the reading order."""
    sub, params = _first_placements(guide_id)
    row = catalogue.conn.execute(
        f"{ITEM_SELECT} WHERE p.id IN ({sub}) AND r.id = ?", [*params, resource_id]
    ).fetchone()
    return item_from_row(row) if row else None


# ---------------------------------------------------------------------------- notes
def noted_page(catalogue: Catalogue, limit: int, offset: int) -> list[tuple[int, int | None]]:
    """(resource id, its first placement or None) of resources with a note, most recently
    edited first."""
    return catalogue.conn.execute(
        "SELECT n.resource_id, (SELECT p.id FROM placements p JOIN guides g ON g.id = p.guide_id "
        "JOIN topics t ON t.id = p.topic_id WHERE p.resource_id = n.resource_id "
        "ORDER BY p.removed_at IS NOT NULL, g.position, t.position, p.position LIMIT 1) "
        "FROM notes n ORDER BY n.updated_at DESC, n.resource_id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()


def noted_count(catalogue: Catalogue) -> int:
    return catalogue.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
