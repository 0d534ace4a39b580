"""What the checks compare against: the signal itself, the minimum wages, the free mail domains,
the noise words of organisation names, and the wording that suggests a scam."""

from __future__ import annotations

import re
from dataclasses import dataclass

from placement.i18n import N_


@dataclass(frozen=True)
class Signal:
    code: str
    message: str
    severity: str = "warning"  # warning | info


# State minimum wages in USD per hour, as in force on 1 January 2025 (the general rate for
# most employers; some cities and counties set higher local minimums, e.g. Los Angeles city).
# States without their own minimum above the federal one fall back to FEDERAL_MINIMUM_WAGE.
# Review this table each January.
MINIMUM_WAGE_YEAR = 2025
FEDERAL_MINIMUM_WAGE = 7.25
STATE_MINIMUM_WAGES: dict[str, float] = {
    "AK": 11.91,
    "AZ": 14.70,
    "AR": 11.00,
    "CA": 16.50,
    "CO": 14.81,
    "CT": 16.35,
    "DC": 17.50,
    "DE": 15.00,
    "FL": 13.00,
    "HI": 14.00,
    "IL": 15.00,
    "ME": 14.65,
    "MD": 15.00,
    "MA": 15.00,
    "MI": 10.56,
    "MN": 11.13,
    "MO": 13.75,
    "MT": 10.55,
    "NE": 13.50,
    "NV": 12.00,
    "NJ": 15.49,
    "NM": 12.00,
    "NY": 15.50,
    "OH": 10.70,
    "OR": 14.70,
    "RI": 15.00,
    "SD": 11.50,
    "VT": 14.01,
    "VA": 12.41,
    "WA": 16.66,
    "WV": 8.75,
}

# Free mail providers: an organisation that signs up from one of these has no mail domain of
# its own to compare with its website.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "ymail.com",
        "zoho.com",
    }
)

# Words that say nothing about which organisation it is.
_NAME_NOISE = frozenset(
    {"the", "inc", "llc", "ltd", "corp", "corporation", "co", "company", "pc", "pllc", "lp"}
)

# The wording of job-board fraud and of illicit massage businesses posing as employers:
# fees charged to the applicant, pay without a wage, living on the premises, round-the-clock
# hours, and age or appearance wanted. Each pattern with the sentence a reviewer reads.
WORDING_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "fee",
        re.compile(
            r"\b(?:training|registration|application|placement|starter|kit|uniform|background"
            r"[- ]check)\s+fees?\b|\bfees?\s+(?:required|of\s+\$?\d+|to\s+start)\b|"
            r"\bpay\s+(?:a|the)\s+(?:small\s+)?fee\b|\bupfront\s+(?:fee|payment|cost)\b",
            re.I,
        ),
        N_("Asks the applicant to pay a fee: legitimate employers do not charge people to work."),
    ),
    (
        "commission_only",
        re.compile(r"\bcommission[- ]only\b|\bonly\s+commission\b|\bno\s+base\s+pay\b", re.I),
        N_("Pay by commission only, without an hourly wage."),
    ),
    (
        "contractor_1099",
        re.compile(r"\b1099\b", re.I),
        N_("Mentions 1099: an independent-contractor arrangement rather than employment."),
    ),
    (
        "housing",
        re.compile(
            r"\bhousing\s+(?:is\s+)?(?:provided|available|included)\b|"
            r"\b(?:live|sleep|stay)\s+(?:on[- ]site|on\s+(?:the\s+)?premises|at\s+work)\b|"
            r"\bfree\s+(?:room|housing|accommodation)\b|\broom\s+and\s+board\b",
            re.I,
        ),
        N_("Offers housing or living on the premises, a sign of labour trafficking."),
    ),
    (
        "cash_tips",
        re.compile(r"\bcash\s+(?:tips|only|daily|paid|pay)\b|\bpaid\s+(?:in\s+)?cash\b", re.I),
        N_("Pays in cash or cash tips."),
    ),
    (
        "round_the_clock",
        re.compile(
            r"\b24\s*(?:/|-|\s)?\s*7\b|\b24\s*-?\s*(?:hours?|hrs?|h)\b|\bopen\s+late\b", re.I
        ),
        N_("Round-the-clock or late-night hours (24 hours, 24hr, 24/7)."),
    ),
    (
        "illicit_massage",
        re.compile(
            r"\b(?:asian|oriental|exotic)\s+(?:spa|massage|bodywork|therapists?|girls?)\b|"
            r"\bbody\s*-?\s*rubs?\b|\bhappy\s+endings?\b|\bfull[- ]body\s+(?:to|2)\s+body\b|"
            r"\bnuru\b|\btable\s+shower\b",
            re.I,
        ),
        N_("Wording typical of illicit massage businesses (e.g. “Asian spa”, “body rub”)."),
    ),
    (
        "appearance",
        re.compile(
            r"\b(?:young|pretty|beautiful|sexy|slim|good[- ]looking|cute)\b|"
            r"\battractive\b(?!\s+(?:pay|salary|wages?|benefits|compensation|package|rates?))|"
            r"\b(?:females?|women|girls?|males?|men)\s+only\b|\bonly\s+(?:females?|women|girls)\b|"
            r"\b(?:photos?|pictures?|selfies?)\s+(?:required|needed|wanted|with)\b|"
            r"\bsend\s+(?:a\s+)?(?:photo|picture|selfie)s?\b|"
            r"\b(?:age|aged)\s+\d{2}\s*(?:-|to|–)\s*\d{2}\b|\b1[89]\s*(?:-|to|–)\s*[23]\d\b",
            re.I,
        ),
        N_("Asks for age, sex or appearance, which no clinical employer may select on."),
    ),
    (
        "no_experience",
        re.compile(
            r"\bno\s+(?:experience|licen[cs]e|certification)\s+(?:necessary|needed|"
            r"required)\b|\bwill\s+train\s+no\s+licen[cs]e\b",
            re.I,
        ),
        N_("Says no experience or licence is needed, unusual for clinical massage work."),
    ),
    (
        "quick_money",
        re.compile(
            r"\b(?:earn|make)\s+\$?\d[\d,]*\+?\s*(?:a|per|/)\s*(?:day|week)\b|"
            r"\bquick\s+(?:cash|money)\b",
            re.I,
        ),
        N_("Promises quick money per day or week rather than an hourly wage."),
    ),
)
