"""MatchIndex: the whole population as arrays, ranked both ways in milliseconds.

Every graduate is one row of narrow numbers, about 100 bytes: one byte of flags (alive,
seeking and verified, a known ZIP, who may see them), code sets as bit masks as wide as their
vocabulary needs (settings, employment types, availability slots, three proficiency planes
for modalities), small slots into tables of the distinct values of the ZIP, the travel radius
and the pay expectation, and each credential (code, state) as a column of best expiry
dates in two bytes (days from 1970; any date outside 1970-2149 widens them to ordinals).
Ids map to rows through a dense array, not a dict. Ranking a position over all
graduates, or a graduate over all positions, is a few dozen array operations that repeat the
reference scorer's arithmetic (see scoring.py) operation for operation, so eligibility and
scores are bit-for-bit the reference's. What depends only on a ZIP, a radius or a pay
expectation is computed once per distinct value and gathered (a million graduates share a
few thousand ZIPs).

Ranking and explaining are separate: `order_graduates` / `order_positions` give ids and
scores only; `rank_graduates` / `rank_positions` add the reasons for the rows returned, built
by the reference scorer itself on a record decoded from the arrays (the index keeps no
per-graduate Python objects).

Positions are few (thousands), so their records are kept as they are.

One index lives in each process; keep it fresh with `upsert_*`/`remove_*` when a profile,
credential or position changes. `build` and `upsert_graduates` encode many graduates at once
with arrays, from `GraduateColumns` as the matching queries return them (no Python object
per graduate or credential) or from records, turned into columns first: one encoding either
way. What takes a value per row (a ZIP, a code) is computed once per distinct value
and gathered.
"""

from __future__ import annotations

import functools
import gc
import math
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from placement import dates, geo, taxonomy
from placement.matching import scoring
from placement.matching.records import (
    EPOCH_ORDINAL,
    NO_EXPIRY_DAY,
    CredentialRecord,
    CredentialRows,
    GraduateColumns,
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

# The graduate flags byte.
ALIVE = 1  # the row holds a graduate
ACTIVE = 2  # seeking and verified
KNOWN = 4  # the ZIP is a known US ZIP
STAFF_SEE = 8  # visibility staff or employers
EMPLOYERS_SEE = 16  # visibility employers
SEEKING = 32
VERIFIED = 64
_AUDIENCE_FLAGS = {"all": ALIVE, "staff": ALIVE | STAFF_SEE, "employers": ALIVE | EMPLOYERS_SEE}
_LEVEL_FLAGS = {0: 0, 1: STAFF_SEE, 2: STAFF_SEE | EMPLOYERS_SEE}

NOT_HELD = 0
NO_EXPIRY = NO_EXPIRY_DAY + EPOCH_ORDINAL  # the ordinal of `records.NO_EXPIRY_DAY`
# Credential expiries are kept as uint16 days from this base (1 = the base day, 0 = not
# held, 65535 = no expiry): 1970 to 2149. A date outside that range widens every credential
# column to int32 ordinals, so any date stays exact.
_CRED_BASE = EPOCH_ORDINAL - 1
_CRED_TOP = 65534  # the last day in the narrow form
_CRED_NO_EXPIRY = 65535
# Ids are database integers (PostgreSQL's `integer`); sort keys pack them into 40 bits.
MAX_ID = 2**31 - 1
_ID_BITS = 40
_INT32 = np.iinfo(np.int32)
_PAY_SPAN = 1.0 - scoring.PAY_FLOOR_RATIO
_ZERO = np.uint64(0)
# Ids below this always map through the dense array; larger ones while the array would stay
# within a few times the rows (sparse ids go to a dict).
_DENSE_FLOOR = 1 << 16

CredentialKey = tuple[str, str | None]
_Value = TypeVar("_Value", bound=Hashable)


class _Codes:
    """Code -> bit position in a mask; taxonomy codes first, others as they come (up to 64).

    Graduate columns are as wide as the vocabulary needs; `on_widen(dtype)` is called when
    one more code would not fit.
    """

    def __init__(self, known: Iterable[str], on_widen: Callable[[type], None] | None = None):
        self.bits: dict[str, int] = {}
        self.codes: list[str] = []
        self.on_widen = on_widen
        self._decoded: dict[int, frozenset[str]] = {}
        for code in known:
            self.bit(code)
        self.dtype: type = _mask_dtype(len(self.codes) + 2)

    def bit(self, code: str) -> int:
        found = self.bits.get(code)
        if found is None:
            if len(self.codes) == 64:
                raise ValueError(f"more than 64 distinct codes; cannot add {code!r}")
            found = self.bits[code] = len(self.codes)
            self.codes.append(code)
            dtype = getattr(self, "dtype", None)
            if dtype is not None and found >= np.iinfo(dtype).bits:
                self.dtype = _mask_dtype(found + 1)
                if self.on_widen is not None:
                    self.on_widen(self.dtype)
        return found

    def mask(self, codes: Iterable[str]) -> int:
        value = 0
        bits = self.bits
        for code in codes:
            found = bits.get(code)
            value |= 1 << (self.bit(code) if found is None else found)
        return value

    def decode(self, mask: int) -> frozenset[str]:
        found = self._decoded.get(mask)
        if found is None:
            found = frozenset(code for i, code in enumerate(self.codes) if mask >> i & 1)
            if len(self._decoded) < 65536:
                self._decoded[mask] = found
        return found

    def masks(self, sets: Sequence[frozenset[str]]) -> MaskArray:
        """`mask(s)` for many sets at once, as uint64."""
        n = len(sets)
        sample = sets[:: max(1, n // 1000)]
        if len(set(sample)) * 4 <= len(sample):  # few distinct sets (settings, types)
            return _per_distinct(sets, self.mask, np.uint64)
        counts = np.fromiter(map(len, sets), np.int64, n)
        numbers, codes = _distinct(chain.from_iterable(sets), int(counts.sum()))
        bits = np.array([self.bit(code) for code in codes], dtype=np.uint64)
        ones: np.ndarray = np.left_shift(np.uint64(1), bits).astype(self.dtype)[numbers]
        return _or_segments(ones, counts, np.zeros(n, dtype=self.dtype))

    def numbers(self, codes: Sequence[str]) -> IntArray:
        """The bit of each code (a new code takes the next free bit)."""
        return _per_distinct(codes, self.bit, np.int64)


class _Numbering(dict[Hashable, int]):
    """Distinct values numbered in order of appearance (`seen` by number)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []

    def __missing__(self, key: Hashable) -> int:
        number = self[key] = len(self.seen)
        self.seen.append(key)
        return number


def _distinct(values: Iterable[_Value], count: int | None = None) -> tuple[IntArray, list[_Value]]:
    """Each value's number among the distinct values, and those values by number: one
    hash per value, so that what depends on a value is computed once and gathered.
    `count` is the number of values when `values` has no len()."""
    numbering = _Numbering()
    size = len(values) if count is None else count  # type: ignore[arg-type]  # a Sequence then
    numbers = np.fromiter(map(numbering.__getitem__, values), np.int64, size)
    return numbers, numbering.seen


def _per_distinct(
    values: Sequence[_Value], make: Callable[[_Value], object], dtype: npt.DTypeLike
) -> np.ndarray:
    """`make(value)` for each of many values, called once per distinct value."""
    numbers, distinct = _distinct(values)
    return np.array([make(value) for value in distinct], dtype=dtype).reshape(-1)[numbers]


class _Batch:
    """Where each id of a batch of graduates sits in it, to place the rows of long tables
    (modalities, credentials) that name their graduate by id."""

    def __init__(self, ids: IntArray) -> None:
        self.low = int(ids.min()) if ids.size else 0
        top = int(ids.max()) if ids.size else -1
        self.dense = top - self.low < max(_DENSE_FLOOR, 4 * ids.size)
        if self.dense:  # one gather per lookup
            self.table = np.full(top - self.low + 1, -1, dtype=np.int64)
            self.table[ids - self.low] = np.arange(ids.size)
            unique = np.count_nonzero(self.table >= 0) == ids.size
        else:
            self.order = np.argsort(ids)
            self.sorted = ids[self.order]
            unique = not np.any(self.sorted[1:] == self.sorted[:-1])
        if not unique:
            raise ValueError("graduate ids must be unique")

    def positions(self, wanted: Sequence[int]) -> IntArray:
        """For each id, its position in the batch, or -1 when it is not in the batch."""
        ids = _int64(wanted)
        if self.dense:
            at = ids - self.low
            if not at.size or (at.min() >= 0 and at.max() < self.table.size):
                return self.table[at]  # every id within the batch's range (the usual case)
            inside = (at >= 0) & (at < self.table.size)
            return np.where(inside, self.table[np.where(inside, at, 0)], -1)
        if not self.sorted.size:
            return np.full(ids.size, -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted, ids), self.sorted.size - 1)
        return np.where(self.sorted[at] == ids, self.order[at], -1)


def _mask_dtype(bits: int) -> type:
    for dtype in (np.uint8, np.uint16, np.uint32):
        if bits <= np.iinfo(dtype).bits:
            return dtype
    return np.uint64


def _or_segments(values: MaskArray, counts: IntArray, out: MaskArray) -> MaskArray:
    """out[i] = OR of the i-th run of `counts[i]` values (runs of length 0 leave out[i])."""
    starts = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    nonempty = counts > 0
    if values.size:
        out[nonempty] = np.bitwise_or.reduceat(values, starts[nonempty])
    return out


class _Values:
    """Distinct values of one field -> small slots; slot 0 is None."""

    def __init__(self) -> None:
        self.values: list[object] = [None]
        self.slot_of: dict[object, int] = {}
        self._array: FloatArray | None = None

    def slot(self, value: object) -> int:
        if value is None:
            return 0
        found = self.slot_of.get(value)
        if found is None:
            found = self.slot_of[value] = len(self.values)
            self.values.append(value)
            self._array = None
        return found

    def slots(self, values: Sequence[object]) -> npt.NDArray[np.int64]:
        return _per_distinct(values, self.slot, np.int64)

    def floats(self) -> FloatArray:
        """The values as float64, NaN for None (cached until a value is added)."""
        if self._array is None:
            self._array = np.array(
                [math.nan if v is None else float(v) for v in self.values],  # type: ignore[arg-type]  # numbers or None
                dtype=np.float64,
            )
        return self._array


class _Table:
    """Named columns with spare capacity, grown by half again when full; ids map to rows
    through a dense int32 array (a dict for ids far beyond the rows)."""

    def __init__(self, spec: dict[str, tuple[npt.DTypeLike, object]]) -> None:
        self.spec = dict(spec)
        self.capacity = 0
        self.size = 0  # high-water mark: rows >= size were never used
        self.count = 0
        self.cols: dict[str, np.ndarray] = {
            name: np.full(0, fill, dtype=dtype) for name, (dtype, fill) in spec.items()
        }
        self.free: list[int] = []
        self.dense = np.full(0, -1, dtype=np.int32)
        self.sparse: dict[int, int] = {}

    # --- ids and rows

    def row(self, record_id: int) -> int | None:
        if 0 <= record_id < self.dense.size:
            found = int(self.dense[record_id])
            return found if found >= 0 else None
        return self.sparse.get(record_id)

    def rows(self, ids: IntArray) -> IntArray:
        """Rows of many ids, -1 where absent."""
        ids = np.asarray(ids, dtype=np.int64)
        out = np.full(ids.size, -1, dtype=np.int64)
        inside = (ids >= 0) & (ids < self.dense.size)
        out[inside] = self.dense[ids[inside]]
        if self.sparse:
            for i in np.flatnonzero(~inside).tolist():
                out[i] = self.sparse.get(int(ids[i]), -1)
        return out

    def ids(self) -> Iterator[int]:
        yield from np.flatnonzero(self.dense >= 0).tolist()
        yield from self.sparse

    def _set_row(self, ids: IntArray, rows: IntArray) -> None:
        top = int(ids.max()) if ids.size else -1
        if top >= self.dense.size and top < max(_DENSE_FLOOR, 4 * (self.capacity + ids.size)):
            grown = np.full(max(top + 1, self.dense.size + self.dense.size // 2), -1, np.int32)
            grown[: self.dense.size] = self.dense
            self.dense = grown
            for record_id in [i for i in self.sparse if i < grown.size]:
                grown[record_id] = self.sparse.pop(record_id)
        inside = ids < self.dense.size
        self.dense[ids[inside]] = rows[inside]
        for record_id, row in zip(ids[~inside].tolist(), rows[~inside].tolist(), strict=True):
            self.sparse[record_id] = row

    def row_for(self, record_id: int) -> int:
        """The row of one id, allocated when new."""
        found = self.row(record_id)
        if found is not None:
            return found
        return int(self.rows_for(np.array([record_id], dtype=np.int64))[0][0])

    def rows_for(self, ids: IntArray) -> tuple[IntArray, BoolArray]:
        """Rows for unique ids, allocating rows for new ones; (rows, which were new)."""
        rows = self.rows(ids)
        new = rows < 0
        k = int(new.sum())
        if k:
            reuse = [self.free.pop() for _ in range(min(k, len(self.free)))]
            fresh = k - len(reuse)
            if self.size + fresh > self.capacity:
                self._grow(max(64, self.size + fresh, self.capacity + self.capacity // 2))
            taken = np.concatenate(
                [np.asarray(reuse, dtype=np.int64), np.arange(self.size, self.size + fresh)]
            )
            self.size += fresh
            rows[new] = taken
            self._set_row(ids[new], taken)
            self.count += k
        return rows, new

    def release(self, record_id: int) -> int | None:
        row = self.row(record_id)
        if row is None:
            return None
        if 0 <= record_id < self.dense.size:
            self.dense[record_id] = -1
        else:
            del self.sparse[record_id]
        for name, (_, fill) in self.spec.items():
            self.cols[name][row] = fill
        self.free.append(row)
        self.count -= 1
        return row

    # --- columns

    def add_column(self, name: str, dtype: npt.DTypeLike, fill: object) -> np.ndarray:
        self.spec[name] = (dtype, fill)
        self.cols[name] = np.full(self.capacity, fill, dtype=dtype)
        return self.cols[name]

    def retype(self, name: str, dtype: npt.DTypeLike) -> None:
        _, fill = self.spec[name]
        self.spec[name] = (dtype, fill)
        self.cols[name] = self.cols[name].astype(dtype)

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
        return sum(a.nbytes for a in self.cols.values()) + self.dense.nbytes


_GRADUATE_COLUMNS: dict[str, tuple[npt.DTypeLike, object]] = {
    "id": (np.int32, -1),
    "flags": (np.uint8, 0),
    "zip": (np.uint16, 0),  # slot in MatchIndex._zips (0: none)
    "radius": (np.uint16, 0),  # slot in MatchIndex._radii (0: no limit stated)
    "pay": (np.uint16, 0),  # slot in MatchIndex._pays (0: no expectation)
    "training": (np.int16, 0),
    "clinical": (np.int16, 0),
    # masks; widened by _Codes when a vocabulary outgrows them
    "settings": (np.uint16, 0),
    "employment": (np.uint8, 0),
    "availability": (np.uint32, 0),
    "m1": (np.uint32, 0),  # modalities held at proficiency >= 1
    "m2": (np.uint32, 0),  # ... >= 2
    "m3": (np.uint32, 0),  # ... >= 3
}
# Columns kept narrow while their values fit, widened (for good) by the first that does not.
_WIDER = {
    "radius": np.uint32,
    "pay": np.uint32,
    "zip": np.uint32,
    "training": np.int32,
    "clinical": np.int32,
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
    "ver_cred": (np.uint64, 0),  # of req_cred, those only a verified credential satisfies
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
class Ranking:
    """A ranking without sentences: ids best first, eligibility, scores in integer tenths."""

    ids: IntArray
    eligible: BoolArray
    score: IntArray

    def __len__(self) -> int:
        return int(self.ids.size)


@dataclass(frozen=True, slots=True)
class _Scored:
    """Eligibility and tenths for a set of rows (one side fixed)."""

    eligible: BoolArray
    total: IntArray
    graduate_side: IntArray
    employer_side: IntArray


@dataclass(frozen=True, slots=True)
class PositionRules:
    """One graduate against every position row, rule by rule (arrays over position rows).

    Credential masks use the index's credential bits (`MatchIndex.credential_codes`):
    `credential_fail` the required ones not valid beyond the check date `on` (an ordinal),
    `credential_held` the ones held in some form there (so a renewal would do).
    """

    ids: IntArray
    alive: BoolArray
    active: bool
    on: IntArray
    satisfied: MaskArray
    credential_held: MaskArray
    credential_fail: MaskArray
    modality_missing: MaskArray
    training_fail: BoolArray
    distance_fail: BoolArray
    c2: FloatArray | None
    employment_fail: BoolArray
    availability_fail: BoolArray
    overlap: IntArray


def _tenths(raw: FloatArray) -> IntArray:
    """Vector twin of scoring.tenths: rint is half-to-even like Python's round."""
    return np.rint(raw * 10).astype(np.int64)


def _popcount(values: np.ndarray) -> IntArray:
    return np.bitwise_count(values).astype(np.int64)


def _expiry_date(ordinal: int) -> date | None:
    return None if ordinal == NO_EXPIRY else date.fromordinal(ordinal)


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


@contextmanager
def _no_gc() -> Iterator[None]:
    """Encoding a million records makes millions of short-lived tuples: without this the
    cyclic collector would walk the caller's records again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        self._settings = _Codes(taxonomy.SETTINGS, self._widen("settings"))
        self._employment = _Codes(taxonomy.EMPLOYMENT_TYPES, self._widen("employment"))
        self._slots = _Codes(taxonomy.SLOTS, self._widen("availability"))
        self._modalities = _Codes(taxonomy.MODALITIES, self._widen("m1", "m2", "m3"))
        self._credentials = _Codes(taxonomy.CREDENTIALS)
        for codes, names in (
            (self._settings, ("settings",)),
            (self._employment, ("employment",)),
            (self._slots, ("availability",)),
            (self._modalities, ("m1", "m2", "m3")),
        ):
            for name in names:
                self._g.retype(name, codes.dtype)
        # ZIP slots: the string, and per slot a known flag, unit vector and state
        self._zips: list[str | None] = [None]
        self._zip_index: dict[str, int] = {}
        self._zip_points: list[geo.ZipPoint | None] = [None]
        self._zip_arrays: tuple[BoolArray, FloatArray, FloatArray, FloatArray] | None = None
        self._radii = _Values()
        self._thr2: FloatArray | None = None
        self._pays = _Values()
        self._states: list[str | None] = [None]
        self._state_index: dict[str | None, int] = {None: 0}
        self._cred_keys: dict[CredentialKey, str] = {}  # key -> column name in self._g
        # The same, counting only verified credentials (for positions' verified_credentials).
        self._vcred_keys: dict[CredentialKey, str] = {}
        self._satisfying: dict[tuple[str, str | None, bool], list[str]] = {}
        self._cred_wide = False  # credential columns hold int32 ordinals, not uint16 days
        self._positions: dict[int, PositionRecord] = {}

    def _widen(self, *names: str) -> Callable[[type], None]:
        def widen(dtype: type) -> None:
            for name in names:
                self._g.retype(name, dtype)

        return widen

    # --- building and keeping fresh ----------------------------------------------------

    @classmethod
    def build(
        cls,
        graduates: Iterable[GraduateRecord] | GraduateColumns,
        positions: Iterable[PositionRecord],
        *,
        today: date | None = None,
    ) -> MatchIndex:
        index = cls(today=today)
        with _no_gc():
            index.upsert_graduates(graduates)
            index.upsert_positions(positions)
        return index

    def upsert_graduate(self, graduate: GraduateRecord) -> None:
        """Add a graduate or replace their row (a changed profile or credential)."""
        self.upsert_graduates([graduate])

    @_locked
    def upsert_graduates(self, graduates: Iterable[GraduateRecord] | GraduateColumns) -> None:
        """Add or replace many graduates at once: records (the last record of an id wins),
        or columns as the matching queries return them. Both go through `_encode`."""
        if not isinstance(graduates, GraduateColumns):
            latest = {record.id: record for record in graduates}
            graduates = GraduateColumns.from_records(list(latest.values()))
        if not len(graduates):
            return
        ids = _int64(graduates.id)
        if ids.min() < 0 or ids.max() > MAX_ID:
            bad = ids[(ids < 0) | (ids > MAX_ID)][0]
            raise ValueError(f"ids must be between 0 and {MAX_ID}, got {bad}")
        batch = _Batch(ids)
        columns = self._encode(graduates, ids, batch)
        holders = batch.positions(graduates.credentials.graduate_id)
        table = self._g
        rows, new = table.rows_for(ids)
        old = rows[~new]
        if old.size:
            for name in (*self._cred_keys.values(), *self._vcred_keys.values()):
                table.cols[name][old] = NOT_HELD
        cols = table.cols
        for name, values in columns.items():
            wider = _WIDER.get(name)
            if wider is not None and values.size:
                fits = np.iinfo(cols[name].dtype)
                if values.max() > fits.max or values.min() < fits.min:
                    table.retype(name, wider)
            cols[name][rows] = values
        self._encode_credentials(graduates.credentials, holders, rows)

    def _encode(
        self, graduates: GraduateColumns, ids: IntArray, batch: _Batch
    ) -> dict[str, np.ndarray]:
        """The graduate columns (all but credentials) of a batch, one entry per graduate."""
        n = ids.size
        zip_slots = _per_distinct(graduates.zip, self._zip_slot, np.int64)
        known = self._zip_known()[zip_slots]
        seeking = np.fromiter(graduates.seeking, np.bool_, n)
        verified = np.fromiter(graduates.verified, np.bool_, n)
        flags = _per_distinct(
            graduates.visibility, lambda v: _LEVEL_FLAGS[VISIBILITY_LEVELS.get(v, 0)], np.uint8
        )
        flags |= ALIVE
        flags |= np.where(seeking, SEEKING, 0).astype(np.uint8)
        flags |= np.where(verified, VERIFIED, 0).astype(np.uint8)
        flags |= np.where(seeking & verified, ACTIVE, 0).astype(np.uint8)
        flags |= np.where(known, KNOWN, 0).astype(np.uint8)

        radii = self._radii.slots(graduates.travel_radius_miles)
        self._thr2 = None
        pays = self._pays.slots(graduates.pay_expectation)
        out: dict[str, np.ndarray] = {
            "id": ids,
            "flags": flags,
            "zip": zip_slots,
            "radius": radii,
            "pay": pays,
            "training": _int32(graduates.training_hours, "training_hours"),
            "clinical": _int32(graduates.clinical_hours, "clinical_hours"),
            "settings": self._settings.masks(graduates.settings),
            "employment": self._employment.masks(graduates.employment_types),
            "availability": self._slots.masks(graduates.availability),
        }
        # modalities: three planes by proficiency, clamped to 0..3 like scoring.proficiency:
        # each row ORs its bit into the cell of its level, and a plane is its level's cell
        # ORed with the cells above (one ufunc.at for all rows, no gather per plane)
        held = graduates.modalities
        owners = batch.positions(held.graduate_id)
        bits = self._modalities.numbers(held.code)
        levels = np.minimum(_int64(held.level), 3)  # truncated like int()
        keep = (owners >= 0) & (levels > 0)
        if not keep.all():
            owners, bits, levels = owners[keep], bits[keep], levels[keep]
        dtype = self._modalities.dtype
        cells: np.ndarray = np.zeros((n, 3), dtype=dtype)
        one = np.left_shift(dtype(1), bits.astype(dtype))
        np.bitwise_or.at(cells.reshape(-1), owners * 3 + levels - 1, one)
        out["m3"] = cells[:, 2]
        out["m2"] = cells[:, 1] | out["m3"]
        out["m1"] = cells[:, 0] | out["m2"]
        return out

    def _encode_credentials(
        self, credentials: CredentialRows, holders: IntArray, rows: IntArray
    ) -> None:
        """Each credential's best expiry into the column of its (code, state), and of the
        verified ones into the verified column; `holders` are positions in the batch."""
        if not holders.size:
            return
        # (code, state) pairs are few: number them, one hash per row (the expiries come as
        # day numbers, so nothing else is looked up per row), and take each pair's rows as
        # one run of a stable sort.
        pairs = zip(credentials.code, credentials.state, strict=True)
        key_of, keys = _distinct(pairs, holders.size)
        columns = _Numbering()  # the states compared normalised ("ca" is "CA")
        column_of = np.array([columns[code, _state_key(state)] for code, state in keys])
        group = column_of.astype(np.min_scalar_type(len(columns.seen)))[key_of]
        values = self._cred_values(credentials.expiry_day)
        verified = np.fromiter(credentials.verified, np.bool_, holders.size)
        mine = holders >= 0  # rows of other graduates are ignored
        if not mine.all():
            group, values, verified = group[mine], values[mine], verified[mine]
            holders = holders[mine]
        order = np.argsort(group, kind="stable")
        owners, values, verified = rows[holders[order]], values[order], verified[order]
        ends = np.cumsum(np.bincount(group, minlength=len(columns.seen))).tolist()
        for key, start, end in zip(columns.seen, [0, *ends[:-1]], ends, strict=True):
            run = slice(start, end)
            if start < end:
                np.maximum.at(self._cred_column(key), owners[run], values[run])
            checked = verified[run]
            if checked.any():
                column = self._cred_column(key, verified=True)
                np.maximum.at(column, owners[run][checked], values[run][checked])

    @_locked
    def remove_graduate(self, graduate_id: int) -> None:
        self._g.release(graduate_id)

    def upsert_position(self, position: PositionRecord) -> None:
        """Add a position or replace it (edited, reopened)."""
        self.upsert_positions([position])

    @_locked
    def upsert_positions(self, positions: Iterable[PositionRecord]) -> None:
        """Add or replace many positions at once (the last record of an id wins)."""
        latest = {position.id: position for position in positions}
        for position_id in latest:
            _check_id(position_id)
        records = list(latest.values())
        if not records:
            return
        table = self._p
        ids = np.fromiter(latest, np.int64, len(records))
        points = [geo.lookup(p.zip) for p in records]
        vectors = [geo.unit_vector(point) if point else (0.0, 0.0, 0.0) for point in points]
        asked = [p.required_modalities | p.preferred_modalities for p in records]
        tops = [scoring.pay_top(p) for p in records]
        modalities, credentials = self._modalities.mask, self._credentials.mask
        columns: dict[str, object] = {
            "id": ids,
            "alive": True,
            "known": [point is not None for point in points],
            "x": [v[0] for v in vectors],
            "y": [v[1] for v in vectors],
            "z": [v[2] for v in vectors],
            "state": [self._state_slot(point.state if point else None) for point in points],
            "setting": [self._settings.mask((p.setting,)) for p in records],
            "employment": [self._employment.mask((p.employment_type,)) for p in records],
            "shifts": [self._slots.mask(p.shifts) for p in records],
            "n_shifts": [len(p.shifts) for p in records],
            "req_mod": [modalities(p.required_modalities) for p in records],
            "pref_mod": [modalities(p.preferred_modalities) for p in records],
            "n_pref_mod": [len(p.preferred_modalities) for p in records],
            "asked_mod": [modalities(codes) for codes in asked],
            "n_asked_mod": [len(codes) for codes in asked],
            "req_cred": [credentials(p.required_credentials) for p in records],
            "ver_cred": [
                credentials(p.verified_credentials & p.required_credentials) for p in records
            ],
            "pref_cred": [credentials(p.preferred_credentials) for p in records],
            "n_pref_cred": [len(p.preferred_credentials) for p in records],
            "min_training": [p.min_training_hours for p in records],
            "start": [p.start_date.toordinal() if p.start_date else 0 for p in records],
            "top_pay": [math.nan if top is None else top for top in tops],
        }
        rows, _ = table.rows_for(ids)  # after the masks, which refuse a 65th code
        for name, values in columns.items():
            column = table.cols[name]
            column[rows] = np.asarray(values, dtype=column.dtype)
        self._positions.update(latest)

    @_locked
    def remove_position(self, position_id: int) -> None:
        if self._p.release(position_id) is not None:
            del self._positions[position_id]

    # --- reading -------------------------------------------------------------------------

    def has_graduate(self, graduate_id: int) -> bool:
        return self._g.row(graduate_id) is not None

    def has_position(self, position_id: int) -> bool:
        return self._p.row(position_id) is not None

    @property
    def graduate_count(self) -> int:
        return self._g.count

    @property
    def position_count(self) -> int:
        return self._p.count

    def position(self, position_id: int) -> PositionRecord:
        return self._positions[position_id]

    def position_ids(self) -> list[int]:
        return list(self._positions)

    @_locked
    def graduate(self, graduate_id: int) -> GraduateRecord:
        """The graduate as the index holds them (equal for matching to what was upserted)."""
        return self._decode(self._row(graduate_id))

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
    def order_graduates(
        self,
        position_id: int,
        *,
        limit: int | None = None,
        include_ineligible: bool = False,
        audience: Audience = "staff",
        among: Iterable[int] | None = None,
    ) -> Ranking:
        """Graduates for a position, best first, as ids and scores (no sentences): eligible
        ones by score, then (if asked) the near misses by score; equal scores by id.

        `audience` hides graduates by visibility: "staff" leaves out `private`, "employers"
        keeps only `employers`, "all" hides nobody (for a graduate's own view or tests).
        `among` restricts the ranking to some graduate ids (say, a position's applicants).
        """
        rows, scored = self._order_graduates(
            position_id, limit, include_ineligible, audience, among
        )
        ids = self._g.cols["id"][rows].astype(np.int64)
        return Ranking(ids, scored.eligible, scored.total)

    def _order_graduates(
        self,
        position_id: int,
        limit: int | None,
        include_ineligible: bool,
        audience: Audience,
        among: Iterable[int] | None,
    ) -> tuple[IntArray, _Scored]:
        position = self._positions[position_id]
        n = self._g.size
        cols = self._g.cols
        need = _AUDIENCE_FLAGS[audience]
        among_rows = self._row_filter(self._g, among) if among is not None else None
        if include_ineligible:
            rows_ok = (cols["flags"][:n] & need) == need
            if among_rows is not None:
                rows_ok &= among_rows
            # Score every row through views (no gathers) and drop the hidden ones in _top.
            scored = self._score_graduates(position, slice(0, n))
            picked = _top(cols["id"][:n], scored, limit, True, allowed=rows_ok)
            rows = picked
        else:
            candidates = self._prefilter_graduates(position, need, among_rows)
            scored = self._score_graduates(position, candidates, prefiltered=True)
            picked = _top(cols["id"][candidates], scored, limit, False)
            rows = candidates[picked]
        return rows, _take(scored, picked)

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
        """`order_graduates` with the reference scorer's result (reasons) for each row."""
        rows, _ = self._order_graduates(position_id, limit, include_ineligible, audience, among)
        position = self._positions[position_id]
        today = self._today()
        ids = self._g.cols["id"]
        return [
            (int(ids[row]), scoring.score(self._decode(row), position, today=today))
            for row in rows.tolist()
        ]

    @_locked
    def order_positions(
        self,
        graduate_id: int,
        *,
        limit: int | None = None,
        include_ineligible: bool = False,
        among: Iterable[int] | None = None,
    ) -> Ranking:
        """Positions for a graduate, best first (eligible by score, then near misses), equal
        scores by position id, as ids and scores. `among` restricts to some position ids."""
        rows, scored = self._order_positions(graduate_id, limit, include_ineligible, among)
        return Ranking(self._p.cols["id"][rows], scored.eligible, scored.total)

    def _order_positions(
        self,
        graduate_id: int,
        limit: int | None,
        include_ineligible: bool,
        among: Iterable[int] | None,
    ) -> tuple[IntArray, _Scored]:
        row = self._row(graduate_id)
        m = self._p.size
        every = self._score_positions(row)
        allowed = self._p.cols["alive"][:m]
        if among is not None:
            allowed = allowed & self._row_filter(self._p, among)
        picked = _top(self._p.cols["id"][:m], every, limit, include_ineligible, allowed=allowed)
        return picked, _take(every, picked)

    @_locked
    def rank_positions(
        self,
        graduate_id: int,
        *,
        limit: int | None = None,
        include_ineligible: bool = False,
        among: Iterable[int] | None = None,
    ) -> list[tuple[int, MatchResult]]:
        """`order_positions` with the reference scorer's result (reasons) for each row."""
        rows, _ = self._order_positions(graduate_id, limit, include_ineligible, among)
        ids = self._p.cols["id"]
        graduate = self._decode(self._row(graduate_id))
        today = self._today()
        out = []
        for r in rows.tolist():
            position_id = int(ids[r])
            out.append(
                (position_id, scoring.score(graduate, self._positions[position_id], today=today))
            )
        return out

    @_locked
    def pair_scores(
        self,
        graduate_ids: Iterable[int] | None = None,
        position_ids: Iterable[int] | None = None,
    ) -> PairScores:
        """Every eligible (graduate, position) pair among the given ids (all when None),
        with scores in tenths; what a placement round needs, without building sentences."""
        g_among = self._row_filter(self._g, graduate_ids) if graduate_ids is not None else None
        wanted = self._positions if position_ids is None else position_ids
        parts: list[tuple[IntArray, ...]] = []
        for position_id in sorted(int(i) for i in wanted if int(i) in self._positions):
            rows = self._prefilter_graduates(self._positions[position_id], ALIVE, g_among)
            scored = self._score_graduates(self._positions[position_id], rows, prefiltered=True)
            hit = np.flatnonzero(scored.eligible)
            parts.append(
                (
                    self._g.cols["id"][rows[hit]].astype(np.int64),
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
        order = np.lexsort((g, p))  # by position, then graduate id
        return PairScores(g[order], p[order], total[order], grad[order], emp[order])

    # --- the vectorised scorer --------------------------------------------------------

    def _score_graduates(
        self, position: PositionRecord, rows: slice | IntArray, *, prefiltered: bool = False
    ) -> _Scored:
        """scoring.score for one position against many graduate rows.

        `prefiltered`: the rows come from `_prefilter_graduates`, which applies exactly these
        hard rules, so they are all eligible and only the points are computed.
        """
        cols = self._g.cols
        zip_slots = cols["zip"][rows]
        point = geo.lookup(position.zip)
        state = point.state if point else None
        on = scoring.check_date(position, self._today()).toordinal()
        m1 = cols["m1"][rows]
        known, zx, zy, zz = self._zip_arrays_now()
        shifts = self._slots.mask(position.shifts)
        overlap = _popcount(cols["availability"][rows] & shifts)
        if prefiltered:
            eligible = np.ones(zip_slots.size, dtype=np.bool_)
            if point is None:
                eligible[:] = False
                k_distance: IntArray | int = 0
            else:
                c2_zip = geo.chord2_many(geo.unit_vector(point), zx, zy, zz)
                k_distance = np.where(known, _tenths(_distance_raw(c2_zip)), 0)[zip_slots]
        else:
            flags = cols["flags"][rows]
            eligible = (flags & ACTIVE) != 0
            for code in position.required_credentials:
                verified = code in position.verified_credentials
                eligible &= self._valid(code, state, rows, on, verified=verified)
            req_mod = self._modalities.mask(position.required_modalities)
            if req_mod:
                eligible &= (m1 & req_mod) == req_mod
            eligible &= cols["training"][rows] >= position.min_training_hours
            if point is None:
                eligible[:] = False
                k_distance = 0
            else:
                c2_zip = geo.chord2_many(geo.unit_vector(point), zx, zy, zz)
                c2 = c2_zip[zip_slots]
                radius_ok = c2 <= self._thr2_now()[cols["radius"][rows]]
                eligible &= ((flags & KNOWN) != 0) & radius_ok
                k_distance = np.where(known, _tenths(_distance_raw(c2_zip)), 0)[zip_slots]
            employment = cols["employment"][rows]
            kind = self._employment.mask((position.employment_type,))
            eligible &= (employment == 0) | ((employment & kind) != 0)
            if position.shifts:
                eligible &= overlap > 0

        # employer side
        pref_mod = self._modalities.mask(position.preferred_modalities)
        n_pref = len(position.preferred_modalities)
        k_pref_mod = _constant_or(
            n_pref,
            WEIGHTS["preferred_modalities"],
            lambda: WEIGHTS["preferred_modalities"] * _popcount(m1 & pref_mod) / n_pref,
        )
        asked = position.required_modalities | position.preferred_modalities
        asked_mask = self._modalities.mask(asked)

        def proficiency_raw() -> FloatArray:
            total = (
                _popcount(m1 & asked_mask)
                + _popcount(cols["m2"][rows] & asked_mask)
                + _popcount(cols["m3"][rows] & asked_mask)
            )
            return WEIGHTS["proficiency"] * total / (scoring.MAX_PROFICIENCY * len(asked))

        k_prof = _constant_or(len(asked), WEIGHTS["proficiency"], proficiency_raw)
        n_pref_cred = len(position.preferred_credentials)

        def preferred_raw() -> FloatArray:
            valid = np.zeros(eligible.shape, dtype=np.int64)
            for code in position.preferred_credentials:
                valid += self._valid(code, state, rows, on)
            return WEIGHTS["preferred_credentials"] * valid / n_pref_cred

        k_pref_cred = _constant_or(n_pref_cred, WEIGHTS["preferred_credentials"], preferred_raw)
        hours = np.clip(cols["clinical"][rows].astype(np.int64), 0, scoring.CLINICAL_HOURS_FULL)
        k_clinical = _tenths(WEIGHTS["clinical_hours"] * hours / scoring.CLINICAL_HOURS_FULL)

        # graduate side
        n_shifts = len(position.shifts)
        k_schedule = _constant_or(
            n_shifts, WEIGHTS["schedule"], lambda: WEIGHTS["schedule"] * overlap / n_shifts
        )
        setting = self._settings.mask((position.setting,))
        settings = cols["settings"][rows]
        k_setting = _setting_tenths((settings & setting) != 0, settings != 0)
        top = scoring.pay_top(position)
        k_pay = _pay_tenths(math.nan if top is None else float(top), self._pays.floats())
        employer_side = k_pref_mod + k_prof + k_pref_cred + k_clinical
        graduate_side = k_schedule + k_distance + k_setting + k_pay[cols["pay"][rows]]
        return _Scored(eligible, employer_side + graduate_side, graduate_side, employer_side)

    def position_rules(self, graduate_id: int) -> PositionRules:
        """The hard rules of every position row for one graduate, rule by rule (what the
        coaching in coaching.py reads); rows not in use are not `alive`."""
        return self._position_rules(self._row(graduate_id))

    def _position_rules(self, row: int) -> PositionRules:
        g = self._g.cols
        m = self._p.size
        c = {name: array[:m] for name, array in self._p.cols.items()}
        today_ord = self._today().toordinal()
        on = np.maximum(c["start"], today_ord)
        flags = int(g["flags"][row])

        # which credential codes each position's state makes valid for this graduate
        satisfied = np.zeros(m, dtype=np.uint64)
        held_any = np.zeros(m, dtype=np.uint64)
        used = int(np.bitwise_or.reduce(c["req_cred"] | c["pref_cred"])) if m else 0
        found = self._best_expiries(row, self._cred_keys, used)
        if found is not None:
            # best expiry per (position state, credential code), then one comparison per cell
            weights, best = found
            per_position = best[c["state"]]
            valid = per_position > on[:, None]
            satisfied = np.bitwise_or.reduce(np.where(valid, weights, _ZERO), axis=1)
            held_any = np.bitwise_or.reduce(
                np.where(per_position != NOT_HELD, weights, _ZERO), axis=1
            )
        m1 = np.uint64(int(g["m1"][row]))
        c2: FloatArray | None = None
        zip_point = self._zip_points[int(g["zip"][row])]
        if not flags & KNOWN or zip_point is None:
            distance_fail = np.ones(m, dtype=np.bool_)
        else:
            c2 = geo.chord2_many(geo.unit_vector(zip_point), c["x"], c["y"], c["z"])
            distance_fail = ~(c["known"] & (c2 <= self._thr2_now()[int(g["radius"][row])]))
        employment = np.uint64(int(g["employment"][row]))
        if employment != _ZERO:
            employment_fail = (c["employment"] & employment) == _ZERO
        else:
            employment_fail = np.zeros(m, dtype=np.bool_)
        overlap = _popcount(c["shifts"] & np.uint64(int(g["availability"][row])))
        return PositionRules(
            ids=c["id"],
            alive=c["alive"],
            active=bool(flags & ACTIVE),
            on=on,
            satisfied=satisfied,
            credential_held=held_any,
            credential_fail=self._credential_fail(row, c, satisfied, on),
            modality_missing=c["req_mod"] & ~m1,
            training_fail=int(g["training"][row]) < c["min_training"],
            distance_fail=distance_fail,
            c2=c2,
            employment_fail=employment_fail,
            availability_fail=(c["n_shifts"] != 0) & (overlap == 0),
            overlap=overlap,
        )

    def _credential_fail(
        self, row: int, c: dict[str, np.ndarray], satisfied: MaskArray, on: IntArray
    ) -> MaskArray:
        """Per position row, the required credential bits this graduate fails: those no
        holding satisfies, and the verified-only ones no verified holding satisfies."""
        fail: MaskArray = c["req_cred"] & ~c["ver_cred"] & ~satisfied
        asked_verified = int(np.bitwise_or.reduce(c["ver_cred"])) if c["ver_cred"].size else 0
        if asked_verified:
            satisfied_v = self._satisfied_codes(
                row, self._vcred_keys, asked_verified, c["state"], on
            )
            fail |= c["ver_cred"] & ~satisfied_v
        return fail

    def _satisfied_codes(
        self,
        row: int,
        keys: dict[CredentialKey, str],
        used: int,
        position_states: IntArray,
        on: IntArray,
    ) -> MaskArray:
        """Per position row, the bits of the credential codes in `used` that this graduate's
        holdings in `keys` satisfy in the position's state, valid beyond the position's day."""
        found = self._best_expiries(row, keys, used)
        if found is None:
            return np.zeros(position_states.size, dtype=np.uint64)
        weights, best = found
        valid = best[position_states] > on[:, None]
        return np.bitwise_or.reduce(np.where(valid, weights, _ZERO), axis=1)

    def _best_expiries(
        self, row: int, keys: dict[CredentialKey, str], used: int
    ) -> tuple[MaskArray, IntArray] | None:
        """The bit weights of the credential codes in `used` and, per position state (rows)
        and code (columns), the latest expiry among this graduate's holdings in `keys` that
        satisfy the code in that state (NOT_HELD where none does); None when `used` is 0."""
        g = self._g.cols
        holdings = [
            (key, self._cred_ordinal(int(g[name][row])))
            for key, name in keys.items()
            if g[name][row] != NOT_HELD
        ]
        used_bits = [bit for bit in range(len(self._credentials.codes)) if used >> bit & 1]
        if not used_bits:
            return None
        best = np.array(
            [
                [
                    max(
                        (
                            expiry
                            for (held, held_state), expiry in holdings
                            if taxonomy.credential_satisfies(
                                self._credentials.codes[bit], held, held_state, state
                            )
                        ),
                        default=NOT_HELD,
                    )
                    for bit in used_bits
                ]
                for state in self._states
            ],
            dtype=np.int64,
        )
        return np.array([1 << bit for bit in used_bits], dtype=np.uint64), best

    def _score_positions(self, row: int) -> _Scored:
        """scoring.score for one graduate row against every position row."""
        g = self._g.cols
        m = self._p.size
        c = {name: array[:m] for name, array in self._p.cols.items()}
        rules = self._position_rules(row)
        eligible = rules.alive & rules.active
        eligible &= rules.credential_fail == _ZERO
        eligible &= rules.modality_missing == _ZERO
        eligible &= ~rules.training_fail
        eligible &= ~rules.distance_fail
        eligible &= ~rules.employment_fail
        eligible &= ~rules.availability_fail
        satisfied, overlap, c2 = rules.satisfied, rules.overlap, rules.c2
        m1, m2, m3 = (np.uint64(int(g[name][row])) for name in ("m1", "m2", "m3"))

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
        hours = max(0, min(int(g["clinical"][row]), scoring.CLINICAL_HOURS_FULL))
        k_clinical = scoring.tenths(scoring.clinical_hours_raw(hours))

        # graduate side
        k_schedule = _per_row(c["n_shifts"], WEIGHTS["schedule"], overlap)
        if c2 is None:
            k_distance = np.zeros(m, dtype=np.int64)
        else:
            k_distance = np.where(c["known"], _tenths(_distance_raw(c2)), 0)
        settings = np.uint64(int(g["settings"][row]))
        k_setting = _setting_tenths(
            (c["setting"] & settings) != _ZERO, np.full(m, settings != _ZERO)
        )
        k_pay = _pay_tenths(c["top_pay"], float(self._pays.floats()[int(g["pay"][row])]))

        employer_side = k_pref_mod + k_prof + k_pref_cred + k_clinical
        graduate_side = k_schedule + k_distance + k_setting + k_pay
        return _Scored(eligible, employer_side + graduate_side, graduate_side, employer_side)

    # --- helpers -------------------------------------------------------------------------

    def _today(self) -> date:
        return self.today or dates.today()

    def _row(self, graduate_id: int) -> int:
        row = self._g.row(graduate_id)
        if row is None:
            raise KeyError(graduate_id)
        return row

    def _prefilter_graduates(
        self, position: PositionRecord, need: int, among: BoolArray | None
    ) -> IntArray:
        """Rows with the flags `need` (and in `among`) that pass every hard rule, distance
        last (on few rows): exactly the rules of `_score_graduates`, so all are eligible.
        """
        n = self._g.size
        c = self._g.cols
        point = geo.lookup(position.zip)
        if point is None:
            return np.zeros(0, dtype=np.int64)
        want = np.uint8(need | ACTIVE | KNOWN)
        ok = (c["flags"][:n] & want) == want
        if among is not None:
            ok &= among
        ok &= c["training"][:n] >= position.min_training_hours
        req_mod = self._modalities.mask(position.required_modalities)
        if req_mod:
            ok &= (c["m1"][:n] & req_mod) == req_mod
        kind = self._employment.mask((position.employment_type,))
        employment = c["employment"][:n]
        if employment.dtype == np.uint8:  # one lookup per row: no type stated, or this one
            table = np.array([m == 0 or (m & kind) != 0 for m in range(256)], dtype=np.bool_)
            ok &= table[employment]
        else:
            ok &= (employment == 0) | ((employment & kind) != 0)
        if position.shifts:
            ok &= (c["availability"][:n] & self._slots.mask(position.shifts)) != 0
        on = scoring.check_date(position, self._today()).toordinal()
        for code in position.required_credentials:
            verified = code in position.verified_credentials
            ok &= self._valid(code, point.state, slice(0, n), on, verified=verified)
        rows = np.flatnonzero(ok)
        _, zx, zy, zz = self._zip_arrays_now()
        c2_zip = geo.chord2_many(geo.unit_vector(point), zx, zy, zz)
        return rows[c2_zip[c["zip"][rows]] <= self._thr2_now()[c["radius"][rows]]]

    def _row_filter(self, table: _Table, ids: Iterable[int]) -> BoolArray:
        mask = np.zeros(table.size, dtype=np.bool_)
        wanted = np.fromiter((int(i) for i in ids), np.int64)
        rows = table.rows(wanted)
        mask[rows[rows >= 0]] = True
        return mask

    def _valid(
        self,
        code: str,
        state: str | None,
        rows: slice | IntArray,
        on: int,
        *,
        verified: bool = False,
    ) -> BoolArray:
        """Per graduate row: a credential (a verified one, with `verified`) satisfying `code`
        here is valid beyond `on` (the latest expiry among them is after `on`)."""
        names = self._satisfying.get((code, state, verified))
        if names is None:
            keys = self._vcred_keys if verified else self._cred_keys
            names = [
                name
                for (held, held_state), name in keys.items()
                if taxonomy.credential_satisfies(code, held, held_state, state)
            ]
            self._satisfying[(code, state, verified)] = names
        if not names:
            size = len(range(self._g.size)[rows]) if isinstance(rows, slice) else rows.size
            return np.zeros(size, dtype=np.bool_)
        after = self._cred_after(on)
        valid = self._g.cols[names[0]][rows] > after
        for name in names[1:]:
            valid |= self._g.cols[name][rows] > after
        return valid

    def _cred_column(self, key: CredentialKey, *, verified: bool = False) -> np.ndarray:
        keys = self._vcred_keys if verified else self._cred_keys
        name = keys.get(key)
        if name is None:
            name = f"{'vcred' if verified else 'cred'}:{key[0]}:{key[1] or ''}"
            keys[key] = name
            self._g.add_column(name, self._cred_dtype(), NOT_HELD)
            self._satisfying.clear()
        return self._g.cols[name]

    # Credential expiries: `stored` values in the columns, ordinals everywhere else.

    def _cred_dtype(self) -> type:
        return np.int32 if self._cred_wide else np.uint16

    def _cred_values(self, days: Sequence[int]) -> np.ndarray:
        """The column values of expiries given as `expiry_day`s (widening the columns first
        when one falls outside the narrow form), computed in place in int32."""
        values = np.array(days, dtype=np.int32)  # every date and NO_EXPIRY_DAY fit
        never = values == NO_EXPIRY_DAY
        shift = EPOCH_ORDINAL - _CRED_BASE  # day number -> narrow value
        if not self._cred_wide and values.size:
            low = int(values.min())  # NO_EXPIRY_DAY is above every date
            high = int(values.max(where=~never, initial=low))
            if low + shift < 1 or high + shift > _CRED_TOP:
                self._widen_credentials()
        if self._cred_wide:
            values += EPOCH_ORDINAL  # ordinals; NO_EXPIRY_DAY becomes NO_EXPIRY
            return values
        values += shift
        values[never] = _CRED_NO_EXPIRY
        return values.astype(np.uint16)

    def _cred_ordinal(self, stored: int) -> int:
        """The expiry ordinal of a column value (NOT_HELD stays NOT_HELD)."""
        if self._cred_wide or stored == NOT_HELD:
            return stored
        return NO_EXPIRY if stored == _CRED_NO_EXPIRY else stored + _CRED_BASE

    def _cred_after(self, on: int) -> int:
        """The column value v such that `stored > v` means "expires after ordinal `on`"."""
        if self._cred_wide:
            return on
        return min(max(on - _CRED_BASE, 0), _CRED_TOP)

    def _widen_credentials(self) -> None:
        """A date beyond the narrow range: every credential column to int32 ordinals."""
        table = self._g
        for name in (*self._cred_keys.values(), *self._vcred_keys.values()):
            narrow = table.cols[name].astype(np.int64)
            wide = np.where(narrow == _CRED_NO_EXPIRY, NO_EXPIRY, narrow + _CRED_BASE)
            wide[narrow == NOT_HELD] = NOT_HELD
            table.spec[name] = (np.int32, NOT_HELD)
            table.cols[name] = wide.astype(np.int32)
        self._cred_wide = True

    def _zip_slot(self, zip_code: str | None) -> int:
        if zip_code is None:
            return 0
        slot = self._zip_index.get(zip_code)
        if slot is None:
            slot = self._zip_index[zip_code] = len(self._zips)
            self._zips.append(zip_code)
            self._zip_points.append(geo.lookup(zip_code))
            self._zip_arrays = None
        return slot

    def _zip_known(self) -> BoolArray:
        return self._zip_arrays_now()[0]

    def _zip_arrays_now(self) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray]:
        if self._zip_arrays is None:
            vectors = [geo.unit_vector(p) if p else (0.0, 0.0, 0.0) for p in self._zip_points]
            xyz = np.array(vectors, dtype=np.float64).reshape(-1, 3)
            known = np.array([p is not None for p in self._zip_points], dtype=np.bool_)
            self._zip_arrays = (
                known,
                np.ascontiguousarray(xyz[:, 0]),
                np.ascontiguousarray(xyz[:, 1]),
                np.ascontiguousarray(xyz[:, 2]),
            )
        return self._zip_arrays

    def _thr2_now(self) -> FloatArray:
        if self._thr2 is None or self._thr2.size != len(self._radii.values):
            self._thr2 = np.array(
                [geo.radius_chord2(r) for r in self._radii.values],  # type: ignore[arg-type]  # radii: numbers
                dtype=np.float64,
            )
        return self._thr2

    def _state_slot(self, state: str | None) -> int:
        slot = self._state_index.get(state)
        if slot is None:
            slot = self._state_index[state] = len(self._states)
            self._states.append(state)
        return slot

    def _decode(self, row: int) -> GraduateRecord:
        """A GraduateRecord the reference scorer treats exactly like the one upserted."""
        cols = self._g.cols
        flags = int(cols["flags"][row])
        radius = self._radii.values[int(cols["radius"][row])]
        m1, m2, m3 = (int(cols[name][row]) for name in ("m1", "m2", "m3"))
        modalities = {
            code: 1 + (m2 >> bit & 1) + (m3 >> bit & 1)
            for bit, code in enumerate(self._modalities.codes)
            if m1 >> bit & 1
        }
        credentials = []
        for (code, state), name in self._cred_keys.items():
            expiry = self._cred_ordinal(int(cols[name][row]))
            if expiry == NOT_HELD:
                continue
            verified_name = self._vcred_keys.get((code, state))
            verified = (
                NOT_HELD
                if verified_name is None
                else self._cred_ordinal(int(cols[verified_name][row]))
            )
            if verified != expiry:  # the best holding is unverified
                credentials.append(CredentialRecord(code, state, _expiry_date(expiry)))
            if verified != NOT_HELD:
                credentials.append(CredentialRecord(code, state, _expiry_date(verified), True))
        if flags & EMPLOYERS_SEE:
            visibility = "employers"
        elif flags & STAFF_SEE:
            visibility = "staff"
        else:
            visibility = "private"
        return GraduateRecord(
            id=int(cols["id"][row]),
            verified=bool(flags & VERIFIED),
            seeking=bool(flags & SEEKING),
            visibility=visibility,
            zip=self._zips[int(cols["zip"][row])],
            travel_radius_miles=radius,  # type: ignore[arg-type]  # read from the radius column
            training_hours=int(cols["training"][row]),
            clinical_hours=int(cols["clinical"][row]),
            settings=self._settings.decode(int(cols["settings"][row])),
            employment_types=self._employment.decode(int(cols["employment"][row])),
            availability=self._slots.decode(int(cols["availability"][row])),
            pay_expectation=self._pays.values[int(cols["pay"][row])],  # type: ignore[arg-type]  # pays
            modalities=modalities,
            credentials=tuple(credentials),
        )


# --- vector twins of scoring's formulas ---------------------------------------------------


def _take(scored: _Scored, picked: IntArray) -> _Scored:
    return _Scored(
        scored.eligible[picked],
        scored.total[picked],
        scored.graduate_side[picked],
        scored.employer_side[picked],
    )


def _top(
    ids: np.ndarray,
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
    ) | ids[keep].astype(np.int64)
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


def _int64(values: Sequence[int]) -> IntArray:
    """Integers (or numbers, truncated like int()) as int64: a list in one pass."""
    if isinstance(values, np.ndarray):
        return values.astype(np.int64).reshape(-1)
    return np.fromiter(values, np.int64, len(values))


def _int32(values: Sequence[int], what: str) -> npt.NDArray[np.int64]:
    array = _int64(values)
    if array.size and (array.min() < _INT32.min or array.max() > _INT32.max):
        raise ValueError(f"{what} must fit a 32-bit integer")
    return array


def _check_id(record_id: int) -> None:
    if not 0 <= record_id <= MAX_ID:
        raise ValueError(f"ids must be between 0 and {MAX_ID}, got {record_id}")
