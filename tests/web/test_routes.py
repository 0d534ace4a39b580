"""The route table as a specification: every POST needs the CSRF token, every page that is
not public needs sign-in, and every side refuses the other roles."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.routing import BaseRoute, Match, Mount, Route

from placement.app import create_app
from placement.config import Settings

PUBLIC_PREFIXES = (
    "/login",
    "/logout",
    "/register/",
    "/password/",
    "/account/setup/",
    "/account/confirm/",  # the e-mail confirmation link works without signing in
    "/static",
    # One-time links answered without signing in (placement verification, graduate survey).
    "/verify/placement/",
    "/survey/",
    # Choosing the page language (a cookie and a redirect back).
    "/language/",
)
PUBLIC_PATHS = {"/", "/healthz", "/positions", "/positions/1"}


def _walk(routes: list, prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes or [], prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}:]+(?::\w+)?\}", "1", path)


APP = create_app(Settings(database_url="sqlite://", environment="test"))
ROUTE_TABLE = sorted(
    {
        (_concrete(path), method)
        for path, methods in _walk(APP.routes)
        for method in methods
        if method in ("GET", "POST")
    }
)
CSRF_REFUSAL = "This form has expired or did not come from this site."


def _route_for(path: str, method: str) -> BaseRoute | None:
    """The route the app's router gives this request, or None (a 404 or 405)."""
    scope: dict = {"type": "http", "path": path, "method": method, "root_path": ""}
    routes: list[BaseRoute] = list(APP.routes)
    while True:
        for route in routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                if isinstance(route, Mount):
                    scope = {**scope, **child}
                    routes = list(route.routes)
                    break
                return route
        else:
            return None


POSTS = [path for path, method in ROUTE_TABLE if method == "POST"]
PROTECTED_GETS = [
    path
    for path, method in ROUTE_TABLE
    if method == "GET" and path not in PUBLIC_PATHS and not path.startswith(PUBLIC_PREFIXES)
]


@pytest.mark.parametrize("path", POSTS)
def test_every_post_refuses_a_missing_or_wrong_csrf_token(as_admin, path):
    # The CSRF check runs before routing, so first prove the path is this route's own: a
    # refusal of a path no route serves would prove nothing.
    assert _route_for(path, "POST") is not None, path
    for data in ({"x": "1"}, {"csrf_token": "forged"}):
        response = as_admin.post(path, data=data)
        assert response.status_code == 403 and CSRF_REFUSAL in response.text


def test_the_csrf_check_can_tell_a_missing_route(as_admin):
    assert _route_for("/staff/graduates/1/verify", "POST") is not None
    assert _route_for("/staff/graduates/1/nowhere", "POST") is None
    assert _route_for("/staff/graduates/0/verify", "POST") is None


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_every_private_page_needs_sign_in(client, path):
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_the_route_table_is_not_empty():
    assert len(POSTS) >= 5 and len(PROTECTED_GETS) >= 3


SIDES = {
    "/me": "graduate",
    "/employer": "employer",
    "/staff": "staff",
    "/admin/users": "admin",
}


@pytest.mark.parametrize("persona", ["as_graduate", "as_employer", "as_staff"])
@pytest.mark.parametrize("path", sorted(SIDES))
def test_each_side_refuses_the_other_roles(request, persona, path):
    client = request.getfixturevalue(persona)
    role = persona.removeprefix("as_")
    allowed = SIDES[path] == role or (SIDES[path] == "staff" and role == "admin")
    response = client.get(path)
    if allowed:
        assert response.status_code == 200, response.text[:500]
    else:
        assert response.status_code == 403
        assert "This page is not for your account" in response.text
