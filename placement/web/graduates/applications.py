"""The graduate's applications (list, page, withdraw) and applying to a position under its public
URL (/positions/{id}/apply)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement.models import Position
from placement.services import DomainError, NotFound
from placement.services import applications as application_service
from placement.services import conversation as conversation_service
from placement.web import conversation
from placement.web.forms import Form
from placement.web.graduates.common import PAGE_SIZE, _graduate, _graduate_id
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import page_number, redirect
from placement.web.templating import render


@endpoint("graduate")
def application_list(request: Request, db: Session) -> Response:
    graduate_id = _graduate_id(request)
    page = page_number(request.query_params)
    total = application_service.count_for_graduate(db, graduate_id)
    rows = application_service.applications_for_graduate(
        db, graduate_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "graduate/applications.html",
        {
            "applications": rows,
            "page": page,
            "total": total,
            "has_next": page * PAGE_SIZE < total,
        },
    )


def _render_application(
    request: Request,
    db: Session,
    application_id: int,
    *,
    error: str | None = None,
    status_code: int | None = None,
    forms: dict[str, Any] | None = None,
) -> Response:
    try:
        detail = application_service.application_detail(db, _graduate_id(request), application_id)
        party = actor(request)
        talk = conversation_service.application_for_party(db, party, application_id)
    except NotFound:
        raise not_found() from None
    context = {"detail": detail, "error": error}
    context.update(conversation.extra_panels(request, db, talk, party, forms or {}))
    return render(
        request,
        "graduate/application.html",
        context,
        status_code=status_code or (409 if error else 200),
    )


@endpoint("graduate")
def application_detail(request: Request, db: Session) -> Response:
    return _render_application(request, db, request.path_params["application_id"])


@endpoint("graduate")
def application_withdraw(request: Request, db: Session) -> Response:
    application_id = request.path_params["application_id"]
    try:
        application_service.withdraw(
            db,
            request.app.state.settings,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            application_id=application_id,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _render_application(request, db, application_id, error=error.message)
    return redirect(
        request, "graduate:application", application_id=application_id, notice="withdrawn"
    )


# -- applying (public URL) ---------------------------------------------------------------------


def _public_position_or_404(db: Session, position_id: int) -> Position:
    try:
        return application_service.public_position(db, position_id)
    except NotFound:
        raise not_found() from None


@endpoint("graduate")
def apply(request: Request, db: Session) -> Response:
    position_id = request.path_params["position_id"]
    graduate_id = _graduate(request, db).id or 0
    existing = application_service.existing_application(db, position_id, graduate_id)
    if existing is not None:
        return redirect(request, "graduate:application", application_id=existing)
    position = _public_position_or_404(db, position_id)
    if request.method == "GET":
        return _render_apply(request, db, position, Form())
    form = Form.of(request)
    cover_note = form.text(
        "cover_note",
        required=False,
        max_length=application_service.COVER_NOTE_MAX,
        multiline=True,
    )
    if not form.ok:
        return _render_apply(request, db, position, form, status_code=422)
    try:
        application, _created = application_service.apply(
            db,
            request.app.state.settings,
            graduate_id=graduate_id,
            actor=actor(request),
            position_id=position_id,
            cover_note=cover_note,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        form.error(error.field or "cover_note", error.message)
        return _render_apply(request, db, position, form, status_code=422)
    return redirect(
        request, "graduate:application", application_id=application.id, notice="applied"
    )


def _render_apply(
    request: Request, db: Session, position: Position, form: Form, *, status_code: int = 200
) -> Response:
    return render(
        request,
        "graduate/apply.html",
        {
            "position": position,
            "employer_name": application_service.employer_name(db, position.employer_id),
            "form": form,
        },
        status_code=status_code,
    )
