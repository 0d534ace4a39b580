"""The periodic jobs and the loop that runs them: `placement worker [--once]`.

No page view runs a periodic job. Each job is a plain function of (session, settings, now)
that returns how many things it did, registered with `@job`. A worker takes a job through a
lease row (`JobLease`) with one conditional update, so two workers on one database never run
the same job at the same time; jobs are still written to be idempotent (conditional updates,
unique rows), so one that is cut off half-way and run again does nothing twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from placement.config import Settings
from placement.db import unit_of_work
from placement.models import JobLease, core_table, utcnow

log = logging.getLogger("placement.worker")

JobFunction = Callable[[Session, Settings, datetime], int]


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: JobFunction
    # How long a worker may hold the job before another may assume it died.
    lease: timedelta = timedelta(minutes=5)


JOBS: dict[str, Job] = {}


def job(
    name: str, *, every: timedelta, lease: timedelta = timedelta(minutes=5)
) -> Callable[[JobFunction], JobFunction]:
    """Register a periodic job under a stable name (the name is its lease row)."""

    def register(function: JobFunction) -> JobFunction:
        if name in JOBS and JOBS[name].run is not function:
            raise ValueError(f"two periodic jobs are named {name!r}")
        JOBS[name] = Job(name=name, every=every, run=function, lease=lease)
        return function

    return register


def registered_jobs() -> dict[str, Job]:
    """Every job; importing placement.jobs registers them."""
    import placement.jobs  # noqa: F401

    return JOBS


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ensure_lease_rows(engine: Engine, names: list[str]) -> None:
    with unit_of_work(engine) as db:
        missing = [name for name in names if db.get(JobLease, name) is None]
    for name in missing:
        try:
            with unit_of_work(engine) as db:
                db.add(JobLease(name=name))
        except IntegrityError:
            pass  # another worker created it first


def _take(engine: Engine, job: Job, owner: str, now: datetime, *, force: bool) -> bool:
    table = core_table(JobLease)
    conditions = [
        table.c.name == job.name,
        or_(table.c.locked_until.is_(None), table.c.locked_until < now),
    ]
    if not force:
        conditions.append(or_(table.c.next_run_at.is_(None), table.c.next_run_at <= now))
    with unit_of_work(engine) as db:
        result = db.connection().execute(
            update(table).where(*conditions).values(locked_by=owner, locked_until=now + job.lease)
        )
        return result.rowcount == 1


def _release(engine: Engine, job: Job, owner: str, now: datetime, result: str) -> None:
    table = core_table(JobLease)
    with unit_of_work(engine) as db:
        db.connection().execute(
            update(table)
            .where(table.c.name == job.name, table.c.locked_by == owner)
            .values(
                locked_until=None,
                next_run_at=now + job.every,
                last_finished_at=utcnow(),
                last_result=result[:500],
            )
        )


def run_due(
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    *,
    force: bool = False,
    only: list[str] | None = None,
) -> dict[str, int]:
    """Run every due job once (every job with `force`); returns what each did.

    A job that fails is logged and released; the others still run.
    """
    jobs = registered_jobs()
    names = [name for name in sorted(jobs) if only is None or name in only]
    _ensure_lease_rows(engine, names)
    owner = worker_id()
    done: dict[str, int] = {}
    for name in names:
        job_ = jobs[name]
        started = now or utcnow()
        if not _take(engine, job_, owner, started, force=force):
            continue
        try:
            with unit_of_work(engine) as db:
                count = job_.run(db, settings, started)
        except Exception as error:  # one failing job must not stop the others
            log.exception("job %s failed", name)
            _release(engine, job_, owner, started, f"failed: {type(error).__name__}")
            continue
        done[name] = count
        _release(engine, job_, owner, started, f"ok: {count}")
        if count:
            log.info("job %s: %d", name, count)
    return done


def run_forever(engine: Engine, settings: Settings, *, poll_seconds: float = 5.0) -> None:
    """The worker process: run what is due, sleep a little, until stopped (Ctrl-C, SIGTERM)."""
    log.info("worker %s started with jobs: %s", worker_id(), ", ".join(sorted(registered_jobs())))
    while True:
        run_due(engine, settings)
        time.sleep(poll_seconds)
