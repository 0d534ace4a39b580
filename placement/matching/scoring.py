"""The reference scorer: one graduate, one position, a score with its reasons.

This is the definition of a match. `MatchIndex` computes the same numbers for a whole
population with arrays and must agree with it exactly, so the arithmetic here is kept to
operations that numpy rounds identically (`+ - * /`, sqrt, comparisons, rounding to tenths
by half-even `round`), in the order the index repeats them.

Decisions the rules leave open, made here:
- A credential must be valid *beyond* the check date: one that expires on the start date
  counts as expired. The check date is the start date, or today when there is no start date
  or the start date has already passed (an expired credential is never valid).
- A graduate who lists no employment type accepts every type; one who lists no availability
  overlaps no shift, unless the position's shifts are empty (flexible hours).
- No travel radius means no distance limit, but both ZIPs must be known US ZIPs.
- An unverified credential counts, except for a required credential the position marks
  "verified only" (`verified_credentials`): there only a verified holding counts, and one
  held but unverified is explained as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import Final

from placement import dates, geo, taxonomy
from placement.formats import money
from placement.i18n import N_, gettext
from placement.localtime import format_date
from placement.matching.records import (
    Check,
    CredentialRecord,
    GraduateRecord,
    MatchResult,
    PositionRecord,
    Reason,
)

# The soft factors and their maximum points; they add up to 100. Order is the order of the
# reasons. No protected attribute has, or may get, a weight.
WEIGHTS: Final[dict[str, int]] = {
    # employer side: what the graduate brings
    "preferred_modalities": 15,
    "proficiency": 15,
    "preferred_credentials": 15,
    "clinical_hours": 10,
    # graduate side: what the position offers
    "schedule": 10,
    "distance": 15,
    "setting": 10,
    "pay": 10,
}
EMPLOYER_SIDE: Final = (
    "preferred_modalities",
    "proficiency",
    "preferred_credentials",
    "clinical_hours",
)
GRADUATE_SIDE: Final = ("schedule", "distance", "setting", "pay")

# Distance earns full points at 0 miles, falling linearly to none at this distance.
DISTANCE_SCALE_MILES: Final = 50.0
# Clinical hours earn full points from this many hours.
CLINICAL_HOURS_FULL: Final = 250
# Pay at this share of the graduate's expectation or less earns no pay points.
PAY_FLOOR_RATIO: Final = 0.75
MAX_PROFICIENCY: Final = 3


def tenths(raw: float) -> int:
    """Points rounded to tenths (half to even), as integer tenths: sums stay exact."""
    return round(raw * 10)


def check_date(position: PositionRecord, today: date) -> date:
    """The day on which required credentials must still be valid."""
    start = position.start_date
    return start if start is not None and start > today else today


def position_state(position: PositionRecord) -> str | None:
    return geo.state_of(position.zip)


def proficiency(graduate: GraduateRecord, code: str) -> int:
    """Proficiency 0..3 (out-of-range values are clamped, absent is 0)."""
    value = graduate.modalities.get(code, 0)
    return max(0, min(MAX_PROFICIENCY, int(value)))


def best_holding(
    credentials: Iterable[CredentialRecord], required: str, state: str | None
) -> CredentialRecord | None:
    """The held credential that satisfies `required` for as long as possible."""
    best: CredentialRecord | None = None
    for held in credentials:
        if not taxonomy.credential_satisfies(required, held.code, held.state, state):
            continue
        if held.expires_on is None:
            return held
        if best is None or (best.expires_on is not None and held.expires_on > best.expires_on):
            best = held
    return best


def verified_holdings(graduate: GraduateRecord) -> tuple[CredentialRecord, ...]:
    return tuple(held for held in graduate.credentials if held.verified)


def credential_valid(holding: CredentialRecord | None, on: date) -> bool:
    return holding is not None and (holding.expires_on is None or holding.expires_on > on)


# --- soft factor formulas; index.py repeats each with arrays, operation for operation -----


def preferred_modalities_raw(held: int, wanted: int) -> float:
    weight = WEIGHTS["preferred_modalities"]
    return weight if wanted == 0 else weight * held / wanted


def proficiency_raw(total: int, asked: int) -> float:
    weight = WEIGHTS["proficiency"]
    return weight if asked == 0 else weight * total / (MAX_PROFICIENCY * asked)


def preferred_credentials_raw(held: int, wanted: int) -> float:
    weight = WEIGHTS["preferred_credentials"]
    return weight if wanted == 0 else weight * held / wanted


def clinical_hours_raw(hours: int) -> float:
    return WEIGHTS["clinical_hours"] * max(0, min(hours, CLINICAL_HOURS_FULL)) / CLINICAL_HOURS_FULL


def schedule_raw(overlap: int, shifts: int) -> float:
    weight = WEIGHTS["schedule"]
    return weight if shifts == 0 else weight * overlap / shifts


def distance_raw(c2: float | None) -> float:
    if c2 is None:
        return 0.0
    return WEIGHTS["distance"] * max(0.0, 1.0 - geo.chord_miles(c2) / DISTANCE_SCALE_MILES)


def setting_raw(preferred: bool, has_preference: bool) -> float:
    weight = WEIGHTS["setting"]
    if preferred:
        return weight
    return 0.0 if has_preference else weight * 0.5


def pay_raw(top: float | None, expectation: float | None) -> float:
    weight = WEIGHTS["pay"]
    if top is None or expectation is None:
        return weight * 0.5
    if expectation <= 0 or top >= expectation:
        return weight
    return weight * max(0.0, (top / expectation - PAY_FLOOR_RATIO) / (1.0 - PAY_FLOOR_RATIO))


def pay_top(position: PositionRecord) -> float | None:
    return position.pay_max if position.pay_max is not None else position.pay_min


# --- the scorer ------------------------------------------------------------------------


def checks(
    graduate: GraduateRecord, position: PositionRecord, *, today: date | None = None
) -> tuple[Check, ...]:
    """Every hard rule of the position for this graduate, met or not, each with its reason
    ("how you match"); the scorer's failures are the ones not met, from this same code."""
    today = today or dates.today()
    g_point = geo.lookup(graduate.zip)
    p_point = geo.lookup(position.zip)
    found, _c2, _overlap = _checks(graduate, position, today, g_point, p_point, explain_met=True)
    return tuple(found)


def score(
    graduate: GraduateRecord, position: PositionRecord, *, today: date | None = None
) -> MatchResult:
    """Score one pair: every failed hard rule as a 0-point reason, then the soft factors."""
    today = today or dates.today()
    g_point = geo.lookup(graduate.zip)
    p_point = geo.lookup(position.zip)
    state = p_point.state if p_point else None
    on = check_date(position, today)
    found, c2, overlap = _checks(graduate, position, today, g_point, p_point, explain_met=False)
    failures = [Reason(check.factor, 0.0, check.detail) for check in found if not check.met]

    soft = _soft_reasons(graduate, position, state, on, overlap, c2, g_point, p_point)
    points = {reason.factor: k for reason, k in soft}
    employer_side = 0
    for factor in EMPLOYER_SIDE:
        employer_side += points[factor]
    graduate_side = 0
    for factor in GRADUATE_SIDE:
        graduate_side += points[factor]
    return MatchResult(
        eligible=not failures,
        score=(employer_side + graduate_side) / 10,
        reasons=(*failures, *(reason for reason, _ in soft)),
        graduate_side=graduate_side / 10,
        employer_side=employer_side / 10,
    )


def _checks(
    graduate: GraduateRecord,
    position: PositionRecord,
    today: date,
    g_point: geo.ZipPoint | None,
    p_point: geo.ZipPoint | None,
    *,
    explain_met: bool,
) -> tuple[list[Check], float | None, int]:
    """The hard rules in their order: (checks, chord² between the ZIPs, shift overlap).
    Sentences for rules that are met are written only with `explain_met` (the scorer needs
    the failures only)."""
    out: list[Check] = []

    def met(factor: str, detail: Callable[[], str]) -> None:
        out.append(Check(factor, True, detail() if explain_met else ""))

    def missing(factor: str, detail: str) -> None:
        out.append(Check(factor, False, detail))

    state = p_point.state if p_point else None
    on = check_date(position, today)
    if graduate.seeking:
        met("seeking", lambda: gettext("Looking for work"))
    else:
        missing("seeking", gettext("Not currently looking for work"))
    if graduate.verified:
        met("verified", lambda: gettext("Profile verified by career services"))
    else:
        missing("verified", gettext("Profile not yet verified by career services"))
    for code in _ordered(position.required_credentials, taxonomy.CREDENTIALS):
        holding = best_holding(graduate.credentials, code, state)
        if code in position.verified_credentials:
            verified = best_holding(verified_holdings(graduate), code, state)
            if not credential_valid(verified, on) and credential_valid(holding, on):
                label = taxonomy.label(taxonomy.CREDENTIALS, code)
                detail = gettext(
                    "%(label)s held but not yet verified by career services", label=label
                )
                missing("required_credential", detail)
                continue
            holding = verified if credential_valid(verified, on) else holding
        if not credential_valid(holding, on):
            detail = _credential_failure(graduate, code, holding, state, position, today)
            missing("required_credential", detail)
        else:
            met(
                "required_credential",
                partial(_credential_met, code, holding, position, on),
            )
    for code in _ordered(position.required_modalities, taxonomy.MODALITIES):
        label = taxonomy.label(taxonomy.MODALITIES, code)
        level = proficiency(graduate, code)
        if level < 1:
            missing(
                "required_modality",
                gettext("%(label)s is required; not on the profile", label=label),
            )
        else:
            met(
                "required_modality",
                partial(_modality_met, label, level),
            )

    def hours() -> str:
        return gettext(
            "%(hours)s training hours; the position requires %(minimum)s",
            hours=graduate.training_hours,
            minimum=position.min_training_hours,
        )

    if graduate.training_hours < position.min_training_hours:
        missing("training_hours", hours())
    else:
        met("training_hours", hours)
    c2 = None
    if g_point and p_point:
        c2 = geo.chord2(geo.unit_vector(g_point), geo.unit_vector(p_point))
        radius = graduate.travel_radius_miles
        if c2 > geo.radius_chord2(radius):
            miles = geo.distance_miles(g_point, p_point)
            missing(
                "travel_radius",
                gettext(
                    "%(miles)s miles away, beyond a %(radius)s-mile radius",
                    miles=format(miles, ".1f"),
                    radius=radius,
                ),
            )
        else:
            met(
                "travel_radius",
                lambda: (
                    gettext(
                        "%(miles)s miles away, within a %(radius)s-mile radius",
                        miles=format(geo.distance_miles(g_point, p_point), ".1f"),
                        radius=radius,
                    )
                    if radius is not None
                    else gettext(
                        "%(miles)s miles away, no radius set",
                        miles=format(geo.distance_miles(g_point, p_point), ".1f"),
                    )
                ),
            )
    else:
        missing("travel_radius", _unknown_zip(graduate, position, g_point))
    accepted = graduate.employment_types
    offered = taxonomy.label(taxonomy.EMPLOYMENT_TYPES, position.employment_type)
    if accepted and position.employment_type not in accepted:
        wants = _labels(accepted, taxonomy.EMPLOYMENT_TYPES)
        missing(
            "employment_type",
            gettext(
                "Looking for %(wants)s; this position is %(offered)s", wants=wants, offered=offered
            ),
        )
    else:
        met(
            "employment_type",
            lambda: (
                gettext("%(offered)s is among the employment types looked for", offered=offered)
                if accepted
                else gettext("%(offered)s; every employment type is accepted", offered=offered)
            ),
        )
    overlap = len(position.shifts & graduate.availability)
    if position.shifts and not overlap:
        shifts = _slots(position.shifts)
        detail = (
            gettext("No availability given; the position's shifts are %(shifts)s", shifts=shifts)
            if not graduate.availability
            else gettext(
                "Availability (%(available)s) misses every shift (%(shifts)s)",
                available=_slots(graduate.availability),
                shifts=shifts,
            )
        )
        missing("availability", detail)
    else:
        met(
            "availability",
            lambda: (
                gettext(
                    "Available for %(overlap)s of the %(shifts)s shifts",
                    overlap=overlap,
                    shifts=len(position.shifts),
                )
                if position.shifts
                else gettext("Flexible hours: no shift to miss")
            ),
        )
    return out, c2, overlap


def _modality_met(label: str, level: int) -> str:
    return gettext(
        "%(label)s is on the profile (proficiency %(level)s of %(most)s)",
        label=label,
        level=level,
        most=MAX_PROFICIENCY,
    )


def _credential_met(
    code: str, holding: CredentialRecord | None, position: PositionRecord, on: date
) -> str:
    label = taxonomy.label(taxonomy.CREDENTIALS, code)
    held = taxonomy.label(taxonomy.CREDENTIALS, holding.code) if holding else label
    what = (
        label if held == label else gettext("%(label)s (%(held)s counts)", label=label, held=held)
    )
    verified = holding is not None and holding.verified
    if holding is None or holding.expires_on is None:
        if verified:
            return gettext("%(what)s on file, verified; it does not expire", what=what)
        return gettext("%(what)s on file, not yet verified; it does not expire", what=what)
    until = format_date(holding.expires_on)
    if position.start_date == on:
        start = format_date(position.start_date)
        if verified:
            return gettext(
                "%(what)s on file, verified; valid until %(until)s, beyond the start on %(start)s",
                what=what,
                until=until,
                start=start,
            )
        return gettext(
            "%(what)s on file, not yet verified; valid until %(until)s, beyond the start on "
            "%(start)s",
            what=what,
            until=until,
            start=start,
        )
    if verified:
        return gettext(
            "%(what)s on file, verified; valid until %(until)s, beyond today",
            what=what,
            until=until,
        )
    return gettext(
        "%(what)s on file, not yet verified; valid until %(until)s, beyond today",
        what=what,
        until=until,
    )


def _soft_reasons(
    graduate: GraduateRecord,
    position: PositionRecord,
    state: str | None,
    on: date,
    overlap: int,
    c2: float | None,
    g_point: geo.ZipPoint | None,
    p_point: geo.ZipPoint | None,
) -> list[tuple[Reason, int]]:
    out: list[tuple[Reason, int]] = []

    def add(factor: str, raw: float, detail: str) -> None:
        k = tenths(raw)
        out.append((Reason(factor, k / 10, detail), k))

    mods = taxonomy.MODALITIES
    preferred = _ordered(position.preferred_modalities, mods)
    have = [code for code in preferred if proficiency(graduate, code) >= 1]
    add(
        "preferred_modalities",
        preferred_modalities_raw(len(have), len(preferred)),
        _share("modalities", have, preferred, mods),
    )

    asked = position.required_modalities | position.preferred_modalities
    total = 0
    for code in asked:
        total += proficiency(graduate, code)
    add(
        "proficiency",
        proficiency_raw(total, len(asked)),
        gettext(
            "Average proficiency %(average)s of %(most)s across the %(asked)s modalities asked for",
            average=format(total / len(asked), ".1f"),
            most=MAX_PROFICIENCY,
            asked=len(asked),
        )
        if asked
        else gettext("No modalities asked for"),
    )

    creds = taxonomy.CREDENTIALS
    wanted = _ordered(position.preferred_credentials, creds)
    valid = [
        code
        for code in wanted
        if credential_valid(best_holding(graduate.credentials, code, state), on)
    ]
    add(
        "preferred_credentials",
        preferred_credentials_raw(len(valid), len(wanted)),
        _share("credentials", valid, wanted, creds),
    )

    add(
        "clinical_hours",
        clinical_hours_raw(graduate.clinical_hours),
        gettext(
            "%(hours)s clinical hours (full points from %(full)s)",
            hours=graduate.clinical_hours,
            full=CLINICAL_HOURS_FULL,
        ),
    )

    shifts = len(position.shifts)
    add(
        "schedule",
        schedule_raw(overlap, shifts),
        gettext(
            "Available for %(overlap)s of the %(shifts)s shifts", overlap=overlap, shifts=shifts
        )
        if shifts
        else gettext("Flexible shifts"),
    )

    if g_point and p_point:
        miles = geo.distance_miles(g_point, p_point)
        radius = graduate.travel_radius_miles
        if radius is not None:
            where = gettext(
                "%(miles)s miles away (radius %(radius)s miles)",
                miles=format(miles, ".1f"),
                radius=radius,
            )
        else:
            where = gettext("%(miles)s miles away", miles=format(miles, ".1f"))
    else:
        where = gettext("Distance unknown")
    add("distance", distance_raw(c2), where)

    setting = taxonomy.label(taxonomy.SETTINGS, position.setting)
    if position.setting in graduate.settings:
        detail = gettext("%(setting)s is a preferred setting", setting=setting)
    elif graduate.settings:
        detail = gettext("%(setting)s is not among the preferred settings", setting=setting)
    else:
        detail = gettext("No setting preference given")
    add(
        "setting",
        setting_raw(position.setting in graduate.settings, bool(graduate.settings)),
        detail,
    )

    top, expectation = pay_top(position), graduate.pay_expectation
    if top is None:
        detail = gettext("Pay not stated")
    elif expectation is None:
        detail = gettext("Pays up to %(top)s; no pay expectation given", top=_hourly(top))
    elif top >= expectation:
        detail = gettext(
            "Pays up to %(top)s, meeting the expected %(expected)s",
            top=_hourly(top),
            expected=_hourly(expectation),
        )
    else:
        detail = gettext(
            "Pays up to %(top)s, below the expected %(expected)s",
            top=_hourly(top),
            expected=_hourly(expectation),
        )
    add("pay", pay_raw(top, expectation), detail)
    return out


# --- sentences ---------------------------------------------------------------------------


def _credential_failure(
    graduate: GraduateRecord,
    code: str,
    holding: CredentialRecord | None,
    state: str | None,
    position: PositionRecord,
    today: date,
) -> str:
    label = taxonomy.label(taxonomy.CREDENTIALS, code)
    if holding is not None and holding.expires_on is not None:
        expiry = format_date(holding.expires_on)
        if holding.expires_on < today:
            return gettext("%(label)s expired on %(expiry)s", label=label, expiry=expiry)
        if holding.expires_on == today:
            return gettext("%(label)s expires today (%(expiry)s)", label=label, expiry=expiry)
        if position.start_date == holding.expires_on:
            return gettext(
                "%(label)s expires %(expiry)s, on the start date; it must be valid beyond it",
                label=label,
                expiry=expiry,
            )
        return gettext(
            "%(label)s expires %(expiry)s, before the start date %(start)s",
            label=label,
            expiry=expiry,
            start=format_date(position.start_date),
        )
    if code in taxonomy.STATE_BOUND_CREDENTIALS:
        if state is None:
            return gettext(
                "%(label)s cannot be checked: the position's ZIP is not a known US ZIP", label=label
            )
        others = sorted(
            {
                (held.state or "").strip().upper() or gettext("an unknown state")
                for held in graduate.credentials
                if held.code == code
            }
        )
        equivalents = sorted(taxonomy.STATE_LICENSE_EQUIVALENTS.get(state, frozenset()))
        alternative = "".join(
            gettext(" (%(other)s also counts)", other=taxonomy.label(taxonomy.CREDENTIALS, other))
            for other in equivalents
        )
        if others:
            return gettext(
                "%(label)s on file is for %(held)s; the position is in %(state)s%(alternative)s",
                label=label,
                held=", ".join(others),
                state=state,
                alternative=alternative,
            )
        return gettext(
            "No %(label)s for %(state)s on file%(alternative)s",
            label=label,
            state=state,
            alternative=alternative,
        )
    return gettext("No %(label)s on file", label=label)


def _unknown_zip(
    graduate: GraduateRecord, position: PositionRecord, g_point: geo.ZipPoint | None
) -> str:
    if g_point is None:
        if not graduate.zip:
            return gettext("No ZIP code on the graduate's profile, so distance cannot be checked")
        return gettext("The graduate's ZIP %(zip)s is not a known US ZIP code", zip=graduate.zip)
    if not position.zip:
        return gettext("The position has no ZIP code, so distance cannot be checked")
    return gettext("The position's ZIP %(zip)s is not a known US ZIP code", zip=position.zip)


# The preferred-requirement sentences, per kind: (none listed, all held, none held, some held).
_SHARE_SENTENCES = {
    "modalities": (
        N_("No preferred modalities listed"),
        N_("Has %(have)s of %(wanted)s preferred modalities (%(held)s)"),
        N_("Has %(have)s of %(wanted)s preferred modalities; lacks %(lacking)s"),
        N_("Has %(have)s of %(wanted)s preferred modalities (%(held)s); lacks %(lacking)s"),
    ),
    "credentials": (
        N_("No preferred credentials listed"),
        N_("Has %(have)s of %(wanted)s preferred credentials (%(held)s)"),
        N_("Has %(have)s of %(wanted)s preferred credentials; lacks %(lacking)s"),
        N_("Has %(have)s of %(wanted)s preferred credentials (%(held)s); lacks %(lacking)s"),
    ),
}


def _share(
    kind: str, have: list[str], wanted: list[str], vocabulary: dict[str, taxonomy.Term]
) -> str:
    none_listed, all_held, none_held, some_held = _SHARE_SENTENCES[kind]
    if not wanted:
        return gettext(none_listed)
    missing = [code for code in wanted if code not in have]
    sentence = some_held if have and missing else all_held if have else none_held
    return gettext(
        sentence,
        have=len(have),
        wanted=len(wanted),
        held=", ".join(taxonomy.label(vocabulary, code) for code in have),
        lacking=", ".join(taxonomy.label(vocabulary, code) for code in missing),
    )


_ORDERS: dict[int, dict[str, int]] = {}
_SORTED: dict[tuple[int, frozenset[str]], list[str]] = {}


def _ordered(codes: Iterable[str], vocabulary: Iterable[str]) -> list[str]:
    """Codes in vocabulary order (unknown codes last, alphabetically): stable sentences.

    `vocabulary` is one of taxonomy's module-level constants, so its order is cached by id;
    so is the order of a frozenset of codes (a position's and a profile's sets repeat).
    """
    key = (id(vocabulary), codes) if isinstance(codes, frozenset) else None
    if key is not None:
        found = _SORTED.get(key)
        if found is not None:
            return list(found)
    order = _ORDERS.get(id(vocabulary))
    if order is None:
        order = _ORDERS[id(vocabulary)] = {code: i for i, code in enumerate(vocabulary)}
    result = sorted(codes, key=lambda code: (order.get(code, len(order)), code))
    if key is not None and len(_SORTED) < 100_000:
        _SORTED[key] = result
        return list(result)
    return result


def _labels(codes: Iterable[str], vocabulary: dict[str, taxonomy.Term]) -> str:
    return ", ".join(taxonomy.label(vocabulary, code) for code in _ordered(codes, vocabulary))


def _slots(slots: Iterable[str]) -> str:
    return ", ".join(taxonomy.slot_label(slot) for slot in _ordered(slots, taxonomy.SLOTS))


def _hourly(amount: float) -> str:
    return f"{money(amount)}/h"
