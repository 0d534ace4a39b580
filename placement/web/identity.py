"""Staff resolve identity conflicts: a claimed student id that is a roster record's, or
another account's claim (mounted under /staff)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement.i18n import gettext
from placement.services import DomainError, NotFound, identity
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import redirect
from placement.web.templating import render

MAX_ID = 2**31 - 1


def _graduate_id(request: Request) -> int:
    return int(request.path_params["id"])


def _page(
    request: Request, db: Session, *, error: str | None = None, status: int = 200
) -> Response:
    return render(
        request,
        "staff/conflicts.html",
        {
            "conflicts": identity.conflicts(db),
            "error": error,
        },
        status_code=status,
    )


@endpoint("staff")
def conflicts(request: Request, db: Session) -> Response:
    return _page(request, db)


@endpoint("staff")
def conflict_link(request: Request, db: Session) -> Response:
    graduate_id = _graduate_id(request)
    form = Form.of(request)
    roster_graduate_id = form.integer("roster_graduate_id", minimum=1, maximum=MAX_ID)
    if not form.ok or roster_graduate_id is None:
        return _page(
            request, db, error=gettext("Choose a roster record of the conflict."), status=422
        )
    try:
        identity.link(
            db, actor(request), graduate_id=graduate_id, roster_graduate_id=roster_graduate_id
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _page(request, db, error=error.message, status=422)
    return redirect(request, "staff:graduate_conflicts", notice="claim_linked")


@endpoint("staff")
def conflict_reject(request: Request, db: Session) -> Response:
    graduate_id = _graduate_id(request)
    form = Form.of(request)
    reason = form.text("reason", max_length=500)
    if not form.ok:
        return _page(request, db, error=gettext("Say why the claim is rejected."), status=422)
    try:
        identity.reject(db, actor(request), graduate_id=graduate_id, reason=reason)
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _page(request, db, error=error.message, status=422)
    return redirect(request, "staff:graduate_conflicts", notice="claim_rejected")


routes: list[BaseRoute] = [
    Route("/graduates/conflicts", conflicts, name="graduate_conflicts"),
    Route(
        "/graduates/{id:id}/conflict/link",
        conflict_link,
        methods=["POST"],
        name="graduate_conflict_link",
    ),
    Route(
        "/graduates/{id:id}/conflict/reject",
        conflict_reject,
        methods=["POST"],
        name="graduate_conflict_reject",
    ),
]
