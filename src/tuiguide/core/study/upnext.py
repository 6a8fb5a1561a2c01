"""The guide's own reading order ("Up next") and the notes list.

The guide says: Tier 1 of every topic first, then Tier 2, then Tier 3. "Up next" lists the
resources not yet done or skipped in exactly that order -- a resource marked ``reading`` first,
then tier (untiered last), then guide and topic order, then position in the guide. A resource
placed in several topics appears once, at its earliest place in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Item
from tuiguide.core.store.catalogue import _ITEM_SELECT, _row_to_item

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

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


# Paging "Up next" without ranking every placement (~100 ms at 50k): the order splits into
# segments -- the reading resources, then todo ones tier by tier -- and a todo segment is an
# index walk in guide order (like Catalogue.items) keeping a placement only when no earlier
# live placement of its resource is in scope. Counts come from ``resource_counts`` (m0003).
_PLACE_P = f"COALESCE(p.tier, {_UNTIERED}), g.position, g.id, t.position, p.position, p.id"
_PLACE_Q = f"COALESCE(q.tier, {_UNTIERED}), qg.position, qg.id, qt.position, q.position, q.id"
_TIER_NONE, _TIER_ALL, _ALL_GUIDES = -1, -2, 0  # resource_counts sentinels (m0003)


def _scope(alias: str, guide_id: int | None, tier: int | None) -> tuple[str, list[Any]]:
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
    """SQL true when placement ``p`` is its resource's first in the reading order (in scope)."""
    scope, params = _scope("q", guide_id, tier)
    return (
        "NOT EXISTS (SELECT 1 FROM placements q JOIN guides qg ON qg.id = q.guide_id "
        "JOIN topics qt ON qt.id = q.topic_id WHERE q.resource_id = p.resource_id "
        f"AND q.id <> p.id AND q.removed_at IS NULL{scope} AND ({_PLACE_Q}) < ({_PLACE_P}))",
        params,
    )


def _open_counts(catalogue: Catalogue, guide_id: int | None) -> list[tuple[int, str, int]]:
    """(tier, status, distinct resources) still to read, from the trigger-kept counts."""
    return catalogue.conn.execute(
        "SELECT tier, status, n FROM resource_counts WHERE guide_id = ? "
        "AND status IN ('todo', 'reading') AND n > 0",
        (guide_id if guide_id is not None else _ALL_GUIDES,),
    ).fetchall()


def _counts_tier(tier: int | None) -> int:
    return _TIER_ALL if tier is None else _TIER_NONE if tier == 0 else tier


def _reading_page(
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


def _todo_walk(
    guide_id: int | None, tier: int, filter_tier: int | None, status: str = "todo"
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
        "FROM guides g INDEXED BY guides_order "
        "CROSS JOIN topics t INDEXED BY topics_guide "
        "CROSS JOIN placements p INDEXED BY placements_topic_order "
        "CROSS JOIN resources r "
        f"WHERE t.guide_id = g.id {guide}AND p.topic_id = t.id AND p.removed_at IS NULL{scope} "
        f"AND r.id = p.resource_id AND r.status = '{status}' AND {first}",
        [*params, *first_params],
    )


def up_next(
    catalogue: Catalogue,
    guide_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    *,
    tier: int | None = None,
) -> list[Item]:
    """One page of the reading order (each resource once, as placed where it comes first).

    A page near the top costs ~1 ms at 50k items; skipping past a whole tier counts it
    (one walk of that tier).
    """
    counts = _open_counts(catalogue, guide_id)
    want = _counts_tier(tier)
    reading = sum(n for t, status, n in counts if t == want and status == "reading")
    ids: list[int] = []
    if offset < reading:
        if reading >= READING_WALK_FROM and offset + limit <= READING_WALK_DEPTH:
            ids = _walk(catalogue, guide_id, tier, counts, "reading", limit, offset)
        else:
            ids = _reading_page(catalogue, guide_id, tier, limit, offset)
    if len(ids) < limit:
        ids += _walk(catalogue, guide_id, tier, counts, "todo", limit - len(ids),
                     max(0, offset - reading))
    return catalogue.items_by_placement(ids)


READING_WALK_FROM = 1000
READING_WALK_DEPTH = 1000
"""From READING_WALK_FROM reading resources in scope, a page within the first
READING_WALK_DEPTH rows of the reading segment walks the guide order (like a todo segment)
instead of ranking every reading resource: the first page at 50k items (3.8k reading)
10-15 ms -> ~2 ms, paid by every start-up on "Up next"."""


def _walk(
    catalogue: Catalogue, guide_id: int | None, tier: int | None,
    counts: list[tuple[int, str, int]], status: str, limit: int, skip: int,
) -> list[int]:
    """Up to ``limit`` placement ids of the ``status`` segment, after skipping ``skip``:
    tier by tier (untiered last), each an index walk in guide order."""
    if tier is None:
        tiers = sorted({t for t, s, _ in counts if s == status and t >= _TIER_NONE},
                       key=lambda t: _UNTIERED if t == _TIER_NONE else t)
        walk_tiers = [0 if t == _TIER_NONE else t for t in tiers]
    else:
        walk_tiers = [tier]
    ids: list[int] = []
    for walk_tier in walk_tiers:
        need = limit - len(ids)
        if need <= 0:
            break
        body, params = _todo_walk(guide_id, walk_tier, tier, status)
        if skip:
            size = catalogue.conn.execute(f"SELECT count(*) {body}", params).fetchone()[0]
            if skip >= size:
                skip -= size
                continue
        ids += [
            row[0]
            for row in catalogue.conn.execute(
                f"SELECT p.id {body} ORDER BY g.position, g.id, t.position, t.id, p.position "
                "LIMIT ? OFFSET ?",
                [*params, need, skip],
            )
        ]
        skip = 0
    return ids


def up_next_count(
    catalogue: Catalogue, guide_id: int | None = None, *, tier: int | None = None
) -> int:
    """How many distinct resources are still to read (todo or reading).

    Same filters as :func:`up_next`; read from ``resource_counts`` (kept by triggers, so
    < 1 ms at 50k instead of a DISTINCT count over every placement).
    """
    want = _counts_tier(tier)
    return sum(n for t, _, n in _open_counts(catalogue, guide_id) if t == want)


def up_next_tier_counts(catalogue: Catalogue, guide_id: int | None = None) -> dict[int | None, int]:
    """Resources still to read per tier (None = untiered), for the TUI's tier tabs."""
    out: dict[int | None, int] = {}
    for t, _, n in _open_counts(catalogue, guide_id):
        if t != _TIER_ALL:
            key = None if t == _TIER_NONE else t
            out[key] = out.get(key, 0) + n
    return out


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
    """Every resource with a note, most recently edited first (for the "Notes" tree node).

    Each as :meth:`Catalogue.item` shows it (its first live placement in guide order), read
    in two queries for the page instead of one per note.
    """
    rows = catalogue.conn.execute(
        "SELECT n.resource_id, (SELECT p.id FROM placements p JOIN guides g ON g.id = p.guide_id "
        "JOIN topics t ON t.id = p.topic_id WHERE p.resource_id = n.resource_id "
        "ORDER BY p.removed_at IS NOT NULL, g.position, t.position, p.position LIMIT 1) "
        "FROM notes n ORDER BY n.updated_at DESC, n.resource_id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    placements = [pid for _, pid in rows if pid is not None]
    by_placement = {
        item.placement_id: item for item in catalogue.items_by_placement(placements)
    }
    items = [
        by_placement.get(pid) if pid is not None else catalogue.item(rid) for rid, pid in rows
    ]
    return [item for item in items if item is not None]


def noted_count(catalogue: Catalogue) -> int:
    return catalogue.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
