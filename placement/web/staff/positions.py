"""The review queue of positions: a list by status with the review signals and the changes
since the last approval beside each row; approve or reject a position.

Every action answers 303 back to the pending list, or re-renders the list with the message at
the row (422, or 409 when another reviewer was first). The rules live in `services.approvals`.
"""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import taxonomy
from placement.models import Position
from placement.services import DomainError, NotFound, fraud, staff_search
from placement.services import positions as position_service
from placement.services.approvals import PAST, review_position
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import here, page_link, redirect_to, url
from placement.web.staff.common import back, page_of, refused_status, review_reason
from placement.web.templating import render

STATUSES = taxonomy.POSITION_STATUSES
DEFAULT_STATUS = "pending_review"


def _queue_page(
    request: Request,
    db: Session,
    status: str,
    *,
    row_errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = staff_search.positions_by_status(db, status, page_of(request))
    pairs = [(row["Position"], row["Employer"]) for row in page.rows]
    return render(
        request,
        "staff/positions.html",
        {
            "status": status,
            "statuses": STATUSES,
            "page": page,
            "pairs": pairs,
            "signals": fraud.position_signals(db, pairs),
            "changes": position_service.review_changes(db, [position for position, _ in pairs]),
            "row_errors": row_errors or {},
            "error": next(iter((row_errors or {}).values()), None),
            "typed": typed or {},
            "here": here(request),
            "page_link": page_link(request),
        },
        status_code=status_code,
    )


@endpoint("staff")
def position_reviews(request: Request, db: Session) -> Response:
    status = request.query_params.get("status", DEFAULT_STATUS)
    return _queue_page(request, db, status if status in STATUSES else DEFAULT_STATUS)


def _review(request: Request, db: Session, action: str) -> Response:
    position_id = request.path_params["id"]
    form = Form.of(request)
    reason = review_reason(form)
    try:
        review_position(
            db,
            request.app.state.settings,
            actor(request),
            position_id=position_id,
            action=action,
            reason=reason,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        current = db.get(Position, position_id)
        if current is None:
            raise not_found() from None
        return _queue_page(
            request,
            db,
            current.status,
            row_errors={position_id: error.message},
            typed={position_id: reason},
            status_code=refused_status(error),
        )
    default = url(request, "staff:positions", query={"status": DEFAULT_STATUS})
    return redirect_to(back(form, default), PAST[action])


@endpoint("staff")
def position_approve(request: Request, db: Session) -> Response:
    return _review(request, db, "approve")


@endpoint("staff")
def position_reject(request: Request, db: Session) -> Response:
    return _review(request, db, "reject")


routes: list[BaseRoute] = [
    Route("/positions", position_reviews, name="positions"),
    Route(
        "/positions/{id:id}/approve", position_approve, methods=["POST"], name="position_approve"
    ),
    Route("/positions/{id:id}/reject", position_reject, methods=["POST"], name="position_reject"),
]
