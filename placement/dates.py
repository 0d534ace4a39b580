"""Calendar arithmetic in whole years, safe on 29 February.

`date.replace(year=…)` raises on 29 February for a common year; every "within N years" check
goes through here instead.
"""

from __future__ import annotations

import calendar
from datetime import date


def today() -> date:
    """Today's date (one place, so tests can set the clock)."""
    return date.today()


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier, when negative); 29 February becomes
    28 February in a common year."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return date(year, day.month, min(day.day, last))


def within_years(day: date, years: int, *, since: date | None = None) -> bool:
    """Whether `day` is no later than `years` years after `since` (today by default)."""
    return day <= years_after(since or today(), years)
