"""The JSON API: the same session cookie, or a staff `Authorization: Bearer` token."""

from __future__ import annotations

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from placement import links
from placement.services import DomainError, NotFound, api_lists
from placement.services import matching as matching_service
from placement.web.guards import endpoint, not_found, viewer
from placement.web.http import page_number

MATCH_LIMIT_DEFAULT = 50
MATCH_LIMIT_MAX = 500


@endpoint("graduate", "employer", "staff")
def me(request: Request, db: Session) -> Response:
    current = viewer(request)
    return JSONResponse(
        {
            "user_id": current.user_id,
            "role": current.role,
            "email": current.email,
            "graduate_id": current.graduate_id,
            "employer_id": current.employer_id,
        },
        headers={"Cache-Control": "no-store"},
    )


def _limit(request: Request) -> int:
    """`?limit=N`, 1-500 (default 50); anything else answers 400."""
    raw = request.query_params.get("limit")
    if raw is None:
        return MATCH_LIMIT_DEFAULT
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise HTTPException(400, f"limit must be a whole number from 1 to {MATCH_LIMIT_MAX}.")
    limit = int(raw)
    if not 1 <= limit <= MATCH_LIMIT_MAX:
        raise HTTPException(400, f"limit must be a whole number from 1 to {MATCH_LIMIT_MAX}.")
    return limit


# Both rankings list the eligible first (best first), then, up to `limit`, the ineligible
# by score with `eligible: false` and the failed rules among their reasons.


@endpoint("employer", "staff")
def position_matches(request: Request, db: Session) -> Response:
    """Staff see graduates who allow staff or employers; the owning employer only those who
    allow employers; another employer's position answers 404 like a missing one."""
    current = viewer(request)
    limit = _limit(request)
    position_id = request.path_params["position_id"]
    audience: matching_service.Audience
    try:
        if current.is_staff:
            matching_service.position_for_matching(db, position_id)
            audience = "staff"
        else:
            if current.employer_id is None:
                raise NotFound
            matching_service.position_for_matching(db, position_id, employer_id=current.employer_id)
            audience = "employer"
        ranked = matching_service.rank_graduates(
            db, position_id, audience=audience, limit=limit, include_ineligible=True
        )
    except NotFound:
        raise not_found() from None
    body = [
        {
            "graduate_id": row.graduate_id,
            "score": row.score,
            "eligible": row.eligible,
            # An employer's rows arrive banded (rank_graduates), the score their sum.
            "reasons": matching_service.reasons_json(row.reasons),
        }
        for row in ranked
    ]
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@endpoint("graduate", "staff")
def graduate_matches(request: Request, db: Session) -> Response:
    """Staff, or the graduate themself; another graduate's id answers 404."""
    current = viewer(request)
    limit = _limit(request)
    graduate_id = request.path_params["graduate_id"]
    if not current.is_staff and current.graduate_id != graduate_id:
        raise not_found()
    try:
        ranked = matching_service.rank_positions(
            db, graduate_id, limit=limit, include_ineligible=True
        )
    except NotFound:
        raise not_found() from None
    body = [
        {
            "position_id": row.position_id,
            "score": row.score,
            "eligible": row.eligible,
            "reasons": matching_service.reasons_json(row.reasons),
        }
        for row in ranked
    ]
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _listing(request: Request, name: str, result: api_lists.ApiPage, page: int) -> Response:
    """`{"items": [...], "next": <the next page's absolute URL or null>}`."""
    following = None
    if result.has_next:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        query.append(("page", str(page + 1)))
        following = links.url(request.app.state.settings, name, query=dict(query))
    return JSONResponse(
        {"items": result.items, "next": following}, headers={"Cache-Control": "no-store"}
    )


@endpoint("graduate", "employer", "staff")
def positions(request: Request, db: Session) -> Response:
    """Staff: positions of any status (`status=` filters); everyone else: the open ones."""
    current = viewer(request)
    page = page_number(request.query_params)
    status = request.query_params.get("status") or None
    try:
        result = api_lists.positions(db, staff=current.is_staff, status=status, page=page)
    except DomainError as error:
        raise HTTPException(400, error.message) from None
    return _listing(request, "api:positions", result, page)


@endpoint("staff")
def placements(request: Request, db: Session) -> Response:
    """Every placement, or those of one cohort (`cohort=YYYY`, the graduation year)."""
    raw = request.query_params.get("cohort", "").strip()
    cohort = None
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
            raise HTTPException(400, "cohort is a graduation year, e.g. 2025.")
        cohort = int(raw)
    page = page_number(request.query_params)
    result = api_lists.placements(db, cohort=cohort, page=page)
    return _listing(request, "api:placements", result, page)


routes = [
    Route("/positions", positions, name="positions"),
    Route("/placements", placements, name="placements"),
    Route("/me", me, name="me"),
    Route("/positions/{position_id:id}/matches", position_matches, name="position_matches"),
    Route("/graduates/{graduate_id:id}/matches", graduate_matches, name="graduate_matches"),
]
