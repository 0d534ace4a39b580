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

from placement import localtime, taxonomy
from placement.services import Actor, Conflict, DomainError, NotFound
from placement.services import conversation as conversation_service
from placement.services import interviews as interview_service
from placement.services import messages as message_service
from placement.services import notes as note_service
from placement.services import offers as offer_service
from placement.services.conversation import Context
from placement.services.positions import MAX_PAY
from placement.web import http
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import redirect
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
    return redirect(
        request,
        PAGE_ROUTES[party.side],
        application_id=context.application.id or 0,
        fragment="conversation",
    )


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


# -- interviews ------------------------------------------------------------------------------


@endpoint("employer")
def propose_interview(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    form = Form.of(request)
    mode = form.choice("mode", interview_service.MODES)
    location = form.text("location", max_length=300)
    duration = form.integer(
        "duration_minutes",
        minimum=interview_service.MIN_DURATION,
        maximum=interview_service.MAX_DURATION,
    )
    slots = [value.strip() for value in form.raw_list("slots")]
    form.values["slots"] = slots
    note = form.text("note", required=False, max_length=interview_service.MAX_TEXT, multiline=True)
    if form.ok and mode is not None and duration is not None:
        try:
            interview_service.propose(
                db,
                request.app.state.settings,
                context,
                party,
                interview_service.Proposal(mode, location, duration, slots, note),
            )
        except DomainError as error:
            form.error(error.field or "slots", error.message)
        else:
            return RedirectResponse(
                _page_url(request, "employer", context.application.id or 0, "#interviews"),
                status_code=303,
            )
    return _rerender(request, db, party, context, status_code=422, interview_form=form)


def _interview(request: Request, db: Session) -> tuple[Actor, Context, Any]:
    party = actor(request)
    try:
        interview, context = interview_service.interview_for_party(
            db, party, int(request.path_params["interview_id"])
        )
    except NotFound:
        raise not_found() from None
    return party, context, interview


@endpoint("employer")
def cancel_interview(request: Request, db: Session) -> Response:
    party, context, interview = _interview(request, db)
    form = Form.of(request)
    reason = form.text(
        "reason", required=False, max_length=interview_service.MAX_TEXT * 2, multiline=True
    )
    try:
        interview_service.cancel(db, request.app.state.settings, context, party, interview, reason)
    except DomainError as error:
        form.error(error.field or "reason", error.message)
        return _rerender(
            request,
            db,
            party,
            context,
            status_code=409 if isinstance(error, Conflict) else 422,
            cancel_form=form,
            cancel_for=interview.id,
        )
    return RedirectResponse(
        _page_url(request, "employer", context.application.id or 0, "#interviews"),
        status_code=303,
    )


def _interviews_page(
    request: Request,
    db: Session,
    *,
    form: Form | None = None,
    form_for: int | None = None,
    status_code: int = 200,
) -> Response:
    current = viewer(request)
    if current.graduate_id is None:
        raise not_found()
    settings = request.app.state.settings
    items = interview_service.for_graduate(db, current.graduate_id)
    return render(
        request,
        "graduate/interviews.html",
        {
            "items": items,
            "form": form or Form(),
            "form_for": form_for,
            "blank": Form(),
            "input_value": lambda value: localtime.input_value(value, settings),
            "done": request.query_params.get("done"),
        },
        status_code=status_code,
    )


@endpoint("graduate")
def my_interviews(request: Request, db: Session) -> Response:
    return _interviews_page(request, db)


def _answer_interview(request: Request, db: Session, *, confirm: bool) -> Response:
    """The graduate confirms one of the proposed times (`slot`) or declines (`note`)."""
    party, context, interview = _interview(request, db)
    form = Form.of(request)
    settings = request.app.state.settings
    try:
        if confirm:
            slot = form.text("slot", required=False, max_length=40)
            interview_service.confirm(db, settings, context, party, interview, slot)
        else:
            note = form.text(
                "note", required=False, max_length=interview_service.MAX_TEXT * 2, multiline=True
            )
            interview_service.decline(db, settings, context, party, interview, note)
    except DomainError as error:
        # A refused confirmation is always shown at the choice of times.
        form.error("slot" if confirm else error.field or "note", error.message)
        return _interviews_page(request, db, form=form, form_for=interview.id, status_code=422)
    done = "confirmed" if confirm else "declined"
    return RedirectResponse(
        str(request.url_for("graduate:interviews")) + f"?done={done}", status_code=303
    )


@endpoint("graduate")
def confirm_interview(request: Request, db: Session) -> Response:
    return _answer_interview(request, db, confirm=True)


@endpoint("graduate")
def decline_interview(request: Request, db: Session) -> Response:
    return _answer_interview(request, db, confirm=False)


@endpoint("graduate", "employer", "staff")
def interview_calendar(request: Request, db: Session) -> Response:
    """The interview's .ics, for its graduate and the employer's members (404 for others)."""
    party, context, interview = _interview(request, db)
    if party.side == "staff":
        raise not_found()
    try:
        content = interview_service.calendar_file(context, interview)
    except NotFound:
        raise not_found() from None
    return Response(
        content,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# -- offers and private notes ------------------------------------------------------------------


@endpoint("employer")
def make_offer(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    form = Form.of(request)
    terms = offer_service.Terms(
        job_title=form.text("job_title", max_length=200),
        start_date=form.date("start_date"),
        pay_rate=form.number("pay_rate", minimum=1, maximum=MAX_PAY),
        hours_per_week=form.integer("hours_per_week", minimum=1, maximum=80),
        employment_type=form.choice("employment_type", taxonomy.EMPLOYMENT_TYPES) or "",
        respond_by=form.date("respond_by"),
        note=form.text("note", required=False, max_length=offer_service.MAX_NOTE, multiline=True),
    )
    if form.ok:
        try:
            offer_service.make_offer(db, request.app.state.settings, context, party, terms)
        except DomainError as error:
            form.error(error.field or "offer", error.message)
        else:
            return RedirectResponse(
                _page_url(request, "employer", context.application.id or 0, "#offer"),
                status_code=303,
            )
    return _rerender(request, db, party, context, status_code=422, offer_form=form)


def _answer_offer(request: Request, db: Session, *, accept: bool) -> Response:
    party, context = _load(request, db)
    form = Form.of(request)
    reason = form.text(
        "reason", required=False, max_length=offer_service.MAX_NOTE * 2, multiline=True
    )
    settings = request.app.state.settings
    try:
        if accept:
            offer_service.accept(db, settings, context, party)
        else:
            offer_service.decline(db, settings, context, party, reason)
    except DomainError as error:
        form.error(error.field or "offer", error.message)
        status = 409 if isinstance(error, Conflict) else 422
        return _rerender(request, db, party, context, status_code=status, answer_form=form)
    return RedirectResponse(
        _page_url(request, "graduate", context.application.id or 0, "#offer"), status_code=303
    )


@endpoint("graduate")
def accept_offer(request: Request, db: Session) -> Response:
    return _answer_offer(request, db, accept=True)


@endpoint("graduate")
def decline_offer(request: Request, db: Session) -> Response:
    return _answer_offer(request, db, accept=False)


@endpoint("employer")
def add_note(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    form = Form.of(request)
    form.values["body"] = form.raw("body").replace("\r\n", "\n")
    rating = form.integer("rating", required=False, minimum=1, maximum=5)
    if form.ok:
        try:
            note_service.add_note(db, context, party, form.raw("body"), rating)
        except DomainError as error:
            form.error(error.field or "body", error.message)
        else:
            return RedirectResponse(
                _page_url(request, "employer", context.application.id or 0, "#notes"),
                status_code=303,
            )
    return _rerender(request, db, party, context, status_code=422, note_form=form)


@endpoint("staff")
def staff_application(request: Request, db: Session) -> Response:
    party, context = _load(request, db)
    return _staff_page(request, db, party, context)


public_routes: list[BaseRoute] = [
    Route(
        "/interviews/{interview_id:id}.ics",
        interview_calendar,
        methods=["GET"],
        name="interview_ics",
    ),
]
graduate_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}/offer/accept",
        accept_offer,
        methods=["POST"],
        name="offer_accept",
    ),
    Route(
        "/applications/{application_id:id}/offer/decline",
        decline_offer,
        methods=["POST"],
        name="offer_decline",
    ),
    Route("/interviews", my_interviews, methods=["GET"], name="interviews"),
    Route(
        "/interviews/{interview_id:id}/confirm",
        confirm_interview,
        methods=["POST"],
        name="interview_confirm",
    ),
    Route(
        "/interviews/{interview_id:id}/decline",
        decline_interview,
        methods=["POST"],
        name="interview_decline",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("graduate")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
employer_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}/offer",
        make_offer,
        methods=["POST"],
        name="application_offer",
    ),
    Route(
        "/applications/{application_id:id}/notes",
        add_note,
        methods=["POST"],
        name="application_notes",
    ),
    Route(
        "/applications/{application_id:id}/interviews",
        propose_interview,
        methods=["POST"],
        name="application_interviews",
    ),
    Route(
        "/interviews/{interview_id:id}/cancel",
        cancel_interview,
        methods=["POST"],
        name="interview_cancel",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("employer")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
staff_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}",
        staff_application,
        methods=["GET"],
        name="application",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("staff")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
