"""UTC stamps (``2026-12-03T18:35:42Z``), the one form the catalogue stores times in: read
and written here so every caller agrees on what a stamp without an offset means."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_utc(stamp: str, *, naive: tzinfo | None = UTC) -> datetime:
    """``stamp`` (ISO 8601, any case, ``Z`` or an offset) as an aware datetime in UTC.

    A stamp without an offset is a time in ``naive``: UTC for stored stamps, the user's
    local time when ``naive`` is None (what a person types). ``ValueError`` when ``stamp``
    is not such a time; callers turn it into their own answer (None, a one-line error)."""
    moment = datetime.fromisoformat(stamp.upper())
    if moment.tzinfo is None:
        moment = moment.astimezone() if naive is None else moment.replace(tzinfo=naive)
    return moment.astimezone(UTC)


def parse_utc_or_none(stamp: str | None) -> datetime | None:
    """:func:`parse_utc` for a stamp that may be missing or damaged (a stored column, a
    feed's header): None for nothing, for text that is not a time, or for a non-string."""
    if not stamp or not isinstance(stamp, str):
        return None
    try:
        return parse_utc(stamp)
    except ValueError:
        return None


def utc_stamp(moment: datetime | None = None) -> str:
    """``moment`` (now when None) as a stored stamp, to the second; a naive ``moment`` is
    local time, as Python's ``astimezone`` takes it."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(STAMP_FORMAT)
