"""The guide's own reading order ("Up next") and the notes list.

The guide says: Tier 1 of every topic first, then Tier 2, then Tier 3. "Up next" lists the
resources not yet done or skipped in exactly that order -- a resource marked ``reading`` first,
then tier (untiered last), then guide and topic order, then position in the guide. A resource
placed in several topics appears once, at its earliest place in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalogue import _ITEM_SELECT, _row_to_item
from .models import Item

if TYPE_CHECKING:
    from .catalogue import Catalogue

OPEN_STATUSES = ("todo", "reading")
_UNTIERED = 1_000_000  # sorts untiered placements after every real tier

# The reading order as SQL (placements p, resources r, guides g, topics t).
_ORDER_KEY = (
    f"(r.status <> 'reading'), COALESCE(p.tier, {_UNTIERED}), g.position, g.id, "
    "t.position, p.position, p.id"
)

_FIRST_PLACEMENTS = f"""
SELECT pid FROM (
    SELECT p.id AS pid,
           ROW_NUMBER() OVER (PARTITION BY p.resource_id ORDER BY {_ORDER_KEY}) AS rn
    FROM placements p
    JOIN resources r ON r.id = p.resource_id
    JOIN guides g ON g.id = p.guide_id
    JOIN topics t ON t.id = p.topic_id
    WHERE p.removed_at IS NULL AND r.status IN ('todo', 'reading') {{guide_filter}}
) WHERE rn = 1
"""


def _first_placements(guide_id: int | None, tier: int | None = None) -> tuple[str, list[Any]]:
    """``tier`` (browsing TUI's tier tabs) keeps one tier's placements; 0 means untiered."""
    filters: list[str] = []
    params: list[Any] = []
    if guide_id is not None:
        filters.append("AND p.guide_id = ?")
        params.append(guide_id)
    if tier == 0:
        filters.append("AND p.tier IS NULL")
    elif tier is not None:
        filters.append("AND p.tier = ?")
        params.append(tier)
    return _FIRST_PLACEMENTS.format(guide_filter=" ".join(filters)), params


def up_next(
    catalogue: Catalogue,
    guide_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    *,
    tier: int | None = None,
) -> list[Item]:
    """One page of the reading order (each resource once, as placed where it comes first)."""
    sub, params = _first_placements(guide_id, tier)
    rows = catalogue.conn.execute(
        f"{_ITEM_SELECT} WHERE p.id IN ({sub}) ORDER BY {_ORDER_KEY} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_row_to_item(row) for row in rows]


def up_next_count(
    catalogue: Catalogue, guide_id: int | None = None, *, tier: int | None = None
) -> int:
    """How many distinct resources are still to read (todo or reading).

    Same filters as :func:`up_next`, but a plain DISTINCT count: one per resource is exactly
    what the window function keeps, without ranking every placement (5x faster at 50k).
    """
    where, params = "p.removed_at IS NULL AND r.status IN ('todo', 'reading')", []
    if guide_id is not None:
        where += " AND p.guide_id = ?"
        params.append(guide_id)
    if tier == 0:
        where += " AND p.tier IS NULL"
    elif tier is not None:
        where += " AND p.tier = ?"
        params.append(tier)
    return catalogue.conn.execute(
        "SELECT count(DISTINCT p.resource_id) FROM placements p "
        f"JOIN resources r ON r.id = p.resource_id WHERE {where}",
        params,
    ).fetchone()[0]


def up_next_tier_counts(catalogue: Catalogue, guide_id: int | None = None) -> dict[int | None, int]:
    """Resources still to read per tier (None = untiered), for the TUI's tier tabs."""
    where, params = "p.removed_at IS NULL AND r.status IN ('todo', 'reading')", []
    if guide_id is not None:
        where += " AND p.guide_id = ?"
        params.append(guide_id)
    rows = catalogue.conn.execute(
        "SELECT p.tier, count(DISTINCT p.resource_id) FROM placements p "
        f"JOIN resources r ON r.id = p.resource_id WHERE {where} GROUP BY p.tier",
        params,
    ).fetchall()
    return {tier: n for tier, n in rows}


def up_next_ids(catalogue: Catalogue, guide_id: int | None = None) -> list[int]:
    """Resource IDs in reading order (cheap: used to step through the order)."""
    sub, params = _first_placements(guide_id)
    rows = catalogue.conn.execute(
        "SELECT r.id FROM placements p JOIN resources r ON r.id = p.resource_id "
        "JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id "
        f"WHERE p.id IN ({sub}) ORDER BY {_ORDER_KEY}",
        params,
    ).fetchall()
    return [row[0] for row in rows]


def next_item(
    catalogue: Catalogue, guide_id: int | None = None, after: int | None = None
) -> Item | None:
    """The next resource to read, or None when everything is done or skipped.

    With ``after`` (the resource the user is on), returns the one after it in the order,
    wrapping round, so pressing the key again walks the list; the first one otherwise.
    """
    if after is None:
        items = up_next(catalogue, guide_id, limit=1)
        return items[0] if items else None
    ids = up_next_ids(catalogue, guide_id)
    if not ids:
        return None
    rid = ids[(ids.index(after) + 1) % len(ids)] if after in ids else ids[0]
    return up_next_item(catalogue, rid, guide_id)


def up_next_item(catalogue: Catalogue, resource_id: int, guide_id: int | None = None) -> Item | None:
    """A resource as placed where it comes first in the reading order."""
    sub, params = _first_placements(guide_id)
    row = catalogue.conn.execute(
        f"{_ITEM_SELECT} WHERE p.id IN ({sub}) AND r.id = ?", [*params, resource_id]
    ).fetchone()
    return _row_to_item(row) if row else catalogue.item(resource_id)


# ---------------------------------------------------------------------- notes
def noted_items(catalogue: Catalogue, limit: int = 100, offset: int = 0) -> list[Item]:
    """Every resource with a note, most recently edited first (for the "Notes" tree node)."""
    rows = catalogue.conn.execute(
        "SELECT n.resource_id FROM notes n ORDER BY n.updated_at DESC, n.resource_id DESC "
        "LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    items = [catalogue.item(row[0]) for row in rows]
    return [item for item in items if item is not None]


def noted_count(catalogue: Catalogue) -> int:
    return catalogue.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
