"""The one reader and writer of stored UTC stamps: every spelling a caller meets (Z, an
offset, none, lower case, garbage) and the round trip back to the stored form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tuiguide.core.text.stamps import parse_utc, parse_utc_or_none, utc_stamp

MOMENT = datetime(2026, 12, 3, 18, 35, 42, tzinfo=UTC)


@pytest.mark.parametrize("stamp", [
    "2026-12-03T18:35:42Z",
    "2026-12-03t18:35:42z",
    "2026-12-03T20:35:42+02:00",
    "2026-12-03T13:35:42-05:00",
    "2026-12-03T18:35:42",  # no offset: a stored stamp is UTC
    "2026-12-03 18:35:42",
])
def test_parse_utc_reads_every_spelling_as_the_same_moment(stamp: str) -> None:
    moment = parse_utc(stamp)
    assert moment == MOMENT
    assert moment.utcoffset() == timedelta(0)


def test_a_stamp_without_offset_is_taken_in_the_zone_given() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert parse_utc("2026-12-03T20:35:42", naive=plus_two) == MOMENT
    local = datetime(2026, 12, 3, 18, 35, 42).astimezone()
    assert parse_utc("2026-12-03T18:35:42", naive=None) == local
    # an offset in the stamp wins over the zone given
    assert parse_utc("2026-12-03T18:35:42Z", naive=plus_two) == MOMENT


@pytest.mark.parametrize("garbage", ["", "yesterday", "2026-13-03T18:35:42Z", "18:35",
                                     "2026-12-03T18:35:42Zjunk"])
def test_garbage_raises_value_error_or_gives_none(garbage: str) -> None:
    with pytest.raises(ValueError):
        parse_utc(garbage)
    assert parse_utc_or_none(garbage) is None


def test_parse_utc_or_none_for_missing_values() -> None:
    assert parse_utc_or_none(None) is None
    assert parse_utc_or_none(12345) is None  # type: ignore[arg-type]  # a damaged column
    assert parse_utc_or_none("2026-12-03T20:35:42+02:00") == MOMENT


def test_utc_stamp_writes_the_stored_form() -> None:
    assert utc_stamp(MOMENT) == "2026-12-03T18:35:42Z"
    assert utc_stamp(MOMENT.astimezone(timezone(timedelta(hours=-5)))) == "2026-12-03T18:35:42Z"
    assert utc_stamp(MOMENT + timedelta(microseconds=999_999)) == "2026-12-03T18:35:42Z"
    naive_local = datetime(2026, 12, 3, 18, 35, 42)
    assert utc_stamp(naive_local) == utc_stamp(naive_local.astimezone())
    assert parse_utc(utc_stamp(MOMENT)) == MOMENT


def test_utc_stamp_without_a_moment_is_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    now = parse_utc(utc_stamp())
    assert before <= now <= datetime.now(UTC)
