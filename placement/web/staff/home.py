"""The staff home: the size of every work queue and the latest conversations."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement.services import staff_search
from placement.web import conversation
from placement.web.guards import actor, endpoint
from placement.web.templating import render


@endpoint("staff")
def home(request: Request, db: Session) -> Response:
    counts = staff_search.queue_counts(db)
    conversations = conversation.dashboard(db, actor(request))
    return render(request, "staff/home.html", {"counts": counts, "conversations": conversations})
