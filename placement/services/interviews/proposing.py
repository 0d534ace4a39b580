"""The employer proposes 1–5 times; the graduate is told (in the app and by mail)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from placement import i18n, localtime
from placement.config import Settings
from placement.i18n import gettext
from placement.models import Interview, InterviewSlot, utcnow
from placement.services import Actor, DomainError, NotFound, audit
from placement.services.conversation import Context, graduate_recipient
from placement.services.interviews.notices import _interviews_link, _mail
from placement.services.interviews.rules import (
    MAX_DURATION,
    MAX_TEXT,
    MIN_DURATION,
    MODES,
    PROPOSABLE_STAGES,
    _text,
    read_slots,
)


@dataclass(frozen=True)
class Proposal:
    mode: str
    location: str
    duration_minutes: int
    slots: list[str]
    note: str = ""


def propose(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    proposal: Proposal,
    *,
    now: datetime | None = None,
) -> Interview:
    """The employer proposes 1–5 times; the graduate is told (in the app and by mail)."""
    if party.side != "employer":
        raise NotFound
    now = now or utcnow()
    if context.closed or context.application.stage not in PROPOSABLE_STAGES:
        raise DomainError(
            context.closed_reason
            or gettext("Interviews can be proposed only before an offer or a decision."),
            "slots",
        )
    if proposal.mode not in MODES:
        raise DomainError(gettext("Choose in person, video call or phone."), "mode")
    location = _text(proposal.location, "location", 300, required=True)
    if not MIN_DURATION <= proposal.duration_minutes <= MAX_DURATION:
        raise DomainError(
            gettext(
                "Enter a duration from %(min)s to %(max)s minutes.",
                min=MIN_DURATION,
                max=MAX_DURATION,
            ),
            "duration_minutes",
        )
    note = _text(proposal.note, "note", MAX_TEXT)
    starts = read_slots(proposal.slots, settings, now)
    host = urlsplit(settings.base_url).hostname or "placement.invalid"
    interview = Interview(
        application_id=context.application.id or 0,
        uid=f"interview-{uuid.uuid4()}@{host}",
        mode=proposal.mode,
        location=location,
        duration_minutes=proposal.duration_minutes,
        note=note,
        created_by=party.user_id,
        created_at=now,
        updated_at=now,
    )
    db.add(interview)
    db.flush()
    for start in starts:
        db.add(InterviewSlot(interview_id=interview.id or 0, starts_at=start))
    db.flush()
    audit.record(
        db,
        "interview.proposed",
        actor=party,
        object_type="interview",
        object_id=interview.id,
        detail=f"application {context.application.id}, {len(starts)} time(s)",
    )
    person = graduate_recipient(db, context)
    if person is not None:
        with i18n.using(person.language):
            times = "\n".join(f"- {localtime.format_datetime(start, settings)}" for start in starts)
            _mail(
                db,
                settings,
                person,
                kind="interview.proposed",
                subject=gettext(
                    "Interview times for %(position)s at %(employer)s",
                    position=context.position.title,
                    employer=context.employer.name,
                ),
                lines=[
                    gettext(
                        "%(employer)s would like to interview you for %(position)s (%(mode)s, "
                        "%(minutes)s minutes). Choose one of these times:",
                        employer=context.employer.name,
                        position=context.position.title,
                        mode=MODES[interview.mode].lower(),
                        minutes=interview.duration_minutes,
                    ),
                    "",
                    times,
                    "",
                    *([gettext("Note: %(note)s", note=note), ""] if note else []),
                    gettext(
                        "Confirm one, or ask for other times, here: %(link)s",
                        link=_interviews_link(settings),
                    ),
                ],
            )
    return interview
