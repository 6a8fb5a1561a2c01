"""A catalogue written by the release before the restructure (schema 3, tests/fixtures) opens
with today's code and loses nothing: statuses, notes, events, feeds, Inbox entries and their
states, the saved UI state; search finds its resources and entries; the progress counts and
the index equal a fresh computation; the old file is kept as ``.bak-3`` first.

The fixture is never opened in place: each test works on a copy in its temp dir."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tuiguide.core.search.engine import search
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.counts import counts_match_tables
from tuiguide.core.store.migrations import latest_version
from tuiguide.core.store.search_index import index_matches_tables

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue-v3.db"

QUERIES = {
    "statuses": "SELECT url, status, status_at, started_at, finished_at FROM resources ORDER BY url",
    "resources": "SELECT id, url, link, title, author, description, origin FROM resources ORDER BY id",
    "placements": "SELECT id, resource_id, topic_id, section_id, tier, position, removed_at "
                  "FROM placements ORDER BY id",
    "notes": "SELECT r.url, n.body, n.created_at, n.updated_at FROM notes n "
             "JOIN resources r ON r.id = n.resource_id ORDER BY r.url",
    "events": "SELECT e.id, r.url, e.kind, e.value, e.previous, e.at FROM events e "
              "LEFT JOIN resources r ON r.id = e.resource_id ORDER BY e.id",
    "feeds": "SELECT * FROM feeds ORDER BY id",
    "entries": "SELECT * FROM feed_entries ORDER BY id",
    "state": "SELECT key, value FROM app_state ORDER BY key",
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fixture_digest() -> str:
    assert FIXTURE.exists(), f"{FIXTURE} is missing (it is checked in; see tests/fixtures/README.md)"
    return _digest(FIXTURE)


@pytest.fixture
def old_copy(tmp_path: Path, fixture_digest: str):
    path = tmp_path / "catalogue.db"
    shutil.copyfile(FIXTURE, path)
    yield path
    assert _digest(FIXTURE) == fixture_digest  # the fixture itself is never written


def test_the_fixture_is_a_schema_3_catalogue(old_copy: Path) -> None:
    conn = sqlite3.connect(f"file:{old_copy}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


def test_upgrade_keeps_everything_the_user_made(old_copy: Path) -> None:
    before = _snapshot(old_copy)
    assert len(before["notes"]) == 2 and len(before["events"]) == 14
    assert {row[1] for row in before["statuses"]} == {"todo", "reading", "done", "skipped"}
    assert {row[11] for row in before["entries"]} == {"new", "dismissed", "filed", "in_guide"}

    cat = Catalogue.open(old_copy)
    try:
        backup = old_copy.with_name(f"{old_copy.name}.bak-3")
        assert any("schema 3" in n and str(backup) in n for n in cat.notices)
        assert cat.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        after = _snapshot(old_copy)
        for name in QUERIES:
            assert after[name] == before[name], name
        assert cat.get_state("ui.browse") == {
            "node": "special:all", "tier": 2, "guide": 1, "row": None, "index": 3, "focus": "items"}
        assert cat.note(1).startswith("# Key idea")
    finally:
        cat.close()
    # The copy made before upgrading is the old file, whole.
    assert _snapshot(backup) == before
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


def test_upgraded_catalogue_searches_and_counts_like_a_fresh_one(old_copy: Path) -> None:
    with Catalogue.open(old_copy) as cat:
        assert index_matches_tables(cat)
        assert counts_match_tables(cat)
        assert search(cat, "kv cache").total >= 5
        # A note's words, a resource filed from the Inbox, a status filter.
        assert [h.item.id for h in search(cat, "pagedattention blocks").hits] == [1]
        filed = search(cat, "distributed inference ray").hits
        assert [h.item.origin for h in filed] == ["feed"]
        # Filters alone list each resource once (one reading resource is placed twice).
        assert search(cat, "status:reading").total == cat.count_items(status="reading") == 3
        assert search(cat, "status:skipped").total == cat.count_items(status="skipped") == 1
        # Inbox entries (new ones) and every entry (dismissed too) are searchable.
        assert [e.entry.title for e in search(cat, "in:inbox sglang").entries] == [
            "SGLang v0.4: Zero-Overhead Batch Scheduler & Faster Structured Outputs"]
        assert {e.entry.state for e in search(cat, "in:feeds deepseek").entries} == {
            "dismissed", "in_guide"}
        inbox = search(cat, "in:inbox", limit=10)
        assert inbox.total == 3 and {e.entry.state for e in inbox.entries} == {"new"}
        counts = cat.guide_counts()
        assert (counts.done, counts.reading, counts.skipped) == (6, 3, 1)
        # The store keeps them in step from here on.
        cat.set_status(2, "done")
        cat.set_note(2, "a capybara note")
        assert [h.item.id for h in search(cat, "capybara status:done").hits] == [2]
        assert index_matches_tables(cat) and counts_match_tables(cat)
        assert cat.guide_counts().done == 7
