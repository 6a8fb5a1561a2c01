"""The rule that turns one fetch's outcome into a link's state, and the archive address.

A link is dead when the server says the page is gone (404, 410), or when it cannot be
reached at all (DNS, TLS, refused connection) on two checks at least a day apart: a network
blip or a laptop offline for an hour must not bury a good link. A server error (5xx), a
timeout or any other refusal is "failing": the page may well come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tuiguide.core.text.stamps import parse_utc_or_none

ARCHIVE_PREFIX = "https://web.archive.org/web/"
GONE = frozenset({404, 410})
DEAD_AFTER = timedelta(days=1)
"""How far apart two unreachable checks must be for a link to count as dead."""
STATES = ("ok", "failing", "dead", "unchecked")
_TIMEOUTS = ("timed out", "could not connect within")
_UNREACHABLE = ("cannot find the host", "connection refused", "tls error", "cannot connect",
                "the server broke the connection", "network error")


@dataclass(frozen=True)
class LinkCheck:
    """A link's latest known health, as ``tuiguide links`` reports it."""

    id: int | None
    url: str
    link: str
    state: str
    http_status: int | None
    error: str | None
    checked_at: str | None
    failing_since: str | None = None

    @property
    def archive_url(self) -> str:
        return archive_url(self.link)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "url": self.link, "http_status": self.http_status,
                "state": self.state, "checked_at": self.checked_at,
                "archive_url": self.archive_url}


def archive_url(link: str) -> str:
    """The Web Archive's address for ``link`` (its latest snapshot)."""
    return ARCHIVE_PREFIX + link


def unreachable(error: str | None) -> bool:
    """True for a failure to reach the server at all (no HTTP answer, and not a timeout)."""
    if not error:
        return False
    low = error.lower()
    if any(low.startswith(t) for t in _TIMEOUTS):
        return False
    return any(low.startswith(u) for u in _UNREACHABLE)


def next_state(status: int | None, error: str | None, *, now: str,
               failing_since: str | None) -> tuple[str, str | None]:
    """(state, failing_since) after a fetch that answered ``status`` or failed with ``error``.

    ``failing_since`` is when the link first could not be reached in the current run of
    unreachable checks (None once it answers again).
    """
    if status in GONE:
        return "dead", None
    if status is not None and error is None:
        return "ok", None
    if status is None and unreachable(error):
        since = failing_since or now
        first, current = parse_utc_or_none(since), parse_utc_or_none(now)
        if first is not None and current is not None and current - first >= DEAD_AFTER:
            return "dead", since
        return "failing", since
    return "failing", None
