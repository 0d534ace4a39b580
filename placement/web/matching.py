"""Staff pages of matching: a position's ranked graduates, and placement rounds.

Mounted under /staff (app.py), so the paths here are relative to it.
"""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement.services import DomainError, NotFound
from placement.services import matching as matching_service
from placement.services import rounds as rounds_service
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import page_number, redirect
from placement.web.templating import render

MAX_PAGE = 1000


@endpoint("staff")
def position_matches(request: Request, db: Session) -> Response:
    try:
        page = matching_service.matches_page(
            db, request.path_params["position_id"], page=page_number(request.query_params, MAX_PAGE)
        )
    except NotFound:
        raise not_found() from None
    return render(
        request, "matching/position_matches.html", {"view": page, "here": request.url.path}
    )


def _rounds_page(request: Request, db: Session, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "matching/rounds.html",
        {
            "rounds": rounds_service.list_rounds(db),
            "algorithms": rounds_service.ALGORITHMS,
            "form": form,
        },
        status_code=status_code,
    )


@endpoint("staff")
def rounds(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _rounds_page(request, db, Form())
    form = Form.of(request)
    algorithm = form.choice("algorithm", rounds_service.ALGORITHMS)
    if algorithm is None:
        return _rounds_page(request, db, form, status_code=422)
    try:
        match_round = rounds_service.preview_round(db, algorithm=algorithm, actor=actor(request))
    except DomainError as error:
        form.error(error.field or "algorithm", error.message)
        return _rounds_page(request, db, form, status_code=422)
    return redirect(request, "staff:round", round_id=match_round.id)


@endpoint("staff")
def round_detail(request: Request, db: Session) -> Response:
    try:
        detail = rounds_service.round_detail(db, request.path_params["round_id"])
    except NotFound:
        raise not_found() from None
    return render(
        request,
        "matching/round.html",
        {
            "detail": detail,
            "algorithms": rounds_service.ALGORITHMS,
            "unmatched_reasons": rounds_service.UNMATCHED_REASONS,
        },
    )


@endpoint("staff")
def publish_round(request: Request, db: Session) -> Response:
    round_id = request.path_params["round_id"]
    settings = request.app.state.settings
    try:
        created = rounds_service.publish_round(db, settings, round_id, actor=actor(request))
    except NotFound:
        raise not_found() from None
    if created <= 1:
        notice = "published_one" if created else "published_none"
        return redirect(request, "staff:round", round_id=round_id, notice=notice)
    return redirect(
        request, "staff:round", round_id=round_id, notice="published", detail=str(created)
    )


routes: list[BaseRoute] = [
    Route(
        "/positions/{position_id:id}/matches",
        position_matches,
        name="position_matches",
    ),
    Route("/rounds", rounds, methods=["GET", "POST"], name="rounds"),
    Route("/rounds/{round_id:id}", round_detail, name="round"),
    Route("/rounds/{round_id:id}/publish", publish_round, methods=["POST"], name="round_publish"),
]
