"""Sourcing pages: the employer's matches and invitations, the graduate's invitations,
talent pool and saved searches.

Employer routes are mounted under /employer, graduate routes under /me, and the talent-pool
actions live under public URLs (/employers/{id}/interest), as the contract names them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement.i18n import gettext
from placement.services import DomainError, NotFound
from placement.services import invitations as invitation_service
from placement.services import saved_searches as search_service
from placement.services import talent as talent_service
from placement.web.auth import safe_next
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import page_link, page_number, redirect, redirect_to, url
from placement.web.templating import render

# -- the employer's matches and invitations -------------------------------------------------


def _matches_page(
    request: Request,
    db: Session,
    position_id: int,
    *,
    form: Form | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    current = viewer(request)
    try:
        view = invitation_service.employer_matches(
            db,
            current.employer_id,
            position_id,
            page=page_number(request.query_params, invitation_service.MAX_PAGE),
        )
    except NotFound:
        raise not_found() from None
    context: dict[str, Any] = {
        "view": view,
        "form": form or Form(),
        "problem": problem,
        "page_link": page_link(request),
        "per_day": invitation_service.INVITATIONS_PER_DAY,
    }
    return render(request, "employer/matches.html", context, status_code=status_code)


@endpoint("employer")
def matches(request: Request, db: Session) -> Response:
    return _matches_page(request, db, request.path_params["position_id"])


@endpoint("employer")
def invite(request: Request, db: Session) -> Response:
    current = viewer(request)
    position_id = request.path_params["position_id"]
    form = Form.of(request)
    graduate_id = form.integer("graduate_id", minimum=1, maximum=2**31 - 1)
    note = form.text("note", required=False, max_length=invitation_service.NOTE_MAX, multiline=True)
    if not form.ok or graduate_id is None:
        return _matches_page(request, db, position_id, form=form, status_code=422)
    try:
        _invitation, created = invitation_service.invite(
            db,
            request.app.state.settings,
            employer_id=current.employer_id,
            actor=actor(request),
            position_id=position_id,
            graduate_id=graduate_id,
            note=note,
        )
    except NotFound:
        raise not_found() from None
    except invitation_service.InvitationLimit as limited:
        response = _matches_page(
            request, db, position_id, form=form, problem=limited.message, status_code=429
        )
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    except DomainError as error:
        return _matches_page(
            request, db, position_id, form=form, problem=error.message, status_code=422
        )
    return redirect(
        request,
        "employer:matches",
        position_id=position_id,
        notice="invited_to_apply" if created else "already_invited",
        fragment=f"graduate-{graduate_id}",
    )


# -- the graduate's invitations -------------------------------------------------------------


def _graduate_id(request: Request) -> int:
    graduate_id = viewer(request).graduate_id
    if graduate_id is None:
        raise not_found()
    return graduate_id


@endpoint("graduate")
def invitations(request: Request, db: Session) -> Response:
    graduate_id = _graduate_id(request)
    return render(
        request,
        "graduate/invitations.html",
        {
            "invitations": invitation_service.invitations_for_graduate(db, graduate_id),
            "interests": talent_service.interests_of(db, graduate_id),
        },
    )


@endpoint("graduate")
def invitation_decline(request: Request, db: Session) -> Response:
    try:
        invitation_service.decline(
            db,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            invitation_id=request.path_params["invitation_id"],
        )
    except NotFound:
        raise not_found() from None
    return redirect(request, "graduate:invitations", notice="invitation_declined")


# -- the talent pool -------------------------------------------------------------------------


def _back(request: Request, form: Form) -> str:
    """Back to the page the form was on (a local path only), or to the invitations page."""
    return safe_next(form.raw("next")) or url(request, "graduate:invitations")


@endpoint("graduate")
def interest(request: Request, db: Session) -> Response:
    form = Form.of(request)
    try:
        _row, _created = talent_service.express_interest(
            db,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            employer_id=request.path_params["employer_id"],
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return render(
            request,
            "errors/error.html",
            {
                "status": 422,
                "title": gettext("Please check your profile first"),
                "detail": error.message,
            },
            status_code=422,
        )
    return redirect_to(_back(request, form), "interest_saved")


@endpoint("graduate")
def interest_withdraw(request: Request, db: Session) -> Response:
    form = Form.of(request)
    try:
        talent_service.withdraw_interest(
            db,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            employer_id=request.path_params["employer_id"],
        )
    except NotFound:
        raise not_found() from None
    return redirect_to(_back(request, form), "interest_withdrawn")


# -- saved searches --------------------------------------------------------------------------


def _searches_page(
    request: Request, db: Session, form: Form, *, status_code: int = 200
) -> Response:
    return render(
        request,
        "graduate/searches.html",
        {
            "searches": search_service.searches_of(db, _graduate_id(request)),
            "form": form,
            "most": search_service.MAX_PER_GRADUATE,
        },
        status_code=status_code,
    )


@endpoint("graduate")
def searches(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _searches_page(request, db, Form())
    form = Form.of(request)
    name = form.text("name", required=False, max_length=search_service.NAME_MAX)
    query = form.text("query", max_length=search_service.QUERY_MAX)
    if not form.ok:
        return _searches_page(request, db, form, status_code=422)
    try:
        search_service.save(
            db,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            name=name,
            query=query,
        )
    except DomainError as error:
        form.error(error.field or "query", error.message)
        return _searches_page(request, db, form, status_code=422)
    return redirect(request, "graduate:searches", notice="search_saved")


@endpoint("graduate")
def search_delete(request: Request, db: Session) -> Response:
    try:
        search_service.remove(
            db,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            search_id=request.path_params["search_id"],
        )
    except NotFound:
        raise not_found() from None
    return redirect(request, "graduate:searches", notice="search_deleted")


employer_routes: list[BaseRoute] = [
    Route("/positions/{position_id:id}/matches", matches, methods=["GET"], name="matches"),
    Route(
        "/positions/{position_id:id}/invitations",
        invite,
        methods=["POST"],
        name="invite",
    ),
]

graduate_routes: list[BaseRoute] = [
    Route("/searches", searches, methods=["GET", "POST"], name="searches"),
    Route(
        "/searches/{search_id:id}/delete",
        search_delete,
        methods=["POST"],
        name="search_delete",
    ),
    Route("/invitations", invitations, methods=["GET"], name="invitations"),
    Route(
        "/invitations/{invitation_id:id}/decline",
        invitation_decline,
        methods=["POST"],
        name="invitation_decline",
    ),
]

public_routes: list[BaseRoute] = [
    Route(
        "/employers/{employer_id:id}/interest",
        interest,
        methods=["POST"],
        name="employer_interest",
    ),
    Route(
        "/employers/{employer_id:id}/interest/withdraw",
        interest_withdraw,
        methods=["POST"],
        name="employer_interest_withdraw",
    ),
]
