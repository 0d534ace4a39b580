"""Routes of this side; filled in by its issue."""

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from placement.web.guards import endpoint, not_found


@endpoint("graduate")
def home(request: Request, db: Session) -> Response:
    raise not_found()


routes: list[BaseRoute] = []

# Graduate actions that live under public URLs (POST /positions/{id}/apply).
public_routes: list[BaseRoute] = []
