"""FSRS scheduling through the ``fsrs`` package, for reading items rather than flashcards.

Flashcard learning steps (minutes) make no sense for an article: the scheduler has none, so
the first "Good" (marking a resource done) already brings it back in days. Fuzzing is off so
the dates a card shows before a key is pressed are the dates it gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.text.stamps import parse_utc, utc_stamp

if TYPE_CHECKING:
    import fsrs

RATINGS: dict[str, int] = {"again": 1, "hard": 2, "good": 3, "easy": 4}
RATING_NAMES: dict[int, str] = {v: k for k, v in RATINGS.items()}


@dataclass(frozen=True)
class ReviewCard:
    """A resource's review state as stored (times are UTC ``...Z`` stamps)."""

    resource_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: str
    last_review: str | None
    reps: int
    lapses: int


def rating_value(name: str) -> int:
    value = RATINGS.get(name.strip().lower())
    if value is None:
        raise UserError(f"unknown rating {name!r}; use again, hard, good or easy")
    return value


@cache
def _scheduler() -> fsrs.Scheduler:
    import fsrs

    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def _to_fsrs(card: ReviewCard) -> fsrs.Card:
    import fsrs

    return fsrs.Card(
        card_id=card.resource_id,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=parse_utc(card.due),
        last_review=parse_utc(card.last_review) if card.last_review else None,
    )


def rate(card: ReviewCard | None, resource_id: int, rating: int, at: datetime) -> ReviewCard:
    """The card after a review rated ``rating`` (1-4) at ``at``; a new card when ``card`` is
    None. Again on a card already reviewed counts a lapse."""
    import fsrs

    before = _to_fsrs(card) if card is not None else fsrs.Card(card_id=resource_id)
    after, _log = _scheduler().review_card(before, fsrs.Rating(rating), at)
    reps = (card.reps if card else 0) + 1
    lapses = (card.lapses if card else 0) + (1 if rating == 1 and card is not None else 0)
    return ReviewCard(
        resource_id=resource_id,
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=utc_stamp(after.due),
        last_review=utc_stamp(after.last_review or at),
        reps=reps,
        lapses=lapses,
    )


def preview(card: ReviewCard, at: datetime) -> dict[int, str]:
    """When each rating would bring the card back: rating -> due stamp."""
    return {r: rate(card, card.resource_id, r, at).due for r in RATING_NAMES}


def interval_text(due: str, now: datetime) -> str:
    """``in 9 days``, ``in 3 months``, ``tomorrow``, ``today``: how far ``due`` is from ``now``."""
    days = (parse_utc(due) - now).total_seconds() / 86400
    if days < 0.5:
        return "today"
    whole = round(days)
    if whole <= 1:
        return "tomorrow"
    if whole < 60:
        return f"in {whole} days"
    if whole < 730:
        return f"in {round(whole / 30.4)} months"
    return f"in {whole / 365:.1f} years"


def end_of_local_day(moment: datetime, days: int = 0) -> datetime:
    """The last second of the local calendar day ``days`` after ``moment``'s."""
    from datetime import time, timedelta

    local = moment.astimezone()
    day = local.date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=local.tzinfo)


def parse_due_by(value: str | None, now: datetime) -> datetime:
    """``--due-by``: ``now`` (default), ``today``, ``+7d``/``+2w`` (the end of that local
    day), or a date ``2026-01-31`` (its end) or time ``2026-01-31T18:00``."""
    import re
    from datetime import date

    text = (value or "now").strip().lower()
    if text == "now":
        return now
    if text == "today":
        return end_of_local_day(now)
    offset = re.fullmatch(r"\+?(\d{1,4})([dw])", text)
    if offset:
        n = int(offset.group(1)) * (7 if offset.group(2) == "w" else 1)
        return end_of_local_day(now, n)
    try:
        if "t" in text:
            return parse_utc(text, naive=None)
        day = date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"bad date {value!r}; use 2026-01-31, 2026-01-31T18:00, today or +7d"
        ) from None
    return end_of_local_day(datetime.combine(day, datetime.min.time()).astimezone())
