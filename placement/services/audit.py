"""The append-only audit log: who did what to which object, when, from where."""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, func, or_, select

from placement import formats
from placement.i18n import N_, Labels
from placement.models import AuditEvent
from placement.services import Actor

# The client address of the request being served: every event records it (set by the
# web layer's `endpoint` wrapper; empty for the command line and the worker).
_client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def set_client_address(address: str) -> contextvars.Token[str]:
    return _client_address.set(address)


def reset_client_address(token: contextvars.Token[str]) -> None:
    _client_address.reset(token)


def record(
    db: Session,
    action: str,
    *,
    actor: Actor,
    object_type: str = "",
    object_id: int | None = None,
    detail: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; its address is the actor's, else the request's being served."""
    event = AuditEvent(
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:4000],
        before=json.dumps(before, default=str, sort_keys=True) if before is not None else None,
        after=json.dumps(after, default=str, sort_keys=True) if after is not None else None,
        ip=(actor.ip or _client_address.get())[:64],
    )
    db.add(event)
    return event


# What each action means, as staff read it on the audit page (the stored code stays English
# and is shown beside it; an action missing here shows only its code).
ACTION_LABELS = Labels(
    {
        "account.deleted": N_("Account deleted"),
        "account.email_changed": N_("E-mail address changed"),
        "account.email_confirmed": N_("E-mail address confirmed"),
        "account.notifications_changed": N_("Notification settings changed"),
        "account.password_changed": N_("Password changed"),
        "account.sign_in_failed": N_("Sign-in failed"),
        "account.signed_in": N_("Signed in"),
        "account.signed_out": N_("Signed out"),
        "api_token.created": N_("API token created"),
        "api_token.revoked": N_("API token revoked"),
        "api_token.used": N_("API token used"),
        "application.referred": N_("Application from a referral"),
        "application.stage_changed": N_("Application stage changed"),
        "application.submitted": N_("Application submitted"),
        "application.withdrawn": N_("Application withdrawn"),
        "audit.exported": N_("Audit log exported"),
        "credential.added": N_("Credential added"),
        "credential.document_uploaded": N_("Credential scan uploaded"),
        "credential.removed": N_("Credential removed"),
        "credential.renewed": N_("Credential renewed"),
        "credential.verified": N_("Credential verified"),
        "employer.approved": N_("Organisation approved"),
        "employer.rejected": N_("Organisation rejected"),
        "employer.suspended": N_("Organisation suspended"),
        "employer.change_held": N_("Organisation change held for approval"),
        "employer.change_approved": N_("Organisation change approved"),
        "employer.change_rejected": N_("Organisation change rejected"),
        "employer.change_withdrawn": N_("Organisation change withdrawn"),
        "employer.member_invite_refused": N_("Colleague invitation refused"),
        "employer.member_invited": N_("Colleague invited"),
        "employer.member_removed": N_("Colleague removed"),
        "employer.owner_added": N_("Owner added"),
        "employer.registered": N_("Organisation registered"),
        "employer.updated": N_("Organisation details changed"),
        "employer_note.added": N_("Note added about a candidate"),
        "graduate.conflict_linked": N_("Student ID claim linked"),
        "graduate.conflict_rejected": N_("Student ID claim rejected"),
        "graduate.exported": N_("Graduate's data exported"),
        "graduate.invitations_on": N_("Invitations to apply turned on"),
        "graduate.invitations_off": N_("Invitations to apply turned off"),
        "graduate.merged": N_("Graduate records merged"),
        "graduate.outcome_changed": N_("Outcome changed"),
        "graduate.profile_updated": N_("Profile updated"),
        "graduate.record_corrected": N_("School record corrected"),
        "graduate.registered": N_("Graduate registered"),
        "graduate.resume_uploaded": N_("Résumé uploaded"),
        "graduate.verified": N_("Graduate verified"),
        "interview.cancelled": N_("Interview cancelled"),
        "interview.changed": N_("Interview changed"),
        "interview.confirmed": N_("Interview confirmed"),
        "interview.declined": N_("Interview declined"),
        "interview.proposed": N_("Interview proposed"),
        "invitation.created": N_("Invitation to apply sent"),
        "invitation.declined": N_("Invitation to apply declined"),
        "message.posted": N_("Message sent"),
        "offer.accepted": N_("Offer accepted"),
        "offer.declined": N_("Offer declined"),
        "offer.lapsed": N_("Offer lapsed"),
        "offer.made": N_("Offer made"),
        "placement.disputed": N_("Placement not confirmed by the employer"),
        "placement.evidence_uploaded": N_("Placement evidence uploaded"),
        "placement.recorded": N_("Placement recorded"),
        "placement.reverified": N_("Placement re-verified"),
        "placement.verification_requested": N_("Placement verification requested"),
        "placement.verified": N_("Placement verified"),
        "position.approved": N_("Position approved"),
        "position.rejected": N_("Position not approved"),
        "position.closed": N_("Position closed"),
        "position.content_changed": N_("Position content changed"),
        "position.created": N_("Position created"),
        "position.edited": N_("Position edited"),
        "position.expired": N_("Position expired"),
        "position.filled": N_("Position filled"),
        "position.requirements_changed": N_("Position requirements changed"),
        "position.submitted": N_("Position submitted for review"),
        "referral.accepted": N_("Referral accepted"),
        "referral.created": N_("Referral created"),
        "referral.declined": N_("Referral declined"),
        "report.exported": N_("Report exported"),
        "roster.imported": N_("Roster imported"),
        "round.previewed": N_("Round previewed"),
        "round.published": N_("Round published"),
        "saved_search.created": N_("Saved search created"),
        "saved_search.deleted": N_("Saved search deleted"),
        "survey.answered": N_("Survey answered"),
        "survey.requested": N_("Survey requested"),
        "talent_pool.joined": N_("Joined a talent pool"),
        "talent_pool.left": N_("Left a talent pool"),
        "user.activated": N_("Account reactivated"),
        "user.deactivated": N_("Account deactivated"),
        "user.invited": N_("User invited"),
    }
)

# The kinds of object an event is about, as staff read them (the stored code stays English).
OBJECT_LABELS = Labels(
    {
        "graduate": N_("Graduate"),
        "user": N_("Account"),
        "placement": N_("Placement"),
        "employer": N_("Organisation"),
        "application": N_("Application"),
        "position": N_("Position"),
        "credential": N_("Credential"),
        "referral": N_("Referral"),
        "offer": N_("Offer"),
        "interview": N_("Interview"),
        "api_token": N_("API token"),
        "saved_search": N_("Saved search"),
        "match_round": N_("Round"),
        "invitation": N_("Invitation"),
        "roster": N_("Roster"),
        "report": N_("Report"),
        "cohort": N_("Cohort"),
        "audit": N_("Audit log"),
    }
)


def describe(action: str) -> str:
    """The reader's-language description of an action code, or "" for one not described."""
    return ACTION_LABELS.get(action, "")


REDACTED = "[deleted]"


def forget(db: Session, terms: list[str]) -> int:
    """Erase a person's name, e-mail and licence numbers wherever the log still holds them
    (events written before the log kept to ids and codes); returns how many events changed.

    The log is otherwise append-only: this is the one edit, made when an account is deleted
    on its owner's request."""
    words = sorted({term.strip() for term in terms if term and len(term.strip()) >= 3}, key=len)
    if not words:
        return 0
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in reversed(words)), re.IGNORECASE
    )
    columns = (AuditEvent.detail, AuditEvent.before, AuditEvent.after)
    candidates = db.exec(
        select(AuditEvent).where(
            or_(
                *(
                    func.lower(func.coalesce(column, "")).contains(word.lower(), autoescape=True)
                    for column in columns
                    for word in words
                )
            )
        )
    ).all()
    changed = 0
    for event in candidates:
        before = (event.detail, event.before, event.after)
        event.detail = pattern.sub(REDACTED, event.detail or "")
        if event.before is not None:
            event.before = pattern.sub(REDACTED, event.before)
        if event.after is not None:
            event.after = pattern.sub(REDACTED, event.after)
        if (event.detail, event.before, event.after) != before:
            db.add(event)
            changed += 1
    return changed


EXPORT_COLUMNS = (
    "id",
    "at",
    "action",
    "actor_user_id",
    "actor_role",
    "actor_email",
    "object_type",
    "object_id",
    "detail",
    "before",
    "after",
    "ip",
)


def export_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Audit events (mappings with EXPORT_COLUMNS, `at` a UTC datetime) as CSV."""
    return formats.csv_table(
        EXPORT_COLUMNS,
        (
            [
                row["at"].isoformat() if name == "at" and row["at"] is not None else row[name]
                for name in EXPORT_COLUMNS
            ]
            for row in rows
        ),
    )
