"""Stored page texts in export/restore (``--with-articles``): carried only when asked, merged
like the rest of a restore (a later fetch wins, repeats change nothing), never in the
markdown journal; a bad articles section refuses the whole file, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reader_support import store_text
from tuiguide.cli.main import main
from tuiguide.core.articles import store
from tuiguide.core.store.catalogue import Catalogue

GUIDE = ("# G\n\n## 1. T\n\n- [Paged](https://e.org/p) - Kwon. Memory.\n"
         "- [Spec](https://e.org/s) - Lev. Drafts.\n")
TEXT = "Blocks live in pages. Fragmentation drops below four percent."


def make(path: Path) -> Path:
    with Catalogue.open(path, seed=False) as cat:
        cat.import_text(GUIDE, source="g")
    return path


def cli(db: Path, *args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, ["--db", str(db), *args])
    return done.exit_code, done.stdout, done.stderr


def texts(db: Path) -> dict[str, tuple[str, str]]:
    with Catalogue.open(db, seed=False) as cat:
        return {row["url"]: (row["text"], row["fetched_at"]) for row in store.export_rows(cat)}


def test_round_trip_carries_texts_only_when_asked(tmp_path: Path) -> None:
    a = make(tmp_path / "a.db")
    with Catalogue.open(a, seed=False) as cat:
        store_text(cat, 1, TEXT, now="2026-01-02T00:00:00Z")
    code, plain, _ = cli(a, "export", "--format", "json")
    assert code == 0 and "articles" not in json.loads(plain) and "Fragmentation" not in plain
    code, journal, _ = cli(a, "export")
    assert code == 0 and "Fragmentation" not in journal
    code, _, err = cli(a, "export", "--with-articles")
    assert code == 2 and err.strip() == ("tuiguide: --with-articles needs --format json "
                                         "(the journal never holds page texts)")
    backup = tmp_path / "backup.json"
    code, _, _ = cli(a, "export", "--format", "json", "--with-articles", "-o", str(backup))
    assert code == 0 and json.loads(backup.read_text())["articles"][0]["text"] == TEXT

    b = make(tmp_path / "b.db")
    code, out, _ = cli(b, "restore", str(backup))
    assert code == 0 and texts(b) == {}  # not asked: the texts stay out
    code, out, _ = cli(b, "restore", str(backup), "--with-articles")
    assert code == 0 and "1 stored page text" in out
    assert texts(b) == texts(a)
    with Catalogue.open(b, seed=False) as cat:  # searchable after the restore
        from tuiguide.core.search.engine import search
        assert [h.item.title for h in search(cat, "fragmentation").hits] == ["Paged"]
    code, out, _ = cli(b, "restore", str(backup), "--with-articles", "--json")
    assert code == 0 and json.loads(out)["articles"] == 0 and not json.loads(out)["changed"]


def test_a_later_fetch_wins_either_way(tmp_path: Path) -> None:
    a, b = make(tmp_path / "a.db"), make(tmp_path / "b.db")
    with Catalogue.open(a, seed=False) as cat:
        store_text(cat, 1, "Old text.", now="2026-01-01T00:00:00Z")
        store_text(cat, 2, "Newer draft text.", now="2026-03-01T00:00:00Z")
    with Catalogue.open(b, seed=False) as cat:
        store_text(cat, 1, "New text.", now="2026-02-01T00:00:00Z")
        store_text(cat, 2, "Older draft text.", now="2026-01-15T00:00:00Z")
    backup = tmp_path / "a.json"
    cli(a, "export", "--format", "json", "--with-articles", "-o", str(backup))
    code, out, _ = cli(b, "restore", str(backup), "--with-articles", "--json")
    assert code == 0 and json.loads(out)["articles"] == 1
    assert sorted(text for text, _ in texts(b).values()) == ["New text.", "Newer draft text."]


def test_a_bad_articles_section_refuses_the_file(tmp_path: Path) -> None:
    a = make(tmp_path / "a.db")
    with Catalogue.open(a, seed=False) as cat:
        store_text(cat, 1, TEXT)
    data = json.loads(cli(a, "export", "--format", "json", "--with-articles")[1])
    data["articles"][0]["fetched_at"] = "yesterday"
    data["resources"]["https://e.org/s"] = {"title": "Spec", "status": "done",
                                            "status_at": "2026-05-01T00:00:00Z"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    b = make(tmp_path / "b.db")
    code, out, err = cli(b, "restore", str(bad), "--with-articles")
    assert code == 2 and "article 1 fetched_at is not a time ('yesterday')" in err
    assert "nothing restored" in err and "Traceback" not in err
    with Catalogue.open(b, seed=False) as cat:
        assert cat.conn.execute("SELECT count(*) FROM resources WHERE status = 'done'"
                                ).fetchone()[0] == 0
    assert texts(b) == {}
