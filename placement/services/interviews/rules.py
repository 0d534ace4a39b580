"""What an interview may say: the modes, the status labels and refusals, the limits, a free
text's checks and the proposed times (typed in SCHOOL_TIMEZONE, stored in UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta

from placement import formats, i18n, localtime
from placement.config import Settings
from placement.i18n import N_, gettext
from placement.models import Application, Interview, InterviewStatus, core_table
from placement.services import DomainError

MODES = i18n.Labels({"in_person": N_("In person"), "video": N_("Video call"), "phone": N_("Phone")})
# The badge of each status, and the refusal of a change the status no longer allows.
STATUS_LABELS = i18n.Labels(
    {
        InterviewStatus.PROPOSED: N_("Proposed"),
        InterviewStatus.CONFIRMED: N_("Confirmed"),
        InterviewStatus.DECLINED: N_("Declined"),
        InterviewStatus.CANCELLED: N_("Cancelled"),
    }
)
ALREADY = i18n.Labels(
    {
        InterviewStatus.PROPOSED: N_("This interview is already proposed."),
        InterviewStatus.CONFIRMED: N_("This interview is already confirmed."),
        InterviewStatus.DECLINED: N_("This interview is already declined."),
        InterviewStatus.CANCELLED: N_("This interview is already cancelled."),
    }
)
MAX_SLOTS = 5
MIN_DURATION, MAX_DURATION = 15, 480
# Stages at which an interview can be proposed; confirming one moves the first two on.
PROPOSABLE_STAGES = ("submitted", "screening", "interview")
REMINDER_AHEAD = timedelta(hours=24)
MAX_TEXT = 2000

_INTERVIEW = core_table(Interview)
_APPLICATION = core_table(Application)
_I = _INTERVIEW.c
_A = _APPLICATION.c


def _text(value: str, name: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), name)
    if len(text) > limit:
        raise DomainError(
            gettext(
                "Use at most %(max)s characters (this has %(n)s).",
                max=formats.number(limit),
                n=formats.number(len(text)),
            ),
            name,
        )
    if required and not text:
        raise DomainError(gettext("This field is required."), name)
    return text


def read_slots(texts: list[str], settings: Settings, now: datetime) -> list[datetime]:
    """The typed local start times as UTC, or DomainError (at `slots`) naming the bad one."""
    typed = [text.strip() for text in texts if text and text.strip()]
    if not typed:
        raise DomainError(gettext("Propose at least one time."), "slots")
    if len(typed) > MAX_SLOTS:
        raise DomainError(
            gettext(
                "Propose at most %(max)s times (this has %(n)s); remove some.",
                max=MAX_SLOTS,
                n=len(typed),
            ),
            "slots",
        )
    starts: list[datetime] = []
    for text in typed:
        try:
            start = localtime.parse_local(text[:40], settings)
        except localtime.LocalTimeError as error:
            raise DomainError(
                gettext("%(typed)s: %(problem)s", typed=text[:40], problem=error), "slots"
            ) from None
        if start <= now:
            raise DomainError(
                gettext(
                    "%(time)s is in the past: propose times still to come.",
                    time=localtime.format_datetime(start, settings),
                ),
                "slots",
            )
        if start in starts:
            raise DomainError(
                gettext(
                    "%(time)s is proposed twice.", time=localtime.format_datetime(start, settings)
                ),
                "slots",
            )
        starts.append(start)
    return sorted(starts)
