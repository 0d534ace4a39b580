"""The landing page and the health check."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from placement.web.guards import endpoint
from placement.web.public_cache import public_page
from placement.web.templating import render


@endpoint()
def home(request: Request, db: Session) -> Response:
    return render(request, "public/home.html")


def healthz(request: Request) -> Response:
    """200 when the database answers, 503 when it does not (no session cookie, no page)."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"},
            status_code=503,
            headers={"Cache-Control": "no-store", "Retry-After": "5"},
        )
    return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})


routes = [
    Route("/", public_page(home), name="home"),
    Route("/healthz", healthz, name="healthz"),
]
