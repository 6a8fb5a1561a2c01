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
from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Item
from tuiguide.core.study.upnext import (
    _TIER_NONE,
    _UNTIERED,
    _counts_tier,
    _open_counts,
    _reading_page,
    _scope,
    _todo_walk,
    up_next,
)

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

# A placement's place in a tier walk: the ORDER BY of study.up_next's todo walk, tier first.
_PLACE = f"COALESCE(p.tier, {_UNTIERED}), g.position, g.id, t.position, t.id, p.position"
_PLACE_FROM = "FROM placements p JOIN guides g ON g.id = p.guide_id JOIN topics t ON t.id = p.topic_id"


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
    if pid is not None:
        item = catalogue.item(_resource_of(catalogue, pid), pid)
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
    count over that part of the order: ~one tier walk at 50k)."""
    counts = _open_counts(catalogue, guide_id)
    if item.status == "reading":
        reading = sum(n for t, s, n in counts if t == _counts_tier(tier) and s == "reading")
        pids = _reading_page(catalogue, guide_id, tier, reading, 0)
        return pids.index(item.placement_id) if item.placement_id in pids else 0
    place = _place(catalogue, item.placement_id) if item.placement_id is not None else None
    if place is None:
        return 0
    return _reading_count(counts, tier) + _todo_before(catalogue, place, counts, guide_id, tier)


def _resource_of(catalogue: Catalogue, placement_id: int) -> int:
    return catalogue.conn.execute(
        "SELECT resource_id FROM placements WHERE id = ?", (placement_id,)
    ).fetchone()[0]


def _reading_count(counts: list[tuple[int, str, int]], tier: int | None) -> int:
    return sum(n for t, s, n in counts if t == _counts_tier(tier) and s == "reading")


def _placement_after(
    catalogue: Catalogue,
    resource_id: int,
    placement_id: int | None,
    guide_id: int | None,
    tier: int | None,
) -> int | None:
    """The placement of the next item after the resource (or after the row's place); None
    when the end of the list is reached."""
    row = catalogue.conn.execute(
        "SELECT status FROM resources WHERE id = ?", (resource_id,)
    ).fetchone()
    status = row[0] if row else None
    first = _first_place(catalogue, resource_id, guide_id, tier)
    counts = _open_counts(catalogue, guide_id)
    if status == "reading" and first is not None:
        pids = _reading_page(catalogue, guide_id, tier, _reading_count(counts, tier), 0)
        if first[1] in pids and pids.index(first[1]) + 1 < len(pids):
            return pids[pids.index(first[1]) + 1]
        return _todo_after(catalogue, None, counts, guide_id, tier)  # the first todo one
    if status == "todo" and first is not None:
        return _todo_after(catalogue, first[0], counts, guide_id, tier)
    place = _place(catalogue, placement_id) if placement_id is not None else None
    if place is None:
        return None
    return _todo_after(catalogue, place, counts, guide_id, tier)


def _first_place(
    catalogue: Catalogue, resource_id: int, guide_id: int | None, tier: int | None
) -> tuple[tuple[Any, ...], int] | None:
    """(place, placement id) where the resource comes first in scope; None if not in scope."""
    scope, params = _scope("p", guide_id, tier)
    row = catalogue.conn.execute(
        f"SELECT {_PLACE}, p.id {_PLACE_FROM} WHERE p.resource_id = ? AND p.removed_at IS NULL"
        f"{scope} ORDER BY {_PLACE}, p.id LIMIT 1",
        [resource_id, *params],
    ).fetchone()
    return (tuple(row[:-1]), row[-1]) if row else None


def _place(catalogue: Catalogue, placement_id: int) -> tuple[Any, ...] | None:
    row = catalogue.conn.execute(
        f"SELECT {_PLACE} {_PLACE_FROM} WHERE p.id = ?", (placement_id,)
    ).fetchone()
    return tuple(row) if row else None


def _walk_tiers(counts: list[tuple[int, str, int]], tier: int | None) -> list[tuple[int, int]]:
    """(tier to walk, its sort key) in list order, as study.up_next walks them."""
    if tier is not None:
        return [(tier, _UNTIERED if tier == 0 else tier)]
    tiers = sorted({t for t, status, _ in counts if status == "todo" and t >= _TIER_NONE},
                   key=lambda t: _UNTIERED if t == _TIER_NONE else t)
    return [(0, _UNTIERED) if t == _TIER_NONE else (t, t) for t in tiers]


_WALK_ORDER = "ORDER BY g.position, g.id, t.position, t.id, p.position LIMIT 1"


def _todo_after(
    catalogue: Catalogue,
    place: tuple[Any, ...] | None,
    counts: list[tuple[int, str, int]],
    guide_id: int | None,
    tier: int | None,
) -> int | None:
    """The first todo item of the list placed after ``place`` (from the top when None).

    Within the place's own tier the walk is split so each condition sits on one loop of the
    index walk (this topic's later positions, this guide's later topics, later guides): the
    placements before the place are never read.
    """
    for walk_tier, tier_key in _walk_tiers(counts, tier):
        if place is not None and tier_key < place[0]:
            continue
        body, params = _todo_walk(guide_id, walk_tier, tier)
        if place is None or tier_key > place[0]:
            parts = [("", [])]
        else:
            _, g_pos, g_id, t_pos, t_id, p_pos = place
            parts = [
                (" AND t.id = ? AND p.position > ?", [t_id, p_pos]),
                (" AND g.id = ? AND (t.position > ? OR (t.position = ? AND t.id > ?))",
                 [g_id, t_pos, t_pos, t_id]),
                (" AND (g.position > ? OR (g.position = ? AND g.id > ?))", [g_pos, g_pos, g_id]),
            ]
        for extra, extra_params in parts:
            row = catalogue.conn.execute(
                f"SELECT p.id {body}{extra} {_WALK_ORDER}", [*params, *extra_params]
            ).fetchone()
            if row:
                return row[0]
    return None


def _todo_before(
    catalogue: Catalogue,
    place: tuple[Any, ...],
    counts: list[tuple[int, str, int]],
    guide_id: int | None,
    tier: int | None,
) -> int:
    """How many todo items of the list come before ``place`` (tier walks, the last one cut)."""
    before = 0
    for walk_tier, tier_key in _walk_tiers(counts, tier):
        if tier_key > place[0]:
            break
        body, params = _todo_walk(guide_id, walk_tier, tier)
        sql, extra = f"SELECT count(*) {body}", []
        if tier_key == place[0]:
            sql += " AND (g.position, g.id, t.position, t.id, p.position) < (?, ?, ?, ?, ?)"
            extra = list(place[1:])
        before += catalogue.conn.execute(sql, [*params, *extra]).fetchone()[0]
    return before
