"""Spaced review through the real fsrs package, on a real catalogue file, at fixed dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from study_support import SMALL_GUIDE, Clock, rid, small_catalogue, write_guide
from tuiguide.core.errors import UserError
from tuiguide.core.review import goal, scheduler, store
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.text.stamps import parse_utc

START = "2026-03-02T09:00:00Z"


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def cat(tmp_path: Path, clock: Clock):
    c = small_catalogue(tmp_path, clock=clock)
    yield c
    c.close()


def test_done_enters_review_as_a_first_good_due_in_days(cat: Catalogue) -> None:
    a1 = rid(cat, "A1")
    assert store.card(cat, a1) is None
    cat.set_status(a1, "done")
    card = store.card(cat, a1)
    assert card is not None and card.reps == 1 and card.lapses == 0
    # Days, not the flashcard learning steps' minutes.
    assert card.due == "2026-03-04T09:00:00Z"
    assert store.due_count(cat, "2026-03-03T09:00:00Z") == 0
    assert [d.item.id for d in store.due(cat, "2026-03-04T09:00:00Z")] == [a1]


def test_each_rating_moves_the_due_date_and_again_is_a_lapse(cat: Catalogue, clock: Clock) -> None:
    a1 = rid(cat, "A1")
    cat.set_status(a1, "done")
    clock.stamp = "2026-03-04T09:00:00Z"
    card = store.card(cat, a1)
    assert card is not None
    now = parse_utc(clock.stamp)
    preview = scheduler.preview(card, now)
    days = {r: (parse_utc(due) - now).days for r, due in preview.items()}
    assert days[1] < days[2] < days[3] < days[4]
    assert days[3] >= 5  # "Good" on a two-day card: about a week and a half
    after = store.record_review(cat, a1, 1)
    assert after.lapses == 1 and after.reps == 2
    assert after.due == preview[1]
    assert scheduler.interval_text(preview[3], now) == f"in {days[3]} days"
    log = cat.conn.execute("SELECT rating, at FROM reviews").fetchall()
    assert log == [(1, "2026-03-04T09:00:00Z")]
    kinds = [e.kind for e in cat_events(cat)]
    assert "review" in kinds


def cat_events(cat: Catalogue):
    from tuiguide.core.study.history import events

    return events(cat)


def test_todo_or_skipped_leaves_review(cat: Catalogue) -> None:
    a1, a2 = rid(cat, "A1"), rid(cat, "A2")
    cat.set_status(a1, "done")
    cat.set_status(a2, "done")
    cat.set_status(a1, "todo")
    cat.set_status(a2, "skipped")
    assert store.card(cat, a1) is None and store.card(cat, a2) is None
    with pytest.raises(UserError, match="not in review"):
        store.record_review(cat, a1, 3)


def test_reimport_keeps_review_state(cat: Catalogue, tmp_path: Path, clock: Clock) -> None:
    a1 = rid(cat, "A1")
    cat.set_status(a1, "done")
    clock.stamp = "2026-03-05T09:00:00Z"
    before = store.record_review(cat, a1, 4)
    cat.import_file(write_guide(tmp_path, SMALL_GUIDE.replace("First alpha.", "First alpha!")))
    assert store.card(cat, a1) == before


def test_rating_an_unknown_id_names_it(cat: Catalogue) -> None:
    with pytest.raises(UserError, match="no resource with ID 999"):
        store.record_review(cat, 999, 3)


def test_due_by_accepts_offsets_and_dates() -> None:
    now = parse_utc("2026-03-02T09:00:00Z")
    assert scheduler.parse_due_by(None, now) == now
    week = scheduler.parse_due_by("+7d", now).astimezone()
    assert (week.date() - now.astimezone().date()).days == 7
    assert scheduler.parse_due_by("2026-04-01", now).astimezone().date() == date(2026, 4, 1)
    with pytest.raises(UserError, match="bad date 'soon'"):
        scheduler.parse_due_by("soon", now)


def test_goal_counts_finished_and_reviews_and_its_streak(cat: Catalogue, clock: Clock) -> None:
    store.set_goal(cat, 2)
    for day, titles in (("2026-03-02", ("A1", "A2")), ("2026-03-03", ("A3", "B1"))):
        clock.stamp = f"{day}T12:00:00Z"
        for title in titles:
            cat.set_status(rid(cat, title), "done")
    clock.stamp = "2026-03-04T12:00:00Z"
    cat.set_status(rid(cat, "B2"), "done")
    state = goal.today(cat, date(2026, 3, 4))
    assert (state.goal, state.done, state.met) == (2, 1, False)
    assert state.streak == 2  # the 2nd and 3rd met it; today is not over
    store.record_review(cat, rid(cat, "A1"), 3)
    state = goal.today(cat, date(2026, 3, 4))
    assert (state.done, state.met, state.streak) == (2, True, 3)
    store.set_goal(cat, 0)
    assert goal.today(cat, date(2026, 3, 4)).goal == 0
    with pytest.raises(UserError, match="bad goal"):
        store.set_goal(cat, -1)


def test_progress_numbers_count_reviews(cat: Catalogue, clock: Clock) -> None:
    from datetime import UTC

    from tuiguide.core.study.stats import compute_stats
    from tuiguide.views.stats import heatmap, summary_line

    a1, a2 = rid(cat, "A1"), rid(cat, "A2")
    cat.set_status(a1, "done")
    cat.set_status(a2, "done")
    clock.stamp = "2026-03-04T09:00:00Z"
    store.record_review(cat, a1, 1)
    store.record_review(cat, a2, 3)
    clock.stamp = "2026-03-05T09:00:00Z"
    store.record_review(cat, a1, 4)
    stats = compute_stats(cat, today=date(2026, 3, 5), tz=UTC)
    assert stats.reviews == {date(2026, 3, 4): 2, date(2026, 3, 5): 1}
    assert (stats.reviews_total, round(stats.retention or 0, 3)) == (3, 0.667)
    week_end = "2026-03-12T23:59:59Z"
    due_soon = [c for c in (store.card(cat, a1), store.card(cat, a2)) if c and c.due <= week_end]
    assert len(due_soon) >= 1 and stats.due_next_week == len(due_soon)
    assert stats.as_json()["retention"] == 0.667
    line = summary_line(stats).plain
    assert "Reviews 3 (3 this week)" in line and "Retention 67%" in line
    assert f"Due in 7 days {len(due_soon)}" in line
    # The heatmap counts finished and reviewed: the 2nd (2 finished) and 4th-5th are lit.
    assert heatmap(stats).plain.count("■") == 3
