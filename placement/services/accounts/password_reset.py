"""Resetting a forgotten password: the request (with its limit) and the link's use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from placement import i18n, links
from placement.config import Settings
from placement.i18n import gettext, ngettext
from placement.models import (
    OneTimeToken,
    User,
    utcnow,
)
from placement.security import Passwords
from placement.services import limits, mail
from placement.services.accounts.one_time import find_token, issue_token
from placement.services.accounts.registration import find_user_by_email
from placement.services.accounts.sign_in import set_password
from placement.services.limits import RateLimited as RateLimited

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
