"""What every graduate view needs: the signed-in graduate (404 for a session without one)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request

from placement.models import Graduate
from placement.services import NotFound
from placement.services import graduates as graduate_service
from placement.web.guards import not_found, viewer

PAGE_SIZE = 20


def _graduate_id(request: Request) -> int:
    graduate_id = viewer(request).graduate_id
    if graduate_id is None:
        raise not_found()
    return graduate_id


def _graduate(request: Request, db: Session) -> Graduate:
    try:
        return graduate_service.get_graduate(db, _graduate_id(request))
    except NotFound:
        raise not_found() from None
