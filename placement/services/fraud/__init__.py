"""Review signals: what a reviewer should look at before approving an organisation or a position.

The checks are pure functions of plain values (names, e-mails, pay, text) so they are easy to
test; `employer_signals` and `position_signals` load what they need for a whole page of rows
in a fixed number of queries and hand back one list of signals per row. A signal is a hint for
a person, never a decision: staff still approve or reject.

By concern: `tables` (the signal and what the checks compare against), `checks` (the pure
checks), `pages` (signals for a page of rows). Callers import from `placement.services.fraud`;
the names below are its interface.
"""

from placement.services.fraud.checks import (
    SIMILAR_NAME_RATIO,
    KnownName,
    confirmation_signals,
    email_domain,
    email_domain_signals,
    known_names,
    minimum_wage,
    names_similar,
    normalise_name,
    npi_in_use_signals,
    npi_signals,
    pay_signals,
    similar_name_signals,
    website_domain,
    website_wording_signals,
    wording_signals,
)
from placement.services.fraud.pages import (
    employer_signals,
    position_signals,
)
from placement.services.fraud.tables import (
    FEDERAL_MINIMUM_WAGE,
    FREE_MAIL_DOMAINS,
    MINIMUM_WAGE_YEAR,
    STATE_MINIMUM_WAGES,
    WORDING_PATTERNS,
    Signal,
)

__all__ = [
    "FEDERAL_MINIMUM_WAGE",
    "FREE_MAIL_DOMAINS",
    "MINIMUM_WAGE_YEAR",
    "SIMILAR_NAME_RATIO",
    "STATE_MINIMUM_WAGES",
    "WORDING_PATTERNS",
    "KnownName",
    "Signal",
    "confirmation_signals",
    "email_domain",
    "email_domain_signals",
    "employer_signals",
    "known_names",
    "minimum_wage",
    "names_similar",
    "normalise_name",
    "npi_in_use_signals",
    "npi_signals",
    "pay_signals",
    "position_signals",
    "similar_name_signals",
    "website_domain",
    "website_wording_signals",
    "wording_signals",
]
