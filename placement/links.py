"""Absolute links for mail bodies, from BASE_URL and the app's named routes.

A mail client cannot open a relative path, and a link built from the request's `Host` can be
pointed at another site; so every link in a mail comes from here.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from starlette.routing import Router

from placement.config import Settings


@cache
def _router() -> Router:
    # Imported late: services call this module, and the routes import the services.
    from placement.app import build_routes

    return Router(routes=build_routes())


_PATHS: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}
_MAX_PATHS = 20_000


def path(route_name: str, **path_params: Any) -> str:
    """The site-relative path of a named route (`"graduate:application"`, `"login"`, …).

    Remembered per (name, parameters): Starlette finds a path by trying every route in
    turn, which cost a quarter of the /positions page (twenty-odd links a page).
    """
    key = (route_name, tuple(sorted(path_params.items())))
    try:
        found = _PATHS.get(key)
    except TypeError:  # an unhashable parameter: not remembered
        return str(_router().url_path_for(route_name, **path_params))
    if found is None:
        found = str(_router().url_path_for(route_name, **path_params))
        if len(_PATHS) < _MAX_PATHS:
            _PATHS[key] = found
    return found


def url(
    settings: Settings,
    route_name: str,
    *,
    query: dict[str, str] | None = None,
    **path_params: Any,
) -> str:
    """The absolute URL of a named route on this site, for a mail body."""
    link = settings.base_url.rstrip("/") + path(route_name, **path_params)
    return f"{link}?{urlencode(query)}" if query else link
