"""Reads of the study history: the events log, when resources were finished, and distinct
resources per tier and status (the stats screen's numbers come from these)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuiguide.core.models import Event
from tuiguide.core.store import counts

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


def events(
    catalogue: Catalogue,
    *,
    since: str | None = None,
    limit: int | None = None,
    resource_id: int | None = None,
    oldest_first: bool = False,
) -> list[Event]:
    """Events at or after ``since`` (a UTC stamp), newest first unless ``oldest_first``."""
    where: list[str] = []
    params: list[Any] = []
    if since is not None:
        where.append("e.at >= ?")
        params.append(since)
    if resource_id is not None:
        where.append("e.resource_id = ?")
        params.append(resource_id)
    order = "ASC" if oldest_first else "DESC"
    sql = (
        "SELECT e.id, e.at, e.resource_id, r.url, r.title, e.kind, e.value, e.previous, "
        "e.undone_at FROM events e LEFT JOIN resources r ON r.id = e.resource_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY e.at {order}, e.id {order}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Event(*row) for row in catalogue.conn.execute(sql, params).fetchall()]


def _in_guide(guide_id: int | None, column: str = "r.id") -> tuple[str, list[Any]]:
    if guide_id is None:
        return "", []
    return (
        f" AND {column} IN (SELECT resource_id FROM placements "
        "WHERE guide_id = ? AND removed_at IS NULL)",
        [guide_id],
    )


def finished_stamps(catalogue: Catalogue, guide_id: int | None = None) -> list[str]:
    """When each resource that is done now was last marked done (UTC stamps)."""
    where, params = _in_guide(guide_id)
    rows = catalogue.conn.execute(
        "SELECT COALESCE((SELECT max(e.at) FROM events e WHERE e.resource_id = r.id "
        "AND e.kind = 'status' AND e.value = 'done' AND e.undone_at IS NULL), "
        "r.finished_at, r.status_at) "
        f"FROM resources r WHERE r.status = 'done'{where}",
        params,
    ).fetchall()
    return [row[0] for row in rows if row[0]]


def resources_per_tier(
    catalogue: Catalogue, guide_id: int | None = None
) -> list[tuple[int | None, str, int]]:
    """(tier or None, status, distinct resources): each resource once, at its lead tier
    (:data:`counts.LEAD_RULE`), so the tiers add up to the guide's total."""
    return counts.lead_resources_by_status(catalogue, guide_id)


def last_to_undo(catalogue: Catalogue, kinds: list[str]) -> Event | None:
    """The newest change of one of ``kinds`` not undone yet."""
    row = catalogue.conn.execute(
        "SELECT e.id, e.at, e.resource_id, r.url, r.title, e.kind, e.value, e.previous "
        "FROM events e LEFT JOIN resources r ON r.id = e.resource_id "
        f"WHERE e.undone_at IS NULL AND e.kind IN ({', '.join('?' * len(kinds))}) "
        "ORDER BY e.id DESC LIMIT 1",
        kinds,
    ).fetchone()
    return Event(*row) if row else None


def mark_undone(catalogue: Catalogue, event_id: int) -> None:
    catalogue.conn.execute(
        "UPDATE events SET undone_at = ? WHERE id = ?", (catalogue.now(), event_id)
    )


def resource_state(catalogue: Catalogue, resource_id: int) -> tuple[str, str] | None:
    """(status, note text) of a resource now; None when it is gone."""
    row = catalogue.conn.execute(
        "SELECT r.status, COALESCE(n.body, '') FROM resources r "
        "LEFT JOIN notes n ON n.resource_id = r.id WHERE r.id = ?",
        (resource_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None
