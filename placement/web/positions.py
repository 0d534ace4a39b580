"""The public side of positions: the search (/positions) and a position's page.

The search must stay fast (see placement/bench_http.py): it reads its filters here, asks the
service for one page of plain rows, and renders one light template.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import taxonomy
from placement.services import NotFound
from placement.services import matching as matching_service
from placement.services import positions as position_service
from placement.services import talent as talent_service
from placement.web.guards import endpoint, not_found
from placement.web.http import page_number, url
from placement.web.public_cache import public_page
from placement.web.templating import render

MAX_PAGE = 10_000
FILTER_NAMES = position_service.FILTER_NAMES
# A bulkhead: at most this many searches run at once in a worker; further requests wait
# their turn in the thread pool. Twenty threads searching at once hold twenty pooled
# connections (more than the pool keeps, so connections are opened and closed per request)
# and fight over the GIL; a few at a time answer more requests per second, not fewer,
# and leave connections and threads for signed-in users.
SEARCH_SLOTS = threading.BoundedSemaphore(4)


def read_filters(
    params: Any,
) -> tuple[position_service.SearchFilters, dict[str, str], dict[str, str]]:
    """(filters, the values as typed, a message per bad filter) from the query string."""
    return position_service.read_search_filters(params, page=page_number(params, MAX_PAGE))


def _page_url(request: Request, values: dict[str, str], page: int) -> str:
    return url(request, "positions", query={**values, "page": str(page) if page > 1 else ""})


@endpoint()
def search(request: Request, db: Session) -> Response:
    with SEARCH_SLOTS:
        return _search(request, db)


def search_anonymous(request: Request, reader: sqlite3.Connection) -> Response:
    """The same page for a visitor who is not signed in, on a SQLite file: read through the
    worker's read-only connection on the event loop (see public_cache.public_page)."""
    return _search(request, reader)


def _search(request: Request, db: position_service.SearchReader) -> Response:
    filters, values, errors = read_filters(request.query_params)
    if errors:
        return render(
            request,
            "positions/search.html",
            {"values": values, "errors": errors, "result": None, "filtered": True},
            status_code=422,
        )
    result = position_service.search_positions(db, filters)
    pages = {
        "previous": _page_url(request, values, result.page - 1) if result.page > 1 else None,
        "next": _page_url(request, values, result.page + 1) if result.has_next else None,
        "first": _page_url(request, values, 1),
    }
    return render(
        request,
        "positions/search.html",
        {
            "values": values,
            "errors": errors,
            "result": result,
            "pages": pages,
            "filtered": any(values.values()),
            "saved_query": urlencode([(name, value) for name, value in values.items() if value]),
        },
    )


@endpoint()
def detail(request: Request, db: Session) -> Response:
    position_id = request.path_params["position_id"]
    try:
        position = position_service.public_position(db, position_id)
    except NotFound:
        raise not_found() from None
    current = request.state.viewer
    checks = None
    interested = False
    if current is not None and current.graduate_id is not None:
        # "How you match": the scorer's own rules, met or missing (signed-in graduates only;
        # an anonymous visitor's page stays the cached one).
        try:
            checks = matching_service.how_you_match(db, current.graduate_id, position.id)
        except NotFound:
            checks = None
        interested = talent_service.is_interested(db, current.graduate_id, position.employer_id)
    return render(
        request,
        "positions/detail.html",
        {
            "checks": checks,
            "interested": interested,
            "position": position,
            "days": taxonomy.DAYS,
            "parts": taxonomy.PARTS,
            "day_labels": taxonomy.DAY_LABELS,
            "part_labels": taxonomy.PART_LABELS,
        },
    )


routes: list[BaseRoute] = [
    Route(
        "/positions",
        public_page(search, anonymous=search_anonymous),
        methods=["GET"],
        name="positions",
    ),
    Route("/positions/{position_id:id}", public_page(detail), methods=["GET"], name="position"),
]
