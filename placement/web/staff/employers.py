"""The review queue of organisations: a list by status with the review signals beside each
row; approve, reject or suspend an organisation, and approve or reject an approved
organisation's held change of name, website or NPI.

Every action answers 303 back to the list, or re-renders it with the message at the row
(422, or 409 when another reviewer was first). The rules live in `services.approvals`.
"""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import taxonomy
from placement.models import Employer
from placement.services import DomainError, NotFound, fraud, staff_search
from placement.services import employers as employer_service
from placement.services import invitations as invitation_service
from placement.services.approvals import PAST, review_employer, review_held_change
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import here, page_link, redirect_to, url
from placement.web.staff.common import back, page_of, refused_status, review_reason
from placement.web.templating import render

STATUSES = (*taxonomy.EMPLOYER_STATUSES, staff_search.CHANGES)
DEFAULT_STATUS = "pending"


def _queue_page(
    request: Request,
    db: Session,
    status: str,
    *,
    row_errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = staff_search.employers_by_status(db, status, page_of(request))
    employers = [row["Employer"] for row in page.rows]
    held = {e.id: employer_service.held_changes(e) for e in employers if e.held_changes}
    proposed = [employer_service.with_held_changes(e) for e in employers if e.id in held]
    return render(
        request,
        "staff/employers.html",
        {
            "status": status,
            "statuses": STATUSES,
            "page": page,
            "signals": fraud.employer_signals(db, employers),
            # Invitations to apply sent per organisation: a spam-blast signal.
            "invitation_counts": invitation_service.counts_by_employer(
                db, (employer.id for employer in employers)
            ),
            "held": held,
            # The review signals recomputed for the values the held change would bring.
            "held_signals": fraud.employer_signals(db, proposed),
            "row_errors": row_errors or {},
            "error": next(iter((row_errors or {}).values()), None),
            "typed": typed or {},
            "here": here(request),
            "page_link": page_link(request),
        },
        status_code=status_code,
    )


@endpoint("staff")
def employer_reviews(request: Request, db: Session) -> Response:
    status = request.query_params.get("status", DEFAULT_STATUS)
    return _queue_page(request, db, status if status in STATUSES else DEFAULT_STATUS)


def _review(request: Request, db: Session, action: str) -> Response:
    employer_id = request.path_params["id"]
    form = Form.of(request)
    reason = review_reason(form)
    try:
        review_employer(
            db,
            request.app.state.settings,
            actor(request),
            employer_id=employer_id,
            action=action,
            reason=reason,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        current = db.get(Employer, employer_id)
        if current is None:
            raise not_found() from None
        return _queue_page(
            request,
            db,
            current.status,
            row_errors={employer_id: error.message},
            typed={employer_id: reason},
            status_code=refused_status(error),
        )
    # A suspension is done from the approved list; the others from the pending one.
    listed = "approved" if action == "suspend" else "pending"
    default = url(request, "staff:employers", query={"status": listed})
    return redirect_to(back(form, default), PAST[action])


@endpoint("staff")
def employer_approve(request: Request, db: Session) -> Response:
    return _review(request, db, "approve")


@endpoint("staff")
def employer_reject(request: Request, db: Session) -> Response:
    return _review(request, db, "reject")


@endpoint("staff")
def employer_suspend(request: Request, db: Session) -> Response:
    return _review(request, db, "suspend")


def _review_change(request: Request, db: Session, action: str) -> Response:
    """Approve or reject (with a reason) a held change; back to `?status=changes`, or that
    list again with the message at the row."""
    employer_id = request.path_params["id"]
    form = Form.of(request)
    reason = review_reason(form)
    try:
        review_held_change(
            db,
            request.app.state.settings,
            actor(request),
            employer_id=employer_id,
            action=action,
            reason=reason,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _queue_page(
            request,
            db,
            staff_search.CHANGES,
            row_errors={employer_id: error.message},
            typed={employer_id: reason},
            status_code=refused_status(error),
        )
    default = url(request, "staff:employers", query={"status": staff_search.CHANGES})
    return redirect_to(back(form, default), f"change_{PAST[action]}")


@endpoint("staff")
def employer_change_approve(request: Request, db: Session) -> Response:
    return _review_change(request, db, "approve")


@endpoint("staff")
def employer_change_reject(request: Request, db: Session) -> Response:
    return _review_change(request, db, "reject")


routes: list[BaseRoute] = [
    Route("/employers", employer_reviews, name="employers"),
    Route(
        "/employers/{id:id}/approve", employer_approve, methods=["POST"], name="employer_approve"
    ),
    Route("/employers/{id:id}/reject", employer_reject, methods=["POST"], name="employer_reject"),
    Route(
        "/employers/{id:id}/suspend", employer_suspend, methods=["POST"], name="employer_suspend"
    ),
    Route(
        "/employers/{id:id}/changes/approve",
        employer_change_approve,
        methods=["POST"],
        name="employer_change_approve",
    ),
    Route(
        "/employers/{id:id}/changes/reject",
        employer_change_reject,
        methods=["POST"],
        name="employer_change_reject",
    ),
]
