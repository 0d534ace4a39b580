"""One-time links that document outcomes without anyone signing in.

- **Verification** (`request_verification`): staff ask the employer's contact to confirm a
  placement. The contact is the e-mail staff typed or, when the placement names a position,
  every active member of its organisation (each gets their own link; the links of one request
  die together once one is answered). `yes` verifies the placement with `employer_confirmed`;
  asked 90 days or more after the start it also records a re-verification (sustained
  employment); `no` flags the placement for staff (`disputed_at`).
- **Survey** (`request_survey`, `request_cohort_survey`): a roster graduate tells their own
  outcome. `employed` records a placement verified by `graduate_attested`; the other answers
  set the outcome (`continuing_education` and `military` as unavailable for that reason,
  `seeking`, and `not_seeking`, which keeps the outcome known but not placed).

A link is stored hashed, works once (claimed by a conditional update, so two answers at once
give one result), expires after 30 days and dies when a newer one is issued for the same
placement (verification) or graduate (survey). A wrong, used, replaced or expired link is
one and the same answer to the visitor: `find_link` returns None.

By concern: `common` (the link: limits, issue, find, claim), `verification` (by the
employer), `survey` (the graduate's), `for_staff` (what staff see). Callers import from
`placement.services.outcome_links`; the names below are its interface. The link limit is
read where it is checked (`common.LINK_LIMIT`).
"""

from placement.services.outcome_links.common import (
    CONTACT_ROLE,
    EMAIL_PATTERN,
    LINK_TTL,
    MAX_RECIPIENTS,
    SURVEY_KIND,
    SURVEY_STATUSES,
    SUSTAINED_AFTER_DAYS,
    VERIFICATION_KIND,
    RateLimited,
    check_link_limit,
    find_link,
)
from placement.services.outcome_links.for_staff import (
    SurveyRow,
    links_of_placement,
    survey_rows,
)
from placement.services.outcome_links.survey import (
    SurveyAnswer,
    answer_survey,
    forget,
    request_cohort_survey,
    request_survey,
)
from placement.services.outcome_links.verification import (
    LinkContext,
    VerificationAnswer,
    answer_verification,
    contacts_for,
    is_sustained,
    link_context,
    request_verification,
)

__all__ = [
    "CONTACT_ROLE",
    "EMAIL_PATTERN",
    "LINK_TTL",
    "MAX_RECIPIENTS",
    "SURVEY_KIND",
    "SURVEY_STATUSES",
    "SUSTAINED_AFTER_DAYS",
    "VERIFICATION_KIND",
    "LinkContext",
    "RateLimited",
    "SurveyAnswer",
    "SurveyRow",
    "VerificationAnswer",
    "answer_survey",
    "answer_verification",
    "check_link_limit",
    "contacts_for",
    "find_link",
    "forget",
    "is_sustained",
    "link_context",
    "links_of_placement",
    "request_cohort_survey",
    "request_survey",
    "request_verification",
    "survey_rows",
]
