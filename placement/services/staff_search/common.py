"""A page of rows and the one paginator (the total counted in the same statement)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

PER_PAGE = 25
EXPIRY_WINDOW_DAYS = 30  # the staff's "expiring within 30 days" queue


@dataclass(frozen=True)
class Page:
    rows: Sequence[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(db: Session, query: Any, page: int, per_page: int = PER_PAGE) -> Page:
    """Run `query` with a window count for the total; rows are mappings of its columns."""
    page = max(1, page)
    statement = query.add_columns(func.count().over().label("_total"))
    result = db.exec(statement.limit(per_page).offset((page - 1) * per_page)).mappings().all()
    total = int(result[0]["_total"]) if result else 0
    if not result and page > 1:
        # Past the end: count without the offset so the pager can lead back.
        total = int(db.exec(select(func.count()).select_from(query.subquery())).one())
    return Page(rows=result, total=total, page=page, per_page=per_page)
