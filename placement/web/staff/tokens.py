"""The staff's own API tokens: create (the secret shown once) and revoke."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement.models import User, utcnow
from placement.services import DomainError, NotFound, api_tokens
from placement.web.forms import Form
from placement.web.guards import endpoint, not_found, viewer
from placement.web.http import redirect
from placement.web.templating import render


def _tokens_page(
    request: Request,
    db: Session,
    *,
    form: Form | None = None,
    raw: str | None = None,
    status_code: int = 200,
) -> Response:
    tokens = api_tokens.tokens_of(db, viewer(request).user_id)
    response = render(
        request,
        "staff/tokens.html",
        {
            "tokens": tokens,
            "form": form or Form(),
            "raw": raw,
            "now": utcnow(),
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@endpoint("staff")
def tokens(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _tokens_page(request, db)
    form = Form.of(request)
    name = form.text("name", max_length=100)
    days = form.integer(
        "expires_in_days",
        minimum=1,
        maximum=api_tokens.EXPIRES_IN_DAYS_MAX,
        default=api_tokens.EXPIRES_IN_DAYS_DEFAULT,
    )
    user = db.get(User, viewer(request).user_id)
    if user is None:
        raise not_found()
    if form.ok and days is not None:
        try:
            _token, raw = api_tokens.create_token(db, user, name, expires_in_days=days)
        except DomainError as error:
            form.error(error.field or "name", error.message)
        else:
            # Shown once, in this answer, and never stored anywhere readable.
            return _tokens_page(request, db, form=Form(), raw=raw)
    return _tokens_page(request, db, form=form, status_code=422)


@endpoint("staff")
def token_revoke(request: Request, db: Session) -> Response:
    token_id = request.path_params["id"]
    user = db.get(User, viewer(request).user_id)
    if user is None:
        raise not_found()
    try:
        api_tokens.revoke_token(db, user, token_id)
    except NotFound:
        raise not_found() from None
    return redirect(request, "staff:tokens", notice="revoked")


routes: list[BaseRoute] = [
    Route("/account/tokens", tokens, methods=["GET", "POST"], name="tokens"),
    Route("/account/tokens/{id:id}/revoke", token_revoke, methods=["POST"], name="token_revoke"),
]
