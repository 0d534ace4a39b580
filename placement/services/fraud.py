"""Review signals: what a reviewer should look at before approving an organisation or a position.

The checks are pure functions of plain values (names, e-mails, pay, text) so they are easy to
test; `employer_signals` and `position_signals` load what they need for a whole page of rows
in a fixed number of queries and hand back one list of signals per row. A signal is a hint for
a person, never a decision: staff still approve or reject.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from placement import formats, geo
from placement.i18n import N_, gettext
from placement.models import Employer, EmployerMember, EmployerStatus, Position, User
from placement.npi import npi_is_valid
from placement.taxonomy import EMPLOYER_STATUS_LABELS


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


# -- pure checks ----------------------------------------------------------------------------


def website_domain(website: str | None) -> str | None:
    """The host of a website without `www.`, lower case; None when there is none."""
    if not website:
        return None
    text = website.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def _same_site(domain: str, site: str) -> bool:
    return domain == site or domain.endswith("." + site) or site.endswith("." + domain)


def email_domain_signals(emails: Iterable[str], website: str | None) -> list[Signal]:
    """Do the organisation's users write from the domain of its website?"""
    site = website_domain(website)
    domains = sorted({email_domain(email) for email in emails if "@" in email})
    signals: list[Signal] = []
    free = [domain for domain in domains if domain in FREE_MAIL_DOMAINS]
    if free:
        signals.append(
            Signal(
                "free_mail",
                gettext(
                    "Its users write from a free mail provider (%(domains)s), not from a "
                    "domain of the organisation.",
                    domains=", ".join(free),
                ),
            )
        )
    if site is None:
        signals.append(
            Signal("no_website", gettext("No website given to compare the e-mail domain with."))
        )
        return signals
    foreign = [d for d in domains if d not in FREE_MAIL_DOMAINS and not _same_site(d, site)]
    if foreign:
        signals.append(
            Signal(
                "email_domain_mismatch",
                gettext(
                    "E-mail domain %(domains)s does not match the website %(site)s.",
                    domains=", ".join(foreign),
                    site=site,
                ),
            )
        )
    elif domains and not free:
        signals.append(
            Signal(
                "email_domain_match",
                gettext("E-mail domain matches the website %(site)s.", site=site),
                severity="info",
            )
        )
    return signals


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation removed, legal suffixes and `the` dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    tokens = re.findall(r"[a-z0-9]+", text)
    return " ".join(token for token in tokens if token not in _NAME_NOISE)


SIMILAR_NAME_RATIO = 0.85


def _similar_normalised(left: str, right: str, matcher: SequenceMatcher | None = None) -> bool:
    if not left or not right:
        return False
    if sorted(left.split()) == sorted(right.split()):
        return True
    # The ratio is at most 2·min/(len+len): skip pairs whose lengths alone rule them out.
    if 2 * min(len(left), len(right)) / (len(left) + len(right)) < SIMILAR_NAME_RATIO:
        return False
    if matcher is None:
        matcher = SequenceMatcher(None, right, left)
    else:
        matcher.set_seq1(right)
    return matcher.quick_ratio() >= SIMILAR_NAME_RATIO and matcher.ratio() >= SIMILAR_NAME_RATIO


def names_similar(a: str, b: str) -> bool:
    """Same normalised words in any order, or a difflib ratio of at least 0.85."""
    return _similar_normalised(normalise_name(a), normalise_name(b))


@dataclass(frozen=True)
class KnownName:
    """An organisation already known, with its name normalised once for many comparisons."""

    id: int
    name: str
    status: str
    normal: str


def known_names(rows: Iterable[tuple[int, str, str]]) -> list[KnownName]:
    return [KnownName(id, name, status, normalise_name(name)) for id, name, status in rows]


def similar_name_signals(
    name: str,
    known: Iterable[tuple[int, str, str]] | Sequence[KnownName],
    *,
    own_id: int | None = None,
) -> list[Signal]:
    """Organisations already known (id, name, status) whose name is close to `name`."""
    others = [row if isinstance(row, KnownName) else KnownName(*row, "") for row in known]
    normal = normalise_name(name)
    matcher = SequenceMatcher(None)
    matcher.set_seq2(normal)  # difflib caches what it learns about the second sequence
    matches = [
        other
        for other in others
        if other.id != own_id
        and _similar_normalised(normal, other.normal or normalise_name(other.name), matcher)
    ]
    return [
        Signal(
            "similar_name",
            gettext(
                "A similar organisation is already known: %(name)s (#%(number)s, %(status)s).",
                name=other.name,
                number=other.id,
                status=EMPLOYER_STATUS_LABELS.get(other.status, other.status).lower(),
            ),
        )
        for other in matches[:3]
    ]


def minimum_wage(state: str | None) -> float:
    if not state:
        return FEDERAL_MINIMUM_WAGE
    return STATE_MINIMUM_WAGES.get(state.upper(), FEDERAL_MINIMUM_WAGE)


def pay_signals(pay_min: float | None, pay_max: float | None, state: str | None) -> list[Signal]:
    """Pay below the minimum wage of the position's state (the table of MINIMUM_WAGE_YEAR)."""
    if pay_min is None and pay_max is None:
        return [Signal("no_pay", gettext("No hourly pay given."), severity="info")]
    floor = minimum_wage(state)
    lowest = pay_min if pay_min is not None else pay_max
    assert lowest is not None
    if lowest < floor:
        where = state or gettext("an unknown state (federal minimum used)")
        return [
            Signal(
                "below_minimum_wage",
                gettext(
                    "Pay from %(pay)s/h is below the %(year)s minimum wage of %(floor)s/h in "
                    "%(where)s.",
                    pay=formats.money(lowest),
                    year=MINIMUM_WAGE_YEAR,
                    floor=formats.money(floor),
                    where=where,
                ),
            )
        ]
    return []


def npi_signals(npi: str | None, kind: str) -> list[Signal]:
    if npi:
        if not npi_is_valid(npi):
            return [
                Signal(
                    "npi_invalid",
                    gettext("NPI %(npi)s fails its check digit: it is not real.", npi=npi),
                )
            ]
        return []
    if kind == "hospital":
        return [
            Signal("npi_missing", gettext("A hospital without an NPI: every US hospital has one."))
        ]
    return []


# The same wording run together in a web address (`asianspa24hr.com`, `cash-daily.biz`):
# fragments that have no innocent reading inside a host name. Each with its wording code.
_HOST_FRAGMENTS: tuple[tuple[str, str], ...] = (
    ("24hr", "round_the_clock"),
    ("24hour", "round_the_clock"),
    ("247spa", "round_the_clock"),
    ("spa247", "round_the_clock"),
    ("asianspa", "illicit_massage"),
    ("asianmassage", "illicit_massage"),
    ("orientalspa", "illicit_massage"),
    ("orientalmassage", "illicit_massage"),
    ("bodyrub", "illicit_massage"),
    ("happyending", "illicit_massage"),
    ("cashdaily", "cash_tips"),
    ("dailycash", "cash_tips"),
    ("youngmassage", "appearance"),
    ("younggirls", "appearance"),
)
_SENTENCES = {code: sentence for code, _pattern, sentence in WORDING_PATTERNS}


def website_wording_signals(website: str | None) -> list[Signal]:
    """The wording of WORDING_PATTERNS in a website's host and path: its words (split at
    dots, dashes and slashes) and the same words run together (`asianspa24hr.com`)."""
    if not website:
        return []
    text = website.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.sub(r"^www\.", "", text)
    spaced = re.sub(r"[^a-z0-9/]+", " ", text).replace("/", " ")
    signals = {signal.code: signal for signal in wording_signals(spaced)}
    joined = re.sub(r"[^a-z0-9]+", "", text)
    for fragment, code in _HOST_FRAGMENTS:
        key = f"wording_{code}"
        if fragment in joined and key not in signals:
            signals[key] = Signal(
                key,
                gettext(
                    "“%(fragment)s” in the website: %(sentence)s",
                    fragment=fragment,
                    sentence=gettext(_SENTENCES[code]),
                ),
            )
    return list(signals.values())


def npi_in_use_signals(
    npi: str | None, others: Iterable[tuple[int, str, str, str | None]], *, own_id: int | None
) -> list[Signal]:
    """Other organisations (id, name, status, npi) that already give this NPI: one NPI names
    one provider, so a second organisation with it is borrowing someone else's identity."""
    if not npi:
        return []
    return [
        Signal(
            "npi_in_use",
            gettext(
                "NPI %(npi)s is already used by another organisation: %(name)s (#%(number)s, "
                "%(status)s).",
                npi=npi,
                name=name,
                number=other_id,
                status=EMPLOYER_STATUS_LABELS.get(status, status).lower(),
            ),
        )
        for other_id, name, status, other_npi in others
        if other_npi == npi and other_id != own_id
    ][:3]


def confirmation_signals(email: str | None, confirmed: bool) -> list[Signal]:
    """Did the member who registered the organisation confirm the address (the link mailed at
    registration)? Without it, the e-mail domain proves nothing: anyone can type any address."""
    if email is None:
        return []
    if confirmed:
        return [
            Signal(
                "email_confirmed",
                gettext(
                    "The registering member confirmed %(email)s by the link mailed to it.",
                    email=email,
                ),
                severity="info",
            )
        ]
    return [
        Signal(
            "email_unconfirmed",
            gettext(
                "The registering member has not confirmed %(email)s: the e-mail domain means "
                "little until the address is confirmed.",
                email=email,
            ),
        )
    ]


def wording_signals(*texts: str | None) -> list[Signal]:
    """The fraud and trafficking wording found in a title or description, one per kind."""
    joined = "\n".join(text for text in texts if text)
    signals = []
    for code, pattern, sentence in WORDING_PATTERNS:
        found = pattern.search(joined)
        if found:
            message = gettext(
                "“%(found)s”: %(sentence)s",
                found=found.group(0).strip(),
                sentence=gettext(sentence),
            )
            signals.append(Signal(f"wording_{code}", message))
    return signals


# -- for a page of rows ---------------------------------------------------------------------


def employer_signals(db: Session, employers: Sequence[Employer]) -> dict[int, list[Signal]]:
    """Signals per organisation, for a page of them, in three queries.

    `employers` may also be unsaved copies carrying proposed values (a held change of name,
    website or NPI, see `held_change_signals`): every signal is computed from the values of
    the objects given, the members and other organisations from the database."""
    ids = [employer.id for employer in employers if employer.id is not None]
    if not ids:
        return {}
    emails: dict[int, list[str]] = {employer_id: [] for employer_id in ids}
    # The member who registered the organisation: its first owner.
    registering: dict[int, tuple[str, bool]] = {}
    for employer_id, email, is_owner, confirmed_at in db.exec(
        select(
            EmployerMember.employer_id, User.email, EmployerMember.is_owner, User.email_confirmed_at
        )
        .join(User, col(User.id) == EmployerMember.user_id)
        .where(col(EmployerMember.employer_id).in_(ids))
        .order_by(col(EmployerMember.id))
    ).all():
        emails[employer_id].append(email)
        if is_owner and employer_id not in registering:
            registering[employer_id] = (email, confirmed_at is not None)
    known = known_names(
        (int(row[0] or 0), row[1], row[2])
        for row in db.exec(select(Employer.id, Employer.name, Employer.status)).all()
    )
    npis = sorted({employer.npi for employer in employers if employer.npi})
    same_npi = (
        [
            (int(row[0] or 0), row[1], row[2], row[3])
            for row in db.exec(
                select(Employer.id, Employer.name, Employer.status, Employer.npi).where(
                    col(Employer.npi).in_(npis)
                )
            ).all()
        ]
        if npis
        else []
    )
    result: dict[int, list[Signal]] = {}
    for employer in employers:
        if employer.id is None:
            continue
        registered_by, confirmed = registering.get(employer.id, ("", False))
        result[employer.id] = [
            *similar_name_signals(employer.name, known, own_id=employer.id),
            *email_domain_signals(emails[employer.id], employer.website),
            *confirmation_signals(registered_by or None, confirmed),
            *npi_signals(employer.npi, employer.kind),
            *npi_in_use_signals(employer.npi, same_npi, own_id=employer.id),
            *wording_signals(employer.name),
            *website_wording_signals(employer.website),
        ]
    return result


def position_signals(
    db: Session, rows: Sequence[tuple[Position, Employer]]
) -> dict[int, list[Signal]]:
    """Signals per position: pay against its state's minimum wage, wording, its employer."""
    organisations = {employer.id: employer for _position, employer in rows}
    by_employer = employer_signals(db, list(organisations.values()))
    result: dict[int, list[Signal]] = {}
    for position, employer in rows:
        if position.id is None:
            continue
        state = geo.state_of(position.zip)
        signals = [
            *pay_signals(position.pay_min, position.pay_max, state),
            *wording_signals(position.title, position.description),
        ]
        if employer.status != EmployerStatus.APPROVED:
            signals.append(
                Signal(
                    "employer_not_approved",
                    gettext(
                        "The organisation's status is %(status)s: approve it before this position.",
                        status=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status).lower(),
                    ),
                )
            )
        signals.extend(
            signal
            for signal in by_employer.get(employer.id or 0, [])
            if signal.severity == "warning"
        )
        result[position.id] = signals
    return result
