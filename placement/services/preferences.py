"""A person's notification preferences (/account/notifications): mail language and frequency."""

from __future__ import annotations

from sqlmodel import Session

from placement import i18n
from placement.config import Settings
from placement.i18n import N_, Labels, gettext
from placement.models import EmailFrequency, Language, User, utcnow
from placement.services import Actor, DomainError, audit, digests

# Each language named in itself (as the footer's switch does), so either reader finds theirs.
LANGUAGES = {Language.EN: i18n.LANGUAGE_NAMES["en"], Language.ES: i18n.LANGUAGE_NAMES["es"]}
FREQUENCIES = Labels(
    {
        EmailFrequency.IMMEDIATE: N_("Immediately, one mail each"),
        EmailFrequency.DAILY: N_("A daily digest"),
        EmailFrequency.WEEKLY: N_("A weekly digest (Mondays)"),
        EmailFrequency.OFF: N_("Off: only security and time-critical mail"),
    }
)


def update_notifications(
    db: Session,
    settings: Settings,
    user: User,
    *,
    language: str,
    email_frequency: str,
) -> User:
    """Save the preferences; what was held for a digest follows the new frequency."""
    if language not in set(Language):
        raise DomainError(gettext("Choose English or Spanish."), "language")
    if email_frequency not in set(EmailFrequency):
        raise DomainError(gettext("Choose one of the frequencies offered."), "email_frequency")
    before = {"language": user.language, "email_frequency": user.email_frequency}
    after = {"language": language, "email_frequency": email_frequency}
    if before == after:
        return user
    user.language = language
    user.email_frequency = email_frequency
    db.add(user)
    db.flush()
    if before["email_frequency"] != email_frequency:
        digests.release_held(db, settings, user, utcnow())
    audit.record(
        db,
        "account.notifications_changed",
        actor=Actor(user_id=user.id, role=user.role),
        object_type="user",
        object_id=user.id,
        before=before,
        after=after,
    )
    return user
