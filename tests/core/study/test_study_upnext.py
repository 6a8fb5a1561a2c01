"""Up next: reading first, then Tier 1 of every topic, Tier 2, Tier 3, untiered last."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from study_support import Clock, mark, rid, small_catalogue
from tuiguide.cli.main import main
from tuiguide.core.study.upnext import noted_count, noted_items, up_next, up_next_count


def titles(items) -> list[str]:
    return [i.title for i in items]


def test_fresh_guide_reads_tier_by_tier_then_topic_then_position(tmp_path: Path) -> None:
    cat = small_catalogue(tmp_path)
    order = up_next(cat)
    # Shared is in Alpha Tier 2 and Beta Tier 1: it comes once, in Beta's Tier 1.
    assert titles(order) == ["A1", "B1", "Shared", "A2", "B2", "G2", "A3", "B3", "G0"]
    shared = order[2]
    assert (shared.topic, shared.tier) == ("Beta", 1)
    assert up_next_count(cat) == 9
    assert [i.tier for i in order] == [1, 1, 1, 2, 2, 2, 3, 3, None]


def test_reading_first_done_and_skipped_left_out(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "done", "2025-03-01T10:00:00Z")
    mark(cat, clock, "B1", "skipped", "2025-03-01T11:00:00Z")
    mark(cat, clock, "B3", "reading", "2025-03-01T12:00:00Z")
    mark(cat, clock, "G0", "reading", "2025-03-01T13:00:00Z")
    order = titles(up_next(cat))
    # Both reading items lead, in reading order among themselves (tier 3, then untiered).
    assert order == ["B3", "G0", "Shared", "A2", "B2", "G2", "A3"]
    assert up_next_count(cat) == 7
    assert titles(up_next(cat, limit=2, offset=2)) == ["Shared", "A2"]


def test_shared_resource_moves_when_its_early_place_is_done(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "Shared", "done", "2025-03-01T10:00:00Z")
    assert "Shared" not in titles(up_next(cat))  # done in one topic is done everywhere


def test_up_next_is_empty_when_everything_is_done(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    assert titles(up_next(cat, limit=1)) == ["A1"]
    for title in ["A1", "A2", "A3", "B1", "B2", "B3", "G0", "G2", "Shared"]:
        mark(cat, clock, title, "done", "2025-03-02T10:00:00Z")
    assert up_next(cat) == []
    assert up_next_count(cat) == 0


def test_notes_list_newest_first(tmp_path: Path) -> None:
    clock = Clock("2025-03-01T10:00:00Z")
    cat = small_catalogue(tmp_path, clock=clock)
    cat.set_note(rid(cat, "B2"), "older")
    clock.stamp = "2025-03-02T10:00:00Z"
    cat.set_note(rid(cat, "A1"), "newer")
    assert titles(noted_items(cat)) == ["A1", "B2"]
    assert noted_count(cat) == 2
    clock.stamp = "2025-03-03T10:00:00Z"
    cat.set_note(rid(cat, "B2"), "edited again")
    assert titles(noted_items(cat)) == ["B2", "A1"]


def test_cli_next(tmp_path: Path) -> None:
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A3", "reading", "2025-03-01T10:00:00Z")
    cat.close()
    runner = CliRunner()
    db = str(tmp_path / "study.db")
    result = runner.invoke(main, ["--db", db, "next", "-n", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["title"] for d in data] == ["A3", "A1", "B1"]
    assert data[0]["status"] == "reading" and data[0]["tier"] == 3
    table = runner.invoke(main, ["--db", db, "next", "-n", "2"])
    assert table.exit_code == 0
    assert table.stderr == "Up next (2 of 9 left):\n"  # a caption, not a row
    assert [row.split("\t")[3] for row in table.stdout.splitlines()[1:]] == ["A3", "A1"]
    bad = runner.invoke(main, ["--db", db, "next", "-n", "0"])
    assert bad.exit_code == 2
