"""JSON export -> restore: round trip, idempotence, newest wins, refusing bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from study_support import Clock, dump, mark, rid, small_catalogue
from tuiguide.cli.main import main
from tuiguide.core.backup.export import export_data, json_export
from tuiguide.core.backup.restore import read_export, restore_file
from tuiguide.core.errors import UserError
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study.upnext import up_next


def user_state(cat: Catalogue) -> dict[str, tuple]:
    """Per normalised URL: status with its times, and the note with its time."""
    rows = cat.conn.execute(
        "SELECT r.url, r.status, r.status_at, r.started_at, r.finished_at, n.body, n.updated_at "
        "FROM resources r LEFT JOIN notes n ON n.resource_id = r.id "
        "WHERE r.status_at IS NOT NULL OR n.body IS NOT NULL ORDER BY r.url"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def event_keys(cat: Catalogue) -> list[tuple]:
    return sorted(
        cat.conn.execute(
            "SELECT r.url, e.kind, e.value, e.previous, e.at FROM events e "
            "JOIN resources r ON r.id = e.resource_id"
        ).fetchall()
    )


def machine_a(tmp_path: Path) -> Catalogue:
    clock = Clock()
    cat = small_catalogue(tmp_path, "a.db", clock)
    mark(cat, clock, "A1", "reading", "2025-03-01T10:00:00Z")
    mark(cat, clock, "A1", "done", "2025-03-02T10:00:00Z")
    mark(cat, clock, "B1", "skipped", "2025-03-03T10:00:00Z")
    mark(cat, clock, "G0", "reading", "2025-03-04T10:00:00Z")
    mark(cat, clock, "B3", "done", "2025-03-05T10:00:00Z")
    mark(cat, clock, "B3", "todo", "2025-03-06T10:00:00Z")  # a reset is a change too
    clock.stamp = "2025-03-07T10:00:00Z"
    cat.set_note(rid(cat, "A1"), "# Notes on A1\n\nline two")
    cat.set_note(rid(cat, "G2"), "note with ünïcode ✓")
    return cat


def export_to(cat: Catalogue, path: Path) -> Path:
    path.write_text(json_export(cat, exported_at="2025-03-08T00:00:00Z"), encoding="utf-8")
    return path


def test_export_is_versioned_and_keyed_by_normalised_url(tmp_path: Path) -> None:
    cat = machine_a(tmp_path)
    data = export_data(cat)
    assert data["format"] == "tuiguide-export" and data["version"] == 1
    assert "https://example.com/a1" in data["resources"]
    a1 = data["resources"]["https://example.com/a1"]
    assert a1["status"] == "done" and a1["status_at"] == "2025-03-02T10:00:00Z"
    assert a1["note"]["body"] == "# Notes on A1\n\nline two"
    assert a1["note"]["updated_at"] == "2025-03-07T10:00:00Z"
    assert "https://example.com/a2" not in data["resources"]  # untouched: nothing to keep
    assert len(data["events"]) == 8  # 6 status changes, 2 note edits
    assert {"url", "kind", "value", "previous", "at"} == set(data["events"][0])
    assert isinstance(data["feeds"], list)


def test_round_trip_into_an_empty_catalogue(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    path = export_to(a, tmp_path / "backup.json")
    b = small_catalogue(tmp_path, "b.db")  # a fresh machine with the same guide
    report = restore_file(b, path)
    assert report.statuses == 4 and report.notes == 2 and report.created == 0
    assert report.events == 8
    assert user_state(b) == user_state(a)
    assert event_keys(b) == event_keys(a)
    # Stats and up next follow the restored history.
    assert up_next(b)[0].title == "G0"


def test_round_trip_into_a_catalogue_without_the_guide(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    path = export_to(a, tmp_path / "backup.json")
    empty = Catalogue.open(tmp_path / "empty.db", seed=False)
    report = restore_file(empty, path)
    assert report.created == 5  # A1, B1, B3, G0 (statuses) and G2 (note); nothing else
    assert user_state(empty) == user_state(a)
    origins = {row[0] for row in empty.conn.execute("SELECT origin FROM resources")}
    assert origins == {"restore"}
    runner = CliRunner()
    shown = runner.invoke(main, ["--db", str(tmp_path / "empty.db"), "show",
                                 str(empty.conn.execute("SELECT id FROM resources WHERE url = "
                                                        "'https://example.com/a1'").fetchone()[0]),
                                 "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["note"] == "# Notes on A1\n\nline two"
    # Importing the guide later adopts the restored resources with their status.
    empty.import_file(tmp_path / "small-guide.md")
    assert empty.item(rid(empty, "A1")).status == "done"


def test_restore_twice_changes_nothing(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    path = export_to(a, tmp_path / "backup.json")
    b = small_catalogue(tmp_path, "b.db")
    restore_file(b, path)
    before = dump(b)
    report = restore_file(b, path)
    assert not report.changed
    assert report.summary.startswith("nothing to change")
    assert dump(b) == before
    # Restoring a machine's own export into itself changes nothing either.
    before_a = dump(a)
    assert not restore_file(a, path).changed
    assert dump(a) == before_a


def test_newest_change_wins_per_resource(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    path = export_to(a, tmp_path / "backup.json")
    clock = Clock()
    b = small_catalogue(tmp_path, "b.db", clock)
    mark(b, clock, "A1", "todo", "2025-03-01T09:00:00Z")  # older than A's "done": A wins
    mark(b, clock, "B1", "done", "2025-03-09T10:00:00Z")  # newer than A's "skipped": B keeps
    clock.stamp = "2025-03-01T00:00:00Z"
    b.set_note(rid(b, "A1"), "old note on b")  # older: replaced
    clock.stamp = "2025-03-10T00:00:00Z"
    b.set_note(rid(b, "G2"), "newer note on b")  # newer: kept
    restore_file(b, path)
    assert b.item(rid(b, "A1")).status == "done"
    assert b.note(rid(b, "A1")) == "# Notes on A1\n\nline two"
    assert b.item(rid(b, "B1")).status == "done"
    assert b.note(rid(b, "G2")) == "newer note on b"
    # Both sides' histories are kept, once each.
    assert ("https://example.com/b1", "status", "done", "todo", "2025-03-09T10:00:00Z") in event_keys(b)
    assert ("https://example.com/b1", "status", "skipped", "todo", "2025-03-03T10:00:00Z") in event_keys(b)


def test_a_later_deletion_of_a_note_travels(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    b = small_catalogue(tmp_path, "b.db")
    restore_file(b, export_to(a, tmp_path / "first.json"))
    assert b.note(rid(b, "G2")) == "note with ünïcode ✓"
    a.now = lambda: "2025-03-20T00:00:00Z"
    a.set_note(rid(a, "G2"), "")  # deleted on A later
    report = restore_file(b, export_to(a, tmp_path / "second.json"))
    assert report.notes_deleted == 1
    assert b.note(rid(b, "G2")) == ""
    assert not restore_file(b, tmp_path / "second.json").changed


BAD_FILES = {
    "not-json.json": b"{ this is not json",
    "array.json": b"[1, 2, 3]",
    "foreign.json": json.dumps({"format": "something-else", "version": 1}).encode(),
    "newer.json": json.dumps({"format": "tuiguide-export", "version": 2}).encode(),
    "binary.json": b"\x89PNG\r\n\x1a\n\x00\x00",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_refused_in_one_line_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    cat = small_catalogue(tmp_path)
    before = dump(cat)
    cat.close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "study.db"), "restore", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert "Traceback" not in result.output
    if name == "newer.json":
        assert "newer tuiguide" in result.stderr
    cat = Catalogue.open(tmp_path / "study.db", seed=False)
    assert dump(cat) == before


def test_a_bad_entry_late_in_the_file_writes_nothing(tmp_path: Path) -> None:
    """Validation covers the whole file before the single write transaction."""
    a = machine_a(tmp_path)
    data = export_data(a)
    data["events"].append({"url": "https://example.com/a2", "kind": "status", "value": "done",
                           "at": "yesterday-ish"})
    path = tmp_path / "bad-late.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    b = small_catalogue(tmp_path, "b.db")
    before = dump(b)
    with pytest.raises(UserError, match=r"bad-late\.json: event 9 at is not a time"):
        restore_file(b, path)
    assert dump(b) == before
    data["events"].pop()
    data["resources"]["https://example.com/a1"]["status"] = "finished"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserError, match="unknown status 'finished'"):
        read_export(path)
    assert dump(b) == before


def test_cli_export_json_then_restore(tmp_path: Path) -> None:
    a = machine_a(tmp_path)
    a.close()
    runner = CliRunner()
    out = tmp_path / "backup.json"
    result = runner.invoke(main, ["--db", str(tmp_path / "a.db"), "export", "--format", "json",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["format"] == "tuiguide-export"
    b = small_catalogue(tmp_path, "b.db")
    b.close()
    first = runner.invoke(main, ["--db", str(tmp_path / "b.db"), "restore", str(out)])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("restored 4 statuses, 2 notes, 8 events")
    again = runner.invoke(main, ["--db", str(tmp_path / "b.db"), "restore", str(out), "--json"])
    assert json.loads(again.stdout)["changed"] is False
    missing = runner.invoke(main, ["--db", str(tmp_path / "b.db"), "restore",
                                   str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_followed_feeds_travel(tmp_path: Path) -> None:
    from tuiguide.core.feeds.refresh import insert_feed

    a = machine_a(tmp_path)
    insert_feed(a, "https://Example.org/feed.xml", "Example feed")
    data = export_data(a)
    assert {"url": "https://example.org/feed.xml", "link": "https://Example.org/feed.xml",
            "title": "Example feed"} in data["feeds"]
    data["feeds"].append({"url": "javascript:alert(1)", "title": "evil"})
    path = tmp_path / "feeds.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    b = small_catalogue(tmp_path, "b.db")
    report = restore_file(b, path)
    assert report.feeds == 1 and report.feeds_skipped == 1
    titles = dict(b.conn.execute("SELECT url, title FROM feeds").fetchall())
    assert titles["https://example.org/feed.xml"] == "Example feed"
    assert "javascript:alert(1)" not in titles
    before = dump(b)
    assert restore_file(b, path).feeds == 0
    assert dump(b) == before
