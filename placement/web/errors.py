"""Friendly error pages (and JSON errors under /api) that never show a traceback."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from placement import i18n
from placement.i18n import N_, gettext
from placement.web.guards import LoginRequired, login_redirect_target
from placement.web.language import request_language
from placement.web.middleware import SECURITY_HEADERS
from placement.web.templating import render

log = logging.getLogger("placement")

TITLES = {
    400: N_("That request could not be read"),
    401: N_("Please sign in"),
    403: N_("You can't do that here"),
    404: N_("Page not found"),
    405: N_("That action is not available here"),
    409: N_("Someone changed this first"),
    413: N_("That is too large"),
    422: N_("Please check the form"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is briefly unavailable"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, detail: str | None = None) -> Response:
    title = gettext(TITLES.get(status, N_("Error")))
    request_id = getattr(request.state, "request_id", "")
    if _wants_json(request):
        return JSONResponse(
            {"error": title, "detail": detail or title, "request_id": request_id},
            status_code=status,
        )
    response = render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "detail": detail, "request_id": request_id},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        log.info("404 %s %s", request.method, request.url.path)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
    response = error_response(request, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def login_required(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": gettext("Please sign in")}, status_code=401)
    return RedirectResponse(login_redirect_target(request), status_code=303)


async def server_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "")
    log.exception("500 on %s %s (request %s)", request.method, request.url.path, request_id)
    # This runs outside the language middleware (Starlette's outermost layer): ask again.
    with i18n.using(request_language(request)):
        try:
            response = error_response(request, 500)
        except Exception:  # the template itself failed: fall back to plain text
            response = Response(
                gettext("Something went wrong on our side. Request id %(id)s.", id=request_id),
                status_code=500,
                media_type="text/plain",
            )
    response.headers.update(SECURITY_HEADERS)
    response.headers["X-Request-ID"] = request_id
    return response


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """The database cannot be reached (restarting, or locked past the busy timeout): 503 and
    a hint to retry; the pre-pinged pool reconnects by itself once it is back."""
    log.warning("503 on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    response = error_response(request, 503)
    response.headers["Retry-After"] = "5"
    return response


EXCEPTION_HANDLERS = {
    HTTPException: http_exception,
    OperationalError: database_unavailable,
    LoginRequired: login_required,
    Exception: server_error,
}
