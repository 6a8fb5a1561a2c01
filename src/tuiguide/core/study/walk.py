"""Stepping through the "Up next" reading order from wherever the user is (the TUI's ``N``).

:func:`study.next_item` answers "what comes after this resource" only for a resource that
is itself still to read. Here the question is asked from any row: a resource just marked
done, or one browsed in a topic list, has a *place* in the guide (tier, topic, position), and
the next item is the first one still to read after that place. So marking something done and
pressing ``N`` moves on, instead of jumping back to the top of the list.

Finding the next item walks the order from the user's place and stops at the first hit
(the placements before the place are never read), with the same segment walks
:func:`study.up_next` pages with: the reading resources, then the todo ones tier by tier.
Its index in the "Up next" list (to put the cursor there) is a count over the order before
it, so the TUI asks for it only when it has to show that list. This leans on ``study``'s
private helpers on purpose: one definition of the order, for the list and for the walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiguide.core.models import Item
from tuiguide.core.store import upnext as store
from tuiguide.core.store.counts import open_resource_counts
from tuiguide.core.study.upnext import OpenCounts, reading_count, up_next, walk_tiers

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


@dataclass(frozen=True)
class NextStep:
    """The next item and its index in the "Up next" list (at the same tier filter)."""

    item: Item
    index: int
    wrapped: bool
    """True when the walk went past the end and started again at the top."""


def next_step(
    catalogue: Catalogue,
    resource_id: int | None,
    placement_id: int | None = None,
    *,
    guide_id: int | None = None,
    tier: int | None = None,
) -> NextStep | None:
    """:func:`next_target` with its index in the "Up next" list (:func:`up_next_index`)."""
    found = next_target(catalogue, resource_id, placement_id, guide_id=guide_id, tier=tier)
    if found is None:
        return None
    item, wrapped = found
    return NextStep(item, up_next_index(catalogue, item, guide_id=guide_id, tier=tier), wrapped)


def next_target(
    catalogue: Catalogue,
    resource_id: int | None,
    placement_id: int | None = None,
    *,
    guide_id: int | None = None,
    tier: int | None = None,
) -> tuple[Item, bool] | None:
    """The item after ``resource_id`` in the reading order and whether the walk wrapped past
    the end to the top; None when nothing is left.

    A resource still to read steps to its successor (wrapping at the end, so repeated calls
    walk the whole list). Any other resource steps to the first open one placed after
    ``placement_id`` (the row the user is on), the ``reading`` ones at the top excepted.
    ``tier`` filters as the tier tabs do. Cheap: the walks stop at the first item found.
    """
    pid: int | None = None
    if resource_id is not None:
        pid = _placement_after(catalogue, resource_id, placement_id, guide_id, tier)
    found = catalogue.placement(pid) if pid is not None else None
    if found is not None:
        item = catalogue.item(found.resource_id, found.id)
        if item is not None:
            return item, False
    first = up_next(catalogue, guide_id, limit=1, tier=tier)
    if not first:
        return None
    return first[0], resource_id is not None


def up_next_index(
    catalogue: Catalogue, item: Item, *, guide_id: int | None = None, tier: int | None = None
) -> int:
    """Where ``item`` (an open resource as placed first, from :func:`next_target`) sits in
    the "Up next" list: the reading ones before it, or every todo one placed before it (a
    count over that part of the order: about one tier walk)."""
    counts = open_resource_counts(catalogue, guide_id)
    if item.status == "reading":
        pids = store.reading_page(catalogue, guide_id, tier, reading_count(counts, tier), 0)
        return pids.index(item.placement_id) if item.placement_id in pids else 0
    place = store.place_of(catalogue, item.placement_id) if item.placement_id is not None else None
    if place is None:
        return 0
    return reading_count(counts, tier) + _todo_before(catalogue, place, counts, guide_id, tier)


def _placement_after(
    catalogue: Catalogue,
    resource_id: int,
    placement_id: int | None,
    guide_id: int | None,
    tier: int | None,
) -> int | None:
    """The placement of the next item after the resource (or after the row's place); None
    when the end of the list is reached."""
    status = store.resource_status(catalogue, resource_id)
    first = store.first_place(catalogue, resource_id, guide_id, tier)
    counts = open_resource_counts(catalogue, guide_id)
    if status == "reading" and first is not None:
        pids = store.reading_page(catalogue, guide_id, tier, reading_count(counts, tier), 0)
        if first[1] in pids and pids.index(first[1]) + 1 < len(pids):
            return pids[pids.index(first[1]) + 1]
        return _todo_after(catalogue, None, counts, guide_id, tier)  # the first todo one
    if status == "todo" and first is not None:
        return _todo_after(catalogue, first[0], counts, guide_id, tier)
    place = store.place_of(catalogue, placement_id) if placement_id is not None else None
    if place is None:
        return None
    return _todo_after(catalogue, place, counts, guide_id, tier)


def _todo_after(
    catalogue: Catalogue,
    place: store.Place | None,
    counts: OpenCounts,
    guide_id: int | None,
    tier: int | None,
) -> int | None:
    """The first todo item of the list placed after ``place`` (from the top when None):
    later tiers from their start, the place's own tier from the place on."""
    for walk_tier, tier_key in walk_tiers(counts, tier):
        if place is not None and tier_key < place[0]:
            continue
        after = place if place is not None and tier_key == place[0] else None
        found = store.segment_first_after(catalogue, guide_id, walk_tier, tier, after)
        if found is not None:
            return found
    return None


def _todo_before(
    catalogue: Catalogue,
    place: store.Place,
    counts: OpenCounts,
    guide_id: int | None,
    tier: int | None,
) -> int:
    """How many todo items of the list come before ``place`` (tier walks, the last one cut)."""
    before = 0
    for walk_tier, tier_key in walk_tiers(counts, tier):
        if tier_key > place[0]:
            break
        cut = place if tier_key == place[0] else None
        before += store.segment_count_before(catalogue, guide_id, walk_tier, tier, cut)
    return before
