"""The calendar file (RFC 5545, built with `icalendar`) of a confirmed or cancelled interview:
its UID never changes and its SEQUENCE rises at every change, so calendars update the one
event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from placement.i18n import gettext
from placement.models import Interview, InterviewStatus, utcnow
from placement.services import NotFound
from placement.services.conversation import Context
from placement.services.interviews.rules import MODES


def calendar_file(context: Context, interview: Interview, *, now: datetime | None = None) -> bytes:
    """An RFC 5545 calendar with the interview's one event (UTC times)."""
    if interview.confirmed_start is None:
        raise NotFound
    start = interview.confirmed_start
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    start = start.astimezone(UTC)
    cancelled = interview.status == InterviewStatus.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Career Services//Placement network//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", interview.uid)
    event.add("dtstamp", (now or utcnow()).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview.duration_minutes))
    # SUMMARY and DESCRIPTION in the reader's language (the viewer's, or the mail's
    # recipient's); UID, times and SEQUENCE are the same for everyone.
    event.add(
        "summary",
        gettext(
            "Interview: %(position)s at %(employer)s",
            position=context.position.title,
            employer=context.employer.name,
        ),
    )
    event.add("location", interview.location)
    description = [
        gettext("Interview: %(mode)s", mode=MODES[interview.mode])
        if interview.mode in MODES
        else interview.mode
    ]
    if interview.note:
        description.append(interview.note)
    if cancelled and interview.cancel_reason:
        description.append(gettext("Cancelled: %(reason)s", reason=interview.cancel_reason))
    event.add("description", "\n".join(description))
    event.add("sequence", interview.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def _attachment(context: Context, interview: Interview) -> list[tuple[str, str, bytes]]:
    if interview.confirmed_start is None:
        return []
    return [("interview.ics", "text/calendar", calendar_file(context, interview))]
