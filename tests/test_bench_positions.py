"""`placement bench positions`: the load script's sums, and one short run end to end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from placement import bench_http
from placement.bench_http import LoadResult


def test_turns_of_one_load_add_up():
    total = LoadResult()
    total.add(LoadResult(3, 1, {200: 2, 500: 1}, 0.5, [1.0, 2.0, 3.0], 300))
    total.add(LoadResult(2, 0, {200: 2}, 0.25, [4.0, 5.0], 200))
    summary = total.summary()
    assert (summary["requests"], summary["errors"], summary["statuses"]) == (
        5,
        1,
        {"200": 4, "500": 1},
    )
    assert summary["requests_per_second"] == round(5 / 0.75, 1)
    assert summary["latency_ms"]["p50"] == 3.0
    assert summary["mean_body_bytes"] == 100


def test_a_short_run_measures_all_three_in_turns(monkeypatch):
    monkeypatch.setattr(bench_http, "ROUNDS", 2)
    # In a thread of its own: the bench runs its own event loops, and the suite may hold
    # one in this thread.
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(
            bench_http.run_benchmark,
            positions=30,
            requests=40,
            concurrency=4,
            scenarios=["no filter"],
            baseline=True,
        ).result(timeout=240)
    entry = report["scenarios"]["no filter"]
    for name in ("baseline", "cached", "no_cache"):
        assert entry[name]["requests"] == 40, name
        assert entry[name]["statuses"] == {"200": 40}, name
        assert entry[name]["server_cpu_ms_per_request"] >= 0, name  # a few clock ticks
    assert entry["ratio_cached"] > 0 and entry["ratio_no_cache"] > 0
    assert report["summary"][0].startswith("no filter")
