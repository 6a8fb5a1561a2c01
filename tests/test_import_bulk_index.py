"""A big import indexes with a larger FTS5 buffer for its one statement (search_index
._bulk_buffer): the index must hold exactly what a rebuild writes, search must find the new
rows, and the buffer setting must not outlive the import (not even after a failed one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tuiguide import search_index
from tuiguide.catalogue import Catalogue
from tuiguide.search import search
from tuiguide.search_index import BULK_ROWS, counts_match_tables, index_matches_tables

ROOT = Path(__file__).resolve().parent.parent
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
