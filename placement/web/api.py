"""The JSON API: the same session cookie, or a staff `Authorization: Bearer` token."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from placement.web.guards import endpoint, viewer


@endpoint("graduate", "employer", "staff")
def me(request: Request, db: Session) -> Response:
    current = viewer(request)
    return JSONResponse(
        {
            "user_id": current.user_id,
            "role": current.role,
            "email": current.email,
            "graduate_id": current.graduate_id,
            "employer_id": current.employer_id,
        },
        headers={"Cache-Control": "no-store"},
    )


routes = [
    Route("/me", me, name="me"),
]
