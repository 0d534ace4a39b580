"""Offers made in the app: terms, the graduate's answer, and the lapse after `respond_by`.

One offer waits per application at most (`Offer.pending_for` is unique while it waits).
Making one moves the application to `offer`. Accepting moves it to `hired`, takes an opening
under a lock on the position row (two acceptances cannot both take the last one), fills the
position when the openings are all taken, and records the placement with the offer's terms,
unverified, through the placement service. Declining moves it to `withdrawn`; an offer past
its respond-by date lapses and the application returns to `interview` (the worker).
While an in-app offer waits, the employer's stage route refuses `hired`.

By concern: `terms` (the terms, labels and loaders), `answers` (make, accept, decline,
withdraw), `deadlines` (the worker's last day and lapse). Callers import from
`placement.services.offers`; the names below are its interface.
"""

from placement.services.offers.answers import (
    accept,
    decline,
    make_offer,
    withdraw_waiting,
)
from placement.services.offers.deadlines import (
    lapse_offers,
    send_last_day,
)
from placement.services.offers.terms import (
    ALREADY,
    MAX_NOTE,
    OFFERABLE_STAGES,
    STATUS_LABELS,
    Terms,
    describe,
    latest_offer,
    pending_offer,
)

__all__ = [
    "ALREADY",
    "MAX_NOTE",
    "OFFERABLE_STAGES",
    "STATUS_LABELS",
    "Terms",
    "accept",
    "decline",
    "describe",
    "lapse_offers",
    "latest_offer",
    "make_offer",
    "pending_offer",
    "send_last_day",
    "withdraw_waiting",
]
