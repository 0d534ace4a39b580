"""Staff pages of the matching module; filled in by the matching issue."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
