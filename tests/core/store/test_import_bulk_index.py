"""A big import (bulk inserts through sqlite-utils) leaves the search documents, both FTS
indexes and the progress counts exactly as a fresh computation would, touches no trigger,
and a failed one leaves nothing behind."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tuiguide.core.errors import CatalogueError
from tuiguide.core.search.engine import search
from tuiguide.core.store import importer
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.counts import counts_match_tables
from tuiguide.core.store.search_index import index_matches_tables
from tuiguide.core.store.writes import NewResource

ROOT = Path(__file__).resolve().parents[3]
N = 2500


def _guide(n: int, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("make_catalogue", ROOT / "bench" / "make_catalogue.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_catalogue", module)
    spec.loader.exec_module(module)
    return module.guide_markdown(n, seed=seed)


def _triggers(cat: Catalogue) -> list[tuple]:
    return cat.conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).fetchall()


def _count(cat: Catalogue, table: str) -> int:
    return cat.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_big_import_indexes_like_a_rebuild(tmp_path: Path) -> None:
    text = _guide(N, seed=3)
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        before = _triggers(cat)
        report = cat.import_text(text, source="big")
        assert report.resources == N
        assert _triggers(cat) == before  # nothing switched off and back on
        assert index_matches_tables(cat)
        assert counts_match_tables(cat)
        assert _count(cat, "search_documents") == N
        title = cat.conn.execute("SELECT title FROM resources ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert title in [hit.item.title for hit in search(cat, f'"{title}"', limit=50).hits]
        # Re-import is stable: nothing changes, nothing is written, the index still matches.
        changes = cat.conn.total_changes
        again = cat.import_text(text, source="big")
        assert (again.added, again.changed, again.removed) == (0, 0, 0)
        # The guide's row and its topics' rows only.
        assert cat.conn.total_changes - changes <= 1 + _count(cat, "topics")
        assert index_matches_tables(cat)
        # A resource filed after the bulk import reaches the index and counts at once.
        topic = cat.topics()[3]
        rid, _ = cat.place_resource(
            NewResource("https://x.test/another", "https://x.test/another",
                        "Another placement title", None, "", "feed"), topic.id, 2)
        assert index_matches_tables(cat)
        assert counts_match_tables(cat)
        assert rid in [h.item.id for h in search(cat, '"Another placement title"').hits]


def test_a_failed_big_import_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails after every row is written, as the documents are brought along: the rollback
    # must take the rows, the documents and the index entries with it.
    def broken(catalogue: Catalogue, resource_ids: object = None) -> None:
        catalogue.conn.execute("SELECT no_such_column FROM search_documents")

    monkeypatch.setattr(importer, "refresh_documents", broken)
    with Catalogue.open(tmp_path / "c.db", seed=False) as cat:
        before = _triggers(cat)
        with pytest.raises(CatalogueError, match="no_such_column|no such column"):
            cat.import_text(_guide(N, seed=5), source="big")
        for table in ("resources", "placements", "search_documents", "placement_counts"):
            assert _count(cat, table) == 0, table
        assert cat.conn.execute(
            "SELECT count(*) FROM search_documents_fts WHERE search_documents_fts MATCH 'a*'"
        ).fetchone()[0] == 0
        assert not cat.conn.in_transaction
        assert _triggers(cat) == before
        monkeypatch.undo()
        cat.import_text(_guide(N, seed=5), source="big")
        assert index_matches_tables(cat) and counts_match_tables(cat)
