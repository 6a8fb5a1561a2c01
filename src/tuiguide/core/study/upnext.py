"""The guide's own reading order ("Up next") and the notes list.

The guide says: Tier 1 of every topic first, then Tier 2, then Tier 3. "Up next" lists the
resources not yet done or skipped in exactly that order -- a resource marked ``reading`` first,
then tier (untiered last), then guide and topic order, then position in the guide. A resource
placed in several topics appears once, at its earliest place in that order.

Paging does not rank every placement: the order splits into segments -- the reading
resources, then todo ones tier by tier -- whose sizes come from the progress counts, so a
page skips whole segments by arithmetic and walks only the one it lands in
(:mod:`tuiguide.core.store.upnext` holds the walks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuiguide.core.models import Item
from tuiguide.core.store import upnext as store
from tuiguide.core.store.counts import TIER_ALL, TIER_NONE, open_resource_counts
from tuiguide.core.store.upnext import OPEN_STATUSES, UNTIERED

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

__all__ = [
    "OPEN_STATUSES", "noted_count", "noted_items", "up_next", "up_next_count",
    "up_next_tier_counts",
]

OpenCounts = list[tuple[int, str, int]]
"""(tier in the count tables' terms, status, distinct resources) still to read."""

READING_WALK_FROM = 1000
READING_WALK_DEPTH = 1000
"""From READING_WALK_FROM reading resources in scope, a page within the first
READING_WALK_DEPTH rows of the reading segment walks the guide order (like a todo segment)
instead of ranking every reading resource: the first page, which every start-up on
"Up next" shows, stays cheap."""


def counts_tier(tier: int | None) -> int:
    """A tier filter (None = every tier, 0 = untiered) in the count tables' terms."""
    return TIER_ALL if tier is None else TIER_NONE if tier == 0 else tier


def reading_count(counts: OpenCounts, tier: int | None) -> int:
    """Reading resources in scope: the length of the first segment."""
    return sum(n for t, s, n in counts if t == counts_tier(tier) and s == "reading")


def walk_tiers(counts: OpenCounts, tier: int | None, status: str = "todo") -> list[tuple[int, int]]:
    """(tier to walk, its sort key) of the ``status`` segments in list order (0 =
    untiered, last); just the filter's tier when there is one."""
    if tier is not None:
        return [(tier, UNTIERED if tier == 0 else tier)]
    tiers = sorted({t for t, s, _ in counts if s == status and t >= TIER_NONE},
                   key=lambda t: UNTIERED if t == TIER_NONE else t)
    return [(0, UNTIERED) if t == TIER_NONE else (t, t) for t in tiers]


def up_next(
    catalogue: Catalogue,
    guide_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    *,
    tier: int | None = None,
) -> list[Item]:
    """One page of the reading order (each resource once, as placed where it comes first).

    A page near the top reads little more than the page; skipping past a whole tier counts
    it (one walk of that tier).
    """
    counts = open_resource_counts(catalogue, guide_id)
    reading = reading_count(counts, tier)
    ids: list[int] = []
    if offset < reading:
        if reading >= READING_WALK_FROM and offset + limit <= READING_WALK_DEPTH:
            ids = _walk(catalogue, guide_id, tier, counts, "reading", limit, offset)
        else:
            ids = store.reading_page(catalogue, guide_id, tier, limit, offset)
    if len(ids) < limit:
        ids += _walk(catalogue, guide_id, tier, counts, "todo", limit - len(ids),
                     max(0, offset - reading))
    return catalogue.items_by_placement(ids)


def _walk(
    catalogue: Catalogue, guide_id: int | None, tier: int | None,
    counts: OpenCounts, status: str, limit: int, skip: int,
) -> list[int]:
    """Up to ``limit`` placement ids of the ``status`` segments, after skipping ``skip``:
    tier by tier (untiered last), each an index walk in guide order."""
    ids: list[int] = []
    for walk_tier, _ in walk_tiers(counts, tier, status):
        need = limit - len(ids)
        if need <= 0:
            break
        if skip:
            size = store.segment_size(catalogue, guide_id, walk_tier, tier, status)
            if skip >= size:
                skip -= size
                continue
        ids += store.segment_page(catalogue, guide_id, walk_tier, tier, status, need, skip)
        skip = 0
    return ids


def up_next_count(
    catalogue: Catalogue, guide_id: int | None = None, *, tier: int | None = None
) -> int:
    """How many distinct resources are still to read (todo or reading); same filters as
    :func:`up_next`, read from the progress counts."""
    want = counts_tier(tier)
    return sum(n for t, _, n in open_resource_counts(catalogue, guide_id) if t == want)


def up_next_tier_counts(catalogue: Catalogue, guide_id: int | None = None) -> dict[int | None, int]:
    """Resources still to read per tier (None = untiered), for the TUI's tier tabs."""
    out: dict[int | None, int] = {}
    for t, _, n in open_resource_counts(catalogue, guide_id):
        if t != TIER_ALL:
            key = None if t == TIER_NONE else t
            out[key] = out.get(key, 0) + n
    return out


# ---------------------------------------------------------------------- notes
def noted_items(catalogue: Catalogue, limit: int = 100, offset: int = 0) -> list[Item]:
    """Every resource with a note, most recently edited first (for the "Notes" tree node).

    Each as :meth:`Catalogue.item` shows it (its first live placement in guide order), read
    in two queries for the page instead of one per note.
    """
    rows = store.noted_page(catalogue, limit, offset)
    placements = [pid for _, pid in rows if pid is not None]
    by_placement = {
        item.placement_id: item for item in catalogue.items_by_placement(placements)
    }
    items = [
        by_placement.get(pid) if pid is not None else catalogue.item(rid) for rid, pid in rows
    ]
    return [item for item in items if item is not None]


def noted_count(catalogue: Catalogue) -> int:
    return store.noted_count(catalogue)
