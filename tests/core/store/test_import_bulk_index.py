"""A big import indexes with a larger FTS5 buffer for its one statement (search_index
._bulk_buffer): the index must hold exactly what a rebuild writes, search must find the new
rows, and the buffer setting must not outlive the import (not even after a failed one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tuiguide.core.search.engine import search
from tuiguide.core.store import search_index
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.search_index import BULK_ROWS, counts_match_tables, index_matches_tables

ROOT = Path(__file__).resolve().parents[3]
N = BULK_ROWS + 500


def _guide(n: int, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("make_catalogue", ROOT / "bench" / "make_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_catalogue", module)
    spec.loader.exec_module(module)
    return module.guide_markdown(n, seed=seed)


def _hashsize_rows(cat: Catalogue) -> list[tuple]:
    return cat.conn.execute("SELECT * FROM resource_fts_config WHERE k = 'hashsize'").fetchall()


def test_big_import_indexes_like_a_rebuild_and_leaves_no_setting(tmp_path: Path) -> None:
    text = _guide(N, seed=3)
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        report = cat.import_text(text, source="big")
        assert report.resources == N
        assert index_matches_tables(cat.conn)
        assert counts_match_tables(cat.conn)
        assert _hashsize_rows(cat) == []
        title = cat.conn.execute("SELECT title FROM resources ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert title in [hit.item.title for hit in search(cat, f'"{title}"', limit=50).hits]
        # Re-import is stable: nothing changes, the index still matches.
        again = cat.import_text(text, source="big")
        assert (again.added, again.changed, again.removed) == (0, 0, 0)
        assert index_matches_tables(cat.conn)
        assert _hashsize_rows(cat) == []


def test_a_user_setting_is_put_back(tmp_path: Path) -> None:
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        cat.conn.execute("INSERT INTO resource_fts (resource_fts, rank) VALUES ('hashsize', 2097152)")
        cat.import_text(_guide(N, seed=4), source="big")
        assert _hashsize_rows(cat) == [("hashsize", 2097152)]
        assert index_matches_tables(cat.conn)


def test_a_failed_big_import_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The index statement itself fails, after the buffer was enlarged: the rollback must take
    # the setting away with the rows.
    monkeypatch.setattr(search_index, "index_rows_sql", lambda where: "SELECT no_such_column")
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        with pytest.raises(Exception, match="no_such_column|no such column"):
            cat.import_text(_guide(N, seed=5), source="big")
        assert cat.conn.execute("SELECT count(*) FROM resources").fetchone()[0] == 0
        assert cat.conn.execute("SELECT count(*) FROM resource_fts").fetchone()[0] == 0
        assert _hashsize_rows(cat) == []
        assert not cat.conn.in_transaction


def _triggers(cat: Catalogue) -> list[tuple]:
    return cat.conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()


def test_big_import_puts_every_trigger_back(tmp_path: Path) -> None:
    # The placements' insert triggers (idle while indexing is deferred) are taken away for the
    # bulk insert only: afterwards the same triggers keep the index and counts in step.
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        before = _triggers(cat)
        assert any(name == "placements_counts_insert" for name, _, _ in before)
        cat.import_text(_guide(N, seed=6), source="big")
        assert _triggers(cat) == before
        # A placement written outside any bulk import still reaches the index and counts.
        rid = cat.conn.execute("SELECT id FROM resources ORDER BY id LIMIT 1").fetchone()[0]
        topic = cat.conn.execute(
            "SELECT id, guide_id FROM topics WHERE id NOT IN (SELECT topic_id FROM placements "
            "WHERE resource_id = ?) LIMIT 1", (rid,)).fetchone()
        with cat.conn:
            cat.conn.execute(
                "INSERT INTO placements (resource_id, guide_id, topic_id, tier, position, title, "
                "added_at, updated_at) VALUES (?, ?, ?, 2, 999999, 'Another placement title', "
                "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')", (rid, topic[1], topic[0]))
        assert index_matches_tables(cat.conn)
        assert counts_match_tables(cat.conn)
        assert rid in [h.item.id for h in search(cat, '"Another placement title"').hits]


def test_a_failed_bulk_insert_keeps_the_triggers(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "index_rows_sql", lambda where: "SELECT no_such_column")
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        before = _triggers(cat)
        with pytest.raises(Exception, match="no_such_column|no such column"):
            cat.import_text(_guide(N, seed=7), source="big")
        assert _triggers(cat) == before
