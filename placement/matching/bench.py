"""`placement bench matching`: time the index, the reference scorer and the round algorithms.

Everything is generated from a seed (same seed, same population), in real Los Angeles and
Orange County ZIPs, with no database: the figures measure matching alone. `index_build_s`
encodes the graduates as `GraduateColumns`, the form the app's matching queries load them in
(services.matching.load_graduate_columns); `index_build_from_records_s` is the same build
from one record per graduate.
"""

from __future__ import annotations

import functools
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np

from placement import geo, taxonomy
from placement.matching.coaching import openings
from placement.matching.index import MatchIndex
from placement.matching.records import (
    CredentialRecord,
    GraduateColumns,
    GraduateRecord,
    PositionRecord,
)
from placement.matching.rounds import optimal_match, plan_round, stable_match
from placement.matching.scoring import MatchResult, score

BENCH_TODAY = date(2026, 1, 15)

# Real ZIPs of Los Angeles and Orange County, where the demo school and its employers are.
_ZIP_BLOCK = """
    90001 90002 90003 90004 90005 90006 90007 90008 90010 90011 90012 90013 90014 90015 90016
    90017 90018 90019 90020 90021 90022 90023 90024 90025 90026 90027 90028 90029 90031 90032
    90033 90034 90035 90036 90037 90038 90039 90041 90042 90043 90044 90045 90046 90047 90048
    90049 90056 90057 90058 90059 90061 90062 90063 90064 90065 90066 90067 90068 90069 90071
    90073 90077 90089 90094 90201 90210 90211 90212 90220 90221 90222 90230 90232 90240 90241
    90242 90245 90247 90248 90249 90250 90254 90255 90260 90262 90266 90270 90272 90274 90275
    90277 90278 90280 90290 90291 90292 90293 90301 90302 90303 90304 90305 90401 90402 90403
    90404 90405 90501 90502 90503 90504 90505 90601 90602 90603 90604 90605 90606 90620 90621
    90623 90630 90631 90638 90640 90650 90660 90670 90680 90701 90703 90706 90710 90712 90713
    90715 90716 90717 90720 90723 90731 90732 90740 90742 90743 90744 90745 90746 90755 90802
    90803 90804 90805 90806 90807 90808 90810 90813 90814 90815 91001 91006 91007 91010 91011
    91016 91020 91024 91030 91040 91042 91101 91103 91104 91105 91106 91107 91108 91201 91202
    91203 91204 91205 91206 91207 91208 91214 91301 91302 91303 91304 91306 91307 91311 91316
    91321 91324 91325 91326 91330 91331 91335 91340 91342 91343 91344 91345 91350 91351 91352
    91354 91355 91356 91364 91367 91381 91384 91387 91401 91402 91403 91405 91406 91411 91423
    91436 91501 91502 91504 91505 91506 91601 91602 91604 91605 91606 91607 91608 91702 91706
    91709 91711 91722 91723 91724 91731 91732 91733 91740 91741 91744 91745 91746 91748 91750
    91754 91755 91765 91766 91767 91768 91770 91773 91775 91776 91780 91789 91790 91791 91792
    91801 91803 92602 92603 92604 92606 92610 92612 92614 92617 92618 92620 92625 92626 92627
    92629 92630 92637 92646 92647 92648 92649 92651 92653 92655 92656 92657 92660 92661 92662
    92663 92672 92673 92675 92676 92677 92679 92683 92688 92691 92692 92694 92701 92703 92704
    92705 92706 92707 92708 92780 92782 92801 92802 92804 92805 92806 92807 92808 92821 92823
    92831 92832 92833 92835 92840 92841 92843 92844 92845 92860 92861 92865 92866 92867 92868
    92869 92870 92886 92887
"""
SOCAL_ZIPS: tuple[str, ...] = tuple(_ZIP_BLOCK.split())

_CLINICAL_MODALITIES = (
    "medical_massage",
    "manual_lymphatic_drainage",
    "myofascial_release",
    "trigger_point",
    "neuromuscular",
    "geriatric",
    "oncology",
    "hospice_comfort",
    "post_surgical",
    "orthopedic",
)
# (code, share of graduates holding it)
_CREDENTIAL_SHARES = (
    ("camtc", 0.75),
    ("bls_cpr", 0.85),
    ("first_aid", 0.5),
    ("liability_insurance", 0.6),
    ("background_check", 0.5),
    ("tb_test", 0.5),
    ("immunizations", 0.4),
    ("hipaa_training", 0.4),
    ("mblex", 0.5),
    ("ncbtmb_board_certified", 0.2),
    ("clt_lymphedema", 0.05),
    ("oncology_massage_cert", 0.08),
    ("hospital_based_massage_cert", 0.06),
)
_POSITION_REQUIREMENTS = (
    ("state_license", 0.7),
    ("bls_cpr", 0.6),
    ("liability_insurance", 0.3),
    ("background_check", 0.3),
    ("tb_test", 0.2),
)


def synthetic_population(
    graduates: int, positions: int, seed: int = 1, today: date = BENCH_TODAY
) -> tuple[list[GraduateRecord], list[PositionRecord]]:
    """A deterministic Southern California population: same arguments, same records."""
    rng = random.Random(seed)
    settings = list(taxonomy.SETTINGS)
    types = list(taxonomy.EMPLOYMENT_TYPES)
    modalities = list(taxonomy.MODALITIES)
    credentials = list(taxonomy.CREDENTIALS)
    slots = list(taxonomy.SLOTS)

    def expiry() -> date | None:
        roll = rng.random()
        if roll < 0.1:
            return None
        return today + timedelta(days=rng.randint(-180, 3 * 365))

    grads = []
    for graduate_id in range(1, graduates + 1):
        held = [
            CredentialRecord(code, "CA" if code == "camtc" else None, expiry(), rng.random() < 0.7)
            for code, share in _CREDENTIAL_SHARES
            if rng.random() < share
        ]
        if rng.random() < 0.03:
            held.append(CredentialRecord("state_license", rng.choice(["NV", "AZ", "OR"]), expiry()))
        skills = rng.sample(_CLINICAL_MODALITIES, rng.randint(1, 5)) + rng.sample(
            modalities, rng.randint(1, 4)
        )
        grads.append(
            GraduateRecord(
                id=graduate_id,
                verified=rng.random() < 0.9,
                seeking=rng.random() < 0.8,
                visibility=rng.choices(["employers", "staff", "private"], (6, 3, 1))[0],
                zip=rng.choice(SOCAL_ZIPS),
                travel_radius_miles=rng.choice([10, 15, 20, 25, 25, 30, 40, 50, None]),
                training_hours=rng.choice([500, 600, 650, 750, 800, 1000]),
                clinical_hours=rng.randint(0, 300),
                settings=frozenset(rng.sample(settings, rng.randint(0, 3))),
                employment_types=frozenset(rng.sample(types, rng.randint(0, 2))),
                availability=frozenset(rng.sample(slots, rng.randint(4, 12))),
                pay_expectation=None if rng.random() < 0.1 else rng.randint(44, 80) / 2,
                modalities={code: rng.randint(1, 3) for code in skills},
                credentials=tuple(held),
            )
        )

    posts = []
    for position_id in range(1, positions + 1):
        pay_min = rng.randint(44, 64) / 2
        wanted = rng.sample(_CLINICAL_MODALITIES, rng.randint(0, 5))
        required_credentials = {
            code for code, share in _POSITION_REQUIREMENTS if rng.random() < share
        }
        posts.append(
            PositionRecord(
                id=position_id,
                employer_id=rng.randint(1, max(1, positions // 4)),
                zip=rng.choice(SOCAL_ZIPS),
                setting=rng.choice(settings),
                employment_type=rng.choice(types),
                pay_min=pay_min,
                pay_max=None if rng.random() < 0.1 else pay_min + rng.randint(0, 16) / 2,
                start_date=None if rng.random() < 0.2 else today + timedelta(rng.randint(0, 120)),
                min_training_hours=rng.choice([0, 500, 500, 600, 750]),
                shifts=frozenset()
                if rng.random() < 0.1
                else frozenset(rng.sample(slots, rng.randint(2, 8))),
                required_modalities=frozenset(wanted[:2]),
                preferred_modalities=frozenset(wanted[2:]),
                required_credentials=frozenset(required_credentials),
                preferred_credentials=frozenset(
                    rng.sample(
                        [c for c in credentials if c not in required_credentials], rng.randint(0, 2)
                    )
                ),
            )
        )
    return grads, posts


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
    }


def _timed(calls: list[Callable[[], object]]) -> dict[str, float]:
    """Wall-clock p50/p95 of each call in ms, and the process CPU time per call (on a
    shared machine the CPU time is the steadier figure)."""
    samples = []
    cpu = time.process_time()
    for call in calls:
        samples.append(_time_ms(call))
    figures = _percentiles(samples)
    figures["cpu_mean"] = round((time.process_time() - cpu) * 1000 / max(1, len(calls)), 3)
    return figures


def _score_all(graduate: GraduateRecord, posts: list[PositionRecord]) -> list[MatchResult]:
    return [score(graduate, p, today=BENCH_TODAY) for p in posts]


def _time_ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _python_bytes(index: MatchIndex) -> int:
    """A close estimate of the index's Python-side structures beyond its arrays."""
    total = 0
    for table in (index._g, index._p):
        total += sys.getsizeof(table.sparse) + sys.getsizeof(table.free)
        total += sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in table.sparse.items())
        total += 8 * len(table.free)
    for values in (index._zips, index._zip_points, index._radii.values, index._pays.values):
        total += sys.getsizeof(values) + sum(_deep_size(v) for v in values)
    total += sys.getsizeof(index._positions)
    sample = list(index._positions.values())[:200]
    if sample:
        per_position = sum(_deep_size(p) for p in sample) / len(sample)
        total += int(per_position * len(index._positions))
    return total


def _deep_size(value: object, seen: set[int] | None = None) -> int:
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(_deep_size(k, seen) + _deep_size(v, seen) for k, v in value.items())
    elif isinstance(value, (list, tuple, set, frozenset)):
        size += sum(_deep_size(item, seen) for item in value)
    elif hasattr(value, "__slots__"):
        size += sum(_deep_size(getattr(value, name), seen) for name in value.__slots__)
    return size


def run_benchmark(
    graduates: int = 100_000,
    positions: int = 2_000,
    seed: int = 1,
    *,
    queries: int = 200,
    limit: int = 50,
    reference_sample: int = 2_000,
    round_graduates: int = 5_000,
    round_positions: int = 1_000,
    round_max_eligible: int = 50,
) -> dict[str, Any]:
    """Run every measurement and return one JSON-able dict of figures (times in ms or s)."""
    result: dict[str, Any] = {
        "graduates": graduates,
        "positions": positions,
        "seed": seed,
        "today": BENCH_TODAY.isoformat(),
        "limit": limit,
        "queries": queries,
    }
    start = time.perf_counter()
    geo.table()
    result["zip_table_load_s"] = round(time.perf_counter() - start, 3)
    result.update(_bench_index(graduates, positions, seed, queries, limit, reference_sample))
    gc.collect()
    result["rounds"] = _bench_rounds(round_graduates, round_positions, seed, round_max_eligible)
    return result


def _bench_index(
    graduates: int, positions: int, seed: int, queries: int, limit: int, reference_sample: int
) -> dict[str, Any]:
    rng = random.Random(seed + 1)
    result: dict[str, Any] = {}
    start = time.perf_counter()
    grads, posts = synthetic_population(graduates, positions, seed)
    result["generate_s"] = round(time.perf_counter() - start, 3)

    # The graduates as the app's matching queries hand them to the index (one sequence per
    # column, modalities and credentials as long tables): the stand-in for the database.
    start = time.perf_counter()
    columns = GraduateColumns.from_records(grads)
    result["graduate_columns_s"] = round(time.perf_counter() - start, 3)

    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex.build(columns, posts, today=BENCH_TODAY)
    result["index_build_s"] = round(time.perf_counter() - start, 3)
    result["index_build_cpu_s"] = round(time.process_time() - cpu, 3)
    # The same from records (one object per graduate and credential), as tests and single
    # upserts give them: the same encoding, after GraduateColumns.from_records.
    gc.collect()
    start = time.perf_counter()
    MatchIndex.build(grads, posts, today=BENCH_TODAY)
    result["index_build_from_records_s"] = round(time.perf_counter() - start, 3)
    arrays = index.nbytes
    python = _python_bytes(index)
    result["index_arrays_mb"] = round(arrays / 2**20, 1)
    result["index_python_mb_estimate"] = round(python / 2**20, 1)
    result["index_memory_mb"] = round((arrays + python) / 2**20, 1)
    # Cross-check: everything a second build allocates and keeps, as tracemalloc sees it
    # (the position records themselves are shared with the caller, so not counted).
    gc.collect()
    tracemalloc.start()
    twin = MatchIndex.build(columns, posts, today=BENCH_TODAY)
    gc.collect()
    result["index_memory_mb_traced"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
    tracemalloc.stop()
    del twin, columns
    if not grads or not posts:
        return result

    # one position over all graduates (staff audience: everyone but `private`): the ranking
    # itself (ids and scores), then the same with the reasons of the `limit` rows returned
    position_ids = [p.id for p in posts]
    picks = [rng.choice(position_ids) for _ in range(queries)]
    result["order_graduates_ms"] = _timed(
        [functools.partial(index.order_graduates, pid, limit=limit) for pid in picks]
    )
    result["rank_graduates_ms"] = _timed(
        [functools.partial(index.rank_graduates, pid, limit=limit) for pid in picks]
    )
    eligible_counts = [
        len(index.pair_scores(position_ids=[pid]).graduate_ids)
        for pid in rng.sample(position_ids, min(20, len(position_ids)))
    ]
    result["rank_graduates_mean_eligible"] = round(statistics.mean(eligible_counts), 1)

    # one graduate over all positions
    graduate_ids = [g.id for g in grads]
    picks = [rng.choice(graduate_ids) for _ in range(queries)]
    result["order_positions_ms"] = _timed(
        [functools.partial(index.order_positions, gid, limit=limit) for gid in picks]
    )
    result["rank_positions_ms"] = _timed(
        [functools.partial(index.rank_positions, gid, limit=limit) for gid in picks]
    )
    result["rank_positions_mean_eligible"] = round(
        statistics.mean(len(index.order_positions(gid)) for gid in picks[:50]), 1
    )

    # "what would open more positions" on a graduate's dashboard: one call per view
    picks = [rng.choice(graduate_ids) for _ in range(queries)]
    result["openings_per_dashboard_view_ms"] = _timed(
        [functools.partial(openings, index, gid) for gid in picks]
    )
    suggested = [openings(index, gid) for gid in picks[:50]]
    result["openings_mean_changes"] = round(statistics.mean(len(o.changes) for o in suggested), 1)
    result["openings_mean_best_count"] = round(
        statistics.mean(o.changes[0].count if o.changes else 0 for o in suggested), 1
    )

    # the reference scorer on the same work: a sample of (graduate, position) pairs timed and
    # extrapolated to all graduates; all positions for a few graduates, measured in full
    sample = rng.sample(grads, min(reference_sample, len(grads)))
    pairs = [(graduate, rng.choice(posts)) for graduate in sample]
    start = time.perf_counter()
    for graduate, position in pairs:
        score(graduate, position, today=BENCH_TODAY)
    per_pair_ms = (time.perf_counter() - start) * 1000 / len(sample)
    full_ms = per_pair_ms * len(grads)
    result["reference_per_pair_us"] = round(per_pair_ms * 1000, 2)
    result["reference_rank_graduates_sample"] = len(sample)
    result["reference_rank_graduates_ms_extrapolated"] = round(full_ms, 1)
    result["speedup_rank_graduates"] = round(full_ms / result["order_graduates_ms"]["p50"], 1)
    timings = [
        _time_ms(functools.partial(_score_all, graduate, posts))
        for graduate in rng.sample(grads, min(5, len(grads)))
    ]
    reference_positions = statistics.median(timings)
    result["reference_rank_positions_ms_measured"] = round(reference_positions, 1)
    result["speedup_rank_positions"] = round(
        reference_positions / result["order_positions_ms"]["p50"], 1
    )
    return result


def _bench_rounds(graduates: int, positions: int, seed: int, max_eligible: int) -> dict[str, Any]:
    """Both algorithms on a round-sized population; each graduate keeps its best
    `max_eligible` eligible positions (by total score), as the stated instance size."""
    rng = random.Random(seed + 2)
    grads, posts = synthetic_population(graduates, positions, seed + 3)
    index = MatchIndex.build(grads, posts, today=BENCH_TODAY)
    capacities = {p.id: rng.randint(1, 3) for p in posts}
    start = time.perf_counter()
    pairs = index.pair_scores()
    out: dict[str, Any] = {
        "graduates": graduates,
        "positions": positions,
        "capacities": "1-3",
        "pair_scores_s": round(time.perf_counter() - start, 3),
        "eligible_pairs_all": int(pairs.score.size),
    }
    order = np.lexsort((pairs.position_ids, -pairs.score, pairs.graduate_ids))
    g_sorted = pairs.graduate_ids[order]
    first = np.searchsorted(g_sorted, g_sorted, side="left")
    keep = order[(np.arange(order.size) - first) < max_eligible]
    g = pairs.graduate_ids[keep].tolist()
    p = pairs.position_ids[keep].tolist()
    total = pairs.score[keep].tolist()
    grad_side = pairs.graduate_side[keep].tolist()
    emp_side = pairs.employer_side[keep].tolist()
    out["eligible_pairs_used"] = len(g)
    out["max_eligible_per_graduate"] = max_eligible

    start = time.perf_counter()
    g_prefs: dict[int, list[int]] = {}
    for gi, pi, _ in sorted(zip(g, p, grad_side, strict=True), key=lambda t: (t[0], -t[2], t[1])):
        g_prefs.setdefault(gi, []).append(pi)
    p_prefs: dict[int, list[int]] = {}
    for gi, pi, _ in sorted(zip(g, p, emp_side, strict=True), key=lambda t: (t[1], -t[2], t[0])):
        p_prefs.setdefault(pi, []).append(gi)
    out["build_preferences_s"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    stable = stable_match(g_prefs, p_prefs, capacities)
    out["stable_s"] = round(time.perf_counter() - start, 3)
    out["stable_matched"] = len(stable)

    scores = {(gi, pi): t / 10 for gi, pi, t in zip(g, p, total, strict=True)}
    start = time.perf_counter()
    best = optimal_match(scores, capacities)
    out["optimal_s"] = round(time.perf_counter() - start, 3)
    out["optimal_matched"] = len(best)
    out["optimal_total_score"] = round(sum(scores[pair] for pair in best.items()), 1)
    out["stable_total_score"] = round(sum(scores[pair] for pair in stable.items()), 1)

    # end to end as staff run it: every eligible pair, reasons for each assignment
    for algorithm in ("stable", "optimal"):
        start = time.perf_counter()
        plan = plan_round(
            [g.id for g in grads], [p.id for p in posts], capacities, algorithm, index
        )
        out[f"plan_round_{algorithm}_s"] = round(time.perf_counter() - start, 3)
        out[f"plan_round_{algorithm}_matched"] = len(plan.assignments)
    return out
