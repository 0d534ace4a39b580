"""Graduates for staff: the searchable list, a graduate's page (credentials, applications,
placements, outcome), the school's record of a graduate, verifying a graduate, the outcome
and the roster import."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, i18n, taxonomy
from placement.i18n import N_, gettext
from placement.models import Graduate
from placement.services import DomainError, NotFound, audit, placements, roster, staff_search
from placement.services import graduates as graduate_service
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import page_link, redirect, redirect_to, url
from placement.web.staff.common import back, page_of
from placement.web.templating import render

# Who sees a graduate's profile, as staff read it (the graduate's own form says "Only me").
VISIBILITY_LABELS = i18n.Labels(
    {
        "private": N_("Private"),
        "staff": N_("Career services only"),
        "employers": N_("Career services and employers"),
    }
)


def _graduate_filters(request: Request) -> tuple[staff_search.GraduateFilters, Form]:
    form = Form(request.query_params)
    q = form.text("q", required=False, max_length=200)
    modality = form.choice("modality", taxonomy.MODALITIES, required=False)
    credential = form.choice("credential", taxonomy.CREDENTIALS, required=False)
    cohort = form.integer("cohort", required=False, minimum=1900, maximum=2100)
    status = form.choice("status", taxonomy.OUTCOME_STATUSES, required=False)
    verified = form.choice("verified", ("yes", "no"), required=False)
    filters = staff_search.GraduateFilters(
        q="" if "q" in form.errors else q,
        modality=modality,
        cohort=cohort,
        credential=credential,
        status=status,
        verified=verified,
    )
    return filters, form


@endpoint("staff")
def graduates(request: Request, db: Session) -> Response:
    filters, form = _graduate_filters(request)
    page = staff_search.search_graduates(db, filters, page_of(request))
    return render(
        request,
        "staff/graduates.html",
        {
            "form": form,
            "page": page,
            "page_link": page_link(request),
            "outcome_statuses": taxonomy.OUTCOME_STATUS_LABELS,
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "visibility_labels": VISIBILITY_LABELS,
        },
        status_code=422 if form.errors else 200,
    )


def graduate_page(
    request: Request,
    db: Session,
    graduate_id: int,
    *,
    outcome_form: Form | None = None,
    placement_form: Form | None = None,
    verify_forms: dict[int, Form] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """A graduate's page, also re-rendered with the message of a refused action taken from it
    (a verification, an outcome, a placement)."""
    try:
        record = staff_search.graduate_record(db, graduate_id)
    except NotFound:
        raise not_found() from None
    graduate = record.graduate
    if outcome_form is None:
        outcome_form = Form()
        outcome_form.values.update(
            status=graduate.outcome_status,
            unavailable_reason=graduate.unavailable_reason or "",
            note=graduate.outcome_note,
        )
    return render(
        request,
        "staff/graduate.html",
        {
            "record": record,
            "graduate": graduate,
            "outcome_form": outcome_form,
            "placement_form": placement_form or Form(),
            "verify_forms": verify_forms or {},
            "error": error,
            "today": dates.today(),
            "here": url(request, "staff:graduate", id=graduate_id),
            "outcome_statuses": taxonomy.OUTCOME_STATUS_LABELS,
            "visibility_labels": VISIBILITY_LABELS,
            "describe": audit.describe,
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
        },
        status_code=status_code,
    )


@endpoint("staff")
def graduate(request: Request, db: Session) -> Response:
    return graduate_page(request, db, request.path_params["id"])


def _record_values(graduate: Graduate) -> dict[str, str]:
    return {
        "first_name": graduate.first_name,
        "last_name": graduate.last_name,
        "program": graduate.program,
        "graduation_date": graduate.graduation_date.isoformat() if graduate.graduation_date else "",
        "training_hours": str(graduate.training_hours),
        "clinical_hours": str(graduate.clinical_hours),
    }


@endpoint("staff")
def graduate_record(request: Request, db: Session) -> Response:
    """The school's record of a graduate (the roster fields): only staff change it."""
    graduate_id = request.path_params["id"]
    try:
        graduate = graduate_service.get_graduate(db, graduate_id)
    except NotFound:
        raise not_found() from None
    template = "staff/graduate_record.html"
    if request.method == "GET":
        form = Form()
        form.values = _record_values(graduate)
        return render(request, template, {"form": form, "graduate": graduate})
    form = Form.of(request)
    data = graduate_service.RecordInput(
        first_name=form.text("first_name", max_length=100),
        last_name=form.text("last_name", max_length=100),
        program=form.text("program", max_length=200),
        graduation_date=form.date("graduation_date") or date.min,
        training_hours=form.integer("training_hours", maximum=10_000) or 0,
        clinical_hours=form.integer("clinical_hours", maximum=10_000) or 0,
    )
    if form.ok:
        try:
            graduate_service.update_record(db, actor(request), graduate_id=graduate_id, data=data)
        except DomainError as error:
            form.error(error.field or "first_name", error.message)
        else:
            return redirect(request, "staff:graduate", id=graduate_id, notice="record_saved")
    return render(request, template, {"form": form, "graduate": graduate}, status_code=422)


@endpoint("staff")
def graduate_verify(request: Request, db: Session) -> Response:
    graduate_id = request.path_params["id"]
    form = Form.of(request)
    try:
        roster.verify_graduate(db, actor(request), graduate_id)
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return graduate_page(request, db, graduate_id, error=error.message, status_code=409)
    return redirect_to(back(form, url(request, "staff:graduate", id=graduate_id)), "verified")


@endpoint("staff")
def graduate_outcome(request: Request, db: Session) -> Response:
    graduate_id = request.path_params["id"]
    form = Form.of(request)
    status = form.choice("status", taxonomy.OUTCOME_STATUSES)
    reason = form.text("unavailable_reason", required=False, max_length=40)
    note = form.text("note", required=False, max_length=2000, multiline=True)
    if form.ok and status is not None:
        try:
            placements.set_outcome(
                db,
                actor(request),
                graduate_id=graduate_id,
                status=status,
                unavailable_reason=reason,
                note=note,
            )
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            form.error(error.field or "status", error.message)
    if not form.ok:
        return graduate_page(request, db, graduate_id, outcome_form=form, status_code=422)
    return redirect(request, "staff:graduate", id=graduate_id, notice="outcome")


# -- roster import --------------------------------------------------------------------------


@endpoint("staff")
def import_graduates(request: Request, db: Session) -> Response:
    template = "staff/import.html"
    context: dict[str, Any] = {"columns": roster.COLUMNS}
    if request.method == "GET":
        raw = request.query_params.get("result", "")
        past = roster.past_import(db, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if past is not None:
            context.update(result=past[0], error_count=past[1])
        return render(request, template, {"form": Form(), "result": None, **context})
    form = Form.of(request)
    skip = form.raw("skip_bad_rows") in ("1", "on", "yes", "true")
    form.values["skip_bad_rows"] = skip
    upload = form.upload("roster")
    if upload is None or not upload.filename:
        form.error("roster", gettext("Choose the roster CSV file to upload."))
        return render(request, template, {**context, "form": form, "result": None}, status_code=422)
    data = upload.file.read(request.app.state.settings.max_upload_bytes + 1)
    if len(data) > request.app.state.settings.max_upload_bytes:
        form.error("roster", gettext("The file is too large: split it into smaller files."))
        return render(request, template, {**context, "form": form, "result": None}, status_code=413)
    try:
        result = roster.import_roster(
            db,
            request.app.state.settings,
            data,
            skip_bad_rows=skip,
            actor=actor(request),
        )
    except DomainError as error:
        form.error("roster", error.message)
        return render(request, template, {**context, "form": form, "result": None}, status_code=409)
    if not result.imported:
        context.update(
            form=form, result=result, error_count=len(result.errors), filename=upload.filename
        )
        return render(request, template, context, status_code=422)
    # Post/redirect/get: the result page is read back from the import's audit event.
    return redirect(request, "staff:import_graduates", query={"result": result.event_id})


routes: list[BaseRoute] = [
    Route("/graduates", graduates, name="graduates"),
    Route("/graduates/{id:id}", graduate, name="graduate"),
    Route("/graduates/{id:id}/verify", graduate_verify, methods=["POST"], name="graduate_verify"),
    Route(
        "/graduates/{id:id}/record",
        graduate_record,
        methods=["GET", "POST"],
        name="graduate_record",
    ),
    Route(
        "/graduates/{id:id}/outcome", graduate_outcome, methods=["POST"], name="graduate_outcome"
    ),
    Route("/import/graduates", import_graduates, methods=["GET", "POST"], name="import_graduates"),
]
