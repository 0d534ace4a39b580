"""Administrators: find any account, deactivate or reactivate it, and invite staff.

Every route is for the `admin` role only; staff get 403.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import taxonomy
from placement.services import Conflict, DomainError, NotFound, users
from placement.web.auth import safe_next
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import (
    here,
    page_link,
    page_number,
    redirect,
    redirect_to,
    url,
)
from placement.web.templating import render

MAX_PAGE = 100_000


def _users_page(
    request: Request,
    db: Session,
    *,
    invite_form: Form | None = None,
    row_errors: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    filters = Form(request.query_params)
    q = filters.text("q", required=False, max_length=200)
    role = filters.choice("role", taxonomy.ROLES, required=False)
    page = users.search_users(
        db,
        q="" if "q" in filters.errors else q,
        role=role,
        page=page_number(request.query_params, MAX_PAGE),
    )

    return render(
        request,
        "admin/users.html",
        {
            "filters": filters,
            "page": page,
            "page_link": page_link(request),
            "invite_form": invite_form or Form(),
            "row_errors": row_errors or {},
            "role_options": [(role, taxonomy.ROLE_LABELS[role]) for role in taxonomy.ROLES],
            "staff_roles": [(role, taxonomy.ROLE_LABELS[role]) for role in users.STAFF_ROLES],
            "here": here(request),
        },
        status_code=status_code if not filters.errors or status_code != 200 else 422,
    )


@endpoint("admin")
def users_list(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _users_page(request, db)
    form = Form.of(request)
    email = form.email()
    role = form.choice("role", users.STAFF_ROLES)
    name = form.text("name", max_length=200)
    if form.ok and role is not None:
        try:
            users.invite_staff(
                db,
                request.app.state.settings,
                actor(request),
                email=email,
                role=role,
                name=name,
            )
        except DomainError as error:
            form.error(error.field or "email", error.message)
        else:
            return redirect(request, "admin:users", query={"q": email}, notice="invited")
    return _users_page(request, db, invite_form=form, status_code=422)


def _set_active(active: bool) -> Callable[[Request], Response]:
    @endpoint("admin")
    def view(request: Request, db: Session) -> Response:
        user_id = request.path_params["id"]
        form = Form.of(request)
        try:
            users.set_active(db, actor(request), user_id=user_id, active=active)
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            return _users_page(
                request,
                db,
                row_errors={user_id: error.message},
                status_code=409 if isinstance(error, Conflict) else 422,
            )
        back = safe_next(form.raw("next")) or url(request, "admin:users")
        return redirect_to(back, "activated" if active else "deactivated")

    view.__name__ = "user_activate" if active else "user_deactivate"
    return view


@endpoint("admin")
def index(request: Request, db: Session) -> Response:
    return redirect(request, "admin:users")


routes: list[BaseRoute] = [
    Route("/", index, name="index"),
    Route("/users", users_list, methods=["GET", "POST"], name="users"),
    Route(
        "/users/{id:id}/deactivate", _set_active(False), methods=["POST"], name="user_deactivate"
    ),
    Route("/users/{id:id}/activate", _set_active(True), methods=["POST"], name="user_activate"),
]
