"""Registration (a graduate, an employer with its organisation, a staff user), its limit, who
has an e-mail already, and the words for each role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from placement import i18n
from placement.config import Settings
from placement.i18n import N_, Labels, gettext
from placement.models import (
    Employer,
    EmployerMember,
    Graduate,
    User,
    utcnow,
)
from placement.security import Passwords
from placement.services import Actor, DomainError, audit, changes, limits
from placement.services.accounts.confirmation import send_confirmation
from placement.services.limits import RateLimited as RateLimited

INVITE_TTL = timedelta(days=7)


@dataclass(frozen=True)
class GraduateRegistration:
    email: str
    password: str
    first_name: str
    last_name: str
    student_id: str
    program: str
    graduation_date: date


@dataclass(frozen=True)
class EmployerRegistration:
    organization_name: str
    organization_kind: str
    npi: str | None
    zip: str
    website: str
    contact_name: str
    email: str
    password: str


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == email.strip().lower())).first()


def _ensure_email_free(db: Session, email: str) -> None:
    if find_user_by_email(db, email) is not None:
        raise DomainError(
            gettext("An account with this e-mail already exists. Sign in instead."), "email"
        )


def register_graduate(
    db: Session, passwords: Passwords, form: GraduateRegistration
) -> tuple[User, Graduate]:
    from placement.services.graduates import check_graduation_date

    check_graduation_date(form.graduation_date)
    _ensure_email_free(db, form.email)
    password_hash = passwords.hash(form.password)
    with _unique_or_conflict(db):
        user = User(
            email=form.email,
            password_hash=password_hash,
            role="graduate",
            name=f"{form.first_name} {form.last_name}",
            password_changed_at=utcnow(),
            # Registered on Spanish pages: Spanish mail too, until changed at /account/…
            language=i18n.current(),
        )
        db.add(user)
        db.flush()
        graduate = Graduate(
            user_id=user.id,
            first_name=form.first_name,
            last_name=form.last_name,
            email=form.email,
            # Held only as a claim: the id belongs to a roster record, if any (see identity).
            claimed_student_id=form.student_id,
            program=form.program,
            graduation_date=form.graduation_date,
            cohort=form.graduation_date.year,
        )
        db.add(graduate)
        db.flush()
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "graduate.registered",
        actor=Actor(user_id=user.id, role="graduate"),
        object_type="graduate",
        object_id=graduate.id,
    )
    return user, graduate


def register_employer(
    db: Session, passwords: Passwords, settings: Settings, form: EmployerRegistration
) -> tuple[User, Employer]:
    """A pending organisation, its first owner signed in, and a single-use link mailed to the
    owner's address to confirm it (`send_confirmation`): staff see whether it was used."""
    from placement.services.employers import check_npi  # employers imports this module

    check_npi(form.npi)
    _ensure_email_free(db, form.email)
    employer = Employer(
        name=form.organization_name,
        kind=form.organization_kind,
        npi=form.npi or None,
        zip=form.zip,
        website=form.website,
        status="pending",
    )
    user = User(
        email=form.email,
        password_hash=passwords.hash(form.password),
        role="employer",
        name=form.contact_name,
        password_changed_at=utcnow(),
        language=i18n.current(),
    )
    with _unique_or_conflict(db):
        db.add(employer)
        db.add(user)
        db.flush()
        db.add(EmployerMember(employer_id=employer.id or 0, user_id=user.id or 0, is_owner=True))
        db.flush()
    audit.record(
        db,
        "employer.registered",
        actor=Actor(user_id=user.id, role="employer"),
        object_type="employer",
        object_id=employer.id,
    )
    send_confirmation(db, settings, user)
    return user, employer


def check_registration_limit(db: Session, settings: Settings, address: str) -> None:
    """Registrations per client address (generous: a school's open day behind one address
    still works); raises RateLimited past it. Commits the hit."""
    limits.hit(
        db,
        limits.Limit(
            f"register:{address[:64]}", settings.register_limit, settings.register_window_seconds
        ),
    )


@contextmanager
def _unique_or_conflict(db: Session) -> Iterator[None]:
    """Two registrations racing for one e-mail: the second gets the form message, not a 500
    (a savepoint, so the unique violation leaves the request's transaction usable)."""
    try:
        with db.begin_nested():
            yield
    except IntegrityError:
        raise DomainError(
            gettext("An account with this e-mail already exists. Sign in instead."), "email"
        ) from None


def create_staff_user(
    db: Session, passwords: Passwords, *, email: str, role: str, password: str, name: str = ""
) -> User:
    if role not in ("staff", "admin"):
        raise DomainError(gettext("The role must be staff or admin."), "role")
    _ensure_email_free(db, email)
    user = User(
        email=email.strip().lower(),
        password_hash=passwords.hash(password),
        role=role,
        name=name or email.split("@")[0],
        password_changed_at=utcnow(),
    )
    db.add(user)
    db.flush()
    return user


ROLE_LABELS = Labels(
    {
        "graduate": N_("Graduate"),
        "employer": N_("Employer"),
        "staff": N_("Career services"),
        "admin": N_("Administrator"),
    }
)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
