"""Calendar arithmetic in whole years, safe on 29 February.

`date.replace(year=…)` raises on 29 February for a common year; every "within N years" check
goes through here instead.
"""

from __future__ import annotations

import calendar
import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DEFAULT_ZONE = "America/Los_Angeles"


def _zone_from_environment() -> ZoneInfo:
    try:
        return ZoneInfo(os.environ.get("SCHOOL_TIMEZONE", "").strip() or _DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(_DEFAULT_ZONE)


_school_zone = _zone_from_environment()


def use_school_zone(zone: ZoneInfo) -> None:
    """Set the zone whose calendar `today()` follows; the app and the CLI call it with
    SCHOOL_TIMEZONE, so code that has no settings at hand still agrees with them."""
    global _school_zone
    _school_zone = zone


def school_zone() -> ZoneInfo:
    return _school_zone


def today(zone: ZoneInfo | None = None) -> date:
    """The school's calendar date: never the server's, since a UTC midnight is still
    yesterday in Los Angeles (one place, so tests can set the clock)."""
    return datetime.now(UTC).astimezone(zone or _school_zone).date()


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier, when negative); 29 February becomes
    28 February in a common year."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, min(day.day, last))


def within_years(day: date, years: int, *, since: date | None = None) -> bool:
    """Whether `day` is no later than `years` years after `since` (today by default)."""
    return day <= years_after(since or today(), years)
