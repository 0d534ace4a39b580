"""Rankings on the index: graduates for a position (with near misses), positions for a
graduate, what would open more; and explanations by the reference scorer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from sqlmodel import Session

from placement.matching import (
    MatchResult,
    coaching,
    score,
    scoring,
)
from placement.matching.records import Check
from placement.services import NotFound
from placement.services.matching.index import _fresh, fresh_index
from placement.services.matching.loading import load_graduates, load_positions
from placement.services.matching.lookups import (
    _is_public,
    _today,
    graduate_for_matching,
    graduate_names,
    position_for_matching,
    position_titles,
    public_position_ids,
    valid_id,
)
from placement.services.matching.results import (
    _INDEX_AUDIENCE,
    Audience,
    Ranked,
    _complete,
    _employer_order,
    _employer_view,
    _ranked,
    for_employer,
)

# A near miss fails at most this many hard rules (each missing credential counts once).
NEAR_MISS_MAX_FAILURES = 3


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
