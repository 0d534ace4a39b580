"""The benchmark runs end to end at a tiny size and returns JSON-able figures."""

from __future__ import annotations

import json

from placement import geo
from placement.matching.bench import SOCAL_ZIPS, run_benchmark, synthetic_population


def test_the_population_is_deterministic_and_in_southern_california() -> None:
    first = synthetic_population(50, 10, seed=3)
    assert first == synthetic_population(50, 10, seed=3)
    assert first != synthetic_population(50, 10, seed=4)
    assert all(geo.state_of(z) == "CA" for z in SOCAL_ZIPS)


def test_run_benchmark_small() -> None:
    result = run_benchmark(
        300,
        40,
        seed=2,
        queries=5,
        reference_sample=50,
        round_graduates=120,
        round_positions=30,
    )
    assert json.loads(json.dumps(result)) == result
    for key in (
        "index_build_s",
        "index_memory_mb",
        "rank_graduates_ms",
        "rank_positions_ms",
        "reference_rank_graduates_ms_extrapolated",
        "speedup_rank_graduates",
        "speedup_rank_positions",
        "openings_per_dashboard_view_ms",
    ):
        assert key in result
    assert set(result["rank_graduates_ms"]) == {"p50", "p95", "cpu_mean"}
    assert "order_graduates_ms" in result and "order_positions_ms" in result
    assert {"stable_s", "optimal_s", "plan_round_stable_s"} <= set(result["rounds"])
