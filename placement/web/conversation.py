"""The hiring conversation's routes on the three sides: messages (and, below, interviews,
offers and private notes).

Each application page (the graduate's, the employer's, staff's) shows the conversation through
`panel`; the actions here load the application through `conversation.application_for_party`
(404 for anyone outside its three parties), call one service function and answer 303, or
render the same page again with the message at the field and what was typed kept.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from placement.services import DomainError, NotFound
from placement.services import conversation as conversation_service
from placement.services import messages as message_service
from placement.services.conversation import Context, Party
from placement.web.forms import Form
from placement.web.guards import Viewer, endpoint, not_found, viewer
from placement.web.templating import render

PAGE_ROUTES = {
    "graduate": "graduate:application",
    "employer": "employer:application",
    "staff": "staff:application",
}


def party_of(current: Viewer) -> Party:
    return Party(
        user_id=current.user_id,
        role=current.role,
        employer_id=current.employer_id,
        graduate_id=current.graduate_id,
    )


def _load(request: Request, db: Session) -> tuple[Party, Context]:
    party = party_of(viewer(request))
    try:
        return party, conversation_service.application_for_party(
            db, party, int(request.path_params["application_id"])
        )
    except NotFound:
        raise not_found() from None


def panel(
    request: Request,
    db: Session,
    context: Context,
    party: Party,
    *,
    message_form: Form | None = None,
) -> dict[str, Any]:
    """What an application page shows of the conversation; a GET marks it read."""
    thread = message_service.thread(db, context, party)
    if request.method == "GET":
        message_service.mark_read(db, party.user_id, context.application.id or 0)
    application_id = context.application.id or 0
    return {
        "conversation": {
            "context": context,
            "side": party.side,
            "messages": thread,
            "form": message_form or Form(),
            "closed": context.closed_reason,
            "post_url": request.url_for(
                f"{party.side}:application_messages", application_id=application_id
            ),
            "max_length": message_service.MESSAGE_MAX,
        }
    }


def dashboard(db: Session, current: Viewer) -> list[message_service.UnreadConversation]:
    """The conversations with unread messages, for a side's dashboard."""
    return message_service.unread_conversations(db, party_of(current))


def _page_url(request: Request, side: str, application_id: int, anchor: str) -> str:
    return str(request.url_for(PAGE_ROUTES[side], application_id=application_id)) + anchor


def _rerender(
    request: Request, db: Session, party: Party, context: Context, *, status_code: int, **forms: Any
) -> Response:
    """The side's own application page again, with the forms as they were posted."""
    application_id = context.application.id or 0
    if party.side == "graduate":
        from placement.web import graduates

        return graduates._render_application(
            request, db, application_id, status_code=status_code, forms=forms
        )
    if party.side == "employer":
        from placement.web import employers

        return employers._application_page(
            request, db, application_id, status_code=status_code, forms=forms
        )
    return _staff_page(request, db, party, context, status_code=status_code, forms=forms)


# -- messages ------------------------------------------------------------------------------


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
    return RedirectResponse(
        _page_url(request, party.side, context.application.id or 0, "#conversation"),
        status_code=303,
    )


# -- staff's view of an application ----------------------------------------------------------


def _staff_page(
    request: Request,
    db: Session,
    party: Party,
    context: Context,
    *,
    status_code: int = 200,
    forms: dict[str, Any] | None = None,
) -> Response:
    from placement.services import applications as application_service

    events = application_service.application_detail(
        db, context.graduate.id or 0, context.application.id or 0
    ).events
    page: dict[str, Any] = {"context": context, "events": events}
    page.update(extra_panels(request, db, context, party, forms or {}))
    return render(request, "staff/application.html", page, status_code=status_code)


def extra_panels(
    request: Request, db: Session, context: Context, party: Party, forms: dict[str, Any]
) -> dict[str, Any]:
    """Every conversation panel of an application page (messages; interviews, offers and
    notes as they come), with the forms of a failed post."""
    return panel(request, db, context, party, message_form=forms.get("message_form"))


@endpoint("staff")
def staff_application(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    return _staff_page(request, db, party, context)


graduate_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:int}/messages",
        endpoint("graduate")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
employer_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:int}/messages",
        endpoint("employer")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
staff_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:int}",
        staff_application,
        methods=["GET"],
        name="application",
    ),
    Route(
        "/applications/{application_id:int}/messages",
        endpoint("staff")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
