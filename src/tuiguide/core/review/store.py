"""The review rows: one FSRS card per resource in review, the log of reviews, the daily goal.

A resource enters review when marked done (its first "Good") and leaves it when put back to
todo or skipped; :func:`follow_status` is called by the status write, in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.review.scheduler import (
    RATING_NAMES,
    ReviewCard,
    rate,
)
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.rows import (
    ITEM_COLUMNS,
    ITEM_TABLES,
    UNPLACED_ITEM_SELECT,
    item_from_row,
)
from tuiguide.core.text.stamps import parse_utc

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

CARD_COLUMNS = "resource_id, state, step, stability, difficulty, due, last_review, reps, lapses"
GOAL_KEY = "daily_goal"


@dataclass(frozen=True)
class DueItem:
    """A resource due for review, with its card."""

    item: Item
    card: ReviewCard

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "title": self.item.title,
            "topic": self.item.topic,
            "tier": self.item.tier,
            "due": self.card.due,
            "stability": self.card.stability,
            "difficulty": self.card.difficulty,
            "reps": self.card.reps,
            "lapses": self.card.lapses,
        }


def card(catalogue: Catalogue, resource_id: int) -> ReviewCard | None:
    row = catalogue.conn.execute(
        f"SELECT {CARD_COLUMNS} FROM review_cards WHERE resource_id = ?", (resource_id,)
    ).fetchone()
    return ReviewCard(*row) if row else None


def _save(catalogue: Catalogue, new: ReviewCard, now: str) -> None:
    catalogue.conn.execute(
        f"INSERT OR REPLACE INTO review_cards ({CARD_COLUMNS}, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.resource_id, new.state, new.step, new.stability, new.difficulty, new.due,
         new.last_review, new.reps, new.lapses, now),
    )


def follow_status(catalogue: Catalogue, resource_id: int, status: str, now: str) -> None:
    """Done: into review as a first "Good" (unless already in); todo or skipped: out of it.
    Joins the status write's transaction."""
    if status == "done":
        if card(catalogue, resource_id) is None:
            _save(catalogue, rate(None, resource_id, 3, parse_utc(now)), now)
    elif status in ("todo", "skipped"):
        catalogue.conn.execute("DELETE FROM review_cards WHERE resource_id = ?", (resource_id,))


def record_review(catalogue: Catalogue, resource_id: int, rating: int) -> ReviewCard:
    """Rate a resource in review (1 Again .. 4 Easy) now; logs it and records an event."""
    now = catalogue.now()
    conn = catalogue.conn
    with transaction(conn):
        before = card(catalogue, resource_id)
        if before is None:
            if not conn.execute("SELECT 1 FROM resources WHERE id = ?", (resource_id,)).fetchone():
                raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
            raise UserError(
                f"resource {resource_id} is not in review; mark it done first "
                f"(tuiguide status {resource_id} done)"
            )
        after = rate(before, resource_id, rating, parse_utc(now))
        _save(catalogue, after, now)
        conn.execute(
            "INSERT INTO reviews (resource_id, rating, at, due) VALUES (?, ?, ?, ?)",
            (resource_id, rating, now, after.due),
        )
        conn.execute(
            "INSERT INTO events (resource_id, kind, value, previous, at) "
            "VALUES (?, 'review', ?, ?, ?)",
            (resource_id, RATING_NAMES[rating], before.due, now),
        )
    return after


def _due_select(columns: str) -> str:
    return (
        f"SELECT {columns} FROM review_cards c JOIN resources r ON r.id = c.resource_id "
        "WHERE c.due <= ? AND r.status = 'done' "
    )


def due_count(catalogue: Catalogue, by: str) -> int:
    """Resources due for review at or before ``by`` (a UTC stamp)."""
    return int(catalogue.conn.execute(_due_select("count(*)"), (by,)).fetchone()[0])


def due(catalogue: Catalogue, by: str, *, limit: int = 1000, offset: int = 0) -> list[DueItem]:
    """Resources due by ``by``, oldest due first, each as placed first (or unplaced)."""
    rows = catalogue.conn.execute(
        _due_select(CARD_COLUMNS.replace("resource_id", "c.resource_id"))
        + "ORDER BY c.due, c.resource_id LIMIT ? OFFSET ?",
        (by, limit, offset),
    ).fetchall()
    cards = [ReviewCard(*row) for row in rows]
    items = items_for(catalogue, [c.resource_id for c in cards])
    return [DueItem(items[c.resource_id], c) for c in cards if c.resource_id in items]


def items_for(catalogue: Catalogue, resource_ids: Sequence[int]) -> dict[int, Item]:
    """Each resource as an item: its first live placement, else unplaced."""
    found: dict[int, Item] = {}
    if not resource_ids:
        return found
    marks = ",".join("?" * len(resource_ids))
    for row in catalogue.conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM {ITEM_TABLES} WHERE r.id IN ({marks}) "
        "AND p.removed_at IS NULL ORDER BY p.id",
        list(resource_ids),
    ):
        item = item_from_row(row)
        found.setdefault(item.id, item)
    missing = [rid for rid in resource_ids if rid not in found]
    if missing:
        marks = ",".join("?" * len(missing))
        for row in catalogue.conn.execute(
            f"{UNPLACED_ITEM_SELECT} WHERE r.id IN ({marks})", missing
        ):
            item = item_from_row(row)
            found[item.id] = item
    return found


def review_stamps(catalogue: Catalogue, since: str | None = None) -> list[tuple[str, int]]:
    """(when, rating) of every review logged at or after ``since``."""
    return catalogue.conn.execute(
        "SELECT at, rating FROM reviews WHERE at >= ? ORDER BY at", (since or "",)
    ).fetchall()


def all_cards(catalogue: Catalogue) -> list[tuple[Any, ...]]:
    """Every card row with its resource's URL and last change (for export)."""
    return catalogue.conn.execute(
        f"SELECT r.url, {CARD_COLUMNS.replace('resource_id, ', '')}, c.updated_at "
        "FROM review_cards c JOIN resources r ON r.id = c.resource_id ORDER BY r.id"
    ).fetchall()


def all_reviews(catalogue: Catalogue) -> list[tuple[Any, ...]]:
    """Every logged review as (url, rating, at, due) (for export)."""
    return catalogue.conn.execute(
        "SELECT r.url, v.rating, v.at, v.due FROM reviews v "
        "JOIN resources r ON r.id = v.resource_id ORDER BY v.at, v.id"
    ).fetchall()


def merge_card(catalogue: Catalogue, resource_id: int, data: dict[str, Any]) -> bool:
    """Restore a card: written when newer than the one here (``updated_at``). Joins the
    caller's transaction; True when it changed something."""
    here = catalogue.conn.execute(
        "SELECT updated_at FROM review_cards WHERE resource_id = ?", (resource_id,)
    ).fetchone()
    if here is not None and str(here[0]) >= str(data["updated_at"]):
        return False
    new = ReviewCard(resource_id, int(data["state"]), data.get("step"), data.get("stability"),
                     data.get("difficulty"), str(data["due"]), data.get("last_review"),
                     int(data.get("reps") or 0), int(data.get("lapses") or 0))
    _save(catalogue, new, str(data["updated_at"]))
    return True


def merge_review(catalogue: Catalogue, resource_id: int, rating: int, at: str,
                 due_stamp: str | None) -> bool:
    """Restore one logged review unless the log has it already."""
    conn = catalogue.conn
    if conn.execute("SELECT 1 FROM reviews WHERE resource_id = ? AND at = ? AND rating = ?",
                    (resource_id, at, rating)).fetchone():
        return False
    conn.execute("INSERT INTO reviews (resource_id, rating, at, due) VALUES (?, ?, ?, ?)",
                 (resource_id, rating, at, due_stamp))
    return True


# ---------------------------------------------------------------------------- goal
def goal(catalogue: Catalogue) -> int:
    """The daily goal (resources finished plus reviews); 0 when off."""
    value = catalogue.get_state(GOAL_KEY, 0)
    return value if isinstance(value, int) and value > 0 else 0


def set_goal(catalogue: Catalogue, value: int) -> None:
    if value < 0 or value > 1000:
        raise UserError(f"bad goal {value}; use a number from 1 to 1000, or 0 to turn it off")
    catalogue.set_state(GOAL_KEY, value)
    catalogue.set_state(GOAL_KEY + "_at", catalogue.now())


def activity_stamps(catalogue: Catalogue, since: str) -> list[str]:
    """When something counted toward the goal at or after ``since``: each review and each
    resource finished (still done), as UTC stamps."""
    rows = catalogue.conn.execute(
        "SELECT at FROM reviews WHERE at >= ? UNION ALL "
        "SELECT max(e.at) FROM events e JOIN resources r ON r.id = e.resource_id "
        "WHERE e.kind = 'status' AND e.value = 'done' AND r.status = 'done' AND e.at >= ? "
        "GROUP BY e.resource_id",
        (since, since),
    ).fetchall()
    return [row[0] for row in rows if row[0]]


def article_first_paragraph(catalogue: Catalogue, resource_id: int) -> str | None:
    """The stored article's first paragraph, shown when a review card is revealed.

    Hook for the reader's stored articles (another change): None until they are stored.
    """
    return None


def due_by_resource(catalogue: Catalogue) -> dict[int, str]:
    """Every card's next review (for the journal)."""
    return dict(catalogue.conn.execute("SELECT resource_id, due FROM review_cards").fetchall())
