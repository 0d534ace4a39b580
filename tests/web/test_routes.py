"""The route table as a specification: every POST needs the CSRF token, every page that is
not public needs sign-in, and every side refuses the other roles."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.routing import Mount, Route

from placement.app import create_app
from placement.config import Settings

PUBLIC_PREFIXES = ("/login", "/logout", "/register/", "/password/", "/account/setup/", "/static")
PUBLIC_PATHS = {"/", "/healthz", "/positions", "/positions/1"}


def _walk(routes: list, prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes or [], prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}:]+(?::int)?\}", "1", path)


ROUTE_TABLE = sorted(
    {
        (_concrete(path), method)
        for path, methods in _walk(
            create_app(Settings(database_url="sqlite://", environment="test")).routes
        )
        for method in methods
        if method in ("GET", "POST")
    }
)
POSTS = [path for path, method in ROUTE_TABLE if method == "POST"]
PROTECTED_GETS = [
    path
    for path, method in ROUTE_TABLE
    if method == "GET" and path not in PUBLIC_PATHS and not path.startswith(PUBLIC_PREFIXES)
]


@pytest.mark.parametrize("path", POSTS)
def test_every_post_refuses_a_missing_or_wrong_csrf_token(as_admin, path):
    assert as_admin.post(path, data={"x": "1"}).status_code == 403
    assert as_admin.post(path, data={"csrf_token": "forged"}).status_code == 403


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
        assert response.status_code != 403
    else:
        assert response.status_code == 403
        assert "This page is not for your account" in response.text
