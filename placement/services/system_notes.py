"""The notes the application itself writes into a history (an application's moves, an
outcome's record): stored in English, the catalogue's message ids, and shown in the reader's
language. A note a person wrote is shown as written."""

from __future__ import annotations

from placement.i18n import N_, raw_gettext

OFFER_MADE = N_("An offer was made in the app.")
OFFER_ACCEPTED = N_("The graduate accepted the offer.")
OFFER_DECLINED = N_("The graduate declined the offer.")
REFERRAL_ACCEPTED = N_("Referred by career services; the graduate accepted the referral.")
ACCOUNT_DELETED = N_("The graduate deleted their account.")
WITHDRAWN = N_("Withdrawn by the graduate.")
INTERVIEW_CONFIRMED = N_("The graduate confirmed an interview time.")
POSITION_FILLED = N_("All openings of this position have been filled.")
SURVEY_ATTESTED = N_("Attested by the graduate in the outcome survey.")
FROM_SURVEY = N_("From the graduate's outcome survey.")

_ALL = frozenset(
    {
        OFFER_MADE,
        OFFER_ACCEPTED,
        OFFER_DECLINED,
        REFERRAL_ACCEPTED,
        ACCOUNT_DELETED,
        WITHDRAWN,
        INTERVIEW_CONFIRMED,
        POSITION_FILLED,
        SURVEY_ATTESTED,
        FROM_SURVEY,
    }
)


def shown(note: str | None) -> str:
    """A stored note as its reader reads it."""
    if not note:
        return ""
    return raw_gettext(note) if note in _ALL else note
