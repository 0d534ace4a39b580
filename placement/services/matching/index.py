"""The per-process index: one cache per engine, built lazily, refreshed before each ranking by
replaying the change log (gaps of changes committed out of order asked for again), read and
written under a per-index lock through a short read-only session."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from placement.db import reset_write_intent, set_write_intent
from placement.matching import MatchIndex
from placement.models import Change
from placement.services.matching.loading import load_graduate_columns, load_positions

# How long an id missing from the change log is looked for again (an uncommitted writer).
_GAP_SECONDS = 300.0
_GAP_MAX = 1000


@dataclass
class _Cache:
    lock: threading.RLock = field(default_factory=threading.RLock)
    index: MatchIndex | None = None
    graduate_ids: set[int] = field(default_factory=set)  # who the index holds
    last_change: int = 0
    # change ids not seen yet although a later one was: id -> when first missed
    gaps: dict[int, float] = field(default_factory=dict)


_caches: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(db: Session) -> _Cache:
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = _Cache()
        return cache


@contextmanager
def _reader(db: Session) -> Iterator[Session]:
    """A short read-only session on the same engine: it sees committed rows only, and on
    SQLite it begins a deferred transaction, so it never waits for the request's write lock."""
    url = db.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        # Another connection would see another, empty in-memory database.
        yield db
        return
    token = set_write_intent(False)
    try:
        with Session(db.get_bind(), expire_on_commit=False) as reader:
            yield reader
            reader.rollback()
    finally:
        reset_write_intent(token)


def _build(cache: _Cache, reader: Session) -> MatchIndex:
    last = reader.exec(select(func.max(Change.id))).one() or 0
    # Ids just below the high-water mark may belong to writers that have not committed.
    recent = set(reader.exec(select(col(Change.id)).where(col(Change.id) > last - 50)))
    now = time.monotonic()
    cache.gaps = {i: now for i in range(max(1, last - 49), last + 1) if i not in recent}
    cache.last_change = last
    (graduates,) = load_graduate_columns(reader)
    index = MatchIndex.build(graduates, load_positions(reader).values())
    cache.index = index
    cache.graduate_ids = set(graduates.id)
    return index


def _refresh(cache: _Cache, reader: Session) -> MatchIndex:
    """Build the index, or replay the changes committed since the last look."""
    if cache.index is None:
        return _build(cache, reader)
    index = cache.index
    now = time.monotonic()
    cache.gaps = {i: t for i, t in cache.gaps.items() if now - t < _GAP_SECONDS}
    condition = col(Change.id) > cache.last_change
    if cache.gaps:
        condition = or_(condition, col(Change.id).in_(list(cache.gaps)))
    rows = reader.exec(
        select(col(Change.id), col(Change.kind), col(Change.object_id))
        .where(condition)
        .order_by(col(Change.id))
    ).all()
    if not rows:
        return index
    graduate_ids: set[int] = set()
    position_ids: set[int] = set()
    for change_id, kind, object_id in rows:
        assert change_id is not None  # a primary key
        cache.gaps.pop(change_id, None)
        if change_id > cache.last_change:
            if change_id - cache.last_change <= _GAP_MAX:
                for missing in range(cache.last_change + 1, change_id):
                    cache.gaps.setdefault(missing, now)
            cache.last_change = change_id
        (graduate_ids if kind == "graduate" else position_ids).add(object_id)
    _apply(cache, index, reader, graduate_ids, position_ids)
    return index


def _apply(
    cache: _Cache,
    index: MatchIndex,
    reader: Session,
    graduate_ids: set[int],
    position_ids: set[int],
    *,
    remove_missing: bool = True,
) -> None:
    if graduate_ids:
        found: set[int] = set()
        for columns in load_graduate_columns(reader, graduate_ids):
            index.upsert_graduates(columns)
            found.update(columns.id)
        cache.graduate_ids |= found
        if remove_missing:
            for graduate_id in graduate_ids - found:
                index.remove_graduate(graduate_id)
                cache.graduate_ids.discard(graduate_id)
    if position_ids:
        found_positions = load_positions(reader, position_ids)
        for position_id in position_ids:
            position = found_positions.get(position_id)
            if position is not None:
                index.upsert_position(position)
            elif remove_missing:
                index.remove_position(position_id)


@contextmanager
def _fresh(
    db: Session,
    *,
    graduate_ids: Iterable[int] = (),
    position_ids: Iterable[int] = (),
) -> Iterator[tuple[_Cache, MatchIndex]]:
    cache = _cache_for(db)
    with cache.lock:
        with _reader(db) as reader:
            index = _refresh(cache, reader)
            missing_g = {i for i in graduate_ids if not index.has_graduate(i)}
            missing_p = {i for i in position_ids if not index.has_position(i)}
            if missing_g or missing_p:
                _apply(cache, index, reader, missing_g, missing_p, remove_missing=False)
        yield cache, index


@contextmanager
def fresh_index(
    db: Session,
    *,
    graduate_ids: Iterable[int] = (),
    position_ids: Iterable[int] = (),
) -> Iterator[MatchIndex]:
    """The process's index for this database, up to date, held under its lock.

    Graduates and positions named here that the index lacks (say, rows written without a
    change record) are loaded on the spot.
    """
    with _fresh(db, graduate_ids=graduate_ids, position_ids=position_ids) as (_, index):
        yield index
