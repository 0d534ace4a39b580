"""Interviews: the employer proposes and cancels, the graduate answers on their interviews page,
and both parties download the calendar file."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from placement import localtime
from placement.services import Actor, Conflict, DomainError, NotFound
from placement.services import interviews as interview_service
from placement.services.conversation import Context
from placement.web.conversation.pages import _load, _page_url, _rerender
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.templating import render


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
