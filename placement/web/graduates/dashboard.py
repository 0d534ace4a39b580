"""The graduate's dashboard (/me) and marking its notifications read."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement.services import applications as application_service
from placement.services import graduates as graduate_service
from placement.services import invitations as invitation_service
from placement.services import matching as matching_service
from placement.services import notifications
from placement.services import referrals as referral_service
from placement.web import conversation
from placement.web.graduates.common import PAGE_SIZE, _graduate
from placement.web.guards import actor, endpoint, viewer
from placement.web.http import redirect
from placement.web.templating import render

RECOMMENDED = 5  # eligible open positions on the dashboard, best first


@endpoint("graduate")
def home(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    graduate_id = graduate.id or 0
    current = viewer(request)
    credentials = graduate_service.credentials_of(db, graduate_id)
    modalities = graduate_service.modalities_of(db, graduate_id)
    context: dict[str, Any] = {
        "graduate": graduate,
        "applications": application_service.applications_for_graduate(
            db, graduate_id, limit=PAGE_SIZE
        ),
        "application_count": application_service.count_for_graduate(db, graduate_id),
        "pending_referrals": referral_service.referrals_for_graduate(
            db, graduate_id, pending_only=True
        ),
        "warnings": graduate_service.credential_warnings(credentials),
        "completeness": graduate_service.completeness(graduate, modalities, credentials),
        "notifications": notifications.recent(db, current.user_id, limit=30),
        "recommended": matching_service.rank_positions(db, graduate_id, limit=RECOMMENDED),
        "openings": matching_service.what_would_open_more(db, graduate_id),
        "waiting_invitations": [
            row
            for row in invitation_service.invitations_for_graduate(db, graduate_id, limit=50)
            if row.pending and row.position_open
        ],
        "conversations": conversation.dashboard(db, actor(request)),
    }
    return render(request, "graduate/dashboard.html", context)


@endpoint("graduate")
def notifications_read(request: Request, db: Session) -> Response:
    notifications.mark_read(db, viewer(request).user_id)
    return redirect(request, "graduate_home", fragment="notifications")
