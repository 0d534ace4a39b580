"""MatchIndex: the whole population as arrays, ranked both ways in milliseconds.

Every graduate is a row of fixed-width numbers: code sets as uint64 bit masks (settings,
employment types, availability slots, three proficiency planes for modalities), the ZIP as
a unit vector, each credential (code, state) as an array of best expiry ordinals. Ranking a
position over all graduates, or a graduate over all positions, is a few dozen array
operations that repeat the reference scorer's arithmetic (see scoring.py) operation for
operation, so eligibility and scores are bit-for-bit the reference's. Reasons are sentences,
so they are built only for the rows returned, by the reference scorer itself, on a record
decoded from the arrays (the index keeps no per-graduate Python objects: that is what keeps
100,000 graduates in a few tens of MB).

Positions are few (thousands), so their records are kept as they are.

One index lives in each process; keep it fresh with `upsert_*`/`remove_*` when a profile,
credential or position changes (each is O(1) amortised).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Concatenate, Literal, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from placement import geo, taxonomy
from placement.matching import scoring
from placement.matching.records import (
    CredentialRecord,
    GraduateRecord,
    MatchResult,
    PositionRecord,
)
from placement.matching.scoring import WEIGHTS

Audience = Literal["staff", "employers", "all"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MaskArray = npt.NDArray[np.uint64]

VISIBILITY_LEVELS = {"private": 0, "staff": 1, "employers": 2}
_LEVEL_NAMES = {level: name for name, level in VISIBILITY_LEVELS.items()}
_AUDIENCE_LEVEL = {"all": 0, "staff": 1, "employers": 2}

NOT_HELD = 0
NO_EXPIRY = date.max.toordinal() + 1
# Sort keys pack (ineligible, 1000 - tenths, id) into one int64, so ids must fit 40 bits.
_ID_BITS = 40
MAX_ID = (1 << _ID_BITS) - 1
_PAY_SPAN = 1.0 - scoring.PAY_FLOOR_RATIO
_ZERO = np.uint64(0)

CredentialKey = tuple[str, str | None]


class _Codes:
    """Code -> bit position in a uint64 mask; taxonomy codes first, others as they come."""

    def __init__(self, known: Iterable[str]) -> None:
        self.bits: dict[str, int] = {}
        self.codes: list[str] = []
        for code in known:
            self.bit(code)

    def bit(self, code: str) -> int:
        found = self.bits.get(code)
        if found is None:
            if len(self.codes) == 64:
                raise ValueError(f"more than 64 distinct codes; cannot add {code!r}")
            found = self.bits[code] = len(self.codes)
            self.codes.append(code)
        return found

    def mask(self, codes: Iterable[str]) -> int:
        value = 0
        for code in codes:
            value |= 1 << self.bit(code)
        return value

    def decode(self, mask: int) -> frozenset[str]:
        return frozenset(code for i, code in enumerate(self.codes) if mask >> i & 1)


class _Table:
    """Named columns with spare capacity, grown by half again when full."""

    def __init__(self, spec: dict[str, tuple[npt.DTypeLike, object]]) -> None:
        self.spec = dict(spec)
        self.capacity = 0
        self.size = 0  # high-water mark: rows >= size were never used
        self.cols: dict[str, np.ndarray] = {
            name: np.full(0, fill, dtype=dtype) for name, (dtype, fill) in spec.items()
        }
        self.free: list[int] = []
        self.row_of: dict[int, int] = {}

    def add_column(self, name: str, dtype: npt.DTypeLike, fill: object) -> np.ndarray:
        self.spec[name] = (dtype, fill)
        self.cols[name] = np.full(self.capacity, fill, dtype=dtype)
        return self.cols[name]

    def row_for(self, record_id: int) -> int:
        row = self.row_of.get(record_id)
        if row is not None:
            return row
        if self.free:
            row = self.free.pop()
        else:
            if self.size == self.capacity:
                self._grow(max(64, self.capacity + self.capacity // 2))
            row = self.size
            self.size += 1
        self.row_of[record_id] = row
        return row

    def release(self, record_id: int) -> int | None:
        row = self.row_of.pop(record_id, None)
        if row is not None:
            for name, (_, fill) in self.spec.items():
                self.cols[name][row] = fill
            self.free.append(row)
        return row

    def reserve(self, rows: int) -> None:
        if rows > self.capacity:
            self._grow(rows)

    def _grow(self, capacity: int) -> None:
        for name, (dtype, fill) in self.spec.items():
            grown = np.full(capacity, fill, dtype=dtype)
            grown[: self.capacity] = self.cols[name]
            self.cols[name] = grown
        self.capacity = capacity

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in self.cols.values())


_GRADUATE_COLUMNS: dict[str, tuple[npt.DTypeLike, object]] = {
    "id": (np.int64, -1),
    "alive": (np.bool_, False),
    "active": (np.bool_, False),  # seeking and verified
    "seeking": (np.bool_, False),
    "verified": (np.bool_, False),
    "level": (np.int8, -1),  # visibility level, -1 for rows not in use
    "zip": (np.int32, -1),  # index into the ZIP strings seen, -1 for None
    "known": (np.bool_, False),  # the ZIP is a known US ZIP
    "x": (np.float64, 0.0),
    "y": (np.float64, 0.0),
    "z": (np.float64, 0.0),
    "radius": (np.float64, np.nan),  # NaN: no limit stated
    "thr2": (np.float64, np.inf),
    "training": (np.int64, 0),
    "clinical": (np.int64, 0),
    "settings": (np.uint64, 0),
    "employment": (np.uint64, 0),
    "availability": (np.uint64, 0),
    "pay": (np.float64, np.nan),
    "m1": (np.uint64, 0),  # modalities held at proficiency >= 1
    "m2": (np.uint64, 0),  # ... >= 2
    "m3": (np.uint64, 0),  # ... >= 3
}

_POSITION_COLUMNS: dict[str, tuple[npt.DTypeLike, object]] = {
    "id": (np.int64, -1),
    "alive": (np.bool_, False),
    "known": (np.bool_, False),
    "x": (np.float64, 0.0),
    "y": (np.float64, 0.0),
    "z": (np.float64, 0.0),
    "state": (np.int32, 0),  # index into MatchIndex._states (0 = unknown)
    "setting": (np.uint64, 0),  # one bit
    "employment": (np.uint64, 0),  # one bit
    "shifts": (np.uint64, 0),
    "n_shifts": (np.int64, 0),
    "req_mod": (np.uint64, 0),
    "pref_mod": (np.uint64, 0),
    "n_pref_mod": (np.int64, 0),
    "asked_mod": (np.uint64, 0),
    "n_asked_mod": (np.int64, 0),
    "req_cred": (np.uint64, 0),
    "pref_cred": (np.uint64, 0),
    "n_pref_cred": (np.int64, 0),
    "min_training": (np.int64, 0),
    "start": (np.int64, 0),  # ordinal, 0 for no start date
    "top_pay": (np.float64, np.nan),
}


@dataclass(frozen=True, slots=True)
class PairScores:
    """Eligible pairs with their scores in integer tenths (divide by 10 for points)."""

    graduate_ids: IntArray
    position_ids: IntArray
    score: IntArray
    graduate_side: IntArray
    employer_side: IntArray


@dataclass(frozen=True, slots=True)
class _Scored:
    """Eligibility and tenths for a set of rows (one side fixed)."""

    eligible: BoolArray
    total: IntArray
    graduate_side: IntArray
    employer_side: IntArray


def _tenths(raw: FloatArray) -> IntArray:
    """Vector twin of scoring.tenths: rint is half-to-even like Python's round."""
    return np.rint(raw * 10).astype(np.int64)


def _popcount(values: MaskArray) -> IntArray:
    return np.bitwise_count(values).astype(np.int64)


def _state_key(state: str | None) -> str | None:
    cleaned = state.strip().upper() if state else ""
    return cleaned or None


_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


def _locked(
    method: Callable[Concatenate[MatchIndex, _Args], _Result],
) -> Callable[Concatenate[MatchIndex, _Args], _Result]:
    """Serialise access: Starlette runs sync endpoints in threads that share one index,
    and an upsert may reallocate the arrays a ranking is reading."""

    @functools.wraps(method)
    def wrapper(self: MatchIndex, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class MatchIndex:
    """Graduates and positions encoded once; rankings equal to the reference scorer's.

    Safe to share between threads (one lock around every public method).
    """

    def __init__(self, *, today: date | None = None) -> None:
        #: The day credentials are checked against; None means the real today at each query.
        self.today = today
        self._lock = threading.RLock()
        self._g = _Table(_GRADUATE_COLUMNS)
        self._p = _Table(_POSITION_COLUMNS)
        self._settings = _Codes(taxonomy.SETTINGS)
        self._employment = _Codes(taxonomy.EMPLOYMENT_TYPES)
        self._slots = _Codes(taxonomy.SLOTS)
        self._modalities = _Codes(taxonomy.MODALITIES)
        self._credentials = _Codes(taxonomy.CREDENTIALS)
        self._zips: list[str] = []
        self._zip_index: dict[str, int] = {}
        self._states: list[str | None] = [None]
        self._state_index: dict[str | None, int] = {None: 0}
        self._cred_keys: dict[CredentialKey, str] = {}  # key -> column name in self._g
        self._satisfying: dict[tuple[str, str | None], list[str]] = {}
        self._positions: dict[int, PositionRecord] = {}

    # --- building and keeping fresh ----------------------------------------------------

    @classmethod
    def build(
        cls,
        graduates: Iterable[GraduateRecord],
        positions: Iterable[PositionRecord],
        *,
        today: date | None = None,
    ) -> MatchIndex:
        index = cls(today=today)
        graduates = list(graduates)
        index._g.reserve(len(graduates))
        for graduate in graduates:
            index.upsert_graduate(graduate)
        positions = list(positions)
        index._p.reserve(len(positions))
        for position in positions:
            index.upsert_position(position)
        return index

    @_locked
    def upsert_graduate(self, graduate: GraduateRecord) -> None:
        """Add a graduate or replace their row (a changed profile or credential)."""
        _check_id(graduate.id)
        table = self._g
        row = table.row_for(graduate.id)
        cols = table.cols
        for name in self._cred_keys.values():
            cols[name][row] = NOT_HELD
        cols["id"][row] = graduate.id
        cols["alive"][row] = True
        cols["seeking"][row] = graduate.seeking
        cols["verified"][row] = graduate.verified
        cols["active"][row] = graduate.seeking and graduate.verified
        cols["level"][row] = VISIBILITY_LEVELS.get(graduate.visibility, 0)
        cols["zip"][row] = self._zip_slot(graduate.zip)
        point = geo.lookup(graduate.zip)
        cols["known"][row] = point is not None
        x, y, z = geo.unit_vector(point) if point else (0.0, 0.0, 0.0)
        cols["x"][row], cols["y"][row], cols["z"][row] = x, y, z
        radius = graduate.travel_radius_miles
        cols["radius"][row] = math.nan if radius is None else radius
        cols["thr2"][row] = geo.radius_chord2(radius)
        cols["training"][row] = graduate.training_hours
        cols["clinical"][row] = graduate.clinical_hours
        cols["settings"][row] = self._settings.mask(graduate.settings)
        cols["employment"][row] = self._employment.mask(graduate.employment_types)
        cols["availability"][row] = self._slots.mask(graduate.availability)
        pay = graduate.pay_expectation
        cols["pay"][row] = math.nan if pay is None else pay
        planes = [0, 0, 0]
        for code, value in graduate.modalities.items():
            level = max(0, min(scoring.MAX_PROFICIENCY, int(value)))
            for plane in range(level):
                planes[plane] |= 1 << self._modalities.bit(code)
        cols["m1"][row], cols["m2"][row], cols["m3"][row] = planes
        for credential in graduate.credentials:
            column = self._cred_column((credential.code, _state_key(credential.state)))
            expiry = (
                NO_EXPIRY if credential.expires_on is None else credential.expires_on.toordinal()
            )
            if expiry > column[row]:
                column[row] = expiry

    @_locked
    def remove_graduate(self, graduate_id: int) -> None:
        self._g.release(graduate_id)

    @_locked
    def upsert_position(self, position: PositionRecord) -> None:
        """Add a position or replace it (edited, reopened)."""
        _check_id(position.id)
        table = self._p
        row = table.row_for(position.id)
        cols = table.cols
        self._positions[position.id] = position
        cols["id"][row] = position.id
        cols["alive"][row] = True
        point = geo.lookup(position.zip)
        cols["known"][row] = point is not None
        x, y, z = geo.unit_vector(point) if point else (0.0, 0.0, 0.0)
        cols["x"][row], cols["y"][row], cols["z"][row] = x, y, z
        cols["state"][row] = self._state_slot(point.state if point else None)
        cols["setting"][row] = self._settings.mask((position.setting,))
        cols["employment"][row] = self._employment.mask((position.employment_type,))
        cols["shifts"][row] = self._slots.mask(position.shifts)
        cols["n_shifts"][row] = len(position.shifts)
        cols["req_mod"][row] = self._modalities.mask(position.required_modalities)
        cols["pref_mod"][row] = self._modalities.mask(position.preferred_modalities)
        cols["n_pref_mod"][row] = len(position.preferred_modalities)
        asked = position.required_modalities | position.preferred_modalities
        cols["asked_mod"][row] = self._modalities.mask(asked)
        cols["n_asked_mod"][row] = len(asked)
        cols["req_cred"][row] = self._credentials.mask(position.required_credentials)
        cols["pref_cred"][row] = self._credentials.mask(position.preferred_credentials)
        cols["n_pref_cred"][row] = len(position.preferred_credentials)
        cols["min_training"][row] = position.min_training_hours
        cols["start"][row] = position.start_date.toordinal() if position.start_date else 0
        top = scoring.pay_top(position)
        cols["top_pay"][row] = math.nan if top is None else top

    @_locked
    def remove_position(self, position_id: int) -> None:
        if self._p.release(position_id) is not None:
            del self._positions[position_id]

    # --- reading -------------------------------------------------------------------------

    def has_graduate(self, graduate_id: int) -> bool:
        return graduate_id in self._g.row_of

    def has_position(self, position_id: int) -> bool:
        return position_id in self._p.row_of

    @property
    def graduate_count(self) -> int:
        return len(self._g.row_of)

    @property
    def position_count(self) -> int:
        return len(self._p.row_of)

    def position(self, position_id: int) -> PositionRecord:
        return self._positions[position_id]

    @_locked
    def graduate(self, graduate_id: int) -> GraduateRecord:
        """The graduate as the index holds them (equal for matching to what was upserted)."""
        return self._decode(self._g.row_of[graduate_id])

    @_locked
    def explain(self, graduate_id: int, position_id: int) -> MatchResult:
        """The reference scorer's result for one pair held in the index."""
        return scoring.score(
            self.graduate(graduate_id), self.position(position_id), today=self._today()
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's arrays (position records and code tables not counted)."""
        return self._g.nbytes + self._p.nbytes

    # --- ranking -------------------------------------------------------------------------

    @_locked
    def rank_graduates(
        self,
        position_id: int,
        *,
        limit: int | None = None,
        include_ineligible: bool = False,
        audience: Audience = "staff",
        among: Iterable[int] | None = None,
    ) -> list[tuple[int, MatchResult]]:
        """Graduates for a position, best first: eligible ones by score, then (if asked) the
        near misses by score; equal scores by graduate id.

        `audience` hides graduates by visibility: "staff" leaves out `private`, "employers"
        keeps only `employers`, "all" hides nobody (for a graduate's own view or tests).
        `among` restricts the ranking to some graduate ids (say, a position's applicants).
        """
        position = self._positions[position_id]
        n = self._g.size
        cols = self._g.cols
        rows_ok = cols["alive"][:n] & (cols["level"][:n] >= _AUDIENCE_LEVEL[audience])
        if among is not None:
            rows_ok &= self._row_filter(self._g, among)
        if include_ineligible:
            # Score every row through views (no gathers) and drop the hidden ones in _top.
            scored = self._score_graduates(position, slice(0, n))
            picked = _top(cols["id"][:n], scored, limit, True, allowed=rows_ok)
        else:
            rows = self._prefilter_graduates(position, rows_ok)
            scored = self._score_graduates(position, rows)
            picked = rows[_top(cols["id"][rows], scored, limit, False)]
        today = self._today()
        return [
            (int(cols["id"][row]), scoring.score(self._decode(row), position, today=today))
            for row in picked
        ]

    @_locked
    def rank_positions(
        self,
        graduate_id: int,
        *,
        limit: int | None = None,
        include_ineligible: bool = False,
        among: Iterable[int] | None = None,
    ) -> list[tuple[int, MatchResult]]:
        """Positions for a graduate, best first (eligible by score, then near misses), equal
        scores by position id. `among` restricts to some position ids."""
        row = self._g.row_of[graduate_id]
        m = self._p.size
        rows_ok = self._p.cols["alive"][:m].copy()
        if among is not None:
            rows_ok &= self._row_filter(self._p, among)
        every = self._score_positions(row)
        rows = np.flatnonzero(rows_ok)
        scored = _Scored(
            every.eligible[rows],
            every.total[rows],
            every.graduate_side[rows],
            every.employer_side[rows],
        )
        ids = self._p.cols["id"]
        picked = rows[_top(ids[rows], scored, limit, include_ineligible)]
        graduate = self._decode(row)
        today = self._today()
        return [
            (int(ids[r]), scoring.score(graduate, self._positions[int(ids[r])], today=today))
            for r in picked
        ]

    @_locked
    def pair_scores(
        self,
        graduate_ids: Iterable[int] | None = None,
        position_ids: Iterable[int] | None = None,
    ) -> PairScores:
        """Every eligible (graduate, position) pair among the given ids (all when None),
        with scores in tenths; what a placement round needs, without building sentences."""
        n = self._g.size
        g_ok = self._g.cols["alive"][:n]
        if graduate_ids is not None:
            g_ok = g_ok & self._row_filter(self._g, graduate_ids)
        g_rows = np.flatnonzero(g_ok)
        g_ids = self._g.cols["id"][g_rows]
        wanted = self._p.row_of if position_ids is None else position_ids
        parts: list[tuple[IntArray, ...]] = []
        for position_id in sorted(int(i) for i in wanted if int(i) in self._p.row_of):
            scored = self._score_graduates(self._positions[position_id], g_rows)
            hit = np.flatnonzero(scored.eligible)
            parts.append(
                (
                    g_ids[hit],
                    np.full(hit.size, position_id, dtype=np.int64),
                    scored.total[hit],
                    scored.graduate_side[hit],
                    scored.employer_side[hit],
                )
            )
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return PairScores(empty, empty, empty, empty, empty)
        g, p, total, grad, emp = (np.concatenate(column) for column in zip(*parts, strict=True))
        return PairScores(g, p, total, grad, emp)

    # --- the vectorised scorer --------------------------------------------------------

    def _score_graduates(self, position: PositionRecord, rows: slice | IntArray) -> _Scored:
        """scoring.score for one position against many graduate rows."""
        c = {name: self._g.cols[name][rows] for name in _GRADUATE_COLUMNS if name != "id"}
        point = geo.lookup(position.zip)
        state = point.state if point else None
        today = self._today()
        on = scoring.check_date(position, today).toordinal()
        eligible = c["active"].copy()

        for code in position.required_credentials:
            eligible &= self._best_expiry(code, state, rows) > on
        req_mod = np.uint64(self._modalities.mask(position.required_modalities))
        eligible &= (c["m1"] & req_mod) == req_mod
        eligible &= c["training"] >= position.min_training_hours
        c2: FloatArray | None = None
        if point is None:
            eligible[:] = False
        else:
            c2 = geo.chord2_many(geo.unit_vector(point), c["x"], c["y"], c["z"])
            eligible &= c["known"] & (c2 <= c["thr2"])
        kind = np.uint64(self._employment.mask((position.employment_type,)))
        eligible &= (c["employment"] == _ZERO) | ((c["employment"] & kind) != _ZERO)
        shifts = np.uint64(self._slots.mask(position.shifts))
        overlap = _popcount(c["availability"] & shifts)
        if position.shifts:
            eligible &= overlap > 0

        # employer side
        pref_mod = np.uint64(self._modalities.mask(position.preferred_modalities))
        n_pref = len(position.preferred_modalities)
        held = _popcount(c["m1"] & pref_mod)
        k_pref_mod = _constant_or(
            n_pref,
            WEIGHTS["preferred_modalities"],
            lambda: WEIGHTS["preferred_modalities"] * held / n_pref,
        )
        asked = position.required_modalities | position.preferred_modalities
        asked_mask = np.uint64(self._modalities.mask(asked))
        total = (
            _popcount(c["m1"] & asked_mask)
            + _popcount(c["m2"] & asked_mask)
            + _popcount(c["m3"] & asked_mask)
        )
        k_prof = _constant_or(
            len(asked),
            WEIGHTS["proficiency"],
            lambda: WEIGHTS["proficiency"] * total / (scoring.MAX_PROFICIENCY * len(asked)),
        )
        valid = np.zeros(eligible.shape, dtype=np.int64)
        for code in position.preferred_credentials:
            valid += self._best_expiry(code, state, rows) > on
        n_pref_cred = len(position.preferred_credentials)
        k_pref_cred = _constant_or(
            n_pref_cred,
            WEIGHTS["preferred_credentials"],
            lambda: WEIGHTS["preferred_credentials"] * valid / n_pref_cred,
        )
        hours = np.clip(c["clinical"], 0, scoring.CLINICAL_HOURS_FULL)
        k_clinical = _tenths(WEIGHTS["clinical_hours"] * hours / scoring.CLINICAL_HOURS_FULL)

        # graduate side
        n_shifts = len(position.shifts)
        k_schedule = _constant_or(
            n_shifts, WEIGHTS["schedule"], lambda: WEIGHTS["schedule"] * overlap / n_shifts
        )
        if c2 is None:
            k_distance = np.zeros(eligible.shape, dtype=np.int64)
        else:
            k_distance = np.where(c["known"], _tenths(_distance_raw(c2)), 0)
        setting = np.uint64(self._settings.mask((position.setting,)))
        k_setting = _setting_tenths((c["settings"] & setting) != _ZERO, c["settings"] != _ZERO)
        top = scoring.pay_top(position)
        k_pay = _pay_tenths(math.nan if top is None else float(top), c["pay"])

        employer_side = k_pref_mod + k_prof + k_pref_cred + k_clinical
        graduate_side = k_schedule + k_distance + k_setting + k_pay
        return _Scored(eligible, employer_side + graduate_side, graduate_side, employer_side)

    def _score_positions(self, row: int) -> _Scored:
        """scoring.score for one graduate row against every position row."""
        g = {name: self._g.cols[name][row] for name in _GRADUATE_COLUMNS}
        m = self._p.size
        c = {name: array[:m] for name, array in self._p.cols.items()}
        today_ord = self._today().toordinal()
        on = np.maximum(c["start"], today_ord)
        eligible = c["alive"] & bool(g["active"])

        # which credential codes each position's state makes valid for this graduate
        satisfied = np.zeros(m, dtype=np.uint64)
        used = int(np.bitwise_or.reduce(c["req_cred"] | c["pref_cred"])) if m else 0
        holdings = [
            (key, int(column[row]))
            for key, column in ((k, self._g.cols[name]) for k, name in self._cred_keys.items())
            if column[row] != NOT_HELD
        ]
        for bit, code in enumerate(self._credentials.codes):
            if not used >> bit & 1:
                continue
            best_by_state = np.array(
                [
                    max(
                        (
                            expiry
                            for (held, held_state), expiry in holdings
                            if taxonomy.credential_satisfies(code, held, held_state, state)
                        ),
                        default=NOT_HELD,
                    )
                    for state in self._states
                ],
                dtype=np.int64,
            )
            valid = best_by_state[c["state"]] > on
            satisfied |= np.where(valid, np.uint64(1 << bit), _ZERO)
        eligible &= (c["req_cred"] & ~satisfied) == _ZERO
        m1, m2, m3 = g["m1"], g["m2"], g["m3"]
        eligible &= (c["req_mod"] & ~m1) == _ZERO
        eligible &= g["training"] >= c["min_training"]
        c2: FloatArray | None = None
        if not g["known"]:
            eligible[:] = False
        else:
            c2 = geo.chord2_many(
                (float(g["x"]), float(g["y"]), float(g["z"])), c["x"], c["y"], c["z"]
            )
            eligible &= c["known"] & (c2 <= g["thr2"])
        if g["employment"] != _ZERO:
            eligible &= (c["employment"] & g["employment"]) != _ZERO
        overlap = _popcount(c["shifts"] & g["availability"])
        eligible &= (c["n_shifts"] == 0) | (overlap > 0)

        # employer side
        held = _popcount(c["pref_mod"] & m1)
        k_pref_mod = _per_row(c["n_pref_mod"], WEIGHTS["preferred_modalities"], held)
        total = (
            _popcount(c["asked_mod"] & m1)
            + _popcount(c["asked_mod"] & m2)
            + _popcount(c["asked_mod"] & m3)
        )
        k_prof = _per_row(
            c["n_asked_mod"],
            WEIGHTS["proficiency"],
            total,
            scale=scoring.MAX_PROFICIENCY,
        )
        k_pref_cred = _per_row(
            c["n_pref_cred"],
            WEIGHTS["preferred_credentials"],
            _popcount(c["pref_cred"] & satisfied),
        )
        hours = max(0, min(int(g["clinical"]), scoring.CLINICAL_HOURS_FULL))
        k_clinical = scoring.tenths(scoring.clinical_hours_raw(hours))

        # graduate side
        k_schedule = _per_row(c["n_shifts"], WEIGHTS["schedule"], overlap)
        if c2 is None:
            k_distance = np.zeros(m, dtype=np.int64)
        else:
            k_distance = np.where(c["known"], _tenths(_distance_raw(c2)), 0)
        k_setting = _setting_tenths(
            (c["setting"] & g["settings"]) != _ZERO, np.full(m, g["settings"] != _ZERO)
        )
        k_pay = _pay_tenths(c["top_pay"], float(g["pay"]))

        employer_side = k_pref_mod + k_prof + k_pref_cred + k_clinical
        graduate_side = k_schedule + k_distance + k_setting + k_pay
        return _Scored(eligible, employer_side + graduate_side, graduate_side, employer_side)

    # --- helpers -------------------------------------------------------------------------

    def _today(self) -> date:
        return self.today or date.today()

    def _prefilter_graduates(self, position: PositionRecord, rows_ok: BoolArray) -> IntArray:
        """Rows that pass the hard rules, cheapest first and distance last (on few rows).

        Only a filter: `_score_graduates` decides eligibility again on what is left.
        """
        n = rows_ok.size
        c = self._g.cols
        point = geo.lookup(position.zip)
        if point is None:
            return np.zeros(0, dtype=np.int64)
        ok = rows_ok & c["active"][:n] & c["known"][:n]
        ok &= c["training"][:n] >= position.min_training_hours
        req_mod = np.uint64(self._modalities.mask(position.required_modalities))
        if req_mod:
            ok &= (c["m1"][:n] & req_mod) == req_mod
        kind = np.uint64(self._employment.mask((position.employment_type,)))
        employment = c["employment"][:n]
        ok &= (employment == _ZERO) | ((employment & kind) != _ZERO)
        if position.shifts:
            ok &= (c["availability"][:n] & np.uint64(self._slots.mask(position.shifts))) != _ZERO
        on = scoring.check_date(position, self._today()).toordinal()
        for code in position.required_credentials:
            ok &= self._best_expiry(code, point.state, slice(0, n)) > on
        rows = np.flatnonzero(ok)
        c2 = geo.chord2_many(geo.unit_vector(point), c["x"][rows], c["y"][rows], c["z"][rows])
        return rows[c2 <= c["thr2"][rows]]

    def _row_filter(self, table: _Table, ids: Iterable[int]) -> BoolArray:
        mask = np.zeros(table.size, dtype=np.bool_)
        rows = [table.row_of[i] for i in ids if i in table.row_of]
        mask[np.asarray(rows, dtype=np.int64)] = True
        return mask

    def _best_expiry(self, code: str, state: str | None, rows: slice | IntArray) -> IntArray:
        """Per graduate row, the latest expiry among credentials satisfying `code` here."""
        names = self._satisfying.get((code, state))
        if names is None:
            names = [
                name
                for (held, held_state), name in self._cred_keys.items()
                if taxonomy.credential_satisfies(code, held, held_state, state)
            ]
            self._satisfying[(code, state)] = names
        size = len(range(self._g.size)[rows]) if isinstance(rows, slice) else rows.size
        best = np.zeros(size, dtype=np.int64)
        for name in names:
            np.maximum(best, self._g.cols[name][rows], out=best)
        return best

    def _cred_column(self, key: CredentialKey) -> np.ndarray:
        name = self._cred_keys.get(key)
        if name is None:
            name = f"cred:{key[0]}:{key[1] or ''}"
            self._cred_keys[key] = name
            self._g.add_column(name, np.int32, NOT_HELD)
            self._satisfying.clear()
        return self._g.cols[name]

    def _zip_slot(self, zip_code: str | None) -> int:
        if zip_code is None:
            return -1
        slot = self._zip_index.get(zip_code)
        if slot is None:
            slot = self._zip_index[zip_code] = len(self._zips)
            self._zips.append(zip_code)
        return slot

    def _state_slot(self, state: str | None) -> int:
        slot = self._state_index.get(state)
        if slot is None:
            slot = self._state_index[state] = len(self._states)
            self._states.append(state)
        return slot

    def _decode(self, row: int) -> GraduateRecord:
        """A GraduateRecord the reference scorer treats exactly like the one upserted."""
        cols = self._g.cols
        zip_slot = int(cols["zip"][row])
        radius = float(cols["radius"][row])
        pay = float(cols["pay"][row])
        m1, m2, m3 = (int(cols[name][row]) for name in ("m1", "m2", "m3"))
        modalities = {
            code: 1 + (m2 >> bit & 1) + (m3 >> bit & 1)
            for bit, code in enumerate(self._modalities.codes)
            if m1 >> bit & 1
        }
        credentials = []
        for (code, state), name in self._cred_keys.items():
            expiry = int(cols[name][row])
            if expiry != NOT_HELD:
                expires_on = None if expiry == NO_EXPIRY else date.fromordinal(expiry)
                credentials.append(CredentialRecord(code, state, expires_on))
        return GraduateRecord(
            id=int(cols["id"][row]),
            verified=bool(cols["verified"][row]),
            seeking=bool(cols["seeking"][row]),
            visibility=_LEVEL_NAMES.get(int(cols["level"][row]), "private"),
            zip=self._zips[zip_slot] if zip_slot >= 0 else None,
            travel_radius_miles=None if math.isnan(radius) else _number(radius),
            training_hours=int(cols["training"][row]),
            clinical_hours=int(cols["clinical"][row]),
            settings=self._settings.decode(int(cols["settings"][row])),
            employment_types=self._employment.decode(int(cols["employment"][row])),
            availability=self._slots.decode(int(cols["availability"][row])),
            pay_expectation=None if math.isnan(pay) else pay,
            modalities=modalities,
            credentials=tuple(credentials),
        )


# --- vector twins of scoring's formulas ---------------------------------------------------


def _top(
    ids: IntArray,
    scored: _Scored,
    limit: int | None,
    include_ineligible: bool,
    allowed: BoolArray | None = None,
) -> IntArray:
    """Positions (into `ids`) of the best `limit` rows, in ranking order; only `allowed`
    rows (all when None), and only eligible ones unless `include_ineligible`."""
    mask = allowed if allowed is not None else np.ones(ids.size, dtype=np.bool_)
    if not include_ineligible:
        mask = mask & scored.eligible
    keep = np.flatnonzero(mask)
    if limit is not None and limit <= 0:
        return keep[:0]
    # One int64 per row: ineligible after eligible, then higher score, then lower id.
    keys = (
        ((~scored.eligible[keep]).astype(np.int64) * 1001 + (1000 - scored.total[keep])) << _ID_BITS
    ) | ids[keep]
    if limit is not None and limit < keep.size:
        part = np.argpartition(keys, limit - 1)[:limit]
        keep, keys = keep[part], keys[part]
    return keep[np.argsort(keys)]


def _constant_or(count: int, weight: int, raw: Callable[[], FloatArray]) -> IntArray | int:
    """Full points when nothing is asked (count 0), else the tenths of `raw()`."""
    return scoring.tenths(weight) if count == 0 else _tenths(raw())


def _per_row(counts: IntArray, weight: int, held: IntArray, scale: int = 1) -> IntArray:
    """`weight * held / (scale * count)` per row, full points where count is 0."""
    divisor = np.maximum(counts, 1)  # rows with count 0 take the full points below
    raw = weight * held / (scale * divisor)
    return np.where(counts == 0, scoring.tenths(weight), _tenths(raw))


def _distance_raw(c2: FloatArray) -> FloatArray:
    miles = geo.EARTH_RADIUS_MILES * np.sqrt(c2)
    return WEIGHTS["distance"] * np.maximum(0.0, 1.0 - miles / scoring.DISTANCE_SCALE_MILES)


def _setting_tenths(preferred: BoolArray, has_preference: BoolArray) -> IntArray:
    weight = WEIGHTS["setting"]
    return np.where(
        preferred,
        scoring.tenths(weight),
        np.where(has_preference, 0, scoring.tenths(weight * 0.5)),
    )


def _pay_tenths(top: float | FloatArray, expectation: float | FloatArray) -> IntArray:
    weight = WEIGHTS["pay"]
    top_a = np.asarray(top, dtype=np.float64)
    exp_a = np.asarray(expectation, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = weight * np.maximum(0.0, (top_a / exp_a - scoring.PAY_FLOOR_RATIO) / _PAY_SPAN)
        # NaN and inf only appear where the branches below pick another value.
        partial = np.nan_to_num(partial, nan=0.0, posinf=0.0, neginf=0.0)
        k = np.where(
            np.isnan(top_a) | np.isnan(exp_a),
            scoring.tenths(weight * 0.5),
            np.where((exp_a <= 0) | (top_a >= exp_a), scoring.tenths(weight), _tenths(partial)),
        )
    return np.asarray(k, dtype=np.int64)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _check_id(record_id: int) -> None:
    if not 0 <= record_id <= MAX_ID:
        raise ValueError(f"ids must be between 0 and {MAX_ID}, got {record_id}")
