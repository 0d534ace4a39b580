"""A graduate's credentials: the input and its rules, add and delete, the loader through the
graduate, status and warnings before expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from placement import dates, taxonomy
from placement.i18n import gettext, ngettext
from placement.localtime import format_date
from placement.models import GraduateCredential
from placement.services import Actor, DomainError, NotFound, audit, changes
from placement.services.graduates.profile import credentials_of, get_graduate
from placement.services.graduates.vocabulary import (
    EXPIRY_WARNING_DAYS,
    MAX_CREDENTIALS,
    US_STATES,
)


@dataclass(frozen=True)
class CredentialInput:
    code: str
    number: str
    state: str | None
    issued_on: date | None
    expires_on: date | None


def check_credential(data: CredentialInput, today: date | None = None) -> None:
    """The rules of a credential's fields, for adding one and for editing or renewing it."""
    if data.code not in taxonomy.CREDENTIALS:
        raise DomainError(gettext("Choose a credential from the list."), "code")
    if data.state is not None and data.state not in US_STATES:
        raise DomainError(gettext("Choose a US state."), "state")
    if data.code in taxonomy.STATE_BOUND_CREDENTIALS and not data.state:
        raise DomainError(
            gettext("Choose the US state that issued it (two letters, e.g. CA)."), "state"
        )
    if data.issued_on and data.issued_on > (today or dates.today()):
        raise DomainError(gettext("The issue date cannot be in the future."), "issued_on")
    if data.issued_on and data.expires_on and data.expires_on <= data.issued_on:
        raise DomainError(gettext("The expiry date must come after the issue date."), "expires_on")


def add_credential(
    db: Session, *, graduate_id: int, actor: Actor, data: CredentialInput
) -> GraduateCredential:
    """Add a licence or certificate; it stays unverified until career services verify it."""
    check_credential(data)
    get_graduate(db, graduate_id)
    count = len(credentials_of(db, graduate_id))
    if count >= MAX_CREDENTIALS:
        raise DomainError(
            gettext("You can list at most %(max)s credentials.", max=MAX_CREDENTIALS), "code"
        )
    credential = GraduateCredential(
        graduate_id=graduate_id,
        code=data.code,
        number=data.number,
        state=data.state,
        issued_on=data.issued_on,
        expires_on=data.expires_on,
    )
    db.add(credential)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.added",
        actor=actor,
        object_type="credential",
        object_id=credential.id,
        detail=f"{data.code} for graduate {graduate_id}",
        after={
            "code": data.code,
            "state": data.state,
            "issued_on": data.issued_on,
            "expires_on": data.expires_on,
        },
    )
    return credential


def credential_for_graduate(
    db: Session, graduate_id: int, credential_id: int
) -> GraduateCredential:
    credential = db.get(GraduateCredential, credential_id)
    if credential is None or credential.graduate_id != graduate_id:
        raise NotFound
    return credential


def delete_credential(db: Session, *, graduate_id: int, actor: Actor, credential_id: int) -> None:
    credential = credential_for_graduate(db, graduate_id, credential_id)
    before = {
        "code": credential.code,
        "state": credential.state,
        "expires_on": credential.expires_on,
        "verified": credential.verified_at is not None,
    }
    db.delete(credential)
    db.flush()
    changes.graduate_changed(db, graduate_id)
    audit.record(
        db,
        "credential.removed",
        actor=actor,
        object_type="credential",
        object_id=credential_id,
        detail=f"{before['code']} for graduate {graduate_id}",
        before=before,
    )


@dataclass(frozen=True)
class CredentialStatus:
    code: str  # verified | unverified | expired | expiring
    text: str
    days_left: int | None = None

    @property
    def warning(self) -> bool:
        return self.code in ("expired", "expiring")


def credential_status(
    credential: GraduateCredential, today: date | None = None
) -> CredentialStatus:
    """Expired first, then expiring within 60 days, then verified or awaiting verification."""
    today = today or dates.today()
    verified = (
        gettext("verified")
        if credential.verified_at is not None
        else gettext("awaiting verification")
    )
    if credential.expires_on is not None:
        days = (credential.expires_on - today).days
        if days < 0:
            expired = gettext("expired on %(date)s", date=format_date(credential.expires_on))
            return CredentialStatus("expired", expired, days)
        if days <= EXPIRY_WARNING_DAYS:
            when = (
                gettext("expires today")
                if days == 0
                else ngettext("expires in %(num)s day", "expires in %(num)s days", days)
            )
            return CredentialStatus("expiring", f"{when} · {verified}", days)
    if credential.verified_at is not None:
        return CredentialStatus("verified", gettext("verified"))
    return CredentialStatus("unverified", gettext("awaiting verification"))


@dataclass(frozen=True)
class CredentialWarning:
    credential_id: int
    code: str
    label: str
    status: CredentialStatus


def credential_warnings(
    credentials: list[GraduateCredential], today: date | None = None
) -> list[CredentialWarning]:
    """Expired credentials and those expiring within 60 days, soonest first."""
    warnings = []
    for credential in credentials:
        status = credential_status(credential, today)
        if status.warning:
            warnings.append(
                CredentialWarning(
                    credential_id=credential.id or 0,
                    code=credential.code,
                    label=taxonomy.label(taxonomy.CREDENTIALS, credential.code),
                    status=status,
                )
            )
    return sorted(warnings, key=lambda warning: warning.status.days_left or 0)
