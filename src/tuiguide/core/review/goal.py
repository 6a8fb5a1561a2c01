"""The daily goal: resources finished plus reviews a day, today's count and the streak of
days it was met (with no goal, days with any activity, as the progress screen counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tuiguide.core.review import store
from tuiguide.core.study.stats import goal_streak, local_day

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

STREAK_DAYS = 400
"""How far back activity is read for the streak."""


@dataclass(frozen=True)
class GoalState:
    goal: int  # 0: no goal
    done: int  # finished plus reviewed today
    streak: int

    @property
    def met(self) -> bool:
        return bool(self.goal) and self.done >= self.goal

    def as_json(self) -> dict[str, Any]:
        return {"goal": self.goal or None, "today": self.done, "streak": self.streak,
                "met": self.met}


def activity_per_day(catalogue: Catalogue, today: date, tz: tzinfo | None = None
                     ) -> dict[date, int]:
    """Resources finished plus reviews per local day, over the last ``STREAK_DAYS`` days."""
    since = (today - timedelta(days=STREAK_DAYS)).isoformat()
    days: dict[date, int] = {}
    for stamp in store.activity_stamps(catalogue, since):
        day = local_day(stamp, tz)
        if day is not None:
            days[day] = days.get(day, 0) + 1
    return days


def today(catalogue: Catalogue, day: date | None = None, tz: tzinfo | None = None
          ) -> GoalState:
    """The goal, today's count and the streak (``day`` defaults to the catalogue's today)."""
    if day is None:
        day = local_day(catalogue.now(), tz) or date.today()
    goal = store.goal(catalogue)
    days = activity_per_day(catalogue, day, tz)
    return GoalState(goal, days.get(day, 0), goal_streak(days, goal, day))
