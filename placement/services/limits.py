"""Rate limits that hold under concurrency: the count and the new hit happen under a lock.

Read-then-insert without a lock lets a burst through (every request reads the same count
before any of them inserts). Here a request takes a lock on the limit's key (a PostgreSQL
transaction-level advisory lock; SQLite's write transactions are already serial, BEGIN
IMMEDIATE), counts the hits in the window, adds its own only when under the limit, and
commits, which releases the lock. So exactly `limit` requests pass, on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, text
from sqlmodel import Session, col, func, select

from placement.models import LoginAttempt, utcnow


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    window_seconds: int


def hit(db: Session, *limits: Limit) -> list[int]:
    """Count one hit against each limit; the ids of the hits written.

    Commits `db` (whatever the request did before is committed too; call this first).
    Raises RateLimited, writing nothing, when any limit is already reached.
    """
    db.commit()
    keys = [limit.key[:300] for limit in limits]
    if db.get_bind().dialect.name == "postgresql":
        for key in sorted(set(keys)):  # one order for every request: no deadlock
            db.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
            )
    now = utcnow()
    retry_after = 0
    for limit, key in zip(limits, keys, strict=True):
        since = now - timedelta(seconds=limit.window_seconds)
        count, oldest = db.exec(
            select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                LoginAttempt.key == key, col(LoginAttempt.attempted_at) >= since
            )
        ).one()
        if count >= limit.limit:
            elapsed = int((now - oldest).total_seconds()) if oldest else 0
            retry_after = max(retry_after, limit.window_seconds - elapsed, 1)
    if retry_after:
        db.rollback()
        raise RateLimited(retry_after)
    rows = [LoginAttempt(key=key, attempted_at=now) for key in keys]
    for row in rows:
        db.add(row)
    db.commit()
    return [int(row.id or 0) for row in rows]


def release(db: Session, ids: list[int]) -> None:
    """Take hits back (e.g. a sign-in that succeeded does not count against the address)."""
    if ids:
        db.exec(delete(LoginAttempt).where(col(LoginAttempt.id).in_(ids)))


def clear(db: Session, key: str) -> None:
    db.exec(delete(LoginAttempt).where(col(LoginAttempt.key) == key[:300]))


def prune(db: Session, older_than_seconds: int) -> None:
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    db.exec(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < cutoff))
