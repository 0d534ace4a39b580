"""Offers (the employer makes one, the graduate accepts or declines) and the employer's private
notes."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from placement import taxonomy
from placement.services import Conflict, DomainError
from placement.services import notes as note_service
from placement.services import offers as offer_service
from placement.services.positions import MAX_PAY
from placement.web.conversation.pages import _load, _page_url, _rerender
from placement.web.forms import Form
from placement.web.guards import endpoint


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
