"""Interviews: the employer proposes times, the graduate confirms one or asks for others.

Times are typed in SCHOOL_TIMEZONE and stored in UTC (placement/localtime.py refuses a time
that does not exist or happens twice at a daylight-saving change). Every state change is a
conditional UPDATE on the interview's status, so two clicks give one result. A confirmed or
cancelled interview has a calendar file (RFC 5545, built with `icalendar`): its UID never
changes and its SEQUENCE rises at every change, so calendars update the one event.

By concern:
- `rules`: modes, status labels and refusals, limits, free text and the proposed times;
- `proposing`: the employer's proposal;
- `lifecycle`: loading through a party, confirm, decline, cancel;
- `ics`: the calendar file;
- `notices`: the mails to either side;
- `read_models`: what the pages show;
- `reminders`: the day-before reminder (worker).

Callers import from `placement.services.interviews`; the names below are its interface.
"""

from placement.services.interviews.ics import calendar_file
from placement.services.interviews.lifecycle import (
    cancel,
    confirm,
    decline,
    interview_for_party,
    slots_of,
)
from placement.services.interviews.proposing import Proposal, propose
from placement.services.interviews.read_models import (
    InterviewView,
    for_application,
    for_graduate,
)
from placement.services.interviews.reminders import send_reminders
from placement.services.interviews.rules import (
    ALREADY,
    MAX_DURATION,
    MAX_SLOTS,
    MAX_TEXT,
    MIN_DURATION,
    MODES,
    PROPOSABLE_STAGES,
    REMINDER_AHEAD,
    STATUS_LABELS,
    read_slots,
)

__all__ = [
    "ALREADY",
    "MAX_DURATION",
    "MAX_SLOTS",
    "MAX_TEXT",
    "MIN_DURATION",
    "MODES",
    "PROPOSABLE_STAGES",
    "REMINDER_AHEAD",
    "STATUS_LABELS",
    "InterviewView",
    "Proposal",
    "calendar_file",
    "cancel",
    "confirm",
    "decline",
    "for_application",
    "for_graduate",
    "interview_for_party",
    "propose",
    "read_slots",
    "send_reminders",
    "slots_of",
]
