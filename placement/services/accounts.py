"""Accounts: registration, sign-in with its limits, passwords, one-time links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from placement.config import Settings
from placement.models import (
    Employer,
    EmployerMember,
    Graduate,
    LoginAttempt,
    OneTimeToken,
    User,
    utcnow,
)
from placement.security import Passwords, new_token, token_hash
from placement.services import DomainError, audit, changes, mail

INVITE_TTL = timedelta(days=7)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


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
        raise DomainError("An account with this e-mail already exists. Sign in instead.", "email")


def register_graduate(
    db: Session, passwords: Passwords, form: GraduateRegistration
) -> tuple[User, Graduate]:
    from placement.services.graduates import check_graduation_date

    check_graduation_date(form.graduation_date)
    _ensure_email_free(db, form.email)
    existing = db.exec(select(Graduate).where(Graduate.student_id == form.student_id)).first()
    if existing is not None:
        raise DomainError(
            "This student ID already has an account or is on the school roster. "
            "Use the link career services sent you, or reset your password.",
            "student_id",
        )
    user = User(
        email=form.email,
        password_hash=passwords.hash(form.password),
        role="graduate",
        name=f"{form.first_name} {form.last_name}",
        password_changed_at=utcnow(),
    )
    db.add(user)
    db.flush()
    graduate = Graduate(
        user_id=user.id,
        first_name=form.first_name,
        last_name=form.last_name,
        email=form.email,
        student_id=form.student_id,
        program=form.program,
        graduation_date=form.graduation_date,
        cohort=form.graduation_date.year,
    )
    db.add(graduate)
    _flush_or_conflict(db)
    changes.graduate_changed(db, graduate.id)
    audit.record(
        db,
        "graduate.registered",
        actor_user_id=user.id,
        actor_role="graduate",
        object_type="graduate",
        object_id=graduate.id,
    )
    return user, graduate


def register_employer(
    db: Session, passwords: Passwords, form: EmployerRegistration
) -> tuple[User, Employer]:
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
    )
    db.add(employer)
    db.add(user)
    db.flush()
    db.add(EmployerMember(employer_id=employer.id or 0, user_id=user.id or 0, is_owner=True))
    _flush_or_conflict(db)
    audit.record(
        db,
        "employer.registered",
        actor_user_id=user.id,
        actor_role="employer",
        object_type="employer",
        object_id=employer.id,
        detail=employer.name,
    )
    return user, employer


def _flush_or_conflict(db: Session) -> None:
    """Two registrations racing for one e-mail: the second gets the form message, not a 500."""
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise DomainError(
            "An account with this e-mail or student ID already exists.", "email"
        ) from None


def create_staff_user(
    db: Session, passwords: Passwords, *, email: str, role: str, password: str, name: str = ""
) -> User:
    if role not in ("staff", "admin"):
        raise DomainError("The role must be staff or admin.", "role")
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


# -- sign-in -------------------------------------------------------------------------------


def _attempt_keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()[:254]}", f"address:{address[:64]}"


def check_login_limit(db: Session, settings: Settings, email: str, address: str) -> None:
    """Raise RateLimited when the account or the address has failed too often lately."""
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    for key in _attempt_keys(email, address):
        failures = db.exec(
            select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                LoginAttempt.key == key, LoginAttempt.attempted_at >= since
            )
        ).one()
        count, oldest = failures
        if count >= settings.login_limit:
            retry = settings.login_window_seconds - int((utcnow() - oldest).total_seconds())
            raise RateLimited(max(retry, 1))


def record_login_failure(db: Session, settings: Settings, email: str, address: str) -> None:
    cutoff = utcnow() - timedelta(seconds=settings.login_window_seconds)
    db.exec(delete(LoginAttempt).where(LoginAttempt.attempted_at < cutoff))  # type: ignore[call-overload]
    for key in _attempt_keys(email, address):
        db.add(LoginAttempt(key=key))


def authenticate(
    db: Session,
    passwords: Passwords,
    settings: Settings,
    *,
    email: str,
    password: str,
    address: str,
) -> User | None:
    """The user for a correct e-mail and password, None otherwise (one answer for both).

    Raises RateLimited before checking anything when the limit is reached.
    """
    check_login_limit(db, settings, email, address)
    user = find_user_by_email(db, email)
    if user is None or not user.active:
        passwords.verify(None, password)
        return None
    if not passwords.verify(user.password_hash, password):
        return None
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    user.last_login_at = utcnow()
    db.add(user)
    db.exec(delete(LoginAttempt).where(LoginAttempt.key == _attempt_keys(email, address)[0]))  # type: ignore[call-overload]
    return user


def end_all_sessions(db: Session, user: User) -> None:
    """Every cookie issued before now stops working: the version it carries is stale."""
    user.session_version += 1
    db.add(user)


def change_password(
    db: Session, passwords: Passwords, user: User, *, current: str, new: str
) -> None:
    if not passwords.verify(user.password_hash, current):
        raise DomainError("That is not your current password.", "current_password")
    set_password(db, passwords, user, new)


def set_password(db: Session, passwords: Passwords, user: User, new: str) -> None:
    user.password_hash = passwords.hash(new)
    user.password_changed_at = utcnow()
    end_all_sessions(db, user)
    audit.record(
        db,
        "account.password_changed",
        actor_user_id=user.id,
        actor_role=user.role,
        object_type="user",
        object_id=user.id,
    )


# -- one-time links ------------------------------------------------------------------------


def issue_token(db: Session, user: User, purpose: str, ttl: timedelta) -> str:
    raw = new_token()
    db.add(
        OneTimeToken(
            user_id=user.id or 0,
            purpose=purpose,
            token_hash=token_hash(raw),
            expires_at=utcnow() + ttl,
        )
    )
    return raw


def send_setup_link(
    db: Session,
    settings: Settings,
    user: User,
    *,
    base_url: str,
    ttl: timedelta,
    kind: str,
    subject: str,
    introduction: str,
) -> str:
    """Mail a one-time link to choose a first password (invited colleagues and staff, roster
    graduates claiming their account); returns the link."""
    raw = issue_token(db, user, "invite", ttl)
    link = f"{base_url.rstrip('/')}/account/setup/{raw}"
    mail.queue(
        db,
        settings,
        to_email=user.email,
        to_user_id=user.id,
        kind=kind,
        subject=subject,
        body=(
            f"Hello {user.name},\n\n{introduction}\n\n"
            f"Choose your password within {ttl.days} days with this link (it works once):\n\n"
            f"{link}\n\nIf you did not expect this, ignore this message.\n"
        ),
    )
    return link


def find_token(db: Session, raw: str, purpose: str) -> tuple[OneTimeToken, User] | None:
    """A usable token and its user: unused, unexpired, and older than no sign-in or change."""
    if not raw or len(raw) > 100:
        return None
    token = db.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash(raw), OneTimeToken.purpose == purpose
        )
    ).first()
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    user = db.get(User, token.user_id)
    if user is None or not user.active:
        return None
    if purpose == "reset" and _newer_than(
        token.created_at, user.last_login_at, user.password_changed_at
    ):
        return None
    return token, user


def _newer_than(created: datetime, *moments: datetime | None) -> bool:
    return any(moment is not None and moment > created for moment in moments)


def request_password_reset(db: Session, settings: Settings, *, email: str, base_url: str) -> None:
    """Mail a reset link when the account exists; the caller answers the same either way."""
    user = find_user_by_email(db, email)
    if user is None or not user.active:
        return
    raw = issue_token(db, user, "reset", timedelta(seconds=settings.reset_token_ttl_seconds))
    minutes = settings.reset_token_ttl_seconds // 60
    mail.queue(
        db,
        settings,
        to_email=user.email,
        to_user_id=user.id,
        kind="password_reset",
        subject="Reset your placement network password",
        body=(
            f"Hello {user.name},\n\nSomeone asked to reset the password of this account. "
            f"To choose a new password, open this link within {minutes} minutes:\n\n"
            f"{base_url}/password/reset/{raw}\n\n"
            "The link works once. If you did not ask for it, ignore this message: your "
            "password stays as it is.\n"
        ),
    )


def use_token_to_set_password(
    db: Session, passwords: Passwords, raw: str, purpose: str, new_password: str
) -> User | None:
    found = find_token(db, raw, purpose)
    if found is None:
        return None
    token, user = found
    token.used_at = utcnow()
    db.add(token)
    set_password(db, passwords, user, new_password)
    return user


def role_label(role: str) -> str:
    return {
        "graduate": "Graduate",
        "employer": "Employer",
        "staff": "Career services",
        "admin": "Administrator",
    }.get(role, role)
