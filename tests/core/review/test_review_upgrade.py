"""A catalogue from an earlier release upgrades through the recorded migration m0007: the
review, tag and goal tables appear, nothing the user made is lost, and reviewing works."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tuiguide.core.library import store as library
from tuiguide.core.review import store as review
from tuiguide.core.store.catalogue import Catalogue

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue-v3.db"


def test_an_older_catalogue_gains_review_and_tags(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    old = sqlite3.connect(path)
    statuses = old.execute("SELECT url, status FROM resources ORDER BY url").fetchall()
    old.close()
    with Catalogue.open(path, seed=False, now=lambda: "2026-02-01T09:00:00Z") as cat:
        assert any("Upgrading" in n for n in cat.notices)
        recorded = cat.conn.execute(
            "SELECT name FROM schema_migrations WHERE number = 7").fetchone()
        assert recorded == ("review_tags",)
        assert cat.conn.execute("SELECT url, status FROM resources ORDER BY url"
                                ).fetchall() == statuses
        todo = next(i for i in cat.items(limit=50) if i.status == "todo")
        cat.set_status(todo.id, "done")
        assert review.due_count(cat, "2026-02-03T09:00:00Z") == 1
        review.record_review(cat, todo.id, 3)
        assert library.change_tags(cat, todo.id, add=["kept"]) == ["kept"]
        review.set_goal(cat, 3)
    with Catalogue.open(path, seed=False) as again:  # reopening runs nothing more
        assert again.notices == []
        assert review.goal(again) == 3
        assert again.require_item(todo.id).tags == ("kept",)
