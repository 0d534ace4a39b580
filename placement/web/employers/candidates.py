"""Candidates: a position's pipeline, an application's page, moving a candidate, the résumé."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import dates, taxonomy
from placement.models import Position
from placement.services import Conflict, DomainError, NotFound
from placement.services import conversation as conversation_service
from placement.services import pipeline as pipeline_service
from placement.web import conversation
from placement.web.employers.common import _employer_id
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import attachment, redirect
from placement.web.templating import render


def _pipeline_context(position: Position, candidates: list[Any]) -> dict[str, Any]:
    return {
        "position": position,
        "candidates": candidates,
        "stage_labels": taxonomy.STAGE_LABELS,
        "reasons": taxonomy.REJECTION_REASONS,
        "today": dates.today(),
    }


@endpoint("employer")
def candidates(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        position, rows = pipeline_service.candidates_for_position(
            db, _employer_id(current), request.path_params["position_id"]
        )
    except NotFound:
        raise not_found() from None
    context = _pipeline_context(position, rows)
    return render(request, "employer/candidates.html", context)


def _application_page(
    request: Request,
    db: Session,
    application_id: int,
    *,
    form: Form | None = None,
    status_code: int = 200,
    forms: dict[str, Any] | None = None,
) -> Response:
    current = viewer(request)
    try:
        application, position = pipeline_service.application_for_employer(
            db, current.employer_id, application_id
        )
        position, rows = pipeline_service.candidates_for_position(
            db, _employer_id(current), position.id or 0, application_id=application.id
        )
        party = actor(request)
        talk = conversation_service.application_for_party(db, party, application_id)
    except NotFound:
        raise not_found() from None
    context = _pipeline_context(position, rows)
    context.update(
        candidate=rows[0],
        form=form or Form(),
    )
    context.update(conversation.extra_panels(request, db, talk, party, forms or {}))
    return render(request, "employer/application.html", context, status_code=status_code)


@endpoint("employer")
def application_detail(request: Request, db: Session) -> Response:
    return _application_page(request, db, request.path_params["application_id"])


@endpoint("employer")
def move_stage(request: Request, db: Session) -> Response:
    current = viewer(request)
    application_id = request.path_params["application_id"]
    try:
        pipeline_service.application_for_employer(db, current.employer_id, application_id)
    except NotFound:
        raise not_found() from None
    form = Form.of(request)
    stage = form.choice("stage", taxonomy.APPLICATION_STAGES)
    note = form.text("note", required=False, max_length=pipeline_service.MAX_NOTE, multiline=True)
    reason = form.choice("reason", taxonomy.REJECTION_REASONS, required=False)
    seen = form.choice("from_stage", taxonomy.APPLICATION_STAGES, required=False)
    form.errors.pop("from_stage", None)
    if not form.ok or stage is None:
        return _application_page(request, db, application_id, form=form, status_code=422)
    try:
        result = pipeline_service.move_stage(
            db,
            request.app.state.settings,
            employer_id=_employer_id(current),
            actor=actor(request),
            application_id=application_id,
            to_stage=stage,
            note=note,
            reason=reason,
            expected_stage=seen,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        form.error(error.field or "stage", error.message)
        status = 409 if isinstance(error, Conflict) else 422
        return _application_page(request, db, application_id, form=form, status_code=status)
    notice, detail = ("filled", None) if result.filled else ("moved", stage)
    if form.raw("back") == "candidates":
        return redirect(
            request,
            "employer:candidates",
            position_id=result.position.id,
            notice=notice,
            detail=detail,
            fragment=f"application-{application_id}",
        )
    return redirect(
        request, "employer:application", application_id=application_id, notice=notice, detail=detail
    )


@endpoint("employer")
def resume(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        found = pipeline_service.resume_for_employer(
            db,
            request.app.state.settings,
            current.employer_id,
            request.path_params["application_id"],
        )
        content = found.path.read_bytes()
    except (NotFound, OSError):
        raise not_found() from None
    return attachment(content, found.download_name, "application/pdf")
