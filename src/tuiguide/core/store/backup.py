"""Reads for the export (journal rows, the user's work keyed by URL) and the writes a
restore makes, in one transaction that brings the derived data along at its end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuiguide.core.store.connection import transaction
from tuiguide.core.store.counts import recount
from tuiguide.core.store.search_index import refresh_documents

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


# ---------------------------------------------------------------------------- export
@dataclass(frozen=True)
class JournalRow:
    """One resource as the study journal lists it."""

    resource_id: int
    title: str
    link: str
    author: str | None
    status: str
    status_at: str | None
    started_at: str | None
    finished_at: str | None
    note: str | None
    topic_id: int
    topic_label: str
    section: str | None
    tier: int | None


def journal_rows(catalogue: Catalogue, guide_id: int) -> Iterator[JournalRow]:
    """A guide's live placements in guide order, each with its status dates and note."""
    rows = catalogue.conn.execute(
        "SELECT r.id, COALESCE(p.title, r.title), r.link, COALESCE(p.author, r.author), "
        "r.status, r.status_at, r.started_at, r.finished_at, n.body, t.id, "
        "CASE WHEN t.number IS NOT NULL THEN t.number || '. ' || t.title ELSE t.title END, "
        "s.title, p.tier "
        "FROM placements p JOIN resources r ON r.id = p.resource_id "
        "JOIN topics t ON t.id = p.topic_id LEFT JOIN topics s ON s.id = p.section_id "
        "LEFT JOIN notes n ON n.resource_id = r.id "
        "WHERE p.guide_id = ? AND p.removed_at IS NULL ORDER BY t.position, p.position, p.id",
        (guide_id,),
    )
    for row in rows:
        yield JournalRow(*row)


def unplaced_journal_rows(catalogue: Catalogue, label: str) -> list[JournalRow]:
    """Resources in no guide (from feeds, restores) that the user touched, by URL."""
    rows = catalogue.conn.execute(
        "SELECT r.id, r.title, r.link, r.author, r.status, r.status_at, r.started_at, "
        "r.finished_at, n.body, 0, ?, NULL, NULL "
        "FROM resources r LEFT JOIN notes n ON n.resource_id = r.id "
        "WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.resource_id = r.id "
        "AND p.removed_at IS NULL) AND (r.status <> 'todo' OR n.body IS NOT NULL) "
        "ORDER BY r.url",
        (label,),
    ).fetchall()
    return [JournalRow(*row) for row in rows]


def deleted_notes(catalogue: Catalogue) -> dict[int, str]:
    """Resources whose note was deleted (no note now, last note event a delete) -> when."""
    rows = catalogue.conn.execute(
        "SELECT e.resource_id, e.at, e.value FROM events e "
        "WHERE e.kind = 'note' AND e.resource_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.resource_id = e.resource_id) "
        "ORDER BY e.resource_id, e.at, e.id"
    ).fetchall()
    last: dict[int, tuple[str, str]] = {}
    for rid, at, value in rows:
        last[rid] = (at, value)
    return {rid: at for rid, (at, value) in last.items() if value == "delete"}


def worked_on(catalogue: Catalogue) -> list[tuple[Any, ...]]:
    """(id, url, link, title, author, origin, status, status_at, started_at, finished_at,
    note body, note created_at, note updated_at) of every resource the user did something
    with, by URL."""
    return catalogue.conn.execute(
        "SELECT r.id, r.url, r.link, r.title, r.author, r.origin, r.status, r.status_at, "
        "r.started_at, r.finished_at, n.body, n.created_at, n.updated_at "
        "FROM resources r LEFT JOIN notes n ON n.resource_id = r.id "
        "WHERE r.status_at IS NOT NULL OR n.resource_id IS NOT NULL "
        "OR EXISTS (SELECT 1 FROM events e WHERE e.resource_id = r.id) "
        "ORDER BY r.url"
    ).fetchall()


def event_log(catalogue: Catalogue) -> list[tuple[str, str, str | None, str | None, str]]:
    """(url, kind, value, previous, at) of every event, oldest first."""
    return catalogue.conn.execute(
        "SELECT r.url, e.kind, e.value, e.previous, e.at FROM events e "
        "JOIN resources r ON r.id = e.resource_id ORDER BY e.at, r.url, e.kind, e.id"
    ).fetchall()


def feed_columns(catalogue: Catalogue) -> list[tuple[str, bool, bool]]:
    """(name, required, has a default or is the key) of each column of ``feeds``: a restore
    into an older catalogue supplies only what the table has."""
    return [
        (row[1], bool(row[3]), row[4] is not None or bool(row[5]))
        for row in catalogue.conn.execute("PRAGMA table_info(feeds)")
    ]


def followed_feeds(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """(url, link, title) of every followed feed, by URL."""
    columns = {name for name, _, _ in feed_columns(catalogue)}
    if not {"url", "title"} <= columns:
        return []
    link = "link" if "link" in columns else "url"
    return catalogue.conn.execute(f"SELECT url, {link}, title FROM feeds ORDER BY url").fetchall()


# ---------------------------------------------------------------------------- restore
@dataclass
class RestoreWriter:
    """The writes of one restore; the resources it touched get their derived data back in
    step before the transaction commits."""

    catalogue: Catalogue
    touched: set[int] = field(default_factory=set)
    statuses_changed: bool = False

    def resource_id(self, url: str) -> int | None:
        row = self.catalogue.conn.execute("SELECT id FROM resources WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def add_resource(self, url: str, link: str, title: str, author: str | None) -> int:
        """A resource in no topic (origin ``restore``)."""
        now = self.catalogue.now()
        rid = self.catalogue.conn.execute(
            "INSERT INTO resources (url, link, title, author, origin, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'restore', ?, ?)",
            (url, link, title, author, now, now),
        ).lastrowid
        assert rid is not None
        return rid

    def status_at(self, rid: int) -> str | None:
        return self.catalogue.conn.execute(
            "SELECT status_at FROM resources WHERE id = ?", (rid,)
        ).fetchone()[0]

    def set_status(self, rid: int, status: str, status_at: str | None, started_at: str | None,
                   finished_at: str | None) -> None:
        self.catalogue.conn.execute(
            "UPDATE resources SET status = ?, status_at = ?, started_at = ?, finished_at = ? "
            "WHERE id = ?",
            (status, status_at, started_at, finished_at, rid),
        )
        self.touched.add(rid)
        self.statuses_changed = True

    def note_changed_at(self, rid: int) -> tuple[str | None, bool]:
        """When our note last changed, and whether we have one (a deletion is a change)."""
        conn = self.catalogue.conn
        row = conn.execute("SELECT updated_at FROM notes WHERE resource_id = ?", (rid,)).fetchone()
        if row:
            return row[0], True
        row = conn.execute(
            "SELECT max(at) FROM events WHERE resource_id = ? AND kind = 'note' "
            "AND value = 'delete'",
            (rid,),
        ).fetchone()
        return row[0], False

    def set_note(self, rid: int, body: str, created_at: str, updated_at: str) -> None:
        self.catalogue.conn.execute(
            "INSERT INTO notes (resource_id, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (resource_id) DO UPDATE SET body = excluded.body, "
            "updated_at = excluded.updated_at",
            (rid, body, created_at, updated_at),
        )
        self.touched.add(rid)

    def delete_note(self, rid: int) -> None:
        self.catalogue.conn.execute("DELETE FROM notes WHERE resource_id = ?", (rid,))
        self.touched.add(rid)

    def add_event(self, rid: int, kind: str, value: str | None, previous: str | None,
                  at: str) -> bool:
        """Record an event unless the same (resource, kind, value, time) is there."""
        conn = self.catalogue.conn
        if conn.execute(
            "SELECT 1 FROM events WHERE resource_id = ? AND kind = ? AND value IS ? AND at = ?",
            (rid, kind, value, at),
        ).fetchone():
            return False
        conn.execute(
            "INSERT INTO events (resource_id, kind, value, previous, at) VALUES (?, ?, ?, ?, ?)",
            (rid, kind, value, previous, at),
        )
        return True

    def has_feed(self, url: str) -> bool:
        return bool(
            self.catalogue.conn.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone()
        )

    def add_feed(self, values: dict[str, Any]) -> None:
        """A followed feed from the columns in ``values`` (names from :func:`feed_columns`)."""
        names = sorted(values)
        self.catalogue.conn.execute(
            f"INSERT INTO feeds ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )


@contextmanager
def restoring(catalogue: Catalogue) -> Iterator[RestoreWriter]:
    """One transaction for a whole restore (all of it or nothing)."""
    writer = RestoreWriter(catalogue)
    with transaction(catalogue.conn):
        yield writer
        if writer.statuses_changed:
            recount(catalogue)
        refresh_documents(catalogue, writer.touched)
