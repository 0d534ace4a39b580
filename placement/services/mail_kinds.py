"""Every kind of mail the app sends, and its class (CONTRACT.md, "mail").

The class decides when a message is due, whatever the recipient's `email_frequency`:
- `security` (password reset, set-up links, e-mail confirmation, sign-in or password
  changes): always at once;
- `time_critical` (interviews proposed, confirmed, changed, cancelled and the day-before
  reminder; an offer made and its last day; the 7-day credential reminder): at once for every
  frequency, `off` included;
- `digest` (the rest: messages, stage changes, invitations to apply, referrals, saved-search
  matches, the 60- and 30-day credential reminders): at once with `immediate`, in the digest
  with `daily` or `weekly`, never with `off`.

A new mail adds its kind here (one row); `mail.queue` refuses a kind it does not know.
"""

from __future__ import annotations

from enum import StrEnum


class MailClass(StrEnum):
    SECURITY = "security"
    TIME_CRITICAL = "time_critical"
    DIGEST = "digest"


SECURITY = MailClass.SECURITY
TIME_CRITICAL = MailClass.TIME_CRITICAL
DIGEST = MailClass.DIGEST

KINDS: dict[str, MailClass] = {
    # Accounts: links that let a person in, and news about their sign-in.
    "password_reset": SECURITY,
    "invite": SECURITY,  # a colleague's set-up link
    "staff_invite": SECURITY,
    "roster_invite": SECURITY,
    "invite_existing": SECURITY,  # someone tried to add an existing account to a team
    "account.confirm": SECURITY,  # the e-mail confirmation link
    "account.password_changed": SECURITY,
    "account.email_changed": SECURITY,
    # An organisation's review decides whether its people can act at all: never held back.
    "employer_approved": SECURITY,
    "employer_rejected": SECURITY,
    "employer_suspended": SECURITY,
    # One-time links to document an outcome (services/outcome_links/): like a set-up link,
    # useless if held for a digest, and the person asked may have no account at all.
    "placement.verification_request": SECURITY,
    "graduate.survey": SECURITY,
    "employer_change_approved": SECURITY,  # a held change of name, website or NPI
    "employer_change_rejected": SECURITY,
    # Interviews and offers.
    "interview.proposed": TIME_CRITICAL,
    "interview.confirmed": TIME_CRITICAL,
    "interview.changed": TIME_CRITICAL,
    "interview.cancelled": TIME_CRITICAL,
    "interview.reminder": TIME_CRITICAL,
    "offer.made": TIME_CRITICAL,
    "offer.last_day": TIME_CRITICAL,
    "credential.reminder_7": TIME_CRITICAL,
    # The rest.
    "message.new": DIGEST,
    "application_stage": DIGEST,
    "new_application": DIGEST,
    "application_withdrawn": DIGEST,
    "position_approved": DIGEST,
    "position_rejected": DIGEST,
    "referral": DIGEST,
    "referral_declined": DIGEST,
    "invitation_to_apply": DIGEST,
    "saved_search.match": DIGEST,
    "talent_pool.opening": DIGEST,
    "credential.reminder_60": DIGEST,
    "credential.reminder_30": DIGEST,
    "offer.answered": DIGEST,
    # The graduate's answer to an in-app offer, for the employer's team (services/offers/).
    "offer.accepted": DIGEST,
    "offer.declined": DIGEST,
}


class UnknownMailKind(ValueError):
    pass


def mail_class(kind: str) -> MailClass:
    """The class of a kind; an unknown kind is a programming error (add it to KINDS)."""
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownMailKind(
            f"mail kind {kind!r} is not in placement/services/mail_kinds.py KINDS"
        ) from None
