"""What the item list shows: a :class:`ListSource` is a counted, paged query plus how its rows
look and behave. The tree's nodes each name a source; other features add their own.

A source never holds all its rows: the list asks for ``count()`` and then ``page(offset,
limit)`` for the rows on screen, so a long list costs what a short one does.

To add a list kind (e.g. feed entries, search results): subclass :class:`ListSource`, give it
a unique ``key`` and a ``label``, implement ``count``/``page``/``row_key``/``render_row``/
``render_detail``, and override ``resource_id``/``link``/``patched`` if its rows are not
:class:`~tuiguide.core.models.Item`. A node above the topics is a :class:`SpecialNode` that a
feature lists in its ``nodes()`` (see :mod:`tuiguide.tui.features.base`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from tuiguide.core.articles.store import link_states
from tuiguide.core.models import Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study import upnext as study
from tuiguide.tui.widgets import render

Row = Any
"""A row of a source: an :class:`Item` for the built-in sources, anything for others."""


class ListSource:
    """A paged, counted list of rows and how to show and act on them.

    ``tier`` is the tier tab's filter (None = all tiers); sources that have no tiers set
    ``supports_tiers = False`` and a ``caption`` that the tabs' line shows instead.
    """

    key: str = "source"
    label: str = "Items"
    supports_tiers: bool = True
    has_status: bool = True
    """False when no row has a reading status: the status keys are hidden (footer) and off."""
    caption: str = "All tiers"
    """Shown where the tier tabs go when the list has no tiers (``supports_tiers = False``)."""
    status_hint: str = "This row has no reading status."
    """What a status key says on such a row: what to do instead."""
    empty_message: str = "Nothing here."

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        self.catalogue = catalogue
        self.tier = tier if self.supports_tiers else None

    # -- the data ---------------------------------------------------------------------
    def count(self) -> int:
        raise NotImplementedError

    def page(self, offset: int, limit: int) -> Sequence[Row]:
        raise NotImplementedError

    def tier_counts(self) -> dict[int | None, int] | None:
        """Rows per tier for the tabs ({None: all, 1: n, ...}); None when unknown."""
        return None

    # -- identity and looks --------------------------------------------------------------
    def row_key(self, row: Row) -> str:
        """A stable identity for ``row`` (used to reopen at the same row)."""
        raise NotImplementedError

    def render_row(self, row: Row, width: int) -> Text:
        """The row as exactly ``width`` cells of ``Text`` (outside text cleaned)."""
        raise NotImplementedError

    def render_detail(self, row: Row) -> RenderableType:
        raise NotImplementedError

    # -- actions ----------------------------------------------------------------------------
    def resource_id(self, row: Row) -> int | None:
        """The resource whose status the status keys change; None if rows have no status."""
        return None

    def link(self, row: Row) -> str | None:
        """The URL that open/copy act on."""
        return None

    def patched(self, row: Row, changed: Item) -> Row:
        """``row`` updated after ``changed`` (a resource) got a new status or note."""
        return row

    def activate(self, screen: Any, row: Row) -> bool:
        """Enter on ``row``: True when the source handled it (else its link opens)."""
        return False

    def for_tier(self, tier: int | None) -> ListSource:
        """This list at another tier (the tier tabs); a source without tiers is unchanged."""
        if not self.supports_tiers:
            return self
        new = copy.copy(self)
        new.tier = tier
        return new

    def same_as(self, other: ListSource) -> bool:
        return type(self) is type(other) and self.key == other.key and self.tier == other.tier


class ItemSource(ListSource):
    """Placements in guide order, optionally one guide or one topic (with its sub-sections)."""

    def __init__(
        self,
        catalogue: Catalogue,
        tier: int | None = None,
        *,
        key: str = "all",
        label: str = "All items",
        guide_id: int | None = None,
        topic_id: int | None = None,
    ) -> None:
        super().__init__(catalogue, tier)
        self.key = key
        self.label = label
        self.guide_id = guide_id
        self.topic_id = topic_id
        # The detail pane names the guide only when there is more than one.
        self.show_guide = len(catalogue.guides()) > 1
        self._dead_ids: set[int] = set()  # resources of the rows read whose link is dead

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        if self.tier:
            return f"No Tier {self.tier} items here. Press 0 for all tiers."
        return "No items here."

    def count(self) -> int:
        return self.catalogue.count_items(self.guide_id, self.topic_id, self.tier)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return self.with_link_states(self.catalogue.items(
            self.guide_id, self.topic_id, self.tier, limit=limit, offset=offset
        ))

    def with_link_states(self, items: Sequence[Item]) -> Sequence[Item]:
        """Note which of a page's links are dead (one query a page), for :meth:`render_row`."""
        states = link_states(self.catalogue, {item.url for item in items})
        for item in items:
            if states.get(item.url) == "dead":
                self._dead_ids.add(item.id)
            else:
                self._dead_ids.discard(item.id)
        return items

    def dead_link(self, row: Item) -> bool:
        return row.id in self._dead_ids

    def marked(self, row: Item, line: Text) -> Text:
        """``line`` (``row`` drawn by any item list: guide, search, Notes) with the marks
        every item list shares in its first cell: the dead-link ✗ (pages read through
        :meth:`with_link_states`)."""
        return render.mark_dead_link(line) if self.dead_link(row) else line

    def tier_counts(self) -> dict[int | None, int] | None:
        by_tier = self.catalogue.tier_counts(self.guide_id, self.topic_id)
        return {None: sum(by_tier.values()), **{t: n for t, n in by_tier.items() if t}}

    def row_key(self, row: Item) -> str:
        return f"{row.id}:{row.placement_id}"

    def render_row(self, row: Item, width: int) -> Text:
        return self.marked(row, render.item_row(row, width))

    def render_detail(self, row: Item) -> RenderableType:
        return render.item_detail(row, show_guide=self.show_guide)

    def resource_id(self, row: Row) -> int | None:
        return row.id if isinstance(row, Item) else None

    def link(self, row: Row) -> str | None:
        return row.link if isinstance(row, Item) else None

    def patched(self, row: Row, changed: Item) -> Row:
        if isinstance(row, Item) and row.id == changed.id:
            return dataclasses.replace(
                row,
                status=changed.status,
                status_at=changed.status_at,
                note=changed.note,
                note_updated_at=changed.note_updated_at,
            )
        return row


class UpNextSource(ItemSource):
    """The reading order: not done or skipped, reading first, Tier 1 before 2 before 3."""

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        super().__init__(catalogue, tier, key="special:upnext", label="Up next")

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        if self.tier:
            return f"Nothing left to read in Tier {self.tier}."
        return "Nothing left to read. Well done!"

    def count(self) -> int:
        return study.up_next_count(self.catalogue, tier=self.tier)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return self.with_link_states(
            study.up_next(self.catalogue, limit=limit, offset=offset, tier=self.tier))

    def tier_counts(self) -> dict[int | None, int] | None:
        by_tier = study.up_next_tier_counts(self.catalogue)
        counts: dict[int | None, int] = {None: study.up_next_count(self.catalogue)}
        counts.update({t: n for t, n in by_tier.items() if t})
        return counts


# ---------------------------------------------------------------------------- tree nodes
@dataclass(frozen=True)
class SpecialNode:
    """A tree node above the topics ("Up next", "All items", later "Inbox", "Notes").

    ``make_source(catalogue, tier)`` builds its list; ``badge(catalogue, tier)`` is the short
    count shown at the right of its label. Lower ``order`` comes first.
    """

    key: str
    label: str
    icon: str
    make_source: Callable[[Catalogue, int | None], ListSource]
    badge: Callable[[Catalogue, int | None], str]
    order: int = 50


def _all_badge(catalogue: Catalogue, tier: int | None) -> str:
    counts = catalogue.guide_counts(None, tier)
    return render.counts_badge(counts.done, counts.total)


BASE_NODES: tuple[SpecialNode, ...] = (
    SpecialNode(
        key="special:upnext",
        label="Up next",
        icon="▸",
        make_source=lambda cat, tier: UpNextSource(cat, tier),
        badge=lambda cat, tier: str(study.up_next_count(cat, tier=tier)),
        order=10,
    ),
    SpecialNode(
        key="special:all",
        label="All items",
        icon="≡",
        make_source=lambda cat, tier: ItemSource(cat, tier, key="special:all", label="All items"),
        badge=_all_badge,
        order=20,
    ),
)
"""The nodes every browse screen has; features add theirs (the Inbox, Notes)."""


def ordered_nodes(nodes: Sequence[SpecialNode]) -> list[SpecialNode]:
    """``nodes`` by ``order``, one per key (a later node replaces an earlier one's key)."""
    by_key = {node.key: node for node in nodes}
    return sorted(by_key.values(), key=lambda node: node.order)
