"""Stats for a known set of events with fixed dates (see study_support.STATS_EVENTS)."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from study_support import STATS_TODAY, Clock, mark, small_catalogue, stats_catalogue
from tuiguide.cli.main import main
from tuiguide.core.study.stats import compute_stats, local_day, pace, streak, weekly
from tuiguide.views.stats import bar, format_pace, render_stats

TODAY = date(*STATS_TODAY)


@pytest.fixture
def stats(tmp_path: Path):
    cat = stats_catalogue(tmp_path)
    yield compute_stats(cat, today=TODAY, tz=UTC)
    cat.close()


def test_overall_and_tier_progress_leave_skipped_out(stats) -> None:
    o = stats.overall
    assert (o.done, o.total, o.skipped, o.reading, o.todo) == (6, 8, 1, 1, 1)
    assert round(o.percent) == 75
    t = stats.tiers
    assert list(t) == [1, 2, 3, None]
    assert (t[1].done, t[1].total, t[1].skipped) == (2, 2, 1)
    # "Shared" (skipped) sits in Tier 1 and Tier 2: it counts once, in its lead tier, 1.
    assert (t[2].done, t[2].total, t[2].skipped) == (3, 3, 0)
    assert sum(c.skipped for c in t.values()) == o.skipped
    assert (t[3].done, t[3].total) == (1, 2)
    assert (t[None].done, t[None].total, t[None].reading) == (0, 1, 1)


def test_topics_in_guide_order(stats) -> None:
    assert [(t.label, t.counts.done, t.counts.total) for t in stats.topics] == [
        ("1. Alpha", 3, 3),
        ("2. Beta", 2, 3),
        ("3. Gamma", 1, 2),
    ]


def test_weeks_streak_pace_and_eta(stats) -> None:
    assert len(stats.weeks) == 52
    assert stats.weeks[-1].start == date(2025, 3, 10)
    assert stats.weeks[0].start == date(2025, 3, 10) - timedelta(weeks=51)
    by_week = {w.start: w.finished for w in stats.weeks if w.finished}
    assert by_week == {
        date(2025, 3, 10): 3,  # A2, B1, A1
        date(2025, 3, 3): 1,  # B2 (B3 was undone)
        date(2025, 2, 24): 1,  # G2, counted on its last "done"
        date(2025, 1, 27): 1,  # A3
    }
    assert stats.finished_total == 6
    assert stats.streak == 3  # 03-10, 03-11, 03-12; nothing on Sunday 03-09
    assert stats.pace == 5 / 4  # 02-13..03-12: G2, B2, A2, B1, A1
    assert stats.eta_weeks == {1: 0.0, 2: 0.0, 3: 0.8, None: 0.8}
    assert stats.overall_eta_weeks == pytest.approx(1.6)


def test_streak_survives_until_a_whole_day_passes(stats) -> None:
    days = stats.days
    assert streak(days, TODAY + timedelta(days=1)) == 3  # nothing yet "tomorrow": still on
    assert streak(days, TODAY + timedelta(days=2)) == 0  # a whole day without: broken
    assert streak(days, date(2025, 3, 8)) == 1


def test_no_pace_means_no_eta(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "done", "2024-01-01T10:00:00Z")  # long ago
    s = compute_stats(cat, today=TODAY, tz=UTC)
    assert s.pace == 0
    assert s.eta_weeks[1] is None and s.eta_weeks[3] is None
    assert s.overall_eta_weeks is None
    assert s.streak == 0
    console = Console(width=100, record=True)
    console.print(render_stats(s))
    assert "—" in console.export_text()


def test_days_are_local_calendar_days() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert local_day("2025-03-09T23:30:00Z", UTC) == date(2025, 3, 9)
    assert local_day("2025-03-09T23:30:00Z", plus_two) == date(2025, 3, 10)
    days = {date(2025, 3, 10): 1}
    assert weekly(days, date(2025, 3, 10), weeks=2)[-1].finished == 1
    assert pace(days, date(2025, 4, 7)) == 0  # 4 weeks later it has left the window


def test_timezone_moves_a_late_evening_into_the_next_day(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "done", "2025-03-09T23:30:00Z")  # Sunday in UTC, Monday in +2
    mark(cat, clock, "A2", "done", "2025-03-10T09:00:00Z")
    utc = compute_stats(cat, today=date(2025, 3, 10), tz=UTC)
    east = compute_stats(cat, today=date(2025, 3, 10), tz=timezone(timedelta(hours=2)))
    assert (utc.weeks[-1].finished, utc.weeks[-2].finished) == (1, 1)
    assert (east.weeks[-1].finished, east.weeks[-2].finished) == (2, 0)
    assert utc.streak == 2 and east.streak == 1


def test_rendered_text_shows_the_numbers(stats) -> None:
    console = Console(width=110, record=True)
    console.print(render_stats(stats))
    text = console.export_text()
    assert "Streak 3 days" in text
    assert "Pace 1.25/week" in text
    assert "6/8" in text and "75%" in text
    assert "2. Beta" in text and "2/3" in text
    # ETAs as a person reads them: 0.8 weeks is 6 days, 1.6 weeks 11 days.
    assert "6 days" in text and "11 days" in text and "finished" in text
    assert "Mon" in text and "Mar" in text  # heatmap rows and month ruler


def test_pace_format() -> None:
    assert [format_pace(p) for p in (0, 0.5, 1.25, 3.0, 12.345)] == ["0", "0.5", "1.25", "3", "12.3"]


def test_bar_widths() -> None:
    assert bar(0, 10, 10).cell_len == 10
    assert bar(10, 10, 10).plain == "━" * 10
    assert bar(5, 10, 10).plain == "━" * 10 and bar(5, 10, 10).cell_len == 10
    assert bar(1, 3, 24).cell_len == 24
    assert bar(0, 0, 8).plain == "━" * 8  # the empty track is drawn: a 0% bar is visible


def test_cli_stats_json_and_table(tmp_path: Path) -> None:
    cat = stats_catalogue(tmp_path)
    cat.close()
    runner = CliRunner()
    db = str(tmp_path / "stats.db")
    result = runner.invoke(main, ["--db", db, "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["overall"]["done"] == 6 and data["overall"]["total"] == 8
    assert data["tiers"]["untiered"]["total"] == 1
    assert len(data["weeks"]) == 52
    assert [t["title"] for t in data["topics"]] == ["Alpha", "Beta", "Gamma"]
    assert data["finished_total"] == 6
    table = runner.invoke(main, ["--db", db, "stats"])
    assert table.exit_code == 0
    assert "Tier 1" in table.stdout and "Untiered" in table.stdout and "3. Gamma" in table.stdout
