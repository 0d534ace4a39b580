"""The worker runs each due job once, and two workers never hold one job at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from placement import worker
from placement.cli import main
from placement.models import JobLease, Position
from tests import factories


def _counting_job(name: str, calls: list[str], *, fail: bool = False, pause: float = 0.0):
    def run(db, settings, now):
        calls.append(name)
        if pause:
            threading.Event().wait(pause)
        if fail:
            raise RuntimeError("boom")
        return 1

    return worker.job(name, every=timedelta(minutes=10))(run)


def test_it_runs_a_due_job_once_until_it_is_due_again(app, monkeypatch):
    monkeypatch.setattr(worker, "JOBS", {})
    monkeypatch.setattr(worker, "registered_jobs", lambda: worker.JOBS)
    calls: list[str] = []
    _counting_job("test.count", calls)
    engine = app.state.engine
    settings = app.state.settings
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert worker.run_due(engine, settings, now) == {"test.count": 1}
    assert worker.run_due(engine, settings, now + timedelta(minutes=5)) == {}
    assert worker.run_due(engine, settings, now + timedelta(minutes=11)) == {"test.count": 1}
    assert calls == ["test.count", "test.count"]


def test_a_failing_job_does_not_stop_the_others(app, monkeypatch, db):
    monkeypatch.setattr(worker, "JOBS", {})
    monkeypatch.setattr(worker, "registered_jobs", lambda: worker.JOBS)
    calls: list[str] = []
    _counting_job("test.a_fails", calls, fail=True)
    _counting_job("test.b_works", calls)
    done = worker.run_due(app.state.engine, app.state.settings)
    assert done == {"test.b_works": 1}
    lease = db.get(JobLease, "test.a_fails")
    assert lease is not None and lease.last_result == "failed: RuntimeError"
    assert lease.locked_until is None


def test_two_workers_at_once_run_a_job_once(app, monkeypatch):
    monkeypatch.setattr(worker, "JOBS", {})
    monkeypatch.setattr(worker, "registered_jobs", lambda: worker.JOBS)
    calls: list[str] = []
    _counting_job("test.slow", calls, pause=0.3)
    engine, settings = app.state.engine, app.state.settings
    worker.run_due(engine, settings, force=True, only=[])  # creates no rows; warms the pool
    results: list[dict[str, int]] = []
    threads = [
        threading.Thread(target=lambda: results.append(worker.run_due(engine, settings)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["test.slow"]
    assert sorted(map(len, results)) == [0, 0, 0, 1]


def test_worker_once_expires_positions_past_their_closing_date(app, db, settings, monkeypatch):
    employer = factories.employer(db)
    position = factories.position(db, employer.employer.id, closes_on=date(2020, 1, 1))
    db.commit()
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PLACEMENT_ENV", "test")
    assert main(["worker", "--once"]) == 0
    db.expire_all()
    assert db.get(Position, position.id).status == "expired"
