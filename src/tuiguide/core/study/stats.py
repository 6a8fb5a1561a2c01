"""Study progress numbers: per tier and topic, weekly activity, streak, pace and ETA.

Everything is computed for a given ``today`` (tests and snapshots pass fixed dates).

Days and weeks are calendar days in the user's local time zone (``tz=None``; a resource
finished at 23:30 counts for that evening, not for tomorrow in UTC); pass ``tz`` (e.g.
``datetime.UTC``) to pin them. Weeks start on Monday (ISO weeks).

A resource counts as *finished* on the day it was last marked ``done`` (from the events
table) and only while it is still done: marking something done by mistake and undoing it
leaves no trace in the pace. Skipped resources leave every denominator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tuiguide.core.models import STATUSES, Counts
from tuiguide.core.review import store as review_store
from tuiguide.core.store import history as store
from tuiguide.core.text.stamps import parse_utc, utc_stamp

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

WEEKS = 52
"""A year of weekly counts, as a contribution graph shows; the view draws as many as fit."""
PACE_WEEKS = 4
ETA_AFTER_DAYS = 14
"""Days of activity (since the first resource finished) before a pace means anything: a
first day's pace would say "1324 weeks" to go."""


def percent_text(done: int, total: int) -> str:
    """The one rounding rule for a percentage, everywhere (header, progress screen, CLI):
    whole numbers, one decimal under 10% so the first items read show ("0.3%"), "<0.1%"
    for less, and never "100%" before the last one is done."""
    if not total or not done:
        return "0%"
    value = 100.0 * done / total
    if value < 0.1:
        return "<0.1%"
    if value < 10:
        return f"{value:.1f}%"
    return f"{min(value, 99.0) if done < total else 100:.0f}%"


@dataclass(frozen=True)
class TopicProgress:
    topic_id: int
    guide: str
    number: str | None
    title: str
    counts: Counts
    by_tier: dict[int | None, Counts] = field(default_factory=dict)
    """The counts per tier (None: untiered), for the topic x tier grid."""

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class WeekCount:
    start: date  # the Monday of the week
    finished: int


@dataclass
class Stats:
    today: date
    overall: Counts
    tiers: dict[int | None, Counts]  # tier -> counts, tiers in order, untiered (None) last
    topics: list[TopicProgress]
    weeks: list[WeekCount]  # WEEKS entries, oldest first; the last is the current week
    days: dict[date, int]  # resources finished per day over the weeks shown
    streak: int
    pace: float  # resources finished per week over the last PACE_WEEKS weeks
    eta_weeks: dict[int | None, float | None]  # tier -> weeks to finish at that pace
    finished_total: int
    remaining: int = field(default=0)
    reviews: dict[date, int] = field(default_factory=dict)  # reviews per day, weeks shown
    reviews_total: int = 0
    retention: float | None = None  # share of reviews not rated Again
    due_next_week: int = 0  # in review and due within 7 days
    goal: int = 0  # daily goal (finished plus reviews); 0: none
    active_since: date | None = None
    """The day the first resource still done was finished (None: nothing finished yet)."""

    @property
    def eta_ready(self) -> bool:
        """True once there are :data:`ETA_AFTER_DAYS` days of activity behind the pace."""
        return self.active_since is not None and (
            (self.today - self.active_since).days >= ETA_AFTER_DAYS
        )

    @property
    def overall_eta_weeks(self) -> float | None:
        return eta(self.remaining, self.pace if self.eta_ready else 0.0)

    def as_json(self) -> dict[str, Any]:
        def tier_key(tier: int | None) -> str:
            return str(tier) if tier is not None else "untiered"

        return {
            "today": self.today.isoformat(),
            "overall": self.overall.as_dict(),
            "tiers": {tier_key(t): c.as_dict() for t, c in self.tiers.items()},
            "topics": [
                {"id": t.topic_id, "guide": t.guide, "number": t.number, "title": t.title,
                 **t.counts.as_dict()}
                for t in self.topics
            ],
            "weeks": [{"start": w.start.isoformat(), "finished": w.finished} for w in self.weeks],
            "streak_days": self.streak,
            "pace_per_week": round(self.pace, 2),
            "finished_total": self.finished_total,
            "remaining": self.remaining,
            "reviews_per_day": {d.isoformat(): n for d, n in sorted(self.reviews.items())},
            "reviews_total": self.reviews_total,
            "retention": round(self.retention, 3) if self.retention is not None else None,
            "due_next_7_days": self.due_next_week,
            "daily_goal": self.goal or None,
            "eta_weeks": {
                "overall": _round(self.overall_eta_weeks),
                **{tier_key(t): _round(w) for t, w in self.eta_weeks.items()},
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def eta(remaining: int, pace: float) -> float | None:
    """Weeks to finish ``remaining`` resources at ``pace`` per week (None when pace is 0)."""
    if remaining == 0:
        return 0.0
    return remaining / pace if pace > 0 else None


def local_day(stamp: str, tz: tzinfo | None = None) -> date | None:
    """The calendar day of a stored UTC stamp, in ``tz`` (local time when None)."""
    try:
        moment = parse_utc(stamp, naive=tz)
    except (AttributeError, ValueError):
        return None
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------------- queries
def finished_stamps(catalogue: Catalogue, guide_id: int | None = None) -> list[str]:
    """When each resource that is done now was last marked done (UTC stamps)."""
    return store.finished_stamps(catalogue, guide_id)


def tier_counts(catalogue: Catalogue, guide_id: int | None = None) -> dict[int | None, Counts]:
    """Distinct resources per tier and status (a resource in two tiers counts in both)."""
    out: dict[int | None, Counts] = {}
    for tier, status, n in store.resources_per_tier(catalogue, guide_id):
        if status in STATUSES:
            out.setdefault(tier, Counts()).add(status, n)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))


def topic_progress(catalogue: Catalogue, guide_id: int | None = None) -> list[TopicProgress]:
    """Top-level topics in guide order with their counts (sub-sections are inside them)."""
    guides = {g.id: g.title for g in catalogue.guides()}
    return [
        TopicProgress(t.id, guides.get(t.guide_id, ""), t.number, t.title, t.counts(),
                      dict(t.by_tier))  # (a topic's counts take in its sub-sections)
        for t in catalogue.topics(guide_id)
        if t.parent_id is None
    ]


# ---------------------------------------------------------------------- numbers
def finished_per_day(stamps: list[str], tz: tzinfo | None = None) -> dict[date, int]:
    days: dict[date, int] = {}
    for stamp in stamps:
        day = local_day(stamp, tz)
        if day is not None:
            days[day] = days.get(day, 0) + 1
    return days


def weekly(days: dict[date, int], today: date, weeks: int = WEEKS) -> list[WeekCount]:
    """Finished per week for the ``weeks`` weeks ending with the current one, oldest first."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    totals = dict.fromkeys(starts, 0)
    for day, n in days.items():
        start = week_start(day)
        if start in totals and day <= today:
            totals[start] += n
    return [WeekCount(start, totals[start]) for start in starts]


def streak(days: dict[date, int], today: date) -> int:
    """Consecutive days with something finished, ending today (or yesterday: today is not
    over yet, so a streak is only broken once a whole day passes with nothing finished)."""
    day = today if days.get(today) else today - timedelta(days=1)
    count = 0
    while days.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


def goal_streak(days: dict[date, int], goal: int, today: date) -> int:
    """Days in a row the goal was met (with no goal, days with any activity)."""
    return streak({d: n for d, n in days.items() if n >= goal} if goal else days, today)


def review_numbers(catalogue: Catalogue, tz: tzinfo | None = None
                   ) -> tuple[dict[date, int], int, float | None]:
    """Reviews per local day, how many in all, and the share not rated Again."""
    log = review_store.review_stamps(catalogue)
    per_day = finished_per_day([at for at, _ in log], tz)
    kept = sum(1 for _, rating in log if rating != 1)
    return per_day, len(log), (kept / len(log) if log else None)


def pace(days: dict[date, int], today: date, weeks: int = PACE_WEEKS) -> float:
    """Resources finished per week over the last ``weeks`` weeks (today and the days before)."""
    first = today - timedelta(days=7 * weeks - 1)
    return sum(n for day, n in days.items() if first <= day <= today) / weeks


def compute_stats(
    catalogue: Catalogue,
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
    guide_id: int | None = None,
) -> Stats:
    """All the numbers of the stats screen and ``tuiguide stats``."""
    if today is None:
        today = datetime.now(tz).date() if tz is not None else date.today()
    tiers = tier_counts(catalogue, guide_id)
    overall = catalogue.guide_counts(guide_id)
    stamps = finished_stamps(catalogue, guide_id)
    days = finished_per_day(stamps, tz)
    weeks = weekly(days, today)
    first_shown = weeks[0].start
    per_week = pace(days, today)
    reviews, reviews_total, retention = review_numbers(catalogue, tz)
    goal = review_store.goal(catalogue)
    active = {d: days.get(d, 0) + reviews.get(d, 0) for d in {*days, *reviews}}
    # The end of the 7th day after ``today``, in the days' time zone.
    week_ahead = datetime.combine(today + timedelta(days=7), time(23, 59, 59),
                                  tzinfo=tz or datetime.now().astimezone().tzinfo)
    active_since = min((d for d in days if d <= today), default=None)
    ready = active_since is not None and (today - active_since).days >= ETA_AFTER_DAYS
    return Stats(
        today=today,
        overall=overall,
        tiers=tiers,
        topics=topic_progress(catalogue, guide_id),
        weeks=weeks,
        days={d: n for d, n in days.items() if first_shown <= d <= today},
        streak=goal_streak(active, goal, today),
        pace=per_week,
        eta_weeks={t: eta(c.todo + c.reading, per_week if ready else 0.0)
                   for t, c in tiers.items()},
        finished_total=len(stamps),
        remaining=overall.todo + overall.reading,
        reviews={d: n for d, n in reviews.items() if first_shown <= d <= today},
        reviews_total=reviews_total,
        retention=retention,
        due_next_week=review_store.due_count(catalogue, utc_stamp(week_ahead)),
        goal=goal,
        active_since=active_since,
    )
