"""What would open more positions: the smallest single changes to a graduate's profile that
make more open positions eligible, and which positions each would open.

Computed with the index from the same rule arrays as its ranking (`MatchIndex.position_rules`),
in one pass over the positions: a position that fails exactly one hard rule is opened by the
one change that fixes that rule —

- a required credential not valid beyond the check date: renew it (one is on file, expired or
  expiring first) or add it (none is; a state licence counts per state);
- a required modality missing: add it;
- beyond the travel radius: widen the radius (to the next 5 miles that reaches it; the
  suggestions are cumulative: a wider radius opens the nearer positions too);
- no available slot among the shifts: add one of the shifts' slots;
- an employment type not among those accepted: accept it;
- fewer training hours than the minimum: reach it (cumulative, like the radius).

Positions failing two rules or more need two changes and are not counted. Seeking and
verification are not changes a graduate makes here; when either is missing, the counts say
what the changes would open once they are settled (`Openings.active` is False).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from placement import geo, taxonomy
from placement.i18n import ngettext
from placement.localtime import format_date
from placement.matching.index import MatchIndex

Kind = Literal[
    "renew_credential",
    "add_credential",
    "add_modality",
    "travel_radius",
    "add_slot",
    "employment_type",
    "training_hours",
]
RADIUS_STEP = 5
MAX_STEPS = 3


@dataclass(frozen=True, slots=True)
class Opening:
    """One change and the open positions it alone would make eligible (ids ascending).

    `code` is the credential, modality, slot or employment type; `state` the state of a
    state-bound credential; `value` the new radius in miles or the training hours; `before`
    the earliest check date of the positions a credential opens (renew or add it by then).
    """

    kind: Kind
    positions: tuple[int, ...]
    code: str | None = None
    state: str | None = None
    value: int | None = None
    before: date | None = None

    @property
    def count(self) -> int:
        return len(self.positions)

    @property
    def detail(self) -> str:
        """The change as the graduate reads it, in the reader's language (worded on display,
        so nothing keeps a sentence in another language)."""
        n = self.count
        if self.kind in ("renew_credential", "add_credential"):
            label = taxonomy.label(taxonomy.CREDENTIALS, self.code or "")
            if self.state and self.code in taxonomy.STATE_BOUND_CREDENTIALS:
                label = f"{label} ({self.state})"
            before = format_date(self.before)
            if self.kind == "renew_credential":
                return ngettext(
                    "Renew %(label)s before %(before)s to qualify for %(num)s more position",
                    "Renew %(label)s before %(before)s to qualify for %(num)s more positions",
                    n,
                    label=label,
                    before=before,
                )
            return ngettext(
                "Add %(label)s before %(before)s to qualify for %(num)s more position",
                "Add %(label)s before %(before)s to qualify for %(num)s more positions",
                n,
                label=label,
                before=before,
            )
        if self.kind == "add_modality":
            label = taxonomy.label(taxonomy.MODALITIES, self.code or "")
            return ngettext(
                "Add %(label)s to your modalities to qualify for %(num)s more position",
                "Add %(label)s to your modalities to qualify for %(num)s more positions",
                n,
                label=label,
            )
        if self.kind == "travel_radius":
            return ngettext(
                "Widen your travel radius to %(miles)s miles to qualify for %(num)s more position",
                "Widen your travel radius to %(miles)s miles to qualify for %(num)s more positions",
                n,
                miles=self.value,
            )
        if self.kind == "add_slot":
            return ngettext(
                "Add %(slot)s to your availability for %(num)s more position",
                "Add %(slot)s to your availability for %(num)s more positions",
                n,
                slot=taxonomy.slot_label(self.code or ""),
            )
        if self.kind == "employment_type":
            label = taxonomy.label(taxonomy.EMPLOYMENT_TYPES, self.code or "").lower()
            return ngettext(
                "Accept %(label)s work to qualify for %(num)s more position",
                "Accept %(label)s work to qualify for %(num)s more positions",
                n,
                label=label,
            )
        return ngettext(
            "Reach %(hours)s training hours to qualify for %(num)s more position",
            "Reach %(hours)s training hours to qualify for %(num)s more positions",
            n,
            hours=self.value,
        )


@dataclass(frozen=True, slots=True)
class Openings:
    graduate_id: int
    active: bool  # seeking and verified: eligibility needs those first
    changes: tuple[Opening, ...]  # most positions first


def openings(
    index: MatchIndex, graduate_id: int, *, among: Iterable[int] | None = None
) -> Openings:
    """The single changes that would open more of the index's positions (only `among`
    when given) for this graduate, most positions first. KeyError for an unknown graduate."""
    with index._lock:
        rules = index.position_rules(graduate_id)
        p = index._p.cols
        m = rules.ids.size
        allowed = rules.alive.copy()
        if among is not None:
            allowed &= index._row_filter(index._p, among)
        credential_codes = list(index._credentials.codes)
        modality_codes = list(index._modalities.codes)
        slot_codes = list(index._slots.codes)
        employment_codes = list(index._employment.codes)
        states = list(index._states)
        state_of = p["state"][:m]
        shifts = p["shifts"][:m]
        position_known = p["known"][:m].copy()
        employment = p["employment"][:m]
        min_training = p["min_training"][:m]
        radius = index._radii.values[int(index._g.cols["radius"][index._row(graduate_id)])]

    failures = (
        np.bitwise_count(rules.credential_fail).astype(np.int64)
        + np.bitwise_count(rules.modality_missing).astype(np.int64)
        + rules.training_fail
        + rules.distance_fail
        + rules.employment_fail
        + rules.availability_fail
    )
    single = allowed & (failures == 1)
    ids = rules.ids
    changes: list[Opening] = []

    # credentials: by code, and by state for a state-bound one
    rows = np.flatnonzero(single & (rules.credential_fail != 0))
    groups: dict[tuple[int, str | None], list[int]] = {}
    for r in rows.tolist():
        bit = int(rules.credential_fail[r]).bit_length() - 1
        code = credential_codes[bit]
        state = states[int(state_of[r])] if code in taxonomy.STATE_BOUND_CREDENTIALS else None
        groups.setdefault((bit, state), []).append(r)
    for (bit, state), members in groups.items():
        held = any(int(rules.credential_held[r]) >> bit & 1 for r in members)
        changes.append(
            Opening(
                "renew_credential" if held else "add_credential",
                _ids(ids, members),
                code=credential_codes[bit],
                state=state,
                before=date.fromordinal(int(min(rules.on[r] for r in members))),
            )
        )

    # a missing modality
    rows = np.flatnonzero(single & (rules.modality_missing != 0))
    by_bit: dict[int, list[int]] = {}
    for r in rows.tolist():
        by_bit.setdefault(int(rules.modality_missing[r]).bit_length() - 1, []).append(r)
    for bit, members in by_bit.items():
        changes.append(Opening("add_modality", _ids(ids, members), code=modality_codes[bit]))

    # the travel radius, in steps of RADIUS_STEP miles (never past the antipode)
    rows = np.flatnonzero(single & rules.distance_fail & position_known)
    if rules.c2 is not None and rows.size and radius is not None:
        needed = {r: _miles_needed(float(rules.c2[r])) for r in rows.tolist()}
        steps = sorted({math.ceil(miles / RADIUS_STEP) * RADIUS_STEP for miles in needed.values()})
        for step in steps[:MAX_STEPS]:
            members = [r for r, miles in needed.items() if miles <= step]
            changes.append(Opening("travel_radius", _ids(ids, members), value=step))

    # a slot among the shifts
    rows = np.flatnonzero(single & rules.availability_fail)
    for bit, code in enumerate(slot_codes):
        members = [r for r in rows.tolist() if int(shifts[r]) >> bit & 1]
        if members:
            changes.append(Opening("add_slot", _ids(ids, members), code=code))

    # an employment type
    rows = np.flatnonzero(single & rules.employment_fail)
    for bit, code in enumerate(employment_codes):
        members = [r for r in rows.tolist() if int(employment[r]) >> bit & 1]
        if members:
            changes.append(Opening("employment_type", _ids(ids, members), code=code))

    # training hours (cumulative)
    rows = np.flatnonzero(single & rules.training_fail)
    hours = sorted({int(min_training[r]) for r in rows.tolist()})
    for value in hours[:MAX_STEPS]:
        members = [r for r in rows.tolist() if int(min_training[r]) <= value]
        changes.append(Opening("training_hours", _ids(ids, members), value=value))

    changes.sort(key=lambda o: (-o.count, o.kind, o.code or "", o.state or "", o.value or 0))
    return Openings(graduate_id, rules.active, tuple(changes))


def _ids(ids: np.ndarray, rows: list[int]) -> tuple[int, ...]:
    return tuple(sorted(int(ids[r]) for r in rows))


def _miles_needed(c2: float) -> int:
    """The smallest whole radius in miles whose chord test (geo.radius_chord2) passes."""
    miles = geo.EARTH_RADIUS_MILES * 2 * math.asin(min(1.0, math.sqrt(c2) / 2))
    needed = max(1, math.ceil(miles))
    while c2 > geo.radius_chord2(needed):
        needed += 1
    return needed
