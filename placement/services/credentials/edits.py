"""Editing a credential: a change of number, state or dates is a renewal (a new version,
unverified, with a new reminder series); the history of versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    CredentialVersion,
    GraduateCredential,
    utcnow,
)
from placement.services import Actor, Conflict, DomainError, audit, changes
from placement.services.graduates import (
    CredentialInput,
    check_credential,
    credential_for_graduate,
)

# A change of any of these is a renewal: a new version, unverified, with a new reminder series.
RENEWAL_FIELDS = ("number", "state", "issued_on", "expires_on")


def credential_input(credential: GraduateCredential) -> CredentialInput:
    return CredentialInput(
        code=credential.code,
        number=credential.number,
        state=credential.state,
        issued_on=credential.issued_on,
        expires_on=credential.expires_on,
    )


# -- edit and renew ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditResult:
    credential: GraduateCredential
    renewed: bool


@atomic
def edit_credential(
    db: Session,
    *,
    graduate_id: int,
    actor: Actor,
    credential_id: int,
    data: CredentialInput,
    version: int | None = None,
    today: date | None = None,
) -> EditResult:
    """Save the edit form of one of the graduate's credentials.

    The code cannot change (DomainError at `code`: remove it and add the other one). A new
    number, state, issue or expiry date is a renewal: the current version goes to the
    credential's history, the verification is cleared and the reminders start again. An edit
    that changes nothing keeps everything, verification included. `version` is the credential
    version the form was made from; an older one raises Conflict (renewed elsewhere meanwhile).
    """
    credential = credential_for_graduate(db, graduate_id, credential_id)
    if data.code != credential.code:
        raise DomainError(
            gettext(
                "The kind of credential cannot change. Remove this one and add the other instead."
            ),
            "code",
        )
    check_credential(data, today)
    if version is not None and version != credential.version:
        raise Conflict(
            gettext(
                "This credential was changed in another window after you opened this form. "
                "Nothing was saved: the form now shows the current version."
            )
        )
    before = {name: getattr(credential, name) for name in RENEWAL_FIELDS}
    after = {name: getattr(data, name) for name in RENEWAL_FIELDS}
    if before == after:
        return EditResult(credential, renewed=False)
    current = credential.version
    earlier = CredentialVersion(
        credential_id=credential_id,
        version=current,
        **before,
        verified_at=credential.verified_at,
        verified_by=credential.verified_by,
        verification_method=credential.verification_method,
        verification_note=credential.verification_note,
        document_name=credential.document_name,
    )
    # A conditional update, so that two renewals sent at once make one new version each in
    # turn (the second is refused), never two history rows for one version.
    result = db.exec(
        update(GraduateCredential)
        .where(
            col(GraduateCredential.id) == credential_id, col(GraduateCredential.version) == current
        )
        .values(
            **after,
            version=current + 1,
            verified_at=None,
            verified_by=None,
            verification_method=None,
            verification_note="",
            updated_at=utcnow(),
        )
    )
    if result.rowcount != 1:
        raise Conflict(
            gettext(
                "This credential was renewed in another window at the same time. Nothing more "
                "was saved: the form now shows the current version."
            )
        )
    db.add(earlier)
    db.flush()
    db.refresh(credential)
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.renewed",
        actor=actor,
        object_type="credential",
        object_id=credential_id,
        detail=f"{credential.code} of graduate {graduate_id}: version {current} → {current + 1}",
        before=_coded(before) | {"version": current},
        after=_coded(after) | {"version": current + 1},
    )
    return EditResult(credential, renewed=True)


def _coded(values: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a version: whether the number changed, not the number."""
    out = {name: values[name] for name in ("state", "issued_on", "expires_on")}
    out["has_number"] = bool(values["number"])
    return out


def history_of(db: Session, credential_ids: Sequence[int]) -> dict[int, list[CredentialVersion]]:
    """The earlier versions of each credential, newest first, in one query."""
    history: dict[int, list[CredentialVersion]] = {}
    if not credential_ids:
        return history
    for row in db.exec(
        select(CredentialVersion)
        .where(col(CredentialVersion.credential_id).in_(list(credential_ids)))
        .order_by(col(CredentialVersion.credential_id), col(CredentialVersion.version).desc())
    ).all():
        history.setdefault(row.credential_id, []).append(row)
    return history
