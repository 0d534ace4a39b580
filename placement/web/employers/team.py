"""The team: invitations, removing a member, making one the owner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from placement.services import DomainError, Forbidden, NotFound
from placement.services import employers as employer_service
from placement.web.employers.common import _employer_id
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import redirect
from placement.web.templating import render

TeamChange = Callable[..., Any]


def _team_page(
    request: Request,
    db: Session,
    form: Form,
    *,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    current = viewer(request)
    employer_id = _employer_id(current)
    members = employer_service.team_members(db, employer_id)
    return render(
        request,
        "employer/team.html",
        {
            "form": form,
            "employer": employer_service.employer_of(db, employer_id),
            "members": members,
            "problem": problem,
            "is_owner": any(
                member.is_owner and member.user_id == current.user_id for member in members
            ),
        },
        status_code=status_code,
    )


@endpoint("employer")
def team(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _team_page(request, db, Form())
    current = viewer(request)
    employer_id = _employer_id(current)
    form = Form.of(request)
    email = form.email()
    name = form.text("name", max_length=200)
    if not form.ok:
        return _team_page(request, db, form, status_code=422)
    try:
        employer_service.invite_colleague(
            db,
            request.app.state.settings,
            employer_id=employer_id,
            actor=actor(request),
            email=email,
            name=name,
        )
    except DomainError as error:
        form.error(error.field or "email", error.message)
        return _team_page(request, db, form, status_code=422)
    # The same answer whether or not the address already had an account: the link goes by
    # mail only, so the page cannot tell who is registered.
    return redirect(request, "employer:team", notice="colleague_invited")


def _team_change(request: Request, db: Session, change: TeamChange, done: str) -> Response:
    """Remove a colleague or make one an owner: owners only (403), never the last owner (422)."""
    current = viewer(request)
    try:
        change(
            db,
            employer_id=_employer_id(current),
            actor=actor(request),
            user_id=request.path_params["user_id"],
        )
    except NotFound:
        raise not_found() from None
    except Forbidden as error:
        raise HTTPException(403, error.message) from None
    except DomainError as error:
        return _team_page(request, db, Form(), status_code=422, problem=error.message)
    return redirect(request, "employer:team", notice=done)


@endpoint("employer")
def remove_member(request: Request, db: Session) -> Response:
    return _team_change(request, db, employer_service.remove_colleague, "member_removed")


@endpoint("employer")
def promote_member(request: Request, db: Session) -> Response:
    return _team_change(request, db, employer_service.promote_colleague, "member_promoted")
