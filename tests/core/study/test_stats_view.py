"""The progress view as a user reads it: visible empty tracks, whole month names, ETAs in days,
weeks or months (a dash until two weeks of activity), one percentage rule, the topic x tier
grid, and the width used."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest
from rich.console import Console

from study_support import STATS_TODAY, Clock, mark, small_catalogue, stats_catalogue
from tuiguide.core.study.stats import compute_stats, percent_text
from tuiguide.views.stats import TRACK_STYLE, _month_ruler, bar, format_weeks, render_stats

TODAY = date(*STATS_TODAY)


def printed(stats, width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(render_stats(stats))
    return console.export_text()


def test_a_bar_draws_its_empty_track() -> None:
    empty = bar(0, 10, 12)
    assert empty.plain == "━" * 12
    assert {str(span.style) for span in empty.spans} == {TRACK_STYLE}
    half = bar(5, 10, 12)
    assert [half.plain[:6], half.plain[6:]] == ["━" * 6, "━" * 6]
    assert str(half.get_style_at_offset(Console(), 0)) == "green"
    assert str(half.get_style_at_offset(Console(), 11)) == TRACK_STYLE
    third = bar(1, 3, 9)  # 3 cells: a half cell where it ends
    assert third.plain == "━━━" + "━" * 6 and third.cell_len == 9


@pytest.mark.parametrize(("weeks", "shown"), [
    (None, "—"), (0, "finished"), (0.1, "1 day"), (0.8, "6 days"), (1.6, "11 days"),
    (3.2, "3 weeks"), (8.0, "8 weeks"), (20, "5 months"), (1324.0, "25 years"),
])
def test_etas_read_as_days_weeks_months(weeks, shown) -> None:
    assert format_weeks(weeks) == shown


def test_one_percentage_rule() -> None:
    assert percent_text(1, 333) == "0.3%"  # what the header and the progress screen both say
    assert percent_text(0, 333) == "0%" and percent_text(0, 0) == "0%"
    assert percent_text(1, 2000) == "<0.1%"
    assert percent_text(6, 8) == "75%" and percent_text(332, 333) == "99%"
    assert percent_text(333, 333) == "100%"


def test_the_eta_waits_for_two_weeks_of_activity(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "done", "2025-03-11T09:00:00Z")
    mark(cat, clock, "A2", "done", "2025-03-12T09:00:00Z")
    day_one = compute_stats(cat, today=date(2025, 3, 12), tz=UTC)
    assert day_one.pace > 0  # there is a pace, but one day of it says nothing yet
    assert day_one.overall_eta_weeks is None and set(day_one.eta_weeks.values()) <= {None, 0.0}
    assert "—" in printed(day_one, 110) and " wk" not in printed(day_one, 110)
    later = compute_stats(cat, today=date(2025, 3, 26), tz=UTC)  # two weeks on
    assert later.eta_ready and later.overall_eta_weeks is not None
    cat.close()


def test_month_labels_are_never_cut() -> None:
    starts = [date(2025, 11, 3 + 7 * i) for i in range(4)]  # November to the first of December
    starts.append(date(2025, 12, 1))
    ruler = _month_ruler(starts).plain
    assert "Dec" in ruler and "De " not in ruler + " "


def test_topic_by_tier_grid(tmp_path: Path) -> None:
    cat = stats_catalogue(tmp_path)
    stats = compute_stats(cat, today=TODAY, tz=UTC)
    cat.close()
    text = printed(stats, 110)
    assert "Topic × tier" in text
    grid = text[text.index("Topic × tier"):].splitlines()
    assert "Tier 1" in grid[0] and "Tier 2" in grid[0] and "Tier 3" in grid[0]
    beta = next(line for line in grid if line.startswith("2. Beta"))
    # Beta: B1 (Tier 1) done, B2 (Tier 2) done, B3 (Tier 3) not; Shared skipped.
    assert beta.split()[2:5] == ["1/1", "1/1", "0/1"]


def test_the_view_uses_the_width(tmp_path: Path) -> None:
    cat = stats_catalogue(tmp_path)
    stats = compute_stats(cat, today=TODAY, tz=UTC)
    cat.close()
    narrow, wide = printed(stats, 80), printed(stats, 180)
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= 80
    # At 180 the topics sit beside the progress: the view is wider and shorter.
    assert max(len(line.rstrip()) for line in wide.splitlines()) > 140
    assert len(wide.splitlines()) < len(narrow.splitlines())
    overall = next(line for line in wide.splitlines() if line.startswith("Overall"))
    assert overall.count("━") > 24


@pytest.mark.parametrize(("width", "weeks"), [(60, 27), (80, 37), (110, 52), (220, 51)])
def test_activity_shows_as_many_weeks_as_the_width_holds(tmp_path: Path, width: int,
                                                         weeks: int) -> None:
    cat = stats_catalogue(tmp_path)
    stats = compute_stats(cat, today=TODAY, tz=UTC)
    cat.close()
    text = printed(stats, width)
    assert f"last {weeks} weeks" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    monday = next(line for line in text.splitlines() if line.startswith("Mon"))
    grid = monday[: 4 + 2 * weeks]  # the label, then a cell a week (the topics may follow)
    assert sum(ch in "·■" for ch in grid) == weeks
    assert monday[len(grid):len(grid) + 2].strip() == ""
