"""Times are read and shown in the school's zone, and DST changes are refused, not guessed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from placement.config import Settings
from placement.localtime import (
    LocalTimeError,
    day_bounds_utc,
    format_datetime,
    input_value,
    local_today,
    parse_local,
)

SETTINGS = Settings(school_timezone="America/Los_Angeles")


def test_it_shows_a_utc_time_in_the_school_zone_with_its_abbreviation():
    assert format_datetime(datetime(2026, 12, 8, 18, 0, tzinfo=UTC), SETTINGS) == (
        "Tue 8 Dec 2026, 10:00 AM PST"
    )
    assert format_datetime(datetime(2026, 7, 8, 17, 5), SETTINGS) == "Wed 8 Jul 2026, 10:05 AM PDT"
    assert format_datetime(None, SETTINGS) == "—"


def test_it_reads_a_typed_time_in_the_school_zone_either_side_of_a_change():
    assert parse_local("2026-12-08T10:00", SETTINGS) == datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    assert parse_local("2026-10-31T10:00", SETTINGS) == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert parse_local("2026-11-01T10:00", SETTINGS) == datetime(2026, 11, 1, 18, 0, tzinfo=UTC)


def test_it_round_trips_the_input_value():
    stored = parse_local("2027-03-15T09:30", SETTINGS)
    assert input_value(stored, SETTINGS) == "2027-03-15T09:30"


def test_it_refuses_a_time_the_spring_change_skips():
    with pytest.raises(LocalTimeError, match="does not exist"):
        parse_local("2027-03-14T02:30", SETTINGS)


def test_it_refuses_a_time_the_autumn_change_repeats():
    with pytest.raises(LocalTimeError, match="happens twice"):
        parse_local("2026-11-01T01:30", SETTINGS)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T10:00", "2026-12-08 10:00:00x"])
def test_it_refuses_what_is_no_time(text):
    with pytest.raises(LocalTimeError, match="YYYY-MM-DDTHH:MM"):
        parse_local(text, SETTINGS)


def test_the_school_day_is_not_the_utc_day():
    late_evening = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 9 PM on 1 December in LA
    assert local_today(SETTINGS, late_evening) == date(2026, 12, 1)


def test_a_day_at_the_autumn_change_has_25_hours():
    start, end = day_bounds_utc(date(2026, 11, 1), ZoneInfo("America/Los_Angeles"))
    assert (end - start).total_seconds() == 25 * 3600
