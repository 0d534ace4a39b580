"""The checks: pure functions of plain values (names, e-mails, pay, text), each answering a list
of signals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from placement import formats
from placement.i18n import gettext
from placement.npi import npi_is_valid
from placement.services.fraud.tables import (
    _NAME_NOISE,
    FEDERAL_MINIMUM_WAGE,
    FREE_MAIL_DOMAINS,
    MINIMUM_WAGE_YEAR,
    STATE_MINIMUM_WAGES,
    WORDING_PATTERNS,
    Signal,
)
from placement.taxonomy import EMPLOYER_STATUS_LABELS


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
