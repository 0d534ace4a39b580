"""Placement rounds: assign graduates to openings, stably or for the best total score.

`stable_match` and `optimal_match` are the contract's plain functions over any hashable
ids; `plan_round` builds their inputs from match scores and explains the outcome.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from placement.matching import scoring
from placement.matching.index import MatchIndex
from placement.matching.records import GraduateRecord, MatchResult, PositionRecord

G = TypeVar("G", bound=Hashable)
P = TypeVar("P", bound=Hashable)

Algorithm = Literal["stable", "optimal"]
# Up to this many matrix cells optimal_match uses a dense matrix; beyond, a sparse graph.
DENSE_LIMIT = 4_000_000
Scorer = Callable[[GraduateRecord, PositionRecord], MatchResult]


def stable_match(
    graduate_prefs: Mapping[G, list[P]],
    position_prefs: Mapping[P, list[G]],
    capacities: Mapping[P, int],
) -> dict[G, P]:
    """The graduate-optimal stable matching, by graduate-proposing deferred acceptance.

    A pair can match only when each lists the other; a position missing from `capacities`
    has no openings; repeated entries count once, at their first place. Graduates left
    unmatched are absent from the result.
    """
    rank: dict[P, dict[G, int]] = {}
    for position, graduates in position_prefs.items():
        if capacities.get(position, 0) > 0:
            ranks: dict[G, int] = {}
            for graduate in graduates:
                ranks.setdefault(graduate, len(ranks))
            rank[position] = ranks
    # Each list keeps only positions that list the graduate back and have openings.
    lists = {
        graduate: [p for p in dict.fromkeys(prefs) if graduate in rank.get(p, ())]
        for graduate, prefs in graduate_prefs.items()
    }
    held: dict[P, list[tuple[int, int, G]]] = {p: [] for p in rank}  # max-heap on rank
    order = {graduate: i for i, graduate in enumerate(lists)}
    next_choice = dict.fromkeys(lists, 0)
    free = deque(lists)
    while free:
        graduate = free.popleft()
        prefs = lists[graduate]
        while next_choice[graduate] < len(prefs):
            position = prefs[next_choice[graduate]]
            next_choice[graduate] += 1
            r = rank[position][graduate]
            heap = held[position]
            if len(heap) < capacities[position]:
                heapq.heappush(heap, (-r, order[graduate], graduate))
                break
            if r < -heap[0][0]:  # preferred to the worst one held: bump that one
                _, _, bumped = heapq.heapreplace(heap, (-r, order[graduate], graduate))
                free.append(bumped)
                break
    matched = {g: p for p, heap in held.items() for _, _, g in heap}
    return {g: matched[g] for g in lists if g in matched}


def optimal_match(scores: Mapping[tuple[G, P], float], capacities: Mapping[P, int]) -> dict[G, P]:
    """A maximum-total-score assignment: each graduate at most once, each position at most
    its capacity, only pairs in `scores`. Pairs scoring 0 or less (or not finite) add
    nothing, so they are never chosen; a position missing from `capacities` has none.

    Solved as a rectangular assignment problem on a sparse graph: each position's openings
    become that many columns (capped at the number of graduates who could fill them) and
    each graduate gets a private "stay unmatched" column, so a full matching always exists.
    """
    pairs = [
        (g, p, float(s))
        for (g, p), s in scores.items()
        if s > 0 and math.isfinite(s) and capacities.get(p, 0) > 0
    ]
    if not pairs:
        return {}
    graduates = list(dict.fromkeys(g for g, _, _ in pairs))
    positions = list(dict.fromkeys(p for _, p, _ in pairs))
    g_index = {g: i for i, g in enumerate(graduates)}
    p_index = {p: j for j, p in enumerate(positions)}
    rows = np.fromiter((g_index[g] for g, _, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((p_index[p] for _, p, _ in pairs), dtype=np.int64, count=len(pairs))
    values = np.fromiter((s for _, _, s in pairs), dtype=np.float64, count=len(pairs))
    degree = np.bincount(cols, minlength=len(positions))
    capacity = np.minimum(np.array([capacities[p] for p in positions], dtype=np.int64), degree)
    assigned = _assign(rows, cols, values, len(graduates), capacity)
    return {graduates[r]: positions[c] for r, c in assigned}


def _assign(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int, capacity: np.ndarray
) -> list[tuple[int, int]]:
    """(row, position) pairs of a maximum-weight assignment with position capacities."""
    slot_start = np.concatenate(([0], np.cumsum(capacity)))
    n_slots = int(slot_start[-1])
    copies = capacity[cols]
    edge = np.repeat(np.arange(rows.size), copies)
    offset = np.arange(edge.size) - np.repeat(np.cumsum(copies) - copies, copies)
    slot_of_edge = slot_start[cols[edge]] + offset
    position_of_slot = np.repeat(np.arange(capacity.size), capacity)
    if n_rows * (n_slots + 1) <= DENSE_LIMIT:
        # Small: a dense matrix (0 = no pair) is simplest and fast.
        weight = np.zeros((n_rows, n_slots), dtype=np.float64)
        weight[rows[edge], slot_of_edge] = values[edge]
        r, c = linear_sum_assignment(weight, maximize=True)
        keep = weight[r, c] > 0
        return list(zip(r[keep].tolist(), position_of_slot[c[keep]].tolist(), strict=True))
    # Costs must be positive for the sparse solver: cost = top - value (+1), dummies = top.
    top = float(values.max()) + 1.0
    data = np.concatenate((top - values[edge], np.full(n_rows, top)))
    row_idx = np.concatenate((rows[edge], np.arange(n_rows)))
    col_idx = np.concatenate((slot_of_edge, n_slots + np.arange(n_rows)))
    graph = csr_array((data, (row_idx, col_idx)), shape=(n_rows, n_slots + n_rows))
    r, c = min_weight_full_bipartite_matching(graph)
    keep = c < n_slots
    return list(zip(r[keep].tolist(), position_of_slot[c[keep]].tolist(), strict=True))


# --- a round over match scores -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignment:
    graduate_id: int
    position_id: int
    score: float
    result: MatchResult

    @property
    def reasons(self) -> tuple[scoring.Reason, ...]:
        return self.result.reasons


@dataclass(frozen=True, slots=True)
class Unmatched:
    graduate_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """What a round would do: staff preview it, publishing turns assignments into referrals."""

    algorithm: Algorithm
    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...]

    @property
    def total_score(self) -> float:
        return sum(a.score for a in self.assignments)


NO_ELIGIBLE = "no eligible position"
NO_OPENING = "no eligible position has an opening left"
FILLED_BY_PREFERRED = "every eligible position was filled by graduates it preferred"
FILLED_FOR_TOTAL = (
    "every eligible position went to other graduates in the assignment with the best total score"
)


def plan_round(
    graduates: Iterable[GraduateRecord | int],
    positions: Iterable[PositionRecord | int],
    capacities: Mapping[int, int],
    algorithm: Algorithm = "stable",
    index_or_scorer: MatchIndex | Scorer | None = None,
    *,
    today: date | None = None,
) -> RoundPlan:
    """Plan a round over the eligible pairs of these graduates and positions.

    With a `MatchIndex`, graduates and positions may be ids (records are read from the
    index) and pairs are scored with arrays; with a scorer (default: the reference scorer
    at `today`) they must be records and every pair is scored one by one.
    Stable: graduates rank positions by the graduate-side score, positions rank graduates
    by the employer-side score, ties by id. Optimal: the maximum total score.
    """
    graduate_list = list(graduates)
    graduate_ids = [g if isinstance(g, int) else g.id for g in graduate_list]
    position_list = list(positions)
    position_ids = [p if isinstance(p, int) else p.id for p in position_list]

    if isinstance(index_or_scorer, MatchIndex):
        index = index_or_scorer
        table = index.pair_scores(graduate_ids, position_ids)
        pairs = list(
            zip(
                table.graduate_ids.tolist(),
                table.position_ids.tolist(),
                table.score.tolist(),
                table.graduate_side.tolist(),
                table.employer_side.tolist(),
                strict=True,
            )
        )

        def explain(graduate_id: int, position_id: int) -> MatchResult:
            return index.explain(graduate_id, position_id)

    else:
        scorer = index_or_scorer or (lambda g, p: scoring.score(g, p, today=today))
        g_records = {g.id: g for g in graduate_list if isinstance(g, GraduateRecord)}
        p_records = {p.id: p for p in position_list if isinstance(p, PositionRecord)}
        if len(g_records) != len(set(graduate_ids)) or len(p_records) != len(set(position_ids)):
            raise TypeError("without a MatchIndex, pass GraduateRecord and PositionRecord values")
        pairs = []
        cache: dict[tuple[int, int], MatchResult] = {}
        for g in g_records.values():
            for p in p_records.values():
                result = scorer(g, p)
                if result.eligible:
                    cache[(g.id, p.id)] = result
                    pairs.append(
                        (
                            g.id,
                            p.id,
                            round(result.score * 10),
                            round(result.graduate_side * 10),
                            round(result.employer_side * 10),
                        )
                    )

        def explain(graduate_id: int, position_id: int) -> MatchResult:
            return cache[(graduate_id, position_id)]

    if algorithm == "stable":
        by_graduate = sorted(pairs, key=lambda t: (t[0], -t[3], t[1]))
        by_position = sorted(pairs, key=lambda t: (t[1], -t[4], t[0]))
        g_prefs: dict[int, list[int]] = {}
        for g, p, *_ in by_graduate:
            g_prefs.setdefault(g, []).append(p)
        p_prefs: dict[int, list[int]] = {}
        for g, p, *_ in by_position:
            p_prefs.setdefault(p, []).append(g)
        matching = stable_match(g_prefs, p_prefs, capacities)
    elif algorithm == "optimal":
        matching = optimal_match({(g, p): total / 10 for g, p, total, _, _ in pairs}, capacities)
    else:
        raise ValueError(f"unknown algorithm {algorithm!r}")

    assignments = []
    for graduate_id in sorted(matching):
        position_id = matching[graduate_id]
        result = explain(graduate_id, position_id)
        assignments.append(Assignment(graduate_id, position_id, result.score, result))
    open_positions: dict[int, list[int]] = {}
    for g, p, total, *_ in pairs:
        if total > 0 or algorithm == "stable":
            open_positions.setdefault(g, []).append(p)
    unmatched = []
    for graduate_id in dict.fromkeys(graduate_ids):
        if graduate_id in matching:
            continue
        eligible = open_positions.get(graduate_id, [])
        if not eligible:
            reason = NO_ELIGIBLE
        elif all(capacities.get(p, 0) <= 0 for p in eligible):
            reason = NO_OPENING
        else:
            reason = FILLED_BY_PREFERRED if algorithm == "stable" else FILLED_FOR_TOTAL
        unmatched.append(Unmatched(graduate_id, reason))
    return RoundPlan(algorithm, tuple(assignments), tuple(unmatched))
