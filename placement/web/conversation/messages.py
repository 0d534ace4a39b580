"""Posting a message in an application's conversation (the same view on the three sides)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement.services import DomainError
from placement.services import messages as message_service
from placement.web.conversation.pages import PAGE_ROUTES, _load, _rerender
from placement.web.forms import Form
from placement.web.http import redirect


def post_message(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    form = Form.of(request)
    form.values["body"] = form.raw("body").replace("\r\n", "\n")
    try:
        message_service.post(db, request.app.state.settings, context, party, form.raw("body"))
    except message_service.RateLimited as limited:
        form.error("body", limited.message)
        response = _rerender(request, db, party, context, status_code=429, message_form=form)
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    except DomainError as error:
        form.error(error.field or "body", error.message)
        return _rerender(request, db, party, context, status_code=422, message_form=form)
    return redirect(
        request,
        PAGE_ROUTES[party.side],
        application_id=context.application.id or 0,
        fragment="conversation",
    )
