"""Spaced review in the browse screen: the "Review" tree node (what is due today) and ``R``,
which starts a review session (:class:`~tuiguide.tui.screens.review.ReviewScreen`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.review import goal, scheduler, store
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.stamps import parse_utc, utc_stamp
from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.screens.review import ReviewScreen, Summary
from tuiguide.tui.sources.base import ItemSource, SpecialNode

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

REVIEW_KEY = "special:review"
SESSION_LIMIT = 500
"""Cards in one session at most (a backlog is worked through over several)."""


def due_today_stamp(catalogue: Catalogue) -> str:
    """The end of the local day, as a UTC stamp: due by then is due today."""
    return utc_stamp(scheduler.end_of_local_day(parse_utc(catalogue.now())))


def due_today(catalogue: Catalogue) -> int:
    return store.due_count(catalogue, due_today_stamp(catalogue))


class ReviewSource(ItemSource):
    """Resources due for review today, oldest due first."""

    supports_tiers = False

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        super().__init__(catalogue, None, key=REVIEW_KEY, label="Review")

    @property
    def empty_message(self) -> str:  # type: ignore[override]
        return "Nothing due for review today. Resources you mark done come back here."

    def count(self) -> int:
        return due_today(self.catalogue)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return [d.item for d in store.due(self.catalogue, due_today_stamp(self.catalogue),
                                          limit=limit, offset=offset)]

    def tier_counts(self) -> None:
        return None

    def row_key(self, row: Item) -> str:
        return f"review:{row.id}"


REVIEW_NODE = SpecialNode(
    key=REVIEW_KEY,
    label="Review",
    icon="↻",
    make_source=lambda cat, tier: ReviewSource(cat, tier),
    badge=lambda cat, tier: str(due_today(cat)),
    order=32,  # after Notes: the lists above it are the ones walked most
)


def start_session(screen: BrowseScreen) -> None:
    """``R``: review what is due today; afterwards the lists and counts are re-read."""
    catalogue = screen.catalogue
    try:
        due = store.due(catalogue, due_today_stamp(catalogue), limit=SESSION_LIMIT)
    except (UserError, sqlite3.Error) as exc:
        message = (describe_sqlite_error(exc, catalogue.path) if isinstance(exc, sqlite3.Error)
                   else clean_text(str(exc)))
        screen.notify(message, severity="error", markup=False)
        return
    if not due:
        screen.notify("Nothing due for review today.", timeout=3, markup=False)
        return

    def ended(summary: Summary | None) -> None:
        screen.after_write()
        if summary is not None and summary.reviewed:
            screen.notify(f"Reviewed {summary.reviewed} (again {summary.again}).",
                          timeout=3, markup=False)

    screen.app.push_screen(ReviewScreen(catalogue, due), callback=ended)


class ReviewFeature(Feature):
    """The Review node and the key that starts a session."""

    name = "review"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("review", "session", "R", "Review", id="review.session",
                    tooltip="Review what is due today: recall the key idea, then rate 1-4"),
    ]

    def __init__(self) -> None:
        self._goal_seen: tuple[object, str] | None = None

    def nodes(self) -> Sequence[SpecialNode]:
        return (REVIEW_NODE,)

    def goal_text(self, catalogue: Catalogue) -> str:
        """``today 2/5`` for the header when a daily goal is set, else ''. Counted again
        only when the catalogue or the goal changed (the header is redrawn on every list
        shown)."""
        daily = store.goal(catalogue)
        stamp = (catalogue.read_stamp(), daily, catalogue.now()[:10])
        if self._goal_seen is not None and self._goal_seen[0] == stamp:
            return self._goal_seen[1]
        text = ""
        if daily:
            state = goal.today(catalogue)
            text = f"today {state.done}/{state.goal}{' ✓' if state.met else ''}"
        self._goal_seen = (stamp, text)
        return text

    def action_session(self, screen: BrowseScreen) -> None:
        start_session(screen)
