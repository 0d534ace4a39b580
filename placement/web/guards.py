"""Who is asking: the session (or a staff API token) checked against the server's records.

`endpoint` wraps every view: one database session and one transaction per request, the
viewer loaded and checked against the roles the view allows, commit once at the end.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import Session, col, func, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from placement.db import reset_write_intent, set_write_intent, unit_of_work
from placement.i18n import gettext
from placement.models import Employer, EmployerMember, Graduate, Message, User
from placement.services import Actor, api_tokens, audit
from placement.web.http import client_address

View = Callable[[Request, Session], Response]
STAFF_ROLES = ("staff", "admin")
# A member of an organisation in one of these statuses sees the notice at GET /employer and
# gets 403 from every other employer page and every API call (CONTRACT, status semantics).
BLOCKED_EMPLOYER_STATUSES = frozenset({"suspended", "rejected"})
EMPLOYER_NOTICE_ROUTE = "employer_home"


class LoginRequired(Exception):
    """Raised for a signed-out visitor on a protected page; answered 303 to /login (or 401)."""


@dataclass(frozen=True)
class Viewer:
    """A plain snapshot of the signed-in user, safe to use after the session closed."""

    user_id: int
    role: str
    email: str
    name: str
    employer_id: int | None = None
    graduate_id: int | None = None
    unread: int = 0
    via_token: bool = False
    employer_status: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def employer_blocked(self) -> bool:
        """A member of a suspended or rejected organisation."""
        return self.role == "employer" and self.employer_status in BLOCKED_EMPLOYER_STATUSES


def endpoint(*roles: str) -> Callable[[View], Callable[[Request], Response]]:
    """Wrap a synchronous view: load the viewer, enforce `roles`, run one transaction.

    A view returning a 4xx/5xx response has its transaction rolled back; an exception does too.
    """
    allowed = set(roles)
    if "staff" in allowed:
        allowed.add("admin")

    def decorate(view: View) -> Callable[[Request], Response]:
        @functools.wraps(view)
        def wrapped(request: Request) -> Response:
            token = set_write_intent(request.method not in ("GET", "HEAD"))
            address = audit.set_client_address(client_address(request))
            try:
                with Session(request.app.state.engine, expire_on_commit=False) as db:
                    viewer = load_viewer(request, db)
                    request.state.viewer = viewer
                    request.state.db = db
                    if allowed:
                        if viewer is None:
                            raise LoginRequired
                        if viewer.role not in allowed:
                            raise HTTPException(403, gettext("This page is not for your account."))
                    if viewer is not None and viewer.employer_blocked:
                        _refuse_blocked_employer(request)
                    response = view(request, db)
                    if response.status_code < 400:
                        db.commit()
                    else:
                        db.rollback()
                    return response
            finally:
                reset_write_intent(token)
                audit.reset_client_address(address)

        return wrapped

    return decorate


def _refuse_blocked_employer(request: Request) -> None:
    """403 on every employer route and API call but the notice page itself (GET /employer)."""
    path = request.url.path
    notice = str(request.app.url_path_for(EMPLOYER_NOTICE_ROUTE))
    api = str(request.app.url_path_for("api:me")).removesuffix("me")
    if path == notice and request.method in ("GET", "HEAD"):
        return
    if path == notice or path.startswith((notice + "/", api)):
        raise HTTPException(
            403,
            gettext(
                "Your organisation is suspended or was not approved: only the notice on your "
                "dashboard is available. Contact career services."
            ),
        )


def load_viewer(request: Request, db: Session) -> Viewer | None:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return _viewer_from_token(request, db, authorization[7:].strip())
    session = request.scope.get("session") or {}
    user_id, version = session.get("uid"), session.get("ver")
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        # Revoked: forget the stale identity so the cookie stops being sent back.
        session.pop("uid")
        session.pop("ver")
        return None
    return viewer_for(db, user)


def viewer_for(db: Session, user: User, *, via_token: bool = False) -> Viewer:
    employer_id = graduate_id = employer_status = None
    if user.role == "employer":
        membership = db.exec(
            select(col(EmployerMember.employer_id), col(Employer.status))
            .join(Employer, col(Employer.id) == col(EmployerMember.employer_id))
            .where(col(EmployerMember.user_id) == user.id)
        ).first()
        if membership is not None:
            employer_id, employer_status = membership
    elif user.role == "graduate":
        graduate_id = db.exec(select(Graduate.id).where(Graduate.user_id == user.id)).first()
    unread = db.exec(
        select(func.count())
        .select_from(Message)
        .where(col(Message.recipient_user_id) == user.id, col(Message.read_at).is_(None))
    ).one()
    return Viewer(
        user_id=user.id or 0,
        role=user.role,
        email=user.email,
        name=user.name,
        employer_id=employer_id,
        graduate_id=graduate_id,
        unread=int(unread),
        via_token=via_token,
        employer_status=employer_status,
    )


def _viewer_from_token(request: Request, db: Session, raw: str) -> Viewer | None:
    """Only `GET /api/v1/…` reaches here with a bearer (BearerMiddleware answers the rest).

    The use is recorded in its own short transaction, committed even when the answer is an
    error, so the request's own unit of work is never committed half-way."""
    with unit_of_work(request.app.state.engine) as own:
        owner = api_tokens.user_for_token(own, raw)
        user_id = owner.id if owner is not None else None
    user = db.get(User, user_id) if user_id is not None else None
    if user is None:
        return None
    return viewer_for(db, user, via_token=True)


def viewer(request: Request) -> Viewer:
    """The signed-in viewer of a guarded view (never None there)."""
    current = request.state.viewer
    if current is None:
        raise LoginRequired
    return current


def actor(request: Request) -> Actor:
    """The signed-in viewer of a guarded view as the `Actor` a service takes: who acts, for
    whom (their organisation or graduate record) and from which address."""
    current = viewer(request)
    return Actor(
        user_id=current.user_id,
        role=current.role,
        ip=client_address(request),
        employer_id=current.employer_id,
        graduate_id=current.graduate_id,
    )


def login_redirect_target(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return str(request.app.url_path_for("login")) + "?next=" + quote(path, safe="/")


def not_found() -> HTTPException:
    return HTTPException(404, gettext("We could not find that page."))
