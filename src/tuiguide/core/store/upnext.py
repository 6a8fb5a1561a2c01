"""Queries behind "Up next" (the guide's reading order) and the notes list.

The order (:mod:`tuiguide.core.study.upnext` says why): a resource marked ``reading`` first,
then tier (untiered last), then guide and topic order, then position; each resource once, at
its earliest place. It splits into segments -- the reading resources, then the todo ones
tier by tier -- and a todo segment is an index walk in guide order (like the browsing list)
that keeps a placement only when no earlier live placement of its resource is in scope, so a
page near the top never ranks every placement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuiguide.core.store.browse import GUIDE_ORDER, GUIDE_ORDER_WALK, lead_here

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

OPEN_STATUSES = ("todo", "reading")
UNTIERED = 1_000_000
"""The tier key of untiered placements: after every real tier."""

_PLACE_P = f"COALESCE(p.tier, {UNTIERED}), g.position, g.id, t.position, p.position, p.id"


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
