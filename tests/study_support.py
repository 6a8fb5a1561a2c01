"""A small three-tier guide and a settable clock for the study-tracking tests."""

from __future__ import annotations

from pathlib import Path

from tuiguide.core.store.catalogue import Catalogue

# Alpha, Beta, Gamma; "Shared" sits in Alpha Tier 2 and Beta Tier 1 (its earliest place in
# the reading order is Beta Tier 1: tier beats topic). G0 is untiered.
SMALL_GUIDE = """\
# Small Guide

A guide for tests.

## 1. Alpha

#### Tier 1

- [A1](https://example.com/a1) - Ann. First alpha.

#### Tier 2

- [A2](https://example.com/a2) - Ann. Second alpha.
- [Shared](https://example.com/shared) - Sam. In two topics.

#### Tier 3

- [A3](https://example.com/a3) - Ann. Third alpha.

## 2. Beta

#### Tier 1

- [B1](https://example.com/b1) - Bob. First beta.
- [Shared](https://example.com/shared/) - Sam. Placed again.

#### Tier 2

- [B2](https://example.com/b2) - Bob. Second beta.

#### Tier 3

- [B3](https://example.com/b3) - Bob. Third beta.

## 3. Gamma

- [G0](https://example.com/g0) - Gil. Untiered.

#### Tier 2

- [G2](https://example.com/g2) - Gil. Second gamma.
"""


class Clock:
    """An injectable ``now`` for Catalogue.open: set it, then write."""

    def __init__(self, stamp: str = "2025-01-01T00:00:00Z") -> None:
        self.stamp = stamp

    def __call__(self) -> str:
        return self.stamp


def write_guide(tmp_path: Path, text: str = SMALL_GUIDE) -> Path:
    path = tmp_path / "small-guide.md"
    path.write_text(text, encoding="utf-8")
    return path


def small_catalogue(tmp_path: Path, name: str = "study.db", clock: Clock | None = None) -> Catalogue:
    """A catalogue file holding only the small guide."""
    cat = Catalogue.open(tmp_path / name, seed=False, now=clock or Clock())
    cat.import_file(write_guide(tmp_path))
    return cat


def rid(cat: Catalogue, title: str) -> int:
    """A resource's ID by its title (titles are unique in the small guide)."""
    row = cat.conn.execute("SELECT id FROM resources WHERE title = ?", (title,)).fetchone()
    assert row is not None, title
    return row[0]


def mark(cat: Catalogue, clock: Clock, title: str, status: str, at: str) -> None:
    clock.stamp = at
    cat.set_status(rid(cat, title), status)


def dump(cat: Catalogue) -> dict[str, list[tuple]]:
    """Every row of every user table, to prove an operation changed nothing."""
    tables = [
        row[0]
        for row in cat.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {t: cat.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


# The stats scenario (today is Wednesday 2025-03-12, weeks start on Monday):
STATS_TODAY = (2025, 3, 12)
STATS_EVENTS = [
    ("A3", "done", "2025-02-01T09:00:00Z"),  # older than the 4-week pace window
    ("G2", "done", "2025-02-20T09:00:00Z"),
    ("G2", "reading", "2025-02-21T09:00:00Z"),
    ("G2", "done", "2025-03-01T09:00:00Z"),  # counts once, when last marked done
    ("Shared", "skipped", "2025-03-02T09:00:00Z"),
    ("B3", "done", "2025-03-05T09:00:00Z"),
    ("B3", "todo", "2025-03-06T09:00:00Z"),  # undone: not finished at all
    ("B2", "done", "2025-03-08T09:00:00Z"),  # Saturday; Sunday 03-09 has nothing
    ("A2", "done", "2025-03-10T09:00:00Z"),
    ("B1", "done", "2025-03-11T09:00:00Z"),
    ("G0", "reading", "2025-03-11T10:00:00Z"),
    ("A1", "done", "2025-03-12T09:00:00Z"),
]


def stats_catalogue(tmp_path: Path, name: str = "stats.db") -> Catalogue:
    clock = Clock()
    cat = small_catalogue(tmp_path, name, clock)
    for title, status, at in STATS_EVENTS:
        mark(cat, clock, title, status, at)
    return cat
