"""Referrals: career services put a graduate forward for a position; the graduate answers.

A referral is a disclosure by the school, so creating one is always in the audit log. Only one
referral per (position, graduate) is open at a time: `Referral.open_pair` holds
"position:graduate" while the referral is pending and is NULL once it was answered, and a
unique constraint on it turns a second, concurrent referral into the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import i18n, links
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import Employer, Graduate, Position, Referral, ReferralStatus, User, utcnow
from placement.services import Actor, DomainError, NotFound, applications, audit, mail, system_notes

NOTE_MAX = 4000
REASON_MAX = 2000


def open_pair(position_id: int, graduate_id: int) -> str:
    return f"{position_id}:{graduate_id}"


@atomic
def refer(
    db: Session,
    settings: Settings,
    *,
    actor: Actor,
    position_id: int,
    graduate_id: int,
    note: str,
    round_id: int | None = None,
) -> tuple[Referral, bool]:
    """Refer a graduate to a position: (the new referral, True), or (the open one, False).

    Only open positions of approved employers (not past their closing date) and graduates who
    exist (did not delete their account) and are not `private` can be referred; anything else raises
    DomainError with the field to blame (`position_id`, `graduate_id` or `note`). Writes the
    audit event "referral.created" and notifies the graduate. `actor.user_id` is None only
    when no person acted (a round published from the command line).
    """
    note = (note or "").strip()
    if "\x00" in note:
        raise DomainError(gettext("Remove the invisible NUL character."), "note")
    if len(note) > NOTE_MAX:
        raise DomainError(gettext("Use at most %(max)s characters.", max=NOTE_MAX), "note")
    pair = open_pair(position_id, graduate_id)
    existing = _open_referral(db, pair)
    if existing is not None:
        return existing, False
    try:
        position = applications.public_position(db, position_id)
    except NotFound:
        raise DomainError(
            gettext("Only open positions of approved employers can receive referrals."),
            "position_id",
        ) from None
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise DomainError(gettext("There is no graduate with this number."), "graduate_id")
    # Checked here, at the action, so every caller obeys it: the staff form and a round
    # published after the graduate turned private since its preview.
    if graduate.visibility == "private":
        raise DomainError(
            gettext(
                "This graduate keeps their profile private: they cannot be referred. Ask them "
                "to share it with career services first."
            ),
            "graduate_id",
        )
    referral = Referral(
        position_id=position_id,
        graduate_id=graduate_id,
        staff_user_id=actor.user_id,
        note=note,
        status="pending",
        open_pair=pair,
        round_id=round_id,
    )
    try:
        with db.begin_nested():
            db.add(referral)
            db.flush()
    except IntegrityError:
        existing = _open_referral(db, pair)
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return existing, False
    employer = db.get(Employer, position.employer_id)
    employer_name = employer.name if employer else ""
    audit.record(
        db,
        "referral.created",
        actor=actor,
        object_type="referral",
        object_id=referral.id,
        detail=(
            f"Disclosed graduate {graduate_id} to {employer_name} for position {position_id}"
            + (f" (round {round_id})" if round_id else "")
        ),
        after={"position_id": position_id, "graduate_id": graduate_id, "round_id": round_id},
    )
    _notify_graduate(db, settings, graduate, position, employer_name, note)
    return referral, True


def _open_referral(db: Session, pair: str) -> Referral | None:
    return db.exec(select(Referral).where(Referral.open_pair == pair)).first()


def _graduate_address(db: Session, graduate: Graduate) -> tuple[int | None, str]:
    if graduate.user_id is not None:
        user = db.get(User, graduate.user_id)
        if user is not None and user.active:
            return user.id, user.email
    return None, graduate.email


def _notify_graduate(
    db: Session,
    settings: Settings,
    graduate: Graduate,
    position: Position,
    employer_name: str,
    note: str,
) -> None:
    user_id, email = _graduate_address(db, graduate)
    if not email:
        return
    link = links.url(settings, "graduate:referrals")
    with i18n.using(mail.language_of(db, user_id)):
        subject = gettext(
            "Career services referred you to %(position)s at %(employer)s",
            position=position.title,
            employer=employer_name,
        )
        hello = gettext(
            "Hello %(name)s,\n\n"
            "Career services referred you to “%(position)s” at %(employer)s.\n\n",
            name=graduate.first_name,
            position=position.title,
            employer=employer_name,
        )
        their_note = gettext("Their note: %(note)s\n\n", note=note) if note else ""
        answer = gettext(
            "Accept the referral to share your profile with the employer and apply, or decline "
            "it: %(link)s\n",
            link=link,
        )
    mail.queue(
        db,
        settings,
        to_email=email,
        to_user_id=user_id,
        kind="referral",
        subject=subject,
        body=hello + their_note + answer,
    )


# -- the graduate's side ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralRow:
    id: int
    position_id: int
    position_title: str
    employer_name: str
    position_status: str
    note: str
    status: str
    decline_reason: str
    application_id: int | None
    created_at: datetime
    answered_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.status == ReferralStatus.PENDING


def referrals_for_graduate(
    db: Session, graduate_id: int, *, pending_only: bool = False, limit: int = 200
) -> list[ReferralRow]:
    """The graduate's referrals with position and organisation, newest first: one query."""
    query = (
        sa_select(
            col(Referral.id),
            col(Referral.position_id),
            col(Position.title),
            col(Employer.name),
            col(Position.status),
            col(Referral.note),
            col(Referral.status),
            col(Referral.decline_reason),
            col(Referral.application_id),
            col(Referral.created_at),
            col(Referral.answered_at),
        )
        .select_from(Referral)
        .join(Position, col(Position.id) == col(Referral.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .where(col(Referral.graduate_id) == graduate_id)
    )
    if pending_only:
        query = query.where(col(Referral.status) == ReferralStatus.PENDING)
    rows = db.execute(
        query.order_by(col(Referral.created_at).desc(), col(Referral.id).desc()).limit(limit)
    ).all()
    return [ReferralRow(*row) for row in rows]


def referral_for_graduate(db: Session, graduate_id: int, referral_id: int) -> Referral:
    """The graduate's own referral; NotFound for a missing id and for anyone else's."""
    referral = db.get(Referral, referral_id)
    if referral is None or referral.graduate_id != graduate_id:
        raise NotFound
    return referral


def _answer(db: Session, referral: Referral, status: str, reason: str = "") -> None:
    """Move a pending referral to `status`; a conditional update so two clicks give one."""
    result = db.exec(
        update(Referral)
        .where(col(Referral.id) == referral.id, col(Referral.status) == ReferralStatus.PENDING)
        .values(status=status, answered_at=utcnow(), open_pair=None, decline_reason=reason)
    )
    if result.rowcount != 1:
        raise DomainError(gettext("You have already answered this referral."))
    db.refresh(referral)


@atomic
def accept(
    db: Session, settings: Settings, *, graduate_id: int, actor: Actor, referral_id: int
) -> Referral:
    """Accept a pending referral: the graduate now has an application (source "referred"),
    or keeps the one they had already made, and the employer sees them in its pipeline."""
    referral = referral_for_graduate(db, graduate_id, referral_id)
    if referral.status != ReferralStatus.PENDING:
        raise DomainError(gettext("You have already answered this referral."))
    try:
        position = applications.public_position(db, referral.position_id)
    except NotFound:
        raise DomainError(
            gettext(
                "This position is no longer open, so the referral cannot be accepted. "
                "You can decline it."
            )
        ) from None
    _answer(db, referral, "accepted")
    application, _created = applications.create_application(
        db,
        settings,
        position=position,
        graduate_id=graduate_id,
        actor=actor,
        source="referred",
        event_note=system_notes.REFERRAL_ACCEPTED,
    )
    referral.application_id = application.id
    db.add(referral)
    audit.record(
        db,
        "referral.accepted",
        actor=actor,
        object_type="referral",
        object_id=referral.id,
        after={"status": "accepted", "application_id": application.id},
    )
    db.flush()
    return referral


@atomic
def decline(
    db: Session,
    settings: Settings,
    *,
    graduate_id: int,
    actor: Actor,
    referral_id: int,
    reason: str = "",
) -> Referral:
    """Decline a pending referral with an optional reason (career services reads it)."""
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise DomainError(gettext("Remove the invisible NUL character."), "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(gettext("Use at most %(max)s characters.", max=REASON_MAX), "reason")
    referral = referral_for_graduate(db, graduate_id, referral_id)
    if referral.status != ReferralStatus.PENDING:
        raise DomainError(gettext("You have already answered this referral."))
    _answer(db, referral, "declined", reason)
    audit.record(
        db,
        "referral.declined",
        actor=actor,
        object_type="referral",
        object_id=referral.id,
        # The graduate's own words stay out of the log (ids and codes only).
        after={"status": "declined", "reason_given": bool(reason)},
    )
    if referral.staff_user_id is not None:
        staff = db.get(User, referral.staff_user_id)
        if staff is not None and staff.active:
            link = links.url(settings, "staff:referral", id=referral.id)
            with i18n.using(staff.language):
                subject = gettext("A graduate declined referral #%(id)s", id=referral.id)
                body = gettext(
                    "Referral #%(id)s (position %(position)s) was declined: %(link)s\n",
                    id=referral.id,
                    position=referral.position_id,
                    link=link,
                )
                if reason:
                    body += "\n" + gettext("Their reason: %(reason)s\n", reason=reason)
            mail.queue(
                db,
                settings,
                to_email=staff.email,
                to_user_id=staff.id,
                kind="referral_declined",
                subject=subject,
                body=body,
            )
    return referral
