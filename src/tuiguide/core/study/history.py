"""The activity log: every status change and note edit, with its time; ``--since`` parsing."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.models import Event
from tuiguide.core.store import history as store
from tuiguide.core.text.stamps import parse_utc, utc_stamp

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

_RELATIVE = re.compile(r"^(\d+)\s*([dw])$", re.IGNORECASE)
__all__ = ["Event", "events", "parse_since"]


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
                return utc_stamp(parse_utc(spec, naive=tz))
        except ValueError:
            raise UserError(
                f"bad date {text!r}; use a date like 2025-01-31, a time like "
                "2025-01-31T18:00, 'today', 'yesterday', or 7d / 2w"
            ) from None
    start = datetime.combine(day, time(0, 0))
    return utc_stamp(start.replace(tzinfo=tz) if tz is not None else start)


def events(
    catalogue: Catalogue,
    *,
    since: str | None = None,
    limit: int | None = None,
    resource_id: int | None = None,
    oldest_first: bool = False,
) -> list[Event]:
    """Events at or after ``since`` (a UTC stamp), newest first unless ``oldest_first``."""
    return store.events(
        catalogue, since=since, limit=limit, resource_id=resource_id, oldest_first=oldest_first
    )
