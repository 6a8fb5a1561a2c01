"""Items read again while nothing was written come from the catalogue's cache, and every
write, from this connection or any other, is seen at the next read (a real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.study import upnext as study
from ui_support import fixed_now, make_catalogue


class RowReads:
    """Counts the statements that read whole item rows (the page query's second step)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.count = 0
        catalogue.conn.set_trace_callback(self._seen)

    def _seen(self, sql: str) -> None:
        if "LEFT JOIN notes n ON n.resource_id = r.id" in sql and "WHERE p.id IN" in sql:
            self.count += 1


@pytest.fixture
def cat(tmp_path: Path):
    path = make_catalogue(tmp_path / "c.db")
    with Catalogue.open(path, seed=False, now=fixed_now) as catalogue:
        yield catalogue


def titles_and_statuses(items) -> list[tuple[str, str]]:
    return [(item.title, item.status) for item in items]


def test_a_page_read_again_reads_no_rows(cat: Catalogue) -> None:
    reads = RowReads(cat)
    first = cat.items(limit=10)
    assert reads.count == 1
    assert cat.items(limit=10) == first
    assert cat.items(tier=1, limit=10) == [i for i in first if i.tier == 1]
    assert reads.count == 1  # (tier 1's rows were all read for the whole list)
    # Saving the UI's state (every second while browsing) changes no item: still cached.
    cat.set_state("ui.browse", {"node": "special:all"})
    assert cat.items(limit=10) == first
    assert reads.count == 1


def test_a_status_set_here_is_read_at_once(cat: Catalogue) -> None:
    first = cat.items(limit=10)
    cat.set_status(first[0].id, "done")
    assert cat.items(limit=10)[0].status == "done"
    assert study.up_next(cat, limit=10)[0].id != first[0].id


def test_a_raw_write_on_this_connection_is_read_at_once(cat: Catalogue) -> None:
    first = cat.items(limit=10)
    with cat.conn:  # (as another feature might, straight on the connection)
        cat.conn.execute(
            "UPDATE placements SET title = 'Renamed' WHERE id = ?", (first[1].placement_id,)
        )
    assert cat.items(limit=10)[1].title == "Renamed"
    cat.set_note(first[2].id, "A note")
    assert cat.items(limit=10)[2].note == "A note"
    assert [i.id for i in study.noted_items(cat)] == [first[2].id]


def test_a_write_by_another_process_is_read_at_once(cat: Catalogue) -> None:
    first = cat.items(limit=10)
    assert first[0].status == "todo"
    with Catalogue.open(cat.path, seed=False, now=fixed_now) as other:
        other.set_status(first[0].id, "reading")
        other.set_note(first[1].id, "Written elsewhere")
    again = cat.items(limit=10)
    assert titles_and_statuses(again)[0] == (first[0].title, "reading")
    assert again[1].note == "Written elsewhere"
    assert [i.id for i in study.noted_items(cat)] == [first[1].id]


def test_the_cache_stays_bounded(cat: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    import tuiguide.core.store.catalogue as catalogue_module

    monkeypatch.setattr(catalogue_module, "ITEM_CACHE_SIZE", 4)
    every = cat.items(limit=100)
    assert len(every) == 6
    assert len(cat._items) <= 6
    assert cat.items(limit=3) == every[:3]
    assert len(cat._items) <= 4
    assert cat.items(limit=100, offset=3) == every[3:]
