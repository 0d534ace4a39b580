"""Placement rounds: stable and optimal assignment, checked against brute force."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement.matching import MatchIndex, optimal_match, plan_round, stable_match
from placement.matching import rounds as rounds_module
from placement.matching.rounds import (
    FILLED_BY_PREFERRED,
    FILLED_FOR_TOTAL,
    NO_ELIGIBLE,
    NO_OPENING,
)

from .builders import TODAY, graduate, position

Prefs = dict[str, list[str]]
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> tuple[Prefs, Prefs, dict[str, int]]:
    """Small random markets; lists may be one-sided, repeat entries or name strangers."""
    graduates = [f"g{i}" for i in range(draw(st.integers(0, 5)))]
    positions = [f"p{j}" for j in range(draw(st.integers(0, 3)))]
    strangers = ["x"]
    g_prefs = {
        g: draw(st.lists(st.sampled_from(positions + strangers), max_size=4)) for g in graduates
    }
    p_prefs = {
        p: draw(st.lists(st.sampled_from(graduates + strangers), max_size=6)) for p in positions
    }
    # a position may be missing from capacities: it then has no openings
    capacities = {p: draw(st.integers(0, 2)) for p in positions if draw(st.integers(0, 3))}
    return g_prefs, p_prefs, capacities


def first_ranks(prefs: list[str]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for item in prefs:
        ranks.setdefault(item, len(ranks))
    return ranks


def acceptable(g_prefs: Prefs, p_prefs: Prefs, capacities: dict[str, int]) -> dict[str, list[str]]:
    return {
        g: [p for p in first_ranks(prefs) if g in p_prefs.get(p, []) and capacities.get(p, 0) > 0]
        for g, prefs in g_prefs.items()
    }


def all_matchings(options: dict[str, list[str]], capacities: dict[str, int]) -> Iterator[dict]:
    graduates = list(options)
    for choice in itertools.product(*([None, *options[g]] for g in graduates)):
        used = Counter(p for p in choice if p is not None)
        if all(count <= capacities[p] for p, count in used.items()):
            yield {g: p for g, p in zip(graduates, choice, strict=True) if p is not None}


def blocking_pairs(
    matching: dict[str, str], g_prefs: Prefs, p_prefs: Prefs, capacities: dict[str, int]
) -> list[tuple[str, str]]:
    options = acceptable(g_prefs, p_prefs, capacities)
    found = []
    for g, choices in options.items():
        g_rank = first_ranks(g_prefs[g])
        for p in choices:
            if matching.get(g) == p:
                continue
            if g in matching and g_rank[matching[g]] < g_rank[p]:
                continue  # g prefers what it has
            p_rank = first_ranks(p_prefs[p])
            held = [h for h, q in matching.items() if q == p]
            if len(held) < capacities[p] or any(p_rank[g] < p_rank[h] for h in held):
                found.append((g, p))
    return found


@quick
@given(instances())
def test_stable_match_is_stable_and_graduate_optimal(
    instance: tuple[Prefs, Prefs, dict[str, int]],
) -> None:
    g_prefs, p_prefs, capacities = instance
    result = stable_match(g_prefs, p_prefs, capacities)
    options = acceptable(g_prefs, p_prefs, capacities)
    for g, p in result.items():
        assert p in options[g], "matched a pair that does not list each other"
    assert Counter(result.values()) <= Counter(capacities)
    assert blocking_pairs(result, g_prefs, p_prefs, capacities) == []

    stable = [
        m
        for m in all_matchings(options, capacities)
        if not blocking_pairs(m, g_prefs, p_prefs, capacities)
    ]
    assert result in stable
    worst = 10**6
    for g in g_prefs:
        rank = first_ranks(g_prefs[g])
        mine = rank[result[g]] if g in result else worst
        assert all(mine <= (rank[m[g]] if g in m else worst) for m in stable)


@st.composite
def scored_instances(draw: st.DrawFn) -> tuple[dict[tuple[str, str], float], dict[str, int]]:
    graduates = [f"g{i}" for i in range(draw(st.integers(0, 5)))]
    positions = [f"p{j}" for j in range(draw(st.integers(0, 3)))]
    pairs = draw(
        st.sets(st.tuples(st.sampled_from(graduates or ["g"]), st.sampled_from(positions or ["p"])))
    )
    values = st.one_of(st.floats(-5, 100, allow_nan=False), st.sampled_from([0.0, 50.0, 50.0]))
    scores = {pair: draw(values) for pair in pairs}
    capacities = {p: draw(st.integers(0, 3)) for p in positions}
    return scores, capacities


def brute_force_best(scores: dict[tuple[str, str], float], capacities: dict[str, int]) -> float:
    options: dict[str, list[str]] = {}
    for (g, p), s in scores.items():
        if s > 0 and capacities.get(p, 0) > 0:
            options.setdefault(g, []).append(p)
    best = 0.0
    for m in all_matchings(options, capacities):
        best = max(best, sum(scores[(g, p)] for g, p in m.items()))
    return best


@pytest.mark.parametrize("dense_limit", [rounds_module.DENSE_LIMIT, 0], ids=["dense", "sparse"])
@quick
@given(scored_instances())
def test_optimal_match_reaches_the_brute_force_optimum(
    dense_limit: int,
    instance: tuple[dict[tuple[str, str], float], dict[str, int]],
) -> None:
    scores, capacities = instance
    saved = rounds_module.DENSE_LIMIT
    rounds_module.DENSE_LIMIT = dense_limit
    try:
        result = optimal_match(scores, capacities)
    finally:
        rounds_module.DENSE_LIMIT = saved
    for g, p in result.items():
        assert (g, p) in scores and scores[(g, p)] > 0
    assert all(n <= capacities[p] for p, n in Counter(result.values()).items())
    total = sum(scores[(g, p)] for g, p in result.items())
    assert total == pytest.approx(brute_force_best(scores, capacities), abs=1e-6)


class TestEdgeCases:
    def test_empty(self) -> None:
        assert stable_match({}, {}, {}) == {}
        assert optimal_match({}, {}) == {}

    def test_capacity_zero_or_missing_matches_nobody(self) -> None:
        assert stable_match({"g": ["p"]}, {"p": ["g"]}, {"p": 0}) == {}
        assert stable_match({"g": ["p"]}, {"p": ["g"]}, {}) == {}
        assert optimal_match({("g", "p"): 5.0}, {"p": 0}) == {}
        assert optimal_match({("g", "p"): 5.0}, {}) == {}

    def test_one_sided_lists_do_not_match(self) -> None:
        assert stable_match({"g": ["p"]}, {"p": []}, {"p": 1}) == {}
        assert stable_match({"g": []}, {"p": ["g"]}, {"p": 1}) == {}

    def test_non_positive_scores_are_never_chosen(self) -> None:
        assert optimal_match({("g", "p"): 0.0, ("h", "p"): -1.0}, {"p": 2}) == {}

    def test_capacity_is_shared_out_for_the_best_total(self) -> None:
        scores = {("a", "p"): 10.0, ("a", "q"): 9.0, ("b", "p"): 8.0, ("c", "p"): 1.0}
        assert optimal_match(scores, {"p": 1, "q": 1}) == {"a": "q", "b": "p"}
        assert optimal_match(scores, {"p": 3, "q": 1}) == {"a": "p", "b": "p", "c": "p"}

    def test_stable_favours_graduates(self) -> None:
        # Two stable matchings exist; graduates get their first choices in the one returned.
        g_prefs = {"a": ["p", "q"], "b": ["q", "p"]}
        p_prefs = {"p": ["b", "a"], "q": ["a", "b"]}
        assert stable_match(g_prefs, p_prefs, {"p": 1, "q": 1}) == {"a": "p", "b": "q"}

    def test_any_hashable_ids(self) -> None:
        assert stable_match({1: [(2, "x")]}, {(2, "x"): [1]}, {(2, "x"): 1}) == {1: (2, "x")}


class TestPlanRound:
    def setup_method(self) -> None:
        self.graduates = [
            graduate(1, clinical_hours=200),
            graduate(2, clinical_hours=100),
            graduate(3, verified=False),
            graduate(4, clinical_hours=150),
        ]
        self.positions = [position(10), position(11, zip="90002"), position(12, zip="90003")]
        self.capacities = {10: 1, 11: 1, 12: 0}

    @pytest.mark.parametrize("algorithm", ["stable", "optimal"])
    def test_the_index_and_the_scorer_plan_the_same_round(self, algorithm: str) -> None:
        index = MatchIndex.build(self.graduates, self.positions, today=TODAY)
        by_index = plan_round(
            [g.id for g in self.graduates], [10, 11, 12], self.capacities, algorithm, index
        )
        by_scorer = plan_round(
            self.graduates, self.positions, self.capacities, algorithm, today=TODAY
        )
        assert by_index == by_scorer
        assert len(by_index.assignments) == 2
        for a in by_index.assignments:
            assert a.result == index.explain(a.graduate_id, a.position_id)
            assert a.score == a.result.score and a.reasons == a.result.reasons

    def test_stable_prefers_by_each_side(self) -> None:
        plan = plan_round(self.graduates, self.positions, self.capacities, "stable", today=TODAY)
        # Everyone prefers the nearer position 11 (graduate side); it prefers the most
        # clinical hours (employer side): graduate 1. Graduate 4 outranks 2 for position 10.
        assert {(a.graduate_id, a.position_id) for a in plan.assignments} == {(1, 11), (4, 10)}
        reasons = {u.graduate_id: u.reason for u in plan.unmatched}
        assert reasons == {2: FILLED_BY_PREFERRED, 3: NO_ELIGIBLE}

    def test_optimal_explains_the_unmatched(self) -> None:
        plan = plan_round(self.graduates, self.positions, self.capacities, "optimal", today=TODAY)
        assert len(plan.assignments) == 2
        reasons = {u.graduate_id: u.reason for u in plan.unmatched}
        assert reasons[3] == NO_ELIGIBLE
        assert set(reasons.values()) == {NO_ELIGIBLE, FILLED_FOR_TOTAL}
        stable = plan_round(self.graduates, self.positions, self.capacities, "stable", today=TODAY)
        assert plan.total_score >= stable.total_score

    def test_no_opening_left(self) -> None:
        plan = plan_round([graduate(1)], [position(12)], {12: 0}, "stable", today=TODAY)
        assert plan.unmatched[0].reason == NO_OPENING

    def test_records_are_needed_without_an_index(self) -> None:
        with pytest.raises(TypeError):
            plan_round([1], [position(10)], {10: 1}, "stable", today=TODAY)

    def test_unknown_algorithm(self) -> None:
        with pytest.raises(ValueError):
            plan_round([], [], {}, "random", today=TODAY)  # type: ignore[arg-type]
