"""Matching over the database: records loaded in bulk, one index per process, kept fresh.

The pure matching core (placement.matching) knows nothing of sessions; this module feeds it.

The index: built lazily on the first ranking from every graduate that is not deleted and
every position whose status is `open`, one cache per engine (that is, per database URL and
process; a test's fresh app gets a fresh index). Before each ranking it replays the `change`
rows committed since it last looked (services.changes): one indexed range query, then the
changed graduates and positions are reloaded in bulk and upserted, or removed when a
graduate was deleted or a position left `open`. Every web worker does the same, so the next
ranking in any worker shows a change. Graduates with visibility `private` stay in the index
(their own recommendations need them) and are filtered out by audience at query time.

Ids of changes committed out of order (a PostgreSQL transaction that took id 10 commits
after the one that took 11) are remembered as gaps for a while and asked for again.

The refresh reads through its own short, read-only session so that it only ever applies
committed changes; index reads and writes are serialised by a per-index lock (Starlette
runs sync views in a thread pool).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from placement import dates
from placement.db import reset_write_intent, set_write_intent
from placement.i18n import N_, gettext
from placement.matching import (
    GraduateRecord,
    MatchIndex,
    MatchResult,
    PositionRecord,
    Reason,
    coaching,
    score,
    scoring,
)
from placement.matching.records import (
    HARD_FACTORS,
    Check,
    CredentialRows,
    GraduateColumns,
    ModalityRows,
)
from placement.models import (
    Application,
    Change,
    Employer,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Position,
    PositionRequirement,
    PositionStatus,
    Referral,
    ReferralStatus,
    split_codes,
)
from placement.services import NotFound, visibility

Audience = Literal["staff", "employer"]
_INDEX_AUDIENCE: dict[str, Literal["staff", "employers"]] = {
    "staff": "staff",
    "employer": "employers",
}
# Bound parameters per IN list: well under SQLite's and PostgreSQL's limits.
_CHUNK = 900
# How long an id missing from the change log is looked for again (an uncommitted writer).
_GAP_SECONDS = 300.0
_GAP_MAX = 1000
# A near miss fails at most this many hard rules (each missing credential counts once).
NEAR_MISS_MAX_FAILURES = 3


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a ranking: a graduate and a position, the score and why."""

    graduate_id: int
    position_id: int
    score: float
    eligible: bool
    reasons: tuple[Reason, ...]
    # The graduate's name when graduates are ranked; the position's title when positions are.
    name: str = ""
    employer_name: str = ""

    @property
    def lacks(self) -> tuple[Reason, ...]:
        """The hard rules this pair fails: what a near miss lacks (empty when eligible)."""
        return tuple(reason for reason in self.reasons if reason.factor in HARD_FACTORS)

    @property
    def soft(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.factor not in HARD_FACTORS)


# --- loading records ---------------------------------------------------------------------


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    values = sorted(set(ids))
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def load_graduates(db: Session, ids: Iterable[int] | None = None) -> dict[int, GraduateRecord]:
    """Matching records of graduates that are not deleted (all of them when `ids` is None),
    in three queries per chunk: graduates, modalities, credentials."""
    out: dict[int, GraduateRecord] = {}
    for columns in load_graduate_columns(db, ids):
        out.update((record.id, record) for record in columns.records())
    return out


def load_graduate_columns(
    db: Session, ids: Iterable[int] | None = None
) -> Iterator[GraduateColumns]:
    """The same graduates as columns, what the index encodes without an object per graduate
    or per credential: one `GraduateColumns` for all (`ids` None) or per chunk of ids."""
    if ids is None:
        yield _load_graduate_columns(db, None)
        return
    for chunk in _chunks(ids):
        yield _load_graduate_columns(db, chunk)


class _CodeSets(dict[str | None, frozenset[str]]):
    """A stored list of codes as a set, one set per distinct list (many graduates share one)."""

    def __missing__(self, stored: str | None) -> frozenset[str]:
        codes = self[stored] = frozenset(split_codes(stored))
        return codes


def _load_graduate_columns(db: Session, ids: list[int] | None) -> GraduateColumns:
    query = sa_select(
        col(Graduate.id),
        col(Graduate.verified_at).is_not(None),
        col(Graduate.seeking) == "seeking",
        col(Graduate.visibility),
        col(Graduate.zip),
        col(Graduate.travel_radius_miles),
        func.coalesce(col(Graduate.training_hours), 0),
        func.coalesce(col(Graduate.clinical_hours), 0),
        col(Graduate.settings),
        col(Graduate.employment_types),
        col(Graduate.availability),
        col(Graduate.pay_expectation),
    ).where(col(Graduate.deleted_at).is_(None))
    modality_query = sa_select(
        col(GraduateModality.graduate_id),
        col(GraduateModality.code),
        col(GraduateModality.proficiency),
    ).where(col(GraduateModality.proficiency) > 0)
    credential_query = sa_select(
        col(GraduateCredential.graduate_id),
        col(GraduateCredential.code),
        col(GraduateCredential.state),
        col(GraduateCredential.expires_on),
        col(GraduateCredential.verified_at).is_not(None),
    )
    if ids is not None:
        query = query.where(col(Graduate.id).in_(ids))
        modality_query = modality_query.where(col(GraduateModality.graduate_id).in_(ids))
        credential_query = credential_query.where(col(GraduateCredential.graduate_id).in_(ids))
    graduates = _transposed(db.execute(query).all(), 12)
    code_sets = _CodeSets()
    settings, kinds, availability = (
        list(map(code_sets.__getitem__, stored)) for stored in graduates[8:11]
    )
    return GraduateColumns(
        id=graduates[0],
        verified=graduates[1],
        seeking=graduates[2],
        visibility=graduates[3],
        zip=graduates[4],
        travel_radius_miles=graduates[5],
        training_hours=graduates[6],
        clinical_hours=graduates[7],
        settings=settings,
        employment_types=kinds,
        availability=availability,
        pay_expectation=graduates[11],
        modalities=ModalityRows(*_transposed(db.execute(modality_query).all(), 3)),
        credentials=CredentialRows(*_transposed(db.execute(credential_query).all(), 5)),
    )


def _transposed(rows: Sequence[Sequence[object]], width: int) -> list[Sequence[Any]]:
    """Rows as columns (`width` empty ones for no rows)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]


def load_positions(
    db: Session, ids: Iterable[int] | None = None, *, only_open: bool = True
) -> dict[int, PositionRecord]:
    """Matching records of positions (those with status `open` unless `only_open` is off),
    in two queries per chunk: positions and their requirements."""
    if ids is None:
        return _load_positions(db, None, only_open)
    out: dict[int, PositionRecord] = {}
    for chunk in _chunks(ids):
        out.update(_load_positions(db, chunk, only_open))
    return out


def _load_positions(
    db: Session, ids: list[int] | None, only_open: bool
) -> dict[int, PositionRecord]:
    query = sa_select(
        col(Position.id),
        col(Position.employer_id),
        col(Position.zip),
        col(Position.setting),
        col(Position.employment_type),
        col(Position.pay_min),
        col(Position.pay_max),
        col(Position.start_date),
        col(Position.min_training_hours),
        col(Position.shifts),
    )
    requirement_query = sa_select(
        col(PositionRequirement.position_id),
        col(PositionRequirement.kind),
        col(PositionRequirement.code),
        col(PositionRequirement.required),
        col(PositionRequirement.verified_only),
    )
    if only_open:
        query = query.where(col(Position.status) == PositionStatus.OPEN)
        requirement_query = requirement_query.join(
            Position,
            col(Position.id) == col(PositionRequirement.position_id),
        ).where(col(Position.status) == PositionStatus.OPEN)
    if ids is not None:
        query = query.where(col(Position.id).in_(ids))
        requirement_query = requirement_query.where(col(PositionRequirement.position_id).in_(ids))
    wants: dict[int, dict[tuple[str, bool], set[str]]] = {}
    verified_only: dict[int, set[str]] = {}
    for position_id, kind, code, required, verified in db.execute(requirement_query):
        wants.setdefault(position_id, {}).setdefault((kind, bool(required)), set()).add(code)
        if kind == "credential" and required and verified:
            verified_only.setdefault(position_id, set()).add(code)
    out: dict[int, PositionRecord] = {}
    for row in db.execute(query):
        position_id, employer_id, zip_code, setting, kind, pay_min, pay_max = row[:7]
        start_date, min_training, shifts = row[7:]
        asks = wants.get(position_id, {})
        out[position_id] = PositionRecord(
            id=position_id,
            employer_id=employer_id,
            zip=zip_code,
            setting=setting,
            employment_type=kind,
            pay_min=pay_min,
            pay_max=pay_max,
            start_date=start_date,
            min_training_hours=min_training or 0,
            shifts=frozenset(split_codes(shifts)),
            required_modalities=frozenset(asks.get(("modality", True), ())),
            preferred_modalities=frozenset(asks.get(("modality", False), ())),
            required_credentials=frozenset(asks.get(("credential", True), ())),
            preferred_credentials=frozenset(asks.get(("credential", False), ())),
            verified_credentials=frozenset(verified_only.get(position_id, ())),
        )
    return out


# --- the per-process index -----------------------------------------------------------------


@dataclass
class _Cache:
    lock: threading.RLock = field(default_factory=threading.RLock)
    index: MatchIndex | None = None
    graduate_ids: set[int] = field(default_factory=set)  # who the index holds
    last_change: int = 0
    # change ids not seen yet although a later one was: id -> when first missed
    gaps: dict[int, float] = field(default_factory=dict)


_caches: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(db: Session) -> _Cache:
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = _Cache()
        return cache


@contextmanager
def _reader(db: Session) -> Iterator[Session]:
    """A short read-only session on the same engine: it sees committed rows only, and on
    SQLite it begins a deferred transaction, so it never waits for the request's write lock."""
    url = db.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        # Another connection would see another, empty in-memory database.
        yield db
        return
    token = set_write_intent(False)
    try:
        with Session(db.get_bind(), expire_on_commit=False) as reader:
            yield reader
            reader.rollback()
    finally:
        reset_write_intent(token)


def _build(cache: _Cache, reader: Session) -> MatchIndex:
    last = reader.exec(select(func.max(Change.id))).one() or 0
    # Ids just below the high-water mark may belong to writers that have not committed.
    recent = set(reader.exec(select(col(Change.id)).where(col(Change.id) > last - 50)))
    now = time.monotonic()
    cache.gaps = {i: now for i in range(max(1, last - 49), last + 1) if i not in recent}
    cache.last_change = last
    (graduates,) = load_graduate_columns(reader)
    index = MatchIndex.build(graduates, load_positions(reader).values())
    cache.index = index
    cache.graduate_ids = set(graduates.id)
    return index


def _refresh(cache: _Cache, reader: Session) -> MatchIndex:
    """Build the index, or replay the changes committed since the last look."""
    if cache.index is None:
        return _build(cache, reader)
    index = cache.index
    now = time.monotonic()
    cache.gaps = {i: t for i, t in cache.gaps.items() if now - t < _GAP_SECONDS}
    condition = col(Change.id) > cache.last_change
    if cache.gaps:
        condition = or_(condition, col(Change.id).in_(list(cache.gaps)))
    rows = reader.exec(
        select(col(Change.id), col(Change.kind), col(Change.object_id))
        .where(condition)
        .order_by(col(Change.id))
    ).all()
    if not rows:
        return index
    graduate_ids: set[int] = set()
    position_ids: set[int] = set()
    for change_id, kind, object_id in rows:
        assert change_id is not None  # a primary key
        cache.gaps.pop(change_id, None)
        if change_id > cache.last_change:
            if change_id - cache.last_change <= _GAP_MAX:
                for missing in range(cache.last_change + 1, change_id):
                    cache.gaps.setdefault(missing, now)
            cache.last_change = change_id
        (graduate_ids if kind == "graduate" else position_ids).add(object_id)
    _apply(cache, index, reader, graduate_ids, position_ids)
    return index


def _apply(
    cache: _Cache,
    index: MatchIndex,
    reader: Session,
    graduate_ids: set[int],
    position_ids: set[int],
    *,
    remove_missing: bool = True,
) -> None:
    if graduate_ids:
        found: set[int] = set()
        for columns in load_graduate_columns(reader, graduate_ids):
            index.upsert_graduates(columns)
            found.update(columns.id)
        cache.graduate_ids |= found
        if remove_missing:
            for graduate_id in graduate_ids - found:
                index.remove_graduate(graduate_id)
                cache.graduate_ids.discard(graduate_id)
    if position_ids:
        found_positions = load_positions(reader, position_ids)
        for position_id in position_ids:
            position = found_positions.get(position_id)
            if position is not None:
                index.upsert_position(position)
            elif remove_missing:
                index.remove_position(position_id)


@contextmanager
def _fresh(
    db: Session,
    *,
    graduate_ids: Iterable[int] = (),
    position_ids: Iterable[int] = (),
) -> Iterator[tuple[_Cache, MatchIndex]]:
    cache = _cache_for(db)
    with cache.lock:
        with _reader(db) as reader:
            index = _refresh(cache, reader)
            missing_g = {i for i in graduate_ids if not index.has_graduate(i)}
            missing_p = {i for i in position_ids if not index.has_position(i)}
            if missing_g or missing_p:
                _apply(cache, index, reader, missing_g, missing_p, remove_missing=False)
        yield cache, index


@contextmanager
def fresh_index(
    db: Session,
    *,
    graduate_ids: Iterable[int] = (),
    position_ids: Iterable[int] = (),
) -> Iterator[MatchIndex]:
    """The process's index for this database, up to date, held under its lock.

    Graduates and positions named here that the index lacks (say, rows written without a
    change record) are loaded on the spot.
    """
    with _fresh(db, graduate_ids=graduate_ids, position_ids=position_ids) as (_, index):
        yield index


# --- which positions and graduates -------------------------------------------------------


def _today() -> date:
    return dates.today()


def _is_public(db: Session, position_id: int) -> bool:
    found = db.exec(
        select(col(Position.id)).where(
            col(Position.id) == position_id, visibility.public_position(_today())
        )
    ).first()
    return found is not None


def public_position_ids(db: Session) -> list[int]:
    """Open positions of approved employers that have not passed their closing date."""
    return [
        position_id
        for position_id in db.exec(
            select(col(Position.id)).where(visibility.public_position(_today()))
        )
        if position_id is not None
    ]


MAX_ID = 2**31 - 1


def valid_id(value: int) -> bool:
    """Ids outside the database's integer range exist nowhere (and PostgreSQL would refuse
    to compare them): treat them as missing."""
    return 0 < value <= MAX_ID


def position_for_matching(
    db: Session, position_id: int, *, employer_id: int | None = None
) -> Position:
    """The position (any status); NotFound when missing or, with `employer_id`, not that
    employer's own (another employer's position answers exactly like a missing one)."""
    position = db.get(Position, position_id) if valid_id(position_id) else None
    if position is None or (employer_id is not None and position.employer_id != employer_id):
        raise NotFound
    return position


def graduate_for_matching(db: Session, graduate_id: int) -> Graduate:
    graduate = db.get(Graduate, graduate_id) if valid_id(graduate_id) else None
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    return graduate


def graduate_names(db: Session, ids: Iterable[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(ids):
        for graduate_id, first, last in db.exec(
            select(col(Graduate.id), col(Graduate.first_name), col(Graduate.last_name)).where(
                col(Graduate.id).in_(chunk)
            )
        ):
            assert graduate_id is not None  # a primary key
            names[graduate_id] = f"{first} {last}".strip()
    return names


def position_titles(db: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    titles: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        for position_id, title, employer in db.exec(
            select(col(Position.id), col(Position.title), col(Employer.name))
            .join(Employer, col(Employer.id) == col(Position.employer_id))
            .where(col(Position.id).in_(chunk))
        ):
            assert position_id is not None  # a primary key
            titles[position_id] = (title, employer)
    return titles


# --- rankings ------------------------------------------------------------------------------


def rank_graduates(
    db: Session,
    position_id: int,
    *,
    audience: Audience,
    limit: int = 50,
    include_ineligible: bool = False,
) -> list[Ranked]:
    """Graduates for a position, best first (eligible by score; then, when asked, the
    ineligible ones by score). Audience "staff": visibility staff or employers; "employer":
    visibility employers only. `private` reaches no list.

    NotFound for an unknown position; an empty list when it is not open (or has closed).
    """
    position_for_matching(db, position_id)
    if not _is_public(db, position_id):
        return []
    # An employer's ranking is by the (banded) score it sees: fetch more than `limit` by the
    # full score until nobody left out could still rank among the first `limit`.
    pool = limit if audience != "employer" else limit * 2 + 20
    while True:
        with fresh_index(db, position_ids=[position_id]) as index:
            if not index.has_position(position_id):
                return []
            pairs = index.rank_graduates(
                position_id,
                limit=pool,
                include_ineligible=include_ineligible,
                audience=_INDEX_AUDIENCE[audience],
            )
        names = graduate_names(db, (graduate_id for graduate_id, _ in pairs))
        rows = [
            _ranked(graduate_id, position_id, result, names.get(graduate_id, ""))
            for graduate_id, result in pairs
        ]
        if audience != "employer":
            return rows
        shown = _employer_order([_employer_view(row) for row in rows])
        if len(rows) < pool or _complete(shown[:limit], rows[-1]):
            return shown[:limit]
        pool *= 2


def near_misses(db: Session, position_id: int, *, limit: int = 20) -> list[Ranked]:
    """Graduates who allow staff, are looking for work and fail at most
    NEAR_MISS_MAX_FAILURES hard rules: fewest failures first, then by score. Each row's
    `lacks` says what is missing."""
    position_for_matching(db, position_id)
    if not _is_public(db, position_id):
        return []
    with _fresh(db, position_ids=[position_id]) as (cache, index):
        if not index.has_position(position_id):
            return []
        # Eligibility of everyone with arrays, no sentences; the best-scoring ineligible
        # graduates are the candidates (a few hundred is plenty), sentences only for them.
        eligible = set(index.pair_scores(position_ids=[position_id]).graduate_ids.tolist())
        pairs = index.rank_graduates(
            position_id,
            audience="staff",
            include_ineligible=True,
            among=cache.graduate_ids - eligible,
            limit=max(200, 10 * limit),
        )
    misses = [
        (graduate_id, result)
        for graduate_id, result in pairs
        if not result.eligible
        and len(result.failures) <= NEAR_MISS_MAX_FAILURES
        and all(r.factor != "seeking" for r in result.failures)
    ]
    misses.sort(key=lambda pair: (len(pair[1].failures), -pair[1].score, pair[0]))
    misses = misses[:limit]
    names = graduate_names(db, (graduate_id for graduate_id, _ in misses))
    return [
        _ranked(graduate_id, position_id, result, names.get(graduate_id, ""))
        for graduate_id, result in misses
    ]


def rank_positions(
    db: Session, graduate_id: int, *, limit: int = 20, include_ineligible: bool = False
) -> list[Ranked]:
    """Open public positions (approved employer, not past closing) for a graduate, best first.

    NotFound for an unknown or deleted graduate.
    """
    graduate_for_matching(db, graduate_id)
    among = public_position_ids(db)
    with fresh_index(db, graduate_ids=[graduate_id], position_ids=among) as index:
        if not index.has_graduate(graduate_id):
            return []
        pairs = index.rank_positions(
            graduate_id, limit=limit, include_ineligible=include_ineligible, among=among
        )
    titles = position_titles(db, (position_id for position_id, _ in pairs))
    out = []
    for position_id, result in pairs:
        title, employer = titles.get(position_id, ("", ""))
        out.append(_ranked(graduate_id, position_id, result, title, employer))
    return out


OPENINGS_SHOWN = 5


def what_would_open_more(
    db: Session, graduate_id: int, *, limit: int = OPENINGS_SHOWN
) -> list[coaching.Opening]:
    """The single profile changes that would make more open public positions eligible for
    this graduate, most positions first (matching.coaching, on the process's index). Empty
    while the graduate is not seeking or not verified: those come first.

    NotFound for an unknown or deleted graduate.
    """
    graduate_for_matching(db, graduate_id)
    among = public_position_ids(db)
    with fresh_index(db, graduate_ids=[graduate_id], position_ids=among) as index:
        if not index.has_graduate(graduate_id):
            return []
        found = coaching.openings(index, graduate_id, among=among)
    return list(found.changes[:limit]) if found.active else []


def explain(db: Session, graduate_id: int, position_id: int) -> MatchResult:
    """The reference scorer on the two records as they are now (any position status).

    NotFound when either does not exist (or the graduate was deleted).
    """
    found = explain_many(db, position_id, [graduate_id])
    if graduate_id not in found:
        raise NotFound
    return found[graduate_id]


def how_you_match(db: Session, graduate_id: int, position_id: int) -> tuple[Check, ...]:
    """Every hard rule of the position for the graduate, met or missing, with its reason:
    the scorer's own rules (scoring.checks), on the two records as they are now.

    NotFound when either does not exist (or the graduate was deleted)."""
    position = load_positions(db, [position_id], only_open=False).get(position_id)
    graduate = load_graduates(db, [graduate_id]).get(graduate_id)
    if position is None or graduate is None:
        raise NotFound
    return scoring.checks(graduate, position, today=_today())


def explain_many(
    db: Session,
    position_id: int,
    graduate_ids: Iterable[int],
    *,
    audience: Literal["staff", "employer"] = "staff",
) -> dict[int, MatchResult]:
    """Explanations for many graduates at one position (a candidates page): five queries
    whatever the number of rows. Graduates that do not exist (or were deleted) are absent;
    NotFound for an unknown position. An employer's copy leaves out the school's records."""
    if not valid_id(position_id):
        raise NotFound
    position = load_positions(db, [position_id], only_open=False).get(position_id)
    if position is None:
        raise NotFound
    graduates = load_graduates(db, [i for i in graduate_ids if valid_id(i)])
    today = _today()
    results = {
        graduate_id: score(record, position, today=today)
        for graduate_id, record in graduates.items()
    }
    if audience == "employer":
        return {gid: for_employer(result) for gid, result in results.items()}
    return results


# Training and clinical hours are school records (SECURITY.md): an employer learns whether
# they meet the position's minimum and, in bands, what they add to the score, never the
# figures. The clinical-hours points (hours / 25, to the tenth) would give the hours away, so
# an employer sees them rounded down to a band; the score an employer sees is the sum of the
# points it sees, and its lists are ordered by that score (ties by name).
CLINICAL_POINT_BAND = 2.5
_EMPLOYER_WORDING = {
    "training_hours": N_("Fewer training hours than the position's minimum"),
}


def clinical_band(points: float) -> tuple[float, str]:
    """(points shown, words) for the clinical-hours factor as an employer sees it."""
    full = scoring.WEIGHTS["clinical_hours"]
    per_point = scoring.CLINICAL_HOURS_FULL / full
    if points >= full:
        return float(full), gettext(
            "Clinical hours on the school record: the top band (%(full)s or more)",
            full=scoring.CLINICAL_HOURS_FULL,
        )
    floor = int(points // CLINICAL_POINT_BAND) * CLINICAL_POINT_BAND
    low, high = round(floor * per_point), round((floor + CLINICAL_POINT_BAND) * per_point)
    return floor, gettext(
        "Clinical hours on the school record: about %(low)s to %(high)s", low=low, high=high
    )


def employer_reasons(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    out = []
    for reason in reasons:
        if reason.factor == "clinical_hours":
            points, words = clinical_band(reason.points)
            out.append(Reason(reason.factor, points, words))
        elif reason.factor in _EMPLOYER_WORDING:
            out.append(
                Reason(reason.factor, reason.points, gettext(_EMPLOYER_WORDING[reason.factor]))
            )
        else:
            out.append(reason)
    return tuple(out)


def _points_sum(reasons: Iterable[Reason]) -> float:
    return sum(round(reason.points * 10) for reason in reasons) / 10


def for_employer(result: MatchResult) -> MatchResult:
    """The result as an employer sees it: banded reasons, and the score their sum."""
    reasons = employer_reasons(result.reasons)
    shown = _points_sum(reasons)
    return dataclasses.replace(
        result,
        reasons=reasons,
        score=shown,
        employer_side=round(result.employer_side - (result.score - shown), 1),
    )


def _employer_order(rows: list[Ranked]) -> list[Ranked]:
    return sorted(rows, key=lambda row: (not row.eligible, -row.score, row.name, row.graduate_id))


def _employer_view(row: Ranked) -> Ranked:
    reasons = employer_reasons(row.reasons)
    return dataclasses.replace(row, reasons=reasons, score=_points_sum(reasons))


def _complete(first: list[Ranked], last_fetched: Ranked) -> bool:
    """Whether no graduate beyond `last_fetched` (in full-score order) could rank among
    `first` by the banded score: a banded score is never above the full one."""
    if not first:
        return True
    edge = first[-1]
    if edge.eligible and not last_fetched.eligible:
        return True
    return edge.eligible == last_fetched.eligible and edge.score > last_fetched.score


def _ranked(
    graduate_id: int, position_id: int, result: MatchResult, name: str, employer: str = ""
) -> Ranked:
    return Ranked(
        graduate_id=graduate_id,
        position_id=position_id,
        score=result.score,
        eligible=result.eligible,
        reasons=result.reasons,
        name=name,
        employer_name=employer,
    )


def reasons_json(reasons: Iterable[Reason]) -> list[dict[str, object]]:
    """Reasons as the contract's JSON: factor, points, detail."""
    return [
        {"factor": reason.factor, "points": reason.points, "detail": reason.detail}
        for reason in reasons
    ]


# --- the staff page ----------------------------------------------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True)
class MatchesPage:
    position: Position
    employer_name: str
    is_open: bool
    rows: list[Ranked]
    near: list[Ranked]
    page: int
    has_next: bool
    # graduate id -> "referred" / "applied" (this position's pipeline, for the rows shown)
    pipeline: dict[int, str]


def matches_page(db: Session, position_id: int, *, page: int = 1) -> MatchesPage:
    """Everything the staff matches page shows, for one position. NotFound when unknown."""
    position = position_for_matching(db, position_id)
    employer = db.get(Employer, position.employer_id)
    ranked = rank_graduates(db, position_id, audience="staff", limit=page * PAGE_SIZE + 1)
    rows = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    near = near_misses(db, position_id) if page == 1 else []
    shown = [row.graduate_id for row in (*rows, *near)]
    pipeline: dict[int, str] = {}
    if shown:
        for graduate_id in db.exec(
            select(col(Application.graduate_id)).where(
                col(Application.position_id) == position_id,
                col(Application.graduate_id).in_(shown),
            )
        ):
            pipeline[graduate_id] = "applied"
        for graduate_id in db.exec(
            select(col(Referral.graduate_id)).where(
                col(Referral.position_id) == position_id,
                col(Referral.status) == ReferralStatus.PENDING,
                col(Referral.graduate_id).in_(shown),
            )
        ):
            pipeline[graduate_id] = "referred"
    return MatchesPage(
        position=position,
        employer_name=employer.name if employer else "",
        is_open=_is_public(db, position_id),
        rows=rows,
        near=near,
        page=page,
        has_next=len(ranked) > page * PAGE_SIZE,
        pipeline=pipeline,
    )
