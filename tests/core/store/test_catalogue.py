"""The catalogue over real SQLite files: schema, import, re-import, status, notes, queries."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tuiguide.core.errors import CatalogueError, GuideFormatError, UserError
from tuiguide.core.store import connection as dbmod
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.migrations import Migration, all_migrations, latest_version


def test_file_settings(catalogue: Catalogue, db_path: Path) -> None:
    conn = catalogue.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    numbers = [r[0] for r in conn.execute("SELECT number FROM schema_migrations ORDER BY 1")]
    assert numbers == [m.number for m in all_migrations()]
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_bundled_guide_imported_on_first_run(catalogue: Catalogue) -> None:
    guides = catalogue.guides()
    assert [g.title for g in guides] == ["Learning Guide: AI Inference Engineering"]
    conn = catalogue.conn
    assert conn.execute("SELECT count(*) FROM placements").fetchone()[0] == 337
    assert conn.execute("SELECT count(*) FROM resources").fetchone()[0] == 333
    # Across topics each resource counts once, in its lead tier (its lowest): the four
    # placed twice (LLaMA-Factory in topics 8 and 17, ...) do not count twice.
    assert catalogue.count_items(tier=1) == 51
    assert catalogue.count_items(tier=2) == 255
    assert catalogue.count_items(tier=3) == 24
    assert catalogue.count_items(tier=0) == 3
    assert catalogue.count_items() == 333 == 51 + 255 + 24 + 3
    assert catalogue.tier_counts() == {1: 51, 2: 255, 3: 24, None: 3}
    # Inside a topic its placement shows: Tools & Libraries holds LLaMA-Factory too.
    tools = catalogue.find_topic("17")
    assert "LLaMA-Factory" in " ".join(
        i.title for i in catalogue.items(topic_id=tools.id, limit=100)
    )
    assert catalogue.count_items(topic_id=tools.id) == 14
    topics = catalogue.topics(guides[0].id)
    assert len(topics) == 19
    assert topics[0].label == "1. LLM Inference Fundamentals"
    assert sum(t.counts().total for t in topics) == 337
    assert catalogue.guide_counts().total == 333
    # A second open does not import again.
    again = Catalogue.open(catalogue.path)
    assert again.conn.execute("SELECT count(*) FROM placements").fetchone()[0] == 337
    again.close()


def test_status_belongs_to_the_resource(catalogue: Catalogue) -> None:
    url = "https://newsletter.maartengrootendorst.com/p/a-visual-guide-to-quantization"
    rid = catalogue.conn.execute("SELECT id FROM resources WHERE url = ?", (url,)).fetchone()[0]
    places = catalogue.placements_of(rid)
    assert [p.topic_number for p in places] == ["1", "4"]
    catalogue.set_status(rid, "done")
    topics = {t.number: t for t in catalogue.topics()}
    assert topics["1"].counts(1).done == 1
    assert topics["4"].counts(1).done == 1
    assert catalogue.guide_counts().done == 1  # one resource, counted once
    item = catalogue.item(rid, places[1].placement_id)
    assert item.status == "done" and item.topic_number == "4"
    assert item.status_at is not None


def test_skipped_leaves_the_denominator(catalogue: Catalogue) -> None:
    before = catalogue.guide_counts()
    first = catalogue.items(limit=2)
    catalogue.set_status(first[0].id, "skipped")
    catalogue.set_status(first[1].id, "done")
    after = catalogue.guide_counts()
    assert after.total == before.total - 1
    assert after.done == 1
    assert after.percent == pytest.approx(100 / (before.total - 1))


def test_status_history_and_timestamps(db_path: Path) -> None:
    clock = iter(["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"])
    cat = Catalogue.open(db_path, now=lambda: next(clock))  # import uses the first tick
    rid = cat.items(limit=1)[0].id
    cat.set_status(rid, "reading")
    cat.set_status(rid, "done")
    row = cat.conn.execute(
        "SELECT status, status_at, started_at, finished_at FROM resources WHERE id = ?", (rid,)
    ).fetchone()
    assert row == ("done", "2026-01-03T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z")
    events = cat.conn.execute(
        "SELECT kind, value, previous, at FROM events WHERE resource_id = ? ORDER BY id", (rid,)
    ).fetchall()
    assert events == [
        ("status", "reading", "todo", "2026-01-02T10:00:00Z"),
        ("status", "done", "reading", "2026-01-03T10:00:00Z"),
    ]
    cat.close()


def test_bad_status_and_unknown_id(catalogue: Catalogue) -> None:
    with pytest.raises(UserError, match="unknown status"):
        catalogue.set_status(1, "finished")
    with pytest.raises(UserError, match="no resource with ID 99999"):
        catalogue.set_status(99999, "done")
    with pytest.raises(UserError, match="no resource with ID 99999"):
        catalogue.set_note(99999, "x")


def test_notes(catalogue: Catalogue) -> None:
    rid = catalogue.items(limit=1)[0].id
    catalogue.set_note(rid, "first thoughts")
    catalogue.set_note(rid, "first thoughts, revised")
    assert catalogue.note(rid) == "first thoughts, revised"
    assert catalogue.item(rid).note == "first thoughts, revised"
    # Autosave bursts make one history event.
    n_events = catalogue.conn.execute(
        "SELECT count(*) FROM events WHERE kind = 'note' AND resource_id = ?", (rid,)
    ).fetchone()[0]
    assert n_events == 1
    catalogue.set_note(rid, "")
    assert catalogue.note(rid) == ""


def test_items_paging_and_filters(catalogue: Catalogue) -> None:
    all_items = catalogue.items(limit=1000)
    assert len(all_items) == 333  # 337 placements, each resource once
    assert len({i.id for i in all_items}) == 333
    page = catalogue.items(limit=10, offset=20)
    assert [i.placement_id for i in page] == [i.placement_id for i in all_items[20:30]]
    topic = catalogue.find_topic("2")
    t2 = catalogue.items(topic_id=topic.id, tier=2, limit=1000)
    assert len(t2) == catalogue.count_items(topic_id=topic.id, tier=2) == 60
    assert all(i.topic_number == "2" and i.tier == 2 for i in t2)
    catalogue.set_status(t2[0].id, "reading")
    reading = catalogue.items(status="reading")
    assert [i.id for i in reading] == [t2[0].id]
    assert catalogue.find_topic("quant").number == "4"
    assert catalogue.find_topic("SUPPLEMENTARY").number is None
    with pytest.raises(UserError, match="no topic matches"):
        catalogue.find_topic("nonexistent topic")
    with pytest.raises(UserError, match="several topics"):
        catalogue.find_topic("c")  # CUDA..., Compiler..., Confidential..., Courses...


GUIDE_V1 = """\
# Small Guide

## 1. Alpha

### Tier 1

- [Keep](https://x.example/keep/) - K. Stays.
- [Change](https://x.example/change) - C. Old description.
- [Drop](https://x.example/drop) - D. Goes away.

## 2. Beta

### Tier 2

- [Shared](https://X.example/shared?utm_source=feed#top) - S. In beta.
"""

GUIDE_V2 = """\
# Small Guide

## 1. Alpha

### Tier 1

- [Keep](https://x.example/keep) - K. Stays.
- [Change](https://x.example/change) - C. New description.
- [New](https://x.example/new) - N. Fresh.

## 2. Beta

### Tier 2

- [Shared](https://x.example/shared) - S. In beta.
"""


def test_reimport_is_idempotent_and_reports_changes(empty_catalogue: Catalogue, tmp_path: Path) -> None:
    cat = empty_catalogue
    path = tmp_path / "small.md"
    path.write_text(GUIDE_V1)
    first = cat.import_file(path)
    assert (first.added, first.changed, first.removed) == (4, 0, 0)
    again = cat.import_file(path)
    assert again.summary == "+0 ~0 -0" and again.unchanged == 4

    drop = cat.conn.execute("SELECT id FROM resources WHERE url = 'https://x.example/drop'").fetchone()[0]
    change = cat.conn.execute("SELECT id FROM resources WHERE url = 'https://x.example/change'").fetchone()[0]
    cat.set_status(drop, "done")
    cat.set_note(drop, "worth keeping")
    cat.set_status(change, "reading")
    cat.set_note(change, "mid-way")

    path.write_text(GUIDE_V2)
    report = cat.import_file(path)
    assert report.summary == "+1 ~1 -1"
    # Removed: kept with its status and note, hidden from browsing, visible with include_removed.
    dropped = cat.item(drop)
    assert dropped.removed and dropped.status == "done" and dropped.note == "worth keeping"
    assert drop not in [i.id for i in cat.items(limit=100)]
    assert drop in [i.id for i in cat.items(limit=100, include_removed=True)]
    changed = cat.item(change)
    assert changed.description == "New description." and changed.status == "reading"
    assert changed.note == "mid-way"
    assert cat.conn.execute("SELECT count(*) FROM resources").fetchone()[0] == 5

    # Putting the item back re-adds it, with its history intact.
    path.write_text(GUIDE_V1)
    back = cat.import_file(path)
    assert back.added == 1 and back.removed == 1
    assert cat.item(drop).status == "done" and not cat.item(drop).removed


def test_several_guides(catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "small.md"
    path.write_text(GUIDE_V1)
    catalogue.import_file(path)
    guides = catalogue.guides()
    assert [g.title for g in guides] == ["Learning Guide: AI Inference Engineering", "Small Guide"]
    small = catalogue.find_guide("small")
    assert catalogue.count_items(guide_id=small.id) == 4
    assert catalogue.count_items() == 337  # 333 resources + the small guide's 4


def test_not_a_guide_writes_nothing(catalogue: Catalogue, tmp_path: Path) -> None:
    before = catalogue.conn.execute("SELECT count(*) FROM placements").fetchone()[0]
    for name, data in [("empty.md", b""), ("bin.md", b"\x00\x01\x02"), ("prose.md", b"hello\n")]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(GuideFormatError) as exc:
            catalogue.import_file(path)
        assert str(path) in str(exc.value)
    assert catalogue.conn.execute("SELECT count(*) FROM placements").fetchone()[0] == before
    assert len(catalogue.guides()) == 1


def test_import_failure_midway_rolls_back(empty_catalogue: Catalogue, tmp_path: Path) -> None:
    cat = empty_catalogue
    # A trigger that fails on the third placement simulates a crash in the middle of the write.
    cat.conn.execute(
        "CREATE TEMP TRIGGER boom BEFORE INSERT ON placements "
        "WHEN (SELECT count(*) FROM placements) >= 0 AND NEW.position = 2 "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    )
    path = tmp_path / "small.md"
    path.write_text(GUIDE_V1)
    with pytest.raises(Exception, match="simulated failure"):
        cat.import_file(path)
    for table in ("guides", "topics", "resources", "placements"):
        assert cat.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_state_round_trip(catalogue: Catalogue) -> None:
    catalogue.set_state("position", {"topic": 3, "tier": 2})
    assert catalogue.get_state("position") == {"topic": 3, "tier": 2}
    assert catalogue.get_state("missing", "dflt") == "dflt"


# ---------------------------------------------------------------- the file itself


def test_not_sqlite_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my precious notes")
    with pytest.raises(CatalogueError, match="not an SQLite database") as exc:
        Catalogue.open(path)
    assert str(path) in str(exc.value)
    assert path.read_text() == "my precious notes"


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogueError, match="not a tuiguide catalogue"):
        Catalogue.open(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    conn.close()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Catalogue.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.close()
    with pytest.raises(CatalogueError, match="newer tuiguide"):
        Catalogue.open(db_path)


def test_upgrade_makes_a_backup_first(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cat = Catalogue.open(db_path)
    cat.set_note(1, "keep me")
    cat.close()
    old = latest_version()

    def up(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE future_feature (id INTEGER PRIMARY KEY)")

    future = [*all_migrations(), Migration(old + 1, "future_feature", up)]
    monkeypatch.setattr(dbmod, "all_migrations", lambda: future)
    cat = Catalogue.open(db_path)
    backup = db_path.with_name(f"{db_path.name}.bak-{old}")
    assert backup.exists()
    assert any(str(backup) in n for n in cat.notices)
    assert cat.conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
    assert cat.note(1) == "keep me"
    cat.close()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == old
    assert copy.execute("SELECT body FROM notes").fetchone()[0] == "keep me"
    copy.close()


def test_read_only_check_message(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, which the OS lets write anyway, so os.access reports read-only."""
    Catalogue.open(db_path).close()
    real_access = os.access
    monkeypatch.setattr(
        dbmod.os, "access", lambda p, mode: False if Path(p) == db_path else real_access(p, mode)
    )
    with pytest.raises(CatalogueError, match="read-only") as exc:
        Catalogue.open(db_path)
    assert str(db_path) in str(exc.value)
