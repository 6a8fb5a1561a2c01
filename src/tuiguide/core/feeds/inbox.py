"""The Inbox: new feed entries, newest first, and triage (dismiss, or file into the guide).

An entry is in the Inbox while its state is 'new' and its link is not already a resource
in some guide. Filing turns it into a resource (origin 'feed') placed at the end of a topic
and tier, in one transaction with the entry's change of state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.writes import NewResource

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

ENTRY_STATES = ("new", "dismissed", "filed", "in_guide")
_DESCRIPTION_LIMIT = 1000

_IN_INBOX = (
    "e.state = 'new' AND (e.url IS NULL OR NOT EXISTS "
    "(SELECT 1 FROM resources r WHERE r.url = e.url))"
)
_ENTRY_SELECT = (
    "SELECT e.id, e.feed_id, f.title, f.link, e.title, e.link, e.raw_link, e.url, e.author, "
    "e.summary, e.published_at, e.sort_at, e.fetched_at, e.state, e.resource_id "
    "FROM feed_entries e JOIN feeds f ON f.id = e.feed_id"
)


@dataclass(frozen=True)
class InboxEntry:
    """One feed entry. ``link`` is set only when it is safe to open (http/https)."""

    id: int
    feed_id: int
    feed_title: str
    feed_url: str
    title: str
    link: str | None
    raw_link: str | None
    url: str | None
    author: str | None
    summary: str
    published_at: str | None
    sort_at: str
    fetched_at: str
    state: str
    resource_id: int | None

    @property
    def feed_name(self) -> str:
        return self.feed_title or self.feed_url

    @property
    def date(self) -> str:
        """The day it was published (or first seen), YYYY-MM-DD."""
        return (self.published_at or self.sort_at)[:10]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed_name,
            "feed_id": self.feed_id,
            "title": self.title,
            "url": self.link,
            "raw_link": self.raw_link if self.link is None else None,
            "author": self.author,
            "summary": self.summary,
            "published_at": self.published_at,
            "state": self.state,
            "resource_id": self.resource_id,
        }


def _row(row: tuple[Any, ...]) -> InboxEntry:
    return InboxEntry(*row)


def inbox_count(conn: sqlite3.Connection) -> int:
    return conn.execute(f"SELECT count(*) FROM feed_entries e WHERE {_IN_INBOX}").fetchone()[0]


def inbox_entries(
    conn: sqlite3.Connection, *, limit: int = 100, offset: int = 0, feed_id: int | None = None
) -> list[InboxEntry]:
    """One page of the Inbox, newest first."""
    where, params = _IN_INBOX, []
    if feed_id is not None:
        where += " AND e.feed_id = ?"
        params.append(feed_id)
    rows = conn.execute(
        f"{_ENTRY_SELECT} WHERE {where} ORDER BY e.sort_at DESC, e.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_row(r) for r in rows]


def entries(
    conn: sqlite3.Connection, *, state: str | None = None, limit: int = 100, offset: int = 0
) -> list[InboxEntry]:
    """Entries in any state (newest first), e.g. to show what was dismissed."""
    where, params = "1", []
    if state is not None:
        if state not in ENTRY_STATES:
            raise UserError(f"unknown entry state {state!r}; use one of {', '.join(ENTRY_STATES)}")
        where, params = "e.state = ?", [state]
    rows = conn.execute(
        f"{_ENTRY_SELECT} WHERE {where} ORDER BY e.sort_at DESC, e.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_row(r) for r in rows]


def get_entry(conn: sqlite3.Connection, entry_id: int) -> InboxEntry | None:
    row = conn.execute(f"{_ENTRY_SELECT} WHERE e.id = ?", (entry_id,)).fetchone()
    return _row(row) if row else None


def require_entry(conn: sqlite3.Connection, entry_id: int) -> InboxEntry:
    entry = get_entry(conn, entry_id)
    if entry is None:
        raise UserError(f"no feed entry with ID {entry_id}; see 'tuiguide inbox' for IDs")
    return entry


def _set_state(cat: Catalogue, entry_id: int, state: str, allowed: tuple[str, ...]) -> InboxEntry:
    with transaction(cat.conn):
        entry = require_entry(cat.conn, entry_id)
        if entry.state not in allowed:
            raise UserError(
                f"entry {entry_id} is {entry.state.replace('_', ' ')}, not "
                f"{' or '.join(allowed)}; nothing changed"
            )
        cat.conn.execute(
            "UPDATE feed_entries SET state = ?, state_at = ? WHERE id = ?",
            (state, cat.now(), entry_id),
        )
    return require_entry(cat.conn, entry_id)


def dismiss(cat: Catalogue, entry_id: int) -> InboxEntry:
    """Take an entry out of the Inbox for good (it never comes back on refresh)."""
    return _set_state(cat, entry_id, "dismissed", ("new",))


def restore(cat: Catalogue, entry_id: int) -> InboxEntry:
    """Undo a dismissal: the entry is back in the Inbox."""
    return _set_state(cat, entry_id, "new", ("dismissed",))


def file_entry(cat: Catalogue, entry_id: int, topic_id: int, tier: int | None) -> Item:
    """Make the entry a resource placed at the end of ``topic_id``/``tier``; return it.

    A link that already is a resource is placed (not duplicated). ``tier`` None files the
    entry untiered. Everything happens in one transaction.
    """
    conn = cat.conn
    if tier is not None and not 1 <= tier <= 9:
        raise UserError(f"bad tier {tier}; use 1, 2 or 3")
    now = cat.now()
    with transaction(conn):
        entry = require_entry(conn, entry_id)
        if entry.state == "filed":
            raise UserError(f"entry {entry_id} is already filed (resource {entry.resource_id})")
        if not entry.link or not entry.url:
            shown = entry.raw_link or "no link"
            raise UserError(
                f"entry {entry_id} has no web link ({shown}); only http(s) links can be filed"
            )
        description = entry.summary
        if len(description) > _DESCRIPTION_LIMIT:
            description = description[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"
        resource_id, placement_id = cat.place_resource(
            NewResource(entry.url, entry.link, entry.title, entry.author, description, "feed"),
            topic_id,
            tier,
        )
        conn.execute(
            "UPDATE feed_entries SET state = 'filed', state_at = ?, resource_id = ? WHERE id = ?",
            (now, resource_id, entry_id),
        )
        # The same link reached through other feeds leaves the Inbox too.
        conn.execute(
            "UPDATE feed_entries SET state = 'in_guide', state_at = ?, resource_id = ? "
            "WHERE url = ? AND state = 'new' AND id != ?",
            (now, resource_id, entry.url, entry_id),
        )
    item = cat.item(resource_id, placement_id)
    assert item is not None
    return item
