"""Stepping through the "Up next" reading order from wherever the user is (the TUI's ``N``).

:func:`study.next_item` answers "what comes after this resource" only for a resource that
is itself still to read. Here the question is asked from any row: a resource just marked
done, or one browsed in a topic list, has a *place* in the guide (tier, topic, position), and
the next item is the first one still to read after that place. So marking something done and
pressing ``N`` moves on, instead of jumping back to the top of the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Item
from .study import _ORDER_KEY, _UNTIERED, _first_placements, up_next

if TYPE_CHECKING:
    from .catalogue import Catalogue

_PLACE_KEY = (
    f"COALESCE(p.tier, {_UNTIERED}), g.position, g.id, t.position, p.position, p.id"
)


@dataclass(frozen=True)
class NextStep:
    """The next item and its index in the "Up next" list (at the same tier filter)."""

    item: Item
    index: int
    wrapped: bool
    """True when the walk went past the end and started again at the top."""


def _place(catalogue: Catalogue, placement_id: int) -> tuple[int, ...] | None:
    row = catalogue.conn.execute(
        f"SELECT {_PLACE_KEY} FROM placements p JOIN guides g ON g.id = p.guide_id "
        "JOIN topics t ON t.id = p.topic_id WHERE p.id = ?",
        (placement_id,),
    ).fetchone()
    return tuple(row) if row else None


def next_step(
    catalogue: Catalogue,
    resource_id: int | None,
    placement_id: int | None = None,
    *,
    guide_id: int | None = None,
    tier: int | None = None,
) -> NextStep | None:
    """The item after ``resource_id`` in the reading order; None when nothing is left.

    A resource still to read steps to its successor (wrapping at the end, so repeated calls
    walk the whole list). Any other resource steps to the first open one placed after
    ``placement_id`` (the row the user is on), the ``reading`` ones at the top excepted.
    ``tier`` filters as the tier tabs do, so the index matches the "Up next" list shown.
    """
    sub, params = _first_placements(guide_id, tier)
    rows = catalogue.conn.execute(
        f"SELECT r.id, r.status = 'reading', {_PLACE_KEY} FROM placements p "
        "JOIN resources r ON r.id = p.resource_id JOIN guides g ON g.id = p.guide_id "
        f"JOIN topics t ON t.id = p.topic_id WHERE p.id IN ({sub}) ORDER BY {_ORDER_KEY}",
        params,
    ).fetchall()
    if not rows:
        return None
    index = 0
    ids = [row[0] for row in rows]
    if resource_id is not None and resource_id in ids:
        index = ids.index(resource_id) + 1
    elif placement_id is not None:
        place = _place(catalogue, placement_id)
        if place is not None:
            index = next(
                (i for i, row in enumerate(rows) if not row[1] and tuple(row[2:]) > place),
                len(rows),
            )
    wrapped = index >= len(rows)
    if wrapped:
        index = 0
    found = up_next(catalogue, guide_id, limit=1, offset=index, tier=tier)
    if not found:  # (cannot happen on one connection; be safe)
        return None
    return NextStep(found[0], index, wrapped)
