"""Deterministic demo and benchmark data: same seed, same data.

The demo is a massage school in Southern California with real Los Angeles and Orange County
ZIP codes around it. Each domain has its own generator module; this one orders them, shows a
progress bar and prints the demo logins.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnDefault, Table, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from placement.config import Settings
from placement.db import unit_of_work
from placement.models import User
from placement.security import Passwords, make_hasher

DEMO_PASSWORD = "demo-password-2026"
DEMO_STAFF_EMAIL = "staff@demo-school.example"
DEMO_ADMIN_EMAIL = "admin@demo-school.example"
DEMO_EMPLOYER_EMAIL = "hiring@harborview-demo.example"
DEMO_GRADUATE_EMAIL = "maya.chen@demo-school.example"
DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "accounts": [
        ("admin", DEMO_ADMIN_EMAIL),
        ("staff", DEMO_STAFF_EMAIL),
        ("employer", DEMO_EMPLOYER_EMAIL),
        ("graduate", DEMO_GRADUATE_EMAIL),
    ],
}


@dataclass
class Progress:
    """A small progress bar on stderr, so long seeds show they are alive."""

    total: int
    enabled: bool = True
    done: int = 0
    width: int = 40
    _last: int = field(default=-1, repr=False)

    def advance(self, step: int = 1, label: str = "") -> None:
        self.done = min(self.total, self.done + step)
        if not self.enabled or self.total <= 0:
            return
        filled = self.done * self.width // self.total
        percent = self.done * 100 // self.total
        if percent == self._last and self.done < self.total:
            return
        self._last = percent
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r[{bar}] {percent:3d}% {label:<24.24}")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def reserve_ids(db: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys of `table`, so parent and child rows go in by executemany.

    An INSERT … RETURNING that must keep the rows' order runs one row at a time on SQLite;
    knowing the ids first lets every table go in as one executemany. PostgreSQL hands them
    out from the column's sequence; SQLite writes one transaction at a time (the seed holds
    `BEGIN IMMEDIATE`), so the ids after the largest are free.
    """
    if count <= 0:
        return []
    if db.get_bind().dialect.name == "postgresql":
        return list(
            db.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id'))"
                    " FROM generate_series(1, :n)"
                ),
                {"table": f'"{table.name}"', "n": count},
            ).scalars()
        )
    start = db.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + count))


def insert_rows(db: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT plain rows (each with the keys of the first) as one executemany.

    On SQLite the rows go to the driver as tuples converted by the columns' own bind
    processors, the per-row parameter bookkeeping of a Core executemany being most of the
    seed's time there; PostgreSQL gets the Core statement, which batches them as
    multi-row VALUES.
    """
    if not rows:
        return
    dialect = db.get_bind().dialect
    if dialect.name != "sqlite":
        db.execute(insert(table), rows)
        return
    keys = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name not in keys and isinstance(default, ColumnDefault):
            defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    names = [*keys, *defaults]
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    extra = tuple(
        processor(value) if processor else value
        for processor, value in zip(processors[len(keys) :], defaults.values(), strict=True)
    )
    convert = [(i, processor) for i, processor in enumerate(processors[: len(keys)]) if processor]
    get = itemgetter(*keys)
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(get(row)) if len(keys) > 1 else [row[keys[0]]]
        for i, processor in convert:
            if values[i] is not None:
                values[i] = processor(values[i])
        values.extend(extra)
        params.append(tuple(values))
    columns = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" for _ in names)
    db.connection().exec_driver_sql(
        f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', params
    )


def database_is_empty(engine: Engine) -> bool:
    with unit_of_work(engine, write=False) as db:
        return db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def seed_demo(engine: Engine, settings: Settings, *, progress: bool = True) -> dict[str, int]:
    """The demo: staff, a dozen employers around Los Angeles, a few hundred graduates."""
    return seed_population(
        engine, settings, graduates=240, positions=36, employers=12, seed=2026, progress=progress
    )


def seed_population(
    engine: Engine,
    settings: Settings,
    *,
    graduates: int,
    positions: int,
    employers: int | None = None,
    seed: int = 1,
    progress: bool = True,
) -> dict[str, int]:
    from placement.seed import conversation as conversation_seed
    from placement.seed import credentials as credential_seed
    from placement.seed import employers as employer_seed
    from placement.seed import graduates as graduate_seed
    from placement.seed import outcomes as outcome_seed
    from placement.seed import pipeline as pipeline_seed
    from placement.seed import sourcing as sourcing_seed

    rng = random.Random(seed)
    # Its own generator: the people drawn from `rng` do not depend on their cards' renewals.
    lifecycle = credential_seed.Lifecycle(random.Random(seed + 1), settings)
    employers = employers if employers is not None else max(1, min(positions // 3 + 1, 400))
    # One hash for every seeded account: hashing each would take minutes at benchmark sizes.
    password_hash = Passwords(make_hasher(fast=settings.testing)).hash(DEMO_PASSWORD)
    # Graduates count twice: once made, once through the pipeline of applications.
    bar = Progress(total=employers + positions + 2 * graduates + 1, enabled=progress)
    counts: dict[str, int] = {}
    with unit_of_work(engine) as db:
        if engine.dialect.name == "sqlite":
            # Millions of rows through a dozen indexes: SQLite's default 2 MB page cache
            # would read the same index pages back from the file over and over.
            db.execute(text("PRAGMA cache_size = -262144"))
        counts["staff"] = _seed_staff(db, password_hash)
        bar.advance(1, "staff")
        counts.update(
            employer_seed.seed_employers(
                db,
                rng,
                employers=employers,
                positions=positions,
                password_hash=password_hash,
                progress=bar,
            )
        )
        counts.update(
            graduate_seed.seed_graduates(
                db,
                rng,
                graduates=graduates,
                password_hash=password_hash,
                progress=bar,
                lifecycle=lifecycle,
            )
        )
        counts.update(pipeline_seed.seed_pipeline(db, rng, progress=bar))
        counts.update(conversation_seed.seed_conversations(db, rng, settings))
        counts.update(sourcing_seed.seed_sourcing(db, rng))
        counts.update(outcome_seed.seed_outcome_links(db, rng, settings))
        counts.update(lifecycle.counts())
    return counts


def _seed_staff(db: Session, password_hash: str) -> int:
    created = 0
    for email, role, name in (
        (DEMO_ADMIN_EMAIL, "admin", "Dana Whitfield"),
        (DEMO_STAFF_EMAIL, "staff", "Luis Ortega"),
    ):
        if db.execute(select(User).where(col(User.email) == email)).first() is None:
            db.add(User(email=email, role=role, name=name, password_hash=password_hash))
            created += 1
    db.flush()
    return created
