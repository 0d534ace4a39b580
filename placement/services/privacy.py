"""Who may see a graduate, and the graduate's rights: export everything, delete the account.

The disclosure rule lives here once: an employer sees a graduate's profile only after the
graduate applied to one of its positions, accepted a referral to one, or chose visibility
"employers". Deleting an account keeps the applications, referrals and placements the
employer and the school must keep, pseudonymised.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    ApiToken,
    Application,
    ApplicationEvent,
    AuditEvent,
    Employer,
    Graduate,
    GraduateCredential,
    GraduateModality,
    LoginAttempt,
    Message,
    OneTimeToken,
    Placement,
    Position,
    Referral,
    ReferralStatus,
    User,
    utcnow,
)
from placement.security import Passwords
from placement.services import (
    Actor,
    DomainError,
    NotFound,
    audit,
    changes,
    outcome_links,
    resumes,
    sourcing,
    system_notes,
)
from placement.services import credentials as credential_service

DELETED_NAME = ("Deleted", "graduate")  # first and last name after deletion
ACTIVE_STAGES = ("submitted", "screening", "interview", "offer")


def employer_may_see(db: Session, employer_id: int, graduate_id: int) -> bool:
    """Whether the employer may see the graduate's profile.

    True when the graduate chose visibility "employers", or applied to one of the employer's
    positions, or accepted a referral to one (which also leaves an application). A deleted
    graduate is visible to nobody.
    """
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        return False
    if graduate.visibility == "employers":
        return True
    return _has_applied_or_accepted(db, employer_id, graduate_id)


def employer_may_download_resume(db: Session, employer_id: int, graduate_id: int) -> bool:
    """Résumés are narrower than profiles: only employers the graduate applied to or accepted
    a referral for may download it; visibility "employers" alone is not enough."""
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        return False
    return _has_applied_or_accepted(db, employer_id, graduate_id)


def _has_applied_or_accepted(db: Session, employer_id: int, graduate_id: int) -> bool:
    applied = db.exec(
        select(Application.id)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(Application.graduate_id == graduate_id, Position.employer_id == employer_id)
        .limit(1)
    ).first()
    if applied is not None:
        return True
    accepted = db.exec(
        select(Referral.id)
        .join(Position, col(Position.id) == col(Referral.position_id))
        .where(
            Referral.graduate_id == graduate_id,
            Referral.status == ReferralStatus.ACCEPTED,
            Position.employer_id == employer_id,
        )
        .limit(1)
    ).first()
    return accepted is not None


# -- export ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _record(row: Any, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        name: _plain(value) for name, value in row.model_dump().items() if name not in leave_out
    }


def export_graduate(db: Session, *, graduate_id: int, actor: Actor) -> dict[str, Any]:
    """Everything the network holds about the graduate, as plain JSON-ready values.

    Employers appear by organisation name only; the people who acted inside them do not.
    Writes the audit event "graduate.exported".
    """
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    user = db.get(User, actor.user_id)
    modalities = db.exec(
        select(GraduateModality)
        .where(GraduateModality.graduate_id == graduate_id)
        .order_by(col(GraduateModality.code))
    ).all()
    credentials = db.exec(
        select(GraduateCredential)
        .where(GraduateCredential.graduate_id == graduate_id)
        .order_by(col(GraduateCredential.id))
    ).all()
    applications = db.execute(
        sa_select(Application, col(Position.title), col(Employer.name))
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .where(col(Application.graduate_id) == graduate_id)
        .order_by(col(Application.id))
    ).all()
    application_ids = [application.id for application, _, _ in applications]
    events: dict[int, list[dict[str, Any]]] = {}
    if application_ids:
        for event in db.exec(
            select(ApplicationEvent)
            .where(col(ApplicationEvent.application_id).in_(application_ids))
            .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
        ).all():
            events.setdefault(event.application_id, []).append(
                _record(event, leave_out=("actor_user_id", "application_id", "id"))
            )
    conversation = _conversation_export(db, [app_id for app_id in application_ids if app_id])
    referrals = db.execute(
        sa_select(Referral, col(Position.title), col(Employer.name))
        .join(Position, col(Position.id) == col(Referral.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .where(col(Referral.graduate_id) == graduate_id)
        .order_by(col(Referral.id))
    ).all()
    placements = db.exec(
        select(Placement).where(Placement.graduate_id == graduate_id).order_by(col(Placement.id))
    ).all()
    messages = db.exec(
        select(Message)
        .where(Message.recipient_user_id == actor.user_id)
        .order_by(col(Message.created_at), col(Message.id))
    ).all()
    audit_events = db.exec(
        select(AuditEvent)
        .where(
            or_(
                col(AuditEvent.actor_user_id) == actor.user_id,
                (col(AuditEvent.object_type) == "graduate")
                & (col(AuditEvent.object_id) == graduate_id),
            )
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    document = {
        "exported_at": utcnow().isoformat(),
        "user": {
            "id": user.id if user else None,
            "email": user.email if user else None,
            "name": user.name if user else None,
            "role": user.role if user else None,
            "created_at": _plain(user.created_at) if user else None,
            "last_login_at": _plain(user.last_login_at) if user else None,
        },
        "profile": _record(graduate, leave_out=("verified_by", "resume_file")),
        "modalities": [{"code": row.code, "proficiency": row.proficiency} for row in modalities],
        "credentials": [
            _record(row, leave_out=("verified_by", "graduate_id", "document_file"))
            for row in credentials
        ],
        "applications": [
            {
                **_record(application, leave_out=("graduate_id",)),
                "position_title": title,
                "employer": employer_name,
                "events": events.get(application.id or 0, []),
                **conversation.get(application.id or 0, {}),
            }
            for application, title, employer_name in applications
        ],
        "referrals": [
            {
                **_record(referral, leave_out=("graduate_id", "staff_user_id", "open_pair")),
                "position_title": title,
                "employer": employer_name,
            }
            for referral, title, employer_name in referrals
        ],
        "placements": [
            _record(row, leave_out=("graduate_id", "verified_by", "created_by"))
            for row in placements
        ],
        **sourcing.export(db, graduate_id),
        "notifications": [
            {
                "subject": row.subject,
                "body": row.body,
                "kind": row.kind,
                "created_at": _plain(row.created_at),
                "read_at": _plain(row.read_at),
            }
            for row in messages
        ],
        "activity": [
            {
                "action": row.action,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "detail": row.detail,
                "at": _plain(row.at),
            }
            for row in audit_events
        ],
    }
    audit.record(
        db,
        "graduate.exported",
        actor=actor,
        object_type="graduate",
        object_id=graduate_id,
    )
    return document


def _conversation_export(db: Session, application_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each application's messages (by side, not by person), interviews and offers. The
    employer team's private notes are not the graduate's record and never appear here."""
    from placement.models import ConversationMessage, Interview, Offer

    found: dict[int, dict[str, Any]] = {
        app_id: {"messages": [], "interviews": [], "offers": []} for app_id in application_ids
    }
    if not application_ids:
        return found
    for message in db.exec(
        select(ConversationMessage)
        .where(col(ConversationMessage.application_id).in_(application_ids))
        .order_by(col(ConversationMessage.id))
    ).all():
        found[message.application_id]["messages"].append(
            {"from": message.author_role, "body": message.body, "at": _plain(message.created_at)}
        )
    for interview in db.exec(
        select(Interview).where(col(Interview.application_id).in_(application_ids))
    ).all():
        found[interview.application_id]["interviews"].append(
            _record(interview, leave_out=("created_by", "application_id", "reminder_sent_at"))
        )
    for offer in db.exec(select(Offer).where(col(Offer.application_id).in_(application_ids))):
        found[offer.application_id]["offers"].append(
            _record(offer, leave_out=("created_by", "application_id", "pending_for"))
        )
    return found


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")


# -- deletion -------------------------------------------------------------------------------


def delete_account(
    db: Session,
    settings: Settings,
    passwords: Passwords,
    *,
    actor: Actor,
    password: str,
) -> int:
    """Delete the graduate's account after checking the current password; returns the
    graduate's id.

    The graduate record stays as a pseudonymous row ("Deleted graduate") so that the
    applications, referrals and placements the employers and the school must keep still
    point somewhere; everything personal is erased: names, e-mail, student id, ZIP, bio,
    preferences, modalities, credentials, the résumé file and notifications; the user is
    switched off with its e-mail and name scrubbed and its password removed.
    Open applications are withdrawn and pending referrals declined.
    """
    user = db.get(User, actor.user_id)
    if user is None or user.role != "graduate":
        raise NotFound
    if not passwords.verify(user.password_hash, password):
        raise DomainError(gettext("That is not your current password."), "password")
    graduate = db.exec(select(Graduate).where(Graduate.user_id == actor.user_id)).first()
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    graduate_id = graduate.id or 0
    now = utcnow()
    numbers = db.exec(
        select(GraduateCredential.number).where(GraduateCredential.graduate_id == graduate_id)
    ).all()
    audit.forget(
        db,
        [
            f"{graduate.first_name} {graduate.last_name}",
            user.name,
            graduate.email,
            user.email,
            *(number for number in numbers if number),
        ],
    )

    open_applications = db.exec(
        select(Application).where(
            Application.graduate_id == graduate_id, col(Application.stage).in_(ACTIVE_STAGES)
        )
    ).all()
    for application in open_applications:
        db.add(
            ApplicationEvent(
                application_id=application.id or 0,
                from_stage=application.stage,
                to_stage="withdrawn",
                note=system_notes.ACCOUNT_DELETED,
            )
        )
        application.stage = "withdrawn"
        application.updated_at = now
        db.add(application)
    db.exec(
        update(Application).where(col(Application.graduate_id) == graduate_id).values(cover_note="")
    )
    db.exec(
        update(Referral)
        .where(
            col(Referral.graduate_id) == graduate_id, col(Referral.status) == ReferralStatus.PENDING
        )
        .values(status="declined", answered_at=now, open_pair=None)
    )
    db.exec(
        update(Referral).where(col(Referral.graduate_id) == graduate_id).values(decline_reason="")
    )
    sourcing.forget(db, graduate_id, now)
    outcome_links.forget(db, graduate_id)
    db.exec(delete(GraduateModality).where(col(GraduateModality.graduate_id) == graduate_id))
    credential_service.forget_documents(db, settings, graduate_id)
    db.exec(delete(GraduateCredential).where(col(GraduateCredential.graduate_id) == graduate_id))
    db.exec(
        delete(Message).where(
            or_(
                col(Message.recipient_user_id) == actor.user_id,
                col(Message.recipient_email) == user.email,
            )
        )
    )
    resumes.forget_resume(db, settings, graduate)

    graduate.first_name, graduate.last_name = DELETED_NAME
    graduate.email = ""
    graduate.student_id = None
    graduate.claimed_student_id = None
    graduate.zip = None
    graduate.bio = ""
    graduate.settings = ""
    graduate.employment_types = ""
    graduate.availability = ""
    graduate.pay_expectation = None
    graduate.user_id = None
    graduate.deleted_at = now
    graduate.seeking = "not_seeking"
    graduate.visibility = "private"
    graduate.updated_at = now
    graduate.version += 1
    db.add(graduate)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    db.exec(delete(OneTimeToken).where(col(OneTimeToken.user_id) == actor.user_id))
    db.exec(delete(ApiToken).where(col(ApiToken.user_id) == actor.user_id))
    db.exec(delete(LoginAttempt).where(col(LoginAttempt.key) == f"account:{user.email}"))
    # The user row stays, scrubbed and switched off, so that the append-only audit log keeps
    # pointing at one (now anonymous) actor; every session of it ends here.
    user.email = f"deleted-{actor.user_id}@deleted.invalid"
    user.name = " ".join(DELETED_NAME).capitalize()
    user.password_hash = None
    user.active = False
    user.session_version += 1
    user.last_login_at = None
    db.add(user)
    audit.record(
        db,
        "account.deleted",
        actor=actor,
        object_type="graduate",
        object_id=graduate_id,
        detail=(
            f"The graduate deleted their account (user {actor.user_id}); "
            f"{len(open_applications)} open application(s) withdrawn."
        ),
    )
    db.flush()
    return graduate_id
