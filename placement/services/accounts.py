"""Accounts: registration, sign-in with its limits, passwords, one-time links."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from placement import i18n, links
from placement.config import Settings
from placement.i18n import N_, Labels, gettext, ngettext
from placement.models import (
    Employer,
    EmployerMember,
    Graduate,
    OneTimeToken,
    User,
    utcnow,
)
from placement.security import Passwords, new_token, token_hash
from placement.services import Actor, DomainError, api_tokens, audit, changes, limits, mail
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


# -- sign-in -------------------------------------------------------------------------------


def _attempt_keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()[:254]}", f"address:{address[:64]}"


def begin_login(db: Session, settings: Settings, email: str, address: str) -> list[int]:
    """Count this sign-in against the account's and the address's limits before any password
    is checked (so a burst cannot run more checks than the limit); commits. Raises
    RateLimited past the limit. The hits stay as failures unless `login_succeeded` runs."""
    limits.prune(db, 24 * 3600)
    account_key, address_key = _attempt_keys(email, address)
    window = settings.login_window_seconds
    return limits.hit(
        db,
        limits.Limit(account_key, settings.login_limit, window),
        limits.Limit(address_key, settings.login_limit, window),
    )


def login_succeeded(db: Session, user: User, email: str, hits: list[int]) -> None:
    """A correct password clears the account's failures and takes this attempt back."""
    limits.release(db, hits)
    limits.clear(db, _attempt_keys(email, "")[0])
    audit.record(
        db,
        "account.signed_in",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )


def login_failed(db: Session, email: str) -> None:
    """A failed sign-in is audited by the account's id when there is one (never the typed
    e-mail: it may be a password typed in the wrong field)."""
    user = find_user_by_email(db, email)
    audit.record(
        db,
        "account.sign_in_failed",
        actor=Actor(user_id=None, role=""),
        object_type="user" if user is not None else "",
        object_id=user.id if user is not None else None,
    )


def sign_out(db: Session, user: User) -> None:
    end_all_sessions(db, user)
    audit.record(
        db,
        "account.signed_out",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )


def authenticate(
    db: Session,
    passwords: Passwords,
    *,
    email: str,
    password: str,
) -> User | None:
    """The user for a correct e-mail and password, None otherwise (one answer for both).

    The caller counts the attempt first (`begin_login`)."""
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
    return user


def end_all_sessions(db: Session, user: User) -> None:
    """Every cookie issued before now stops working: the version it carries is stale."""
    user.session_version += 1
    db.add(user)


def change_password(
    db: Session, passwords: Passwords, user: User, *, current: str, new: str
) -> None:
    if not passwords.verify(user.password_hash, current):
        raise DomainError(gettext("That is not your current password."), "current_password")
    set_password(db, passwords, user, new)


def set_password(db: Session, passwords: Passwords, user: User, new: str) -> None:
    """A new password: every session ends, every API token and one-time link of the user dies."""
    now = utcnow()
    user.password_hash = passwords.hash(new)
    user.password_changed_at = now
    end_all_sessions(db, user)
    api_tokens.revoke_all(db, user.id or 0)
    db.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.user_id) == user.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=now)
    )
    audit.record(
        db,
        "account.password_changed",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
    )


# -- one-time links ------------------------------------------------------------------------


def issue_token(db: Session, user: User, purpose: str, ttl: timedelta) -> str:
    """A new link for `purpose`; every earlier unused link of the user for it dies."""
    now = utcnow()
    db.exec(
        update(OneTimeToken)
        .where(
            col(OneTimeToken.user_id) == user.id,
            col(OneTimeToken.purpose) == purpose,
            col(OneTimeToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    raw = new_token()
    db.add(
        OneTimeToken(
            user_id=user.id or 0,
            purpose=purpose,
            token_hash=token_hash(raw),
            sent_to=user.email,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return raw


Wording = str | Callable[[], str]


def send_setup_link(
    db: Session,
    settings: Settings,
    user: User,
    *,
    ttl: timedelta,
    kind: str,
    subject: Wording,
    introduction: Wording,
) -> str:
    """Mail a one-time link to choose a first password (invited colleagues and staff, roster
    graduates claiming their account); returns the link. Earlier links of the user die.

    The mail is worded in the account's language: pass `subject` and `introduction` as
    functions that word them (`lambda: gettext("…", name=…)`), called in that language."""
    raw = issue_token(db, user, "invite", ttl)
    link = links.url(settings, "account_setup", token=raw)
    with i18n.using(user.language):
        mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            kind=kind,
            subject=subject() if callable(subject) else subject,
            body=gettext(
                "Hello %(name)s,\n\n%(introduction)s\n\n"
                "Choose your password within %(days)s days with this link (it works once):\n\n"
                "%(link)s\n\nIf you did not expect this, ignore this message.\n",
                name=user.name,
                introduction=introduction() if callable(introduction) else introduction,
                days=ttl.days,
                link=link,
            ),
        )
    return link


# -- e-mail confirmation ---------------------------------------------------------------------

CONFIRM_TTL = timedelta(days=7)
CONFIRM_MAIL_LIMIT = 3
CONFIRM_MAIL_WINDOW_SECONDS = 3600


def resend_confirmation(db: Session, settings: Settings, user: User) -> bool:
    """Another confirmation link, at most CONFIRM_MAIL_LIMIT an hour per account (raises
    RateLimited beyond; commits the hit first, see limits.hit). False when the address is
    confirmed already (nothing sent)."""
    if user.email_confirmed_at is not None:
        return False
    limits.hit(
        db,
        limits.Limit(f"confirm:{user.id}", CONFIRM_MAIL_LIMIT, CONFIRM_MAIL_WINDOW_SECONDS),
    )
    send_confirmation(db, settings, user)
    return True


def send_confirmation(db: Session, settings: Settings, user: User) -> None:
    """Mail a single-use link (`GET /account/confirm/{token}`, CONFIRM_TTL) that proves the
    account's owner reads its address; an earlier link of the account dies."""
    if user.email_confirmed_at is not None:
        return
    raw = issue_token(db, user, "confirm", CONFIRM_TTL)
    with i18n.using(user.language):
        mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            kind="account.confirm",
            subject=gettext("Confirm your e-mail address for the placement network"),
            body=gettext(
                "Hello %(name)s,\n\nPlease confirm that this address belongs to you: career "
                "services checks it before approving your organisation. Open this link within "
                "%(days)s days (it works once):\n\n%(link)s\n\n"
                "If you did not register on the career services placement network, ignore this "
                "message.\n",
                name=user.name or user.email,
                days=CONFIRM_TTL.days,
                link=links.url(settings, "confirm_email", token=raw),
            ),
        )


def confirm_email(db: Session, raw: str) -> User | None:
    """Use a confirmation link: the account's address is confirmed and the link dies. None for
    a link that is unknown, used, expired, replaced or sent to an address the account no
    longer has (the caller answers all of them alike)."""
    found = find_token(db, raw, "confirm")
    if found is None:
        return None
    token, user = found
    now = utcnow()
    used = db.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == token.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        db.add(user)
        audit.record(
            db,
            "account.email_confirmed",
            actor=Actor(user_id=user.id, role=user.role),
            object_type="user",
            object_id=user.id,
            detail=user.email,
        )
    return user


def find_token(db: Session, raw: str, purpose: str) -> tuple[OneTimeToken, User] | None:
    """A usable link and its user: unused, unexpired, not replaced by a newer link, sent to
    the account's present e-mail and older than its last password change (and, for a reset,
    its last sign-in); an invitation also dies once the account has a password."""
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
    if token.sent_to is not None and token.sent_to != user.email:
        return None
    # A password change ends set-up and reset links; confirming an address is not about it.
    if purpose != "confirm" and _newer_than(token.created_at, user.password_changed_at):
        return None
    if purpose == "reset" and _newer_than(token.created_at, user.last_login_at):
        return None
    if purpose == "invite" and user.password_hash is not None:
        return None
    return token, user


def _newer_than(created: datetime, *moments: datetime | None) -> bool:
    return any(moment is not None and moment > created for moment in moments)


RESET_MAIL_LIMIT = 3
RESET_MAIL_WINDOW_SECONDS = 3600


def request_password_reset(db: Session, settings: Settings, *, email: str) -> None:
    """Mail a reset link when the account exists, at most RESET_MAIL_LIMIT an hour per
    account; the caller answers the same in every case."""
    user = find_user_by_email(db, email)
    if user is None or not user.active:
        return
    try:
        limits.hit(
            db, limits.Limit(f"reset:{user.id}", RESET_MAIL_LIMIT, RESET_MAIL_WINDOW_SECONDS)
        )
    except RateLimited:
        return
    raw = issue_token(db, user, "reset", timedelta(seconds=settings.reset_token_ttl_seconds))
    minutes = settings.reset_token_ttl_seconds // 60
    with i18n.using(user.language):
        mail.queue(
            db,
            settings,
            to_email=user.email,
            to_user_id=user.id,
            kind="password_reset",
            subject=gettext("Reset your placement network password"),
            body=ngettext(
                "Hello %(name)s,\n\nSomeone asked to reset the password of this account. "
                "To choose a new password, open this link within %(num)s minute:\n\n"
                "%(link)s\n\n"
                "The link works once. If you did not ask for it, ignore this message: your "
                "password stays as it is.\n",
                "Hello %(name)s,\n\nSomeone asked to reset the password of this account. "
                "To choose a new password, open this link within %(num)s minutes:\n\n"
                "%(link)s\n\n"
                "The link works once. If you did not ask for it, ignore this message: your "
                "password stays as it is.\n",
                minutes,
                name=user.name,
                link=links.url(settings, "reset_password", token=raw),
            ),
        )


def use_token_to_set_password(
    db: Session, passwords: Passwords, raw: str, purpose: str, new_password: str
) -> User | None:
    found = find_token(db, raw, purpose)
    if found is None:
        return None
    token, user = found
    # A conditional update: two submits of one link at once set one password.
    used = db.exec(
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == token.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        return None
    set_password(db, passwords, user, new_password)
    if user.email_confirmed_at is None and token.sent_to == user.email:
        # The link reached this mailbox: the address is confirmed as well.
        user.email_confirmed_at = utcnow()
        db.add(user)
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
