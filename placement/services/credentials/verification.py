"""Career services verifying credentials, one or many at once, with the method and evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement import formats, taxonomy
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    GraduateCredential,
    User,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, audit, changes
from placement.services.credentials.documents import staff_credential

MAX_NOTE = 2000
MAX_BULK = 200


@dataclass(frozen=True)
class Verified:
    verified: list[GraduateCredential]
    already: list[int]  # ids someone verified first (or in another tab)


@atomic
def verify_credentials(
    db: Session, actor: Actor, credential_ids: Sequence[int], *, method: str, note: str = ""
) -> Verified:
    """Verify each credential with how it was checked and a note; one audit event each.

    Each is a conditional update (`… WHERE verified_at IS NULL`), so two staff verifying at
    once give one verification; the ones already verified are returned in `already`. An id
    that is missing, or whose graduate is gone, raises NotFound and nothing is verified.
    """
    if method not in taxonomy.CREDENTIAL_VERIFICATION_METHODS:
        raise DomainError(gettext("Choose how you checked the credential."), "method")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(
            gettext("Keep the note to at most %(max)s characters.", max=formats.number(MAX_NOTE)),
            "note",
        )
    if "\x00" in note:
        raise DomainError(gettext("The note contains a character that cannot be stored."), "note")
    ids = list(dict.fromkeys(credential_ids))
    if not ids:
        raise DomainError(gettext("Choose at least one credential to verify."), "credential_ids")
    if len(ids) > MAX_BULK:
        raise DomainError(
            gettext("Verify at most %(max)s credentials at once.", max=MAX_BULK), "credential_ids"
        )
    credentials = [staff_credential(db, credential_id) for credential_id in ids]
    now = utcnow()
    done: list[GraduateCredential] = []
    already: list[int] = []
    for credential in credentials:
        result = db.exec(
            update(GraduateCredential)
            .where(
                col(GraduateCredential.id) == credential.id,
                col(GraduateCredential.verified_at).is_(None),
            )
            .values(
                verified_at=now,
                verified_by=actor.user_id,
                verification_method=method,
                verification_note=note,
            )
        )
        if result.rowcount != 1:
            already.append(credential.id or 0)
            continue
        db.refresh(credential)
        changes.graduate_changed(db, credential.graduate_id)
        audit.record(
            db,
            "credential.verified",
            actor=actor,
            object_type="credential",
            object_id=credential.id,
            detail=(
                f"{credential.code} ({credential.state or '—'}) version {credential.version} "
                f"of graduate #{credential.graduate_id}: {method}"
            ),
            before={"verified_at": None},
            after={"verified_at": now, "verified_by": actor.user_id, "method": method},
        )
        done.append(credential)
    return Verified(verified=done, already=already)


@atomic
def verify_credential(
    db: Session, actor: Actor, credential_id: int, *, method: str, note: str = ""
) -> GraduateCredential:
    """Verify one credential; Conflict when it is verified already."""
    result = verify_credentials(db, actor, [credential_id], method=method, note=note)
    if not result.verified:
        raise Conflict(gettext("This credential is already verified."))
    return result.verified[0]


def verifier_names(db: Session, credentials: Iterable[Any]) -> dict[int, str]:
    """The names of the staff who verified these credentials (or their earlier versions)."""
    ids = {row.verified_by for row in credentials if row.verified_by is not None}
    if not ids:
        return {}
    return {
        user_id: name or email
        for user_id, name, email in db.exec(
            select(User.id, User.name, User.email).where(col(User.id).in_(ids))
        ).all()
        if user_id is not None
    }
