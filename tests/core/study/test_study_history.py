"""The activity log: status changes and note edits with their times, and --since."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from study_support import Clock, mark, rid, small_catalogue
from tuiguide.cli.main import main
from tuiguide.core.errors import UserError
from tuiguide.core.study.history import events, parse_since


@pytest.fixture
def cat(tmp_path: Path):
    clock = Clock()
    cat = small_catalogue(tmp_path, clock=clock)
    mark(cat, clock, "A1", "reading", "2025-03-01T10:00:00Z")
    mark(cat, clock, "A1", "done", "2025-03-08T10:00:00Z")
    clock.stamp = "2025-03-10T08:00:00Z"
    cat.set_note(rid(cat, "B2"), "first draft")
    clock.stamp = "2025-03-10T08:00:30Z"  # autosave in the same burst: one event
    cat.set_note(rid(cat, "B2"), "first draft, longer")
    mark(cat, clock, "B1", "skipped", "2025-03-12T18:00:00Z")
    yield cat
    cat.close()


def test_every_change_is_recorded_newest_first(cat) -> None:
    log = events(cat)
    assert [(e.title, e.summary, e.at) for e in log] == [
        ("B1", "todo → skipped", "2025-03-12T18:00:00Z"),
        ("B2", "note edited", "2025-03-10T08:00:30Z"),
        ("A1", "reading → done", "2025-03-08T10:00:00Z"),
        ("A1", "todo → reading", "2025-03-01T10:00:00Z"),
    ]
    assert [e.title for e in events(cat, oldest_first=True)][0] == "A1"
    assert len(events(cat, limit=2)) == 2


def test_since_filter(cat) -> None:
    since = parse_since("2025-03-08", tz=UTC)
    assert since == "2025-03-08T00:00:00Z"
    assert [e.title for e in events(cat, since=since)] == ["B1", "B2", "A1"]
    assert [e.title for e in events(cat, since=parse_since("2025-03-10T09:00", tz=UTC))] == ["B1"]
    assert events(cat, since="2025-03-13T00:00:00Z") == []


def test_since_forms() -> None:
    today = date(2025, 3, 12)
    assert parse_since("today", today=today, tz=UTC) == "2025-03-12T00:00:00Z"
    assert parse_since("yesterday", today=today, tz=UTC) == "2025-03-11T00:00:00Z"
    assert parse_since("7d", today=today, tz=UTC) == "2025-03-05T00:00:00Z"
    assert parse_since("2w", today=today, tz=UTC) == "2025-02-26T00:00:00Z"
    # A local date starts at local midnight: 00:00 in UTC+2 is 22:00 UTC the day before.
    plus_two = timezone(timedelta(hours=2))
    assert parse_since("2025-03-12", tz=plus_two) == "2025-03-11T22:00:00Z"
    assert parse_since("2025-03-12T10:00:00Z") == "2025-03-12T10:00:00Z"
    for bad in ("last tuesday", "2025-13-01", "", "7x"):
        with pytest.raises(UserError, match="bad date"):
            parse_since(bad, today=today, tz=UTC)


def test_cli_log(cat, tmp_path: Path) -> None:
    cat.close()
    runner = CliRunner()
    db = str(tmp_path / "study.db")
    result = runner.invoke(main, ["--db", db, "log", "--since", "2025-03-06", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Events are days apart, so the local time zone of the test machine cannot matter.
    assert [(d["title"], d["kind"], d["value"]) for d in data] == [
        ("B1", "status", "skipped"),
        ("B2", "note", "edit"),
        ("A1", "status", "done"),
    ]
    assert data[0]["url"] == "https://example.com/b1" and data[0]["previous"] == "todo"
    table = runner.invoke(main, ["--db", db, "log"])
    assert table.exit_code == 0
    assert "todo → reading" in table.stdout and "note edited" in table.stdout
    bad = runner.invoke(main, ["--db", db, "log", "--since", "soon"])
    assert bad.exit_code == 2
    assert bad.stderr.strip().count("\n") == 0 and "bad date 'soon'" in bad.stderr
    empty = runner.invoke(main, ["--db", db, "log", "--since", "2030-01-01"])
    assert empty.exit_code == 0 and "No activity since 2030-01-01" in empty.stdout
