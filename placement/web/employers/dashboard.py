"""The employer's dashboard (/employer) and marking its notifications read."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import dates
from placement.models import User
from placement.services import employers as employer_service
from placement.services import notifications
from placement.services import positions as position_service
from placement.services import talent as talent_service
from placement.web import conversation
from placement.web.employers.common import _employer_id
from placement.web.guards import actor, endpoint, viewer
from placement.web.http import redirect
from placement.web.templating import render


@endpoint("employer")
def home(request: Request, db: Session) -> Response:
    current = viewer(request)
    employer = employer_service.employer_of(db, _employer_id(current))
    if current.employer_blocked:
        # The one page a suspended or rejected organisation's members see (the guard
        # refuses every other one).
        return render(request, "employer/notice.html", {"employer": employer})
    # No page view runs a job: the worker's positions.expire writes the `expired` status down,
    # and the dashboard shows a position past its closing date as expired meanwhile.
    today = dates.today()
    rows = position_service.employer_positions(db, employer.id or 0)
    notes = notifications.recent(db, current.user_id, limit=15)
    member = db.get(User, current.user_id)
    unconfirmed = member.email if member and member.email_confirmed_at is None else None
    return render(
        request,
        "employer/dashboard.html",
        {
            "employer": employer,
            "positions": rows,
            "notifications": notes,
            "unread": sum(1 for note in notes if note.unread),
            "today": today,
            "conversations": conversation.dashboard(db, actor(request)),
            "pool": talent_service.pool_for_employer(db, employer.id or 0),
            "unconfirmed_email": unconfirmed,
        },
    )


@endpoint("employer")
def read_notifications(request: Request, db: Session) -> Response:
    notifications.mark_read(db, viewer(request).user_id)
    return redirect(request, "employer_home", fragment="notifications")
