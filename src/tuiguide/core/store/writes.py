"""The user's single writes: a status, a note, a resource placed into a topic.

Each runs in one transaction that also brings the derived data along: the progress counts
(:func:`counts.counts_follow`) and the search documents (:func:`refresh_documents`), so
nothing derived can drift from what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.models import STATUSES
from tuiguide.core.review.store import follow_status
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.counts import counts_follow
from tuiguide.core.store.search_index import refresh_documents
from tuiguide.core.text.stamps import parse_utc

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

NOTE_SESSION_SECONDS = 300
"""Autosave writes every second while typing; edits this close together are one event."""


def _no_resource(resource_id: int) -> UserError:
    return UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")


def set_status(catalogue: Catalogue, resource_id: int, status: str) -> None:
    """Set a resource's status (in every topic it sits in) and record the change."""
    if status not in STATUSES:
        raise UserError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        row = conn.execute("SELECT status FROM resources WHERE id = ?", (resource_id,)).fetchone()
        if row is None:
            raise _no_resource(resource_id)
        previous = row[0]
        if previous == status:
            return
        with counts_follow(catalogue, [resource_id]):
            conn.execute(
                "UPDATE resources SET status = ?, status_at = ?, "
                "started_at = CASE WHEN ? = 'reading' AND started_at IS NULL THEN ? "
                "ELSE started_at END, "
                "finished_at = CASE WHEN ? = 'done' THEN ? WHEN ? = 'todo' THEN NULL "
                "ELSE finished_at END "
                "WHERE id = ?",
                (status, now, status, now, status, now, status, resource_id),
            )
        conn.execute(
            "INSERT INTO events (resource_id, kind, value, previous, at) "
            "VALUES (?, 'status', ?, ?, ?)",
            (resource_id, status, previous, now),
        )
        follow_status(catalogue, resource_id, status, now)
        refresh_documents(catalogue, [resource_id])


def note(catalogue: Catalogue, resource_id: int) -> str:
    row = catalogue.conn.execute(
        "SELECT body FROM notes WHERE resource_id = ?", (resource_id,)
    ).fetchone()
    return row[0] if row else ""


def set_note(catalogue: Catalogue, resource_id: int, body: str) -> None:
    """Save a note (empty text deletes it). Edits in a burst count as one history event."""
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM resources WHERE id = ?", (resource_id,)).fetchone():
            raise _no_resource(resource_id)
        before = note(catalogue, resource_id)
        if before == body:
            return
        if body.strip():
            conn.execute(
                "INSERT INTO notes (resource_id, body, created_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (resource_id) DO UPDATE SET "
                "body = excluded.body, updated_at = excluded.updated_at",
                (resource_id, body, now, now),
            )
        else:
            conn.execute("DELETE FROM notes WHERE resource_id = ?", (resource_id,))
        _record_note_event(
            catalogue, resource_id, "edit" if body.strip() else "delete", now, before
        )
        refresh_documents(catalogue, [resource_id])


def _record_note_event(
    catalogue: Catalogue, resource_id: int, value: str, now: str, before: str
) -> None:
    """One event per burst of edits; ``previous`` keeps the text from before the burst (what
    undo brings back)."""
    conn = catalogue.conn
    last = conn.execute(
        "SELECT id, kind, at, undone_at FROM events WHERE resource_id = ? "
        "ORDER BY id DESC LIMIT 1",
        (resource_id,),
    ).fetchone()
    if (last and last[1] == "note" and last[3] is None
            and _seconds_between(last[2], now) < NOTE_SESSION_SECONDS):
        conn.execute("UPDATE events SET at = ?, value = ? WHERE id = ?", (now, value, last[0]))
    else:
        conn.execute(
            "INSERT INTO events (resource_id, kind, value, previous, at) "
            "VALUES (?, 'note', ?, ?, ?)",
            (resource_id, value, before, now),
        )


def _seconds_between(a: str, b: str) -> float:
    try:
        ta, tb = parse_utc(a), parse_utc(b)
    except ValueError:
        return float("inf")
    return abs((tb - ta).total_seconds())


# ---------------------------------------------------------------------------- placing
@dataclass(frozen=True)
class NewResource:
    """A link to place in a guide (from outside the guide's file: a feed entry)."""

    url: str  # normalised: the resource's identity
    link: str
    title: str
    author: str | None
    description: str
    origin: str


def place_resource(
    catalogue: Catalogue, resource: NewResource, topic_id: int, tier: int | None
) -> tuple[int, int]:
    """Place ``resource`` at the end of ``topic_id`` (a sub-section places it under its
    topic) and ``tier``; create the resource when its URL is new. Returns (resource id,
    placement id). Joins the caller's transaction, so a caller can change its own rows in
    the same one."""
    if tier is not None and not 1 <= tier <= 9:
        raise UserError(f"bad tier {tier}; use 1, 2 or 3")
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        found = conn.execute(
            "SELECT id, guide_id, parent_id FROM topics WHERE id = ? AND removed_at IS NULL",
            (topic_id,),
        ).fetchone()
        if found is None:
            raise UserError(f"no topic with ID {topic_id}; see 'tuiguide topics'")
        section_id = None
        if found[2] is not None:  # a sub-section: place under its topic
            section_id, topic_id = topic_id, found[2]
        guide_id = found[1]
        row = conn.execute("SELECT id FROM resources WHERE url = ?", (resource.url,)).fetchone()
        if row:
            resource_id = row[0]
        else:
            resource_id = conn.execute(
                "INSERT INTO resources (url, link, title, author, description, origin, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (resource.url, resource.link, resource.title, resource.author,
                 resource.description, resource.origin, now, now),
            ).lastrowid
        assert resource_id is not None
        placed = conn.execute(
            "SELECT id FROM placements WHERE topic_id = ? AND resource_id = ?",
            (topic_id, resource_id),
        ).fetchone()
        position = conn.execute(
            "SELECT COALESCE(max(position) + 1, 0) FROM placements WHERE topic_id = ?",
            (topic_id,),
        ).fetchone()[0]
        with counts_follow(catalogue, [resource_id]):
            if placed is None:
                placement_id = conn.execute(
                    "INSERT INTO placements (resource_id, guide_id, topic_id, section_id, tier, "
                    "position, title, author, description, added_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (resource_id, guide_id, topic_id, section_id, tier, position,
                     resource.title, resource.author, resource.description, now, now),
                ).lastrowid
            else:
                placement_id = placed[0]
                conn.execute(
                    "UPDATE placements SET tier = ?, section_id = ?, removed_at = NULL, "
                    "position = CASE WHEN removed_at IS NULL THEN position ELSE ? END, "
                    "updated_at = ? WHERE id = ?",
                    (tier, section_id, position, now, placement_id),
                )
        assert placement_id is not None
        refresh_documents(catalogue, [resource_id])
    return resource_id, placement_id


# ---------------------------------------------------------------------------- undoing
def restore_status(catalogue: Catalogue, resource_id: int, status: str) -> None:
    """Put a resource's status back (undo), without recording a new change."""
    conn = catalogue.conn
    with counts_follow(catalogue, [resource_id]):
        conn.execute(
            "UPDATE resources SET status = ?, status_at = ?, "
            "finished_at = CASE WHEN ? = 'done' THEN finished_at ELSE NULL END WHERE id = ?",
            (status, catalogue.now(), status, resource_id),
        )
    refresh_documents(catalogue, [resource_id])


def restore_note(catalogue: Catalogue, resource_id: int, body: str) -> None:
    """Put a note's text back (undo; empty deletes it), without recording a new change."""
    now = catalogue.now()
    if body.strip():
        catalogue.conn.execute(
            "INSERT INTO notes (resource_id, body, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (resource_id) DO UPDATE SET body = excluded.body, "
            "updated_at = excluded.updated_at",
            (resource_id, body, now, now),
        )
    else:
        catalogue.conn.execute("DELETE FROM notes WHERE resource_id = ?", (resource_id,))
    refresh_documents(catalogue, [resource_id])


def unplace(catalogue: Catalogue, placement_id: int, *, forget_new: bool = False) -> bool:
    """Take a placement out of its guide (undo of a filing); False when it is not live.
    ``forget_new``: a resource the filing created (from a feed, in no other place, with no
    note) is deleted too, so its link is an Inbox entry again."""
    conn = catalogue.conn
    row = conn.execute(
        "SELECT resource_id FROM placements WHERE id = ? AND removed_at IS NULL", (placement_id,)
    ).fetchone()
    if row is None:
        return False
    rid = row[0]
    with counts_follow(catalogue, [rid]):
        conn.execute(
            "UPDATE placements SET removed_at = ?, updated_at = ? WHERE id = ?",
            (catalogue.now(), catalogue.now(), placement_id),
        )
    refresh_documents(catalogue, [rid])
    alone = conn.execute(
        "SELECT r.origin = 'feed' AND NOT EXISTS (SELECT 1 FROM placements p "
        "WHERE p.resource_id = r.id AND p.id <> ?) AND NOT EXISTS (SELECT 1 FROM notes n "
        "WHERE n.resource_id = r.id) FROM resources r WHERE r.id = ?",
        (placement_id, rid),
    ).fetchone()
    if forget_new and alone and alone[0]:
        conn.execute("DELETE FROM placements WHERE id = ?", (placement_id,))
        conn.execute("UPDATE events SET resource_id = NULL WHERE resource_id = ?", (rid,))
        conn.execute("UPDATE feed_entries SET resource_id = NULL WHERE resource_id = ?", (rid,))
        conn.execute("DELETE FROM resources WHERE id = ?", (rid,))
    return True
