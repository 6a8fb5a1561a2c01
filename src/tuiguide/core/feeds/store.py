"""Every SQL statement about feeds, their entries and the Inbox, in one place.

The rest of the package decides (what is due, what changed, what a failure costs) and
calls these functions with a :class:`~tuiguide.core.store.catalogue.Catalogue`; nothing
else in it touches the connection. Rows become records through the public mappers here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tuiguide.core.feeds.models import Feed, InboxEntry, StoredEntry

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

FEED_COLUMNS = (
    "f.id, f.url, f.link, f.title, f.site_url, f.last_status, f.last_checked_at, "
    "f.last_success_at, f.error, f.entry_count, f.failures, f.next_attempt_at, f.created_at, "
    "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id AND e.state = 'new' "
    " AND (e.url IS NULL OR NOT EXISTS (SELECT 1 FROM resources r WHERE r.url = e.url))), "
    "(SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id), f.etag, f.last_modified"
)
"""The columns of :class:`Feed`, in order, over ``feeds f``."""

IN_INBOX = (
    "e.state = 'new' AND (e.url IS NULL OR NOT EXISTS "
    "(SELECT 1 FROM resources r WHERE r.url = e.url))"
)
"""An entry (``feed_entries e``) is in the Inbox: new, and its link is no resource yet."""

ENTRY_SELECT = (
    "SELECT e.id, e.feed_id, f.title, f.link, e.title, e.link, e.raw_link, e.url, e.author, "
    "e.summary, e.published_at, e.sort_at, e.fetched_at, e.state, e.resource_id "
    "FROM feed_entries e JOIN feeds f ON f.id = e.feed_id"
)
"""The columns of :class:`InboxEntry`, in order; add ``WHERE``/``ORDER BY`` over ``e``."""

_NEWEST_FIRST = "ORDER BY e.sort_at DESC, e.id DESC LIMIT ? OFFSET ?"
_BOUND_PARAMETERS = 500  # IN (...) lists are cut to stay under SQLite's parameter limit


def feed_from_row(row: Iterable[Any]) -> Feed:
    """A :class:`Feed` from a row of :data:`FEED_COLUMNS`."""
    return Feed(*row)


def entry_from_row(row: Iterable[Any]) -> InboxEntry:
    """An :class:`InboxEntry` from a row of :data:`ENTRY_SELECT`."""
    return InboxEntry(*row)


@contextmanager
def transaction(cat: Catalogue) -> Iterator[None]:
    """Several store calls that land together or not at all (a nested use joins the outer)."""
    with cat.transaction():
        yield


def _one(cat: Catalogue, sql: str, params: Iterable[Any] = ()) -> Any:
    row = cat.conn.execute(sql, tuple(params)).fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- feeds
def list_feeds(cat: Catalogue) -> list[Feed]:
    """Every followed feed, by title (untitled ones last), with its Inbox counts."""
    rows = cat.conn.execute(
        f"SELECT {FEED_COLUMNS} FROM feeds f ORDER BY f.title = '', lower(f.title), f.id"
    )
    return [feed_from_row(r) for r in rows]


def get_feed(cat: Catalogue, feed_id: int) -> Feed | None:
    row = cat.conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)
                           ).fetchone()
    return feed_from_row(row) if row else None


def feed_id_for(cat: Catalogue, key: str, spec: str) -> int | None:
    """The feed whose URL is ``key`` (normalised), or whose link or title is ``spec``."""
    return _one(
        cat,
        "SELECT id FROM feeds WHERE url = ? OR link = ? OR lower(title) = lower(?) "
        "ORDER BY url = ? DESC LIMIT 1",
        (key, spec, spec, key),
    )


def followed_keys(cat: Catalogue, keys: Iterable[str]) -> set[str]:
    """Which of these normalised URLs are followed already."""
    keys = list(keys)
    found: set[str] = set()
    for i in range(0, len(keys), _BOUND_PARAMETERS):
        chunk = keys[i : i + _BOUND_PARAMETERS]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in cat.conn.execute(
            f"SELECT url FROM feeds WHERE url IN ({marks})", chunk))
    return found


def feed_count(cat: Catalogue) -> int:
    return int(_one(cat, "SELECT count(*) FROM feeds"))


def add_feed(cat: Catalogue, key: str, link: str, title: str, site_url: str | None, now: str
             ) -> int:
    """Follow one feed (``key`` is its normalised URL); return its id."""
    with transaction(cat):
        table = cat.db.table("feeds").insert({"url": key, "link": link, "title": title,
                                        "site_url": site_url, "created_at": now,
                                        "updated_at": now})
    return int(table.last_rowid or 0)


def add_feeds(cat: Catalogue, feeds: Iterable[tuple[str, str, str, str | None]], now: str
              ) -> None:
    """Follow each ``(key, link, title, site_url)`` in one write."""
    rows = [{"url": key, "link": link, "title": title, "site_url": site_url,
             "created_at": now, "updated_at": now} for key, link, title, site_url in feeds]
    with transaction(cat):
        cat.db.table("feeds").insert_all(rows)


def delete_feed(cat: Catalogue, feed_id: int) -> None:
    """The feed and its entries (resources filed from them stay in the guide)."""
    with transaction(cat):
        cat.conn.execute("DELETE FROM feed_entries WHERE feed_id = ?", (feed_id,))
        cat.conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))


def set_feed_title(cat: Catalogue, feed_id: int, title: str, now: str) -> None:
    with transaction(cat):
        cat.conn.execute("UPDATE feeds SET title = ?, updated_at = ? WHERE id = ?",
                         (title, now, feed_id))


def record_failure(cat: Catalogue, feed_id: int, *, status: int | None, error: str,
                   failures: int, next_attempt_at: str, now: str) -> None:
    with transaction(cat):
        cat.conn.execute(
            "UPDATE feeds SET last_status = ?, last_checked_at = ?, error = ?, failures = ?, "
            "next_attempt_at = ?, updated_at = ? WHERE id = ?",
            (status, now, error, failures, next_attempt_at, now, feed_id),
        )


def record_not_modified(cat: Catalogue, feed_id: int, *, etag: str | None,
                        last_modified: str | None, now: str) -> None:
    """A 304: the feed is healthy again; an earlier failure's error goes, a warning stays."""
    with transaction(cat):
        cat.conn.execute(
            "UPDATE feeds SET last_status = 304, last_checked_at = ?, last_success_at = ?, "
            "failures = 0, next_attempt_at = NULL, "
            "error = CASE WHEN failures > 0 THEN NULL ELSE error END, "
            "etag = ?, last_modified = ?, updated_at = ? WHERE id = ?",
            (now, now, etag, last_modified, now, feed_id),
        )


def record_success(cat: Catalogue, feed_id: int, *, status: int | None, problem: str | None,
                   entry_count: int, etag: str | None, last_modified: str | None,
                   title: str, site_url: str | None, now: str) -> None:
    """A parsed feed: its validators, counts and (when the user gave none) its title."""
    with transaction(cat):
        cat.conn.execute(
            "UPDATE feeds SET last_status = ?, last_checked_at = ?, last_success_at = ?, "
            "error = ?, failures = 0, next_attempt_at = NULL, entry_count = ?, "
            "etag = ?, last_modified = ?, "
            "title = CASE WHEN title = '' THEN ? ELSE title END, "
            "site_url = COALESCE(?, site_url), updated_at = ? WHERE id = ?",
            (status, now, now, problem, entry_count, etag, last_modified, title, site_url, now,
             feed_id),
        )


# --------------------------------------------------------------------------- storing entries
def stored_entries(cat: Catalogue, feed_id: int) -> dict[str, StoredEntry]:
    """What the feed brought before, by entry identity."""
    rows = cat.conn.execute(
        "SELECT id, identity, url, link, raw_link, title, author, summary, published_at, "
        "sort_at, fetched_at FROM feed_entries WHERE feed_id = ?",
        (feed_id,),
    )
    return {r[1]: StoredEntry(*r) for r in rows}


def links_stored(cat: Catalogue, urls: Iterable[str]) -> tuple[dict[str, int], dict[str, int]]:
    """For each link: how many entries (of any feed) hold it, and the resource it already is."""
    urls = sorted(set(urls))
    held: dict[str, int] = {}
    resources: dict[str, int] = {}
    for i in range(0, len(urls), _BOUND_PARAMETERS):
        chunk = urls[i : i + _BOUND_PARAMETERS]
        marks = ", ".join("?" * len(chunk))
        held.update(cat.conn.execute(
            f"SELECT url, count(*) FROM feed_entries WHERE url IN ({marks}) GROUP BY url", chunk))
        resources.update(cat.conn.execute(
            f"SELECT url, id FROM resources WHERE url IN ({marks})", chunk))
    return held, resources


def write_entries(cat: Catalogue, new: list[dict[str, Any]], changed: list[dict[str, Any]]
                  ) -> None:
    """Insert ``new`` rows and rewrite ``changed`` ones (keyed by ``id``), in bulk.

    Only rows whose content changed are written: every write re-indexes the entry for search.
    """
    table = cat.db.table("feed_entries")
    with transaction(cat):
        if new:
            table.insert_all(new)
        if changed:
            table.upsert_all(changed, pk="id")


def mark_in_guide(cat: Catalogue, now: str) -> int:
    """Entries still 'new' whose link has since become a resource leave the Inbox."""
    with transaction(cat):
        return cat.conn.execute(
            "UPDATE feed_entries SET state = 'in_guide', state_at = ?, "
            "resource_id = (SELECT r.id FROM resources r WHERE r.url = feed_entries.url) "
            "WHERE state = 'new' AND url IN (SELECT url FROM resources)",
            (now,),
        ).rowcount


# --------------------------------------------------------------------------- the Inbox
def inbox_count(cat: Catalogue) -> int:
    return int(_one(cat, f"SELECT count(*) FROM feed_entries e WHERE {IN_INBOX}"))


def inbox_entries(cat: Catalogue, *, limit: int, offset: int, feed_id: int | None = None
                  ) -> list[InboxEntry]:
    where, params = IN_INBOX, []
    if feed_id is not None:
        where += " AND e.feed_id = ?"
        params.append(feed_id)
    rows = cat.conn.execute(f"{ENTRY_SELECT} WHERE {where} {_NEWEST_FIRST}",
                            [*params, limit, offset])
    return [entry_from_row(r) for r in rows]


def entries(cat: Catalogue, *, state: str | None, limit: int, offset: int) -> list[InboxEntry]:
    where, params = ("e.state = ?", [state]) if state is not None else ("1", [])
    rows = cat.conn.execute(f"{ENTRY_SELECT} WHERE {where} {_NEWEST_FIRST}",
                            [*params, limit, offset])
    return [entry_from_row(r) for r in rows]


def get_entry(cat: Catalogue, entry_id: int) -> InboxEntry | None:
    row = cat.conn.execute(f"{ENTRY_SELECT} WHERE e.id = ?", (entry_id,)).fetchone()
    return entry_from_row(row) if row else None


def set_entry_state(cat: Catalogue, entry_id: int, state: str, now: str) -> None:
    cat.conn.execute("UPDATE feed_entries SET state = ?, state_at = ? WHERE id = ?",
                     (state, now, entry_id))


# --------------------------------------------------------------------------- filing
def mark_filed(cat: Catalogue, entry: InboxEntry, resource_id: int, now: str) -> list[int]:
    """The entry was filed as ``resource_id``: it and other feeds' copies of its link leave
    the Inbox (their ids are returned). Call inside :func:`transaction`, after the catalogue
    placed the resource."""
    conn = cat.conn
    conn.execute(
        "UPDATE feed_entries SET state = 'filed', state_at = ?, resource_id = ? WHERE id = ?",
        (now, resource_id, entry.id),
    )
    copies = [row[0] for row in conn.execute(
        "SELECT id FROM feed_entries WHERE url = ? AND state = 'new' AND id != ?",
        (entry.url, entry.id),
    )]
    conn.execute(
        "UPDATE feed_entries SET state = 'in_guide', state_at = ?, resource_id = ? "
        "WHERE url = ? AND state = 'new' AND id != ?",
        (now, resource_id, entry.url, entry.id),
    )
    return copies


# --------------------------------------------------------------------------- undo
def record_event(cat: Catalogue, kind: str, resource_id: int | None, value: str,
                 previous: str | None, now: str) -> None:
    """A change undo can reverse (a dismissal, a filing), in the catalogue's event log."""
    cat.conn.execute(
        "INSERT INTO events (resource_id, kind, value, previous, at) VALUES (?, ?, ?, ?, ?)",
        (resource_id, kind, value, previous, now),
    )


def reopen_entries(cat: Catalogue, entry_ids: list[int], now: str) -> None:
    """Put entries back in the Inbox (undo of a dismissal or a filing)."""
    cat.conn.execute(
        "UPDATE feed_entries SET state = 'new', state_at = ?, resource_id = NULL "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (now, json.dumps(entry_ids)),
    )


# --------------------------------------------------------------------------- the suggester
def placed_resources(cat: Catalogue, guide_id: int | None = None
                     ) -> list[tuple[int, str, str | None, str | None, str, int, int | None]]:
    """(resource, title, author, description, link, topic, tier) of every live placement,
    in guide order: the suggester learns from them."""
    where, params = "p.removed_at IS NULL AND t.removed_at IS NULL", []
    if guide_id is not None:
        where += " AND p.guide_id = ?"
        params.append(guide_id)
    return cat.conn.execute(
        "SELECT r.id, COALESCE(p.title, r.title), COALESCE(p.author, r.author), "
        "COALESCE(p.description, r.description), r.link, p.topic_id, p.tier "
        "FROM placements p JOIN resources r ON r.id = p.resource_id "
        f"JOIN topics t ON t.id = p.topic_id WHERE {where} ORDER BY p.guide_id, t.position, "
        "p.position",
        params,
    ).fetchall()


def training_stamp(cat: Catalogue) -> tuple[int, int, int]:
    """(live topics, highest topic id, live placements): what a trained suggester depends on."""
    topics, top = cat.conn.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM topics WHERE removed_at IS NULL"
    ).fetchone()
    placed = _one(cat, "SELECT count(*) FROM placements WHERE removed_at IS NULL")
    return int(topics), int(top), int(placed)
