"""The signed-in person's own settings: /account/notifications (mail frequency, and the
language of mail and pages)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from placement import links
from placement.models import User
from placement.services import DomainError, preferences
from placement.web import language as language_choice
from placement.web.forms import Form
from placement.web.guards import endpoint, viewer
from placement.web.templating import render

TEMPLATE = "account/notifications.html"


def _context(form: Form, user: User, *, done: bool = False) -> dict[str, object]:
    return {
        "form": form,
        "account": user,
        "languages": list(preferences.LANGUAGES.items()),
        "frequencies": list(preferences.FREQUENCIES.items()),
        "done": done,
    }


@endpoint("graduate", "employer", "staff")
def notification_settings(request: Request, db: Session) -> Response:
    user = db.get(User, viewer(request).user_id)
    assert user is not None
    if request.method == "GET":
        return render(
            request, TEMPLATE, _context(Form(), user, done="done" in request.query_params)
        )
    form = Form.of(request)
    language = form.choice("language", preferences.LANGUAGES)
    frequency = form.choice("email_frequency", preferences.FREQUENCIES)
    if not form.ok or language is None or frequency is None:
        return render(request, TEMPLATE, _context(form, user), status_code=422)
    try:
        preferences.update_notifications(
            db,
            request.app.state.settings,
            user,
            language=language,
            email_frequency=frequency,
        )
    except DomainError as error:
        form.error(error.field or "email_frequency", error.message)
        return render(request, TEMPLATE, _context(form, user), status_code=422)
    response = RedirectResponse(links.path("notification_settings") + "?done=1", status_code=303)
    # The account's language is also this visitor's page language from now on (the cookie of
    # /language/{code}), so the pages follow the choice at once.
    language_choice.remember(response, request, language)
    return response


routes = [
    Route(
        "/account/notifications",
        notification_settings,
        methods=["GET", "POST"],
        name="notification_settings",
    ),
]
