"""Which language a visitor reads: the remembered choice (cookie), then Accept-Language.

Spanish for a first supported language `es` (any region), English otherwise (CONTRACT.md,
"Languages"). Pure functions of the request's headers, so the public-page cache and the
page's `ETag` can ask before anything is rendered; the middleware makes the answer the
language of everything the request words (`placement.i18n`), and `/language/{code}`
remembers a choice.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from placement import i18n
from placement.i18n import DEFAULT_LANGUAGE, LANGUAGES
from placement.web.auth import safe_next

LANGUAGE_COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_HEADER = 400


def from_accept_language(header: str) -> str:
    """The first supported language of an Accept-Language header by quality."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in header[:MAX_HEADER].split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES or not 0 < quality <= 1:
            continue
        # Equal qualities keep the header's order (the earlier one wins).
        if quality > best_q:
            best, best_q = primary, quality
    return best


def choose(cookie: str | None, accept_language: str) -> str:
    """The remembered choice outranks the header."""
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(accept_language)


def request_language(request: Request) -> str:
    return choose(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language", ""))


def _scope_language(scope: Scope) -> str:
    cookie_header = accept = ""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie_header = value.decode("latin-1")
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    cookie = None
    if LANGUAGE_COOKIE in cookie_header:
        try:
            morsel = SimpleCookie(cookie_header).get(LANGUAGE_COOKIE)
        except Exception:  # a malformed Cookie header: as if there were no choice
            morsel = None
        cookie = morsel.value if morsel is not None else None
    return choose(cookie, accept)


class LanguageMiddleware:
    """Every request reads in its visitor's language: pages, form messages, error pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The JSON API is for programs: its words stay the same whoever asks.
        api = scope.get("path", "").startswith("/api/")
        language = DEFAULT_LANGUAGE if api else _scope_language(scope)
        scope.setdefault("state", {})["language"] = language
        # Reset after: a test client that runs the app in the caller's task must not leave
        # the caller speaking the visitor's language.
        with i18n.using(language):
            await self.app(scope, receive, send)


def remember(response: Response, request: Request, language: str) -> None:
    """Keep a visitor's choice for a year (the account's mail language is its own field)."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.production,
    )


def switch_language(request: Request) -> Response:
    """GET /language/{code}?next=<same-site path>: remember the choice and go back."""
    code = request.path_params["code"]
    if code not in LANGUAGES:
        raise HTTPException(404)
    target = safe_next(request.query_params.get("next")) or str(request.url_for("home").path)
    response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
    remember(response, request, code)
    return response


routes = [Route("/language/{code}", switch_language, name="language")]
