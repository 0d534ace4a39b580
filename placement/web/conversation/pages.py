"""An application page's conversation: the one loader (`_load`, 404 for anyone outside the
application's three parties), the panels every side's page shows (messages, interviews,
offers and notes), re-rendering a side's page with a failed post's forms, and staff's view of
an application."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import taxonomy
from placement.services import Actor, NotFound
from placement.services import conversation as conversation_service
from placement.services import interviews as interview_service
from placement.services import messages as message_service
from placement.services import notes as note_service
from placement.services import offers as offer_service
from placement.services.conversation import Context
from placement.web import http
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.templating import render

PAGE_ROUTES = {
    "graduate": "graduate:application",
    "employer": "employer:application",
    "staff": "staff:application",
}


def _load(request: Request, db: Session) -> tuple[Actor, Context]:
    party = actor(request)
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
    party: Actor,
    *,
    message_form: Form | None = None,
) -> dict[str, Any]:
    """What an application page shows of the conversation; a GET marks it read."""
    thread = message_service.thread(db, context, party)
    if request.method == "GET":
        message_service.mark_read(db, party.user_id or 0, context.application.id or 0)
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


def dashboard(db: Session, party: Actor) -> list[message_service.UnreadConversation]:
    """The conversations with unread messages, for a side's dashboard."""
    return message_service.unread_conversations(db, party)


def _page_url(request: Request, side: str, application_id: int, anchor: str) -> str:
    return http.path(request, PAGE_ROUTES[side], application_id=application_id) + anchor


def _rerender(
    request: Request, db: Session, party: Actor, context: Context, *, status_code: int, **forms: Any
) -> Response:
    """The side's own application page again, with the forms as they were posted."""
    application_id = context.application.id or 0
    if party.side == "graduate":
        from placement.web.graduates.applications import _render_application

        return _render_application(
            request, db, application_id, status_code=status_code, forms=forms
        )
    if party.side == "employer":
        from placement.web.employers.candidates import _application_page

        return _application_page(request, db, application_id, status_code=status_code, forms=forms)
    return _staff_page(request, db, party, context, status_code=status_code, forms=forms)


# -- staff's view of an application ----------------------------------------------------------


def _staff_page(
    request: Request,
    db: Session,
    party: Actor,
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
    request: Request, db: Session, context: Context, party: Actor, forms: dict[str, Any]
) -> dict[str, Any]:
    """Every conversation panel of an application page (messages, interviews, offers and
    notes), with the forms of a failed post."""
    panels = panel(request, db, context, party, message_form=forms.get("message_form"))
    application_id = context.application.id or 0
    interview_form = forms.get("interview_form")
    if interview_form is None:
        interview_form = Form()
        interview_form.values = {"duration_minutes": "60", "mode": "in_person"}
    panels["interviews"] = {
        "items": interview_service.for_application(db, application_id),
        "form": interview_form,
        "cancel_form": forms.get("cancel_form") or Form(),
        "cancel_for": forms.get("cancel_for"),
        "blank": Form(),
        "modes": interview_service.MODES,
        "status_labels": interview_service.STATUS_LABELS,
        "max_slots": interview_service.MAX_SLOTS,
        "open": not context.closed
        and context.application.stage in interview_service.PROPOSABLE_STAGES,
    }
    panels["offer"] = _offer_panel(db, context, party, forms)
    if party.side == "employer":
        panels["notes"] = {
            "items": note_service.notes_for(db, context, party),
            "form": forms.get("note_form") or Form(),
        }
    return panels


def _offer_panel(
    db: Session, context: Context, party: Actor, forms: dict[str, Any]
) -> dict[str, Any]:
    application_id = context.application.id or 0
    latest = offer_service.latest_offer(db, application_id)
    form = forms.get("offer_form")
    if form is None:
        form = Form()
        form.values = {
            "job_title": context.position.title,
            "employment_type": context.position.employment_type,
            "start_date": context.position.start_date.isoformat()
            if context.position.start_date
            else "",
            "hours_per_week": "40" if context.position.employment_type == "full_time" else "",
            "pay_rate": f"{context.position.pay_max:g}" if context.position.pay_max else "",
        }
    waiting = latest is not None and latest.status == "pending"
    return {
        "latest": latest,
        "terms": offer_service.describe(latest) if latest else [],
        "waiting": waiting,
        "status_labels": offer_service.STATUS_LABELS,
        "form": form,
        "answer_form": forms.get("answer_form") or Form(),
        "open": not waiting
        and not context.closed
        and context.application.stage in offer_service.OFFERABLE_STAGES,
        "employment_types": taxonomy.EMPLOYMENT_TYPES,
    }


@endpoint("staff")
def staff_application(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    return _staff_page(request, db, party, context)
