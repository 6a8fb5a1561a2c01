"""The activity log: every status change and note edit, with its time (the events table)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

_RELATIVE = re.compile(r"^(\d+)\s*([dw])$", re.IGNORECASE)
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Event:
    id: int
    at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    resource_id: int | None
    url: str | None
    title: str | None
    kind: str  # 'status' | 'note' (other helpers may add kinds)
    value: str | None
    previous: str | None

    @property
    def summary(self) -> str:
        """What happened, in a few words (the title is shown beside it)."""
        if self.kind == "status":
            return f"{self.previous or 'todo'} → {self.value}"
        if self.kind == "note":
            return "note deleted" if self.value == "delete" else "note edited"
        return f"{self.kind} {self.value or ''}".strip()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "resource_id": self.resource_id,
            "url": self.url,
            "title": self.title,
            "kind": self.kind,
            "value": self.value,
            "previous": self.previous,
        }


def to_utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the user's local time
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_since(
    text: str, *, today: date | None = None, tz: tzinfo | None = None
) -> str:
    """``--since`` -> a UTC stamp: a date (start of that local day), a date and time,
    ``today``, ``yesterday``, or ``7d`` / ``2w`` (that many days/weeks before today)."""
    spec = text.strip().lower()
    if today is None:
        today = datetime.now(tz).date() if tz is not None else date.today()
    day: date | None = None
    if spec == "today":
        day = today
    elif spec == "yesterday":
        day = today - timedelta(days=1)
    elif m := _RELATIVE.match(spec):
        n = int(m.group(1))
        day = today - (timedelta(days=n) if m.group(2) == "d" else timedelta(weeks=n))
    if day is None:
        try:
            if len(spec) == 10:
                day = date.fromisoformat(spec)
            else:
                moment = datetime.fromisoformat(spec.upper().replace("Z", "+00:00"))
                if moment.tzinfo is None and tz is not None:
                    moment = moment.replace(tzinfo=tz)
                return to_utc_stamp(moment)
        except ValueError:
            raise UserError(
                f"bad date {text!r}; use a date like 2025-01-31, a time like "
                "2025-01-31T18:00, 'today', 'yesterday', or 7d / 2w"
            ) from None
    start = datetime.combine(day, time(0, 0))
    return to_utc_stamp(start.replace(tzinfo=tz) if tz is not None else start)


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
        "SELECT e.id, e.at, e.resource_id, r.url, r.title, e.kind, e.value, e.previous "
        "FROM events e LEFT JOIN resources r ON r.id = e.resource_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY e.at {order}, e.id {order}"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Event(*row) for row in catalogue.conn.execute(sql, params).fetchall()]
