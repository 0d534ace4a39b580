"""Times as people read and type them: in the school's time zone, stored in UTC.

The database keeps UTC datetimes (`models.utcnow()`); every page shows them in
SCHOOL_TIMEZONE with the zone's abbreviation, and every time a person types is read in that
zone. A typed time that does not exist (the spring-forward gap) or happens twice (the
fall-back hour) is refused rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from placement import i18n
from placement.config import Settings

INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalTimeError(ValueError):
    """A typed local time that cannot be read; the message says why, for the form."""


def _zone(settings_or_zone: Settings | ZoneInfo) -> ZoneInfo:
    return settings_or_zone if isinstance(settings_or_zone, ZoneInfo) else settings_or_zone.zone


def to_local(value: datetime, settings: Settings | ZoneInfo) -> datetime:
    """An aware datetime in the school's zone; naive values are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(settings))


def format_datetime(value: datetime | None, settings: Settings | ZoneInfo) -> str:
    """'Tue 8 Dec 2026, 10:00 AM PST' — the zone's abbreviation tells the reader the zone."""
    if value is None:
        return "—"
    local = to_local(value, settings)
    if i18n.current() != i18n.DEFAULT_LANGUAGE:
        # "mar 8 dic 2026, 10:00 a.m. PST": the reader's day and month names, the same zone.
        text = babel_dates.format_datetime(local, "EEE d MMM y, h:mm a", locale=i18n.babel_locale())
        return f"{text} {local:%Z}"
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%I:%M %p} {local:%Z}".replace(
        ", 0", ", ", 1
    )


def format_date(value: date | None) -> str:
    """A calendar date: ISO in English (what the forms take), "10 ene 2027" in Spanish."""
    if value is None:
        return "—"
    if i18n.current() != i18n.DEFAULT_LANGUAGE:
        return babel_dates.format_date(value, "d MMM y", locale=i18n.babel_locale())
    return value.isoformat()


def input_value(value: datetime, settings: Settings | ZoneInfo) -> str:
    """The value of a `datetime-local` input for a stored UTC time."""
    return to_local(value, settings).strftime(INPUT_FORMAT)


def parse_local(text: str, settings: Settings | ZoneInfo) -> datetime:
    """A typed 'YYYY-MM-DDTHH:MM' in the school's zone, as an aware UTC datetime."""
    zone = _zone(settings)
    try:
        wall = datetime.strptime(text.strip(), INPUT_FORMAT)
    except ValueError:
        raise LocalTimeError(i18n.gettext("Enter a date and time as YYYY-MM-DDTHH:MM.")) from None
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        typed = wall.strftime("%Y-%m-%d %H:%M")
        # fold only matters when the wall time is ambiguous or missing at a DST change.
        round_trip = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != wall:
            raise LocalTimeError(
                i18n.gettext(
                    "%(time)s does not exist in %(zone)s: the clocks skip that hour when "
                    "daylight saving time starts. Choose another time.",
                    time=typed,
                    zone=zone.key,
                )
            )
        raise LocalTimeError(
            i18n.gettext(
                "%(time)s happens twice in %(zone)s: the clocks repeat that hour when "
                "daylight saving time ends. Choose another time.",
                time=typed,
                zone=zone.key,
            )
        )
    return earlier.astimezone(UTC)


def local_today(settings: Settings | ZoneInfo, now: datetime | None = None) -> date:
    """The school's calendar date now (a UTC midnight is still yesterday in Los Angeles)."""
    current = now or datetime.now(UTC)
    return to_local(current, settings).date()


def day_bounds_utc(day: date, settings: Settings | ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day (23 or 25 hours at DST changes)."""
    zone = _zone(settings)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
