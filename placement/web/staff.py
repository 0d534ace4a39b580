"""Career services: work queues, reviews, graduates, roster import, referrals, placements,
the outcome report, the audit log and the staff's own API tokens.

Every view is `endpoint("staff")` (admins included). Views parse the input, call one service
function and redirect (303) or re-render the same page with messages (422, 409 for a race).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.models import Employer, Graduate, Placement, Position, ReferralStatus, User, utcnow
from placement.services import (
    Conflict,
    DomainError,
    NotFound,
    accreditors,
    api_tokens,
    audit,
    fraud,
    placements,
    referrals,
    reports,
    roster,
    staff_search,
)
from placement.services import credentials as credential_service
from placement.services import employers as employer_service
from placement.services import graduates as graduate_service
from placement.services import invitations as invitation_service
from placement.services import positions as position_service
from placement.services.approvals import (
    CHANGE_ACTIONS,
    PAST,
    review_employer,
    review_held_change,
    review_position,
)
from placement.web import conversation
from placement.web.auth import safe_next
from placement.web.forms import Form
from placement.web.graduates import credential_document_response
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import (
    attachment,
    here,
    page_link,
    page_number,
    redirect,
    redirect_to,
    url,
)
from placement.web.templating import render

PEOPLE_PER_PAGE = 200
MAX_PAGE = 100_000


def _back(form: Form, default: str) -> str:
    return safe_next(form.raw("next")) or default


def _page(request: Request) -> int:
    return page_number(request.query_params, MAX_PAGE)


# -- home -----------------------------------------------------------------------------------


@endpoint("staff")
def home(request: Request, db: Session) -> Response:
    counts = staff_search.queue_counts(db)
    conversations = conversation.dashboard(db, actor(request))
    return render(request, "staff/home.html", {"counts": counts, "conversations": conversations})


# -- reviews of organisations and positions -------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    """Organisations and positions are reviewed the same way: a list by status with the
    review signals beside each row, and actions that answer 303 back to the list, or
    re-render it with the message at the row (422, or 409 when another reviewer was first)."""

    name: str
    model: type[Employer] | type[Position]
    statuses: tuple[str, ...]
    default_status: str
    template: str
    rows: Callable[[Session, str, int], staff_search.Page]
    context: Callable[[Session, staff_search.Page], dict[str, Any]]
    review: Callable[..., object]
    id_argument: str
    after: Callable[[str], str]  # the action -> the status of the list to go back to


def _employer_context(db: Session, page: staff_search.Page) -> dict[str, Any]:
    employers = [row["Employer"] for row in page.rows]
    held = {e.id: employer_service.held_changes(e) for e in employers if e.held_changes}
    proposed = [employer_service.with_held_changes(e) for e in employers if e.id in held]
    return {
        "signals": fraud.employer_signals(db, employers),
        # Invitations to apply sent per organisation: a spam-blast signal.
        "invitation_counts": invitation_service.counts_by_employer(
            db, (employer.id for employer in employers)
        ),
        "held": held,
        # The review signals recomputed for the values the held change would bring.
        "held_signals": fraud.employer_signals(db, proposed),
    }


def _position_context(db: Session, page: staff_search.Page) -> dict[str, Any]:
    pairs = [(row["Position"], row["Employer"]) for row in page.rows]
    return {
        "pairs": pairs,
        "signals": fraud.position_signals(db, pairs),
        "changes": position_service.review_changes(db, [position for position, _ in pairs]),
    }


EMPLOYER_REVIEW = ReviewQueue(
    name="employer",
    model=Employer,
    statuses=(*taxonomy.EMPLOYER_STATUSES, staff_search.CHANGES),
    default_status="pending",
    template="staff/employers.html",
    rows=staff_search.employers_by_status,
    context=_employer_context,
    review=review_employer,
    id_argument="employer_id",
    after=lambda action: "approved" if action == "suspend" else "pending",
)
POSITION_REVIEW = ReviewQueue(
    name="position",
    model=Position,
    statuses=taxonomy.POSITION_STATUSES,
    default_status="pending_review",
    template="staff/positions.html",
    rows=staff_search.positions_by_status,
    context=_position_context,
    review=review_position,
    id_argument="position_id",
    after=lambda action: "pending_review",
)


def _review_page(
    request: Request,
    db: Session,
    queue: ReviewQueue,
    status: str,
    *,
    row_errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = queue.rows(db, status, _page(request))
    return render(
        request,
        queue.template,
        {
            "status": status,
            "statuses": queue.statuses,
            "page": page,
            **queue.context(db, page),
            "row_errors": row_errors or {},
            "error": next(iter((row_errors or {}).values()), None),
            "typed": typed or {},
            "here": here(request),
            "page_link": page_link(request),
        },
        status_code=status_code,
    )


def _review_list(queue: ReviewQueue) -> Callable[[Request], Response]:
    @endpoint("staff")
    def view(request: Request, db: Session) -> Response:
        status = request.query_params.get("status", queue.default_status)
        if status not in queue.statuses:
            status = queue.default_status
        return _review_page(request, db, queue, status)

    view.__name__ = f"{queue.name}_reviews"
    return view


def _review_action(queue: ReviewQueue, action: str) -> Callable[[Request], Response]:
    @endpoint("staff")
    def view(request: Request, db: Session) -> Response:
        object_id = request.path_params["id"]
        form = Form.of(request)
        reason = form.text("reason", required=False, max_length=2000, multiline=True)
        try:
            queue.review(
                db,
                request.app.state.settings,
                actor(request),
                action=action,
                reason=reason,
                **{queue.id_argument: object_id},
            )
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            current = db.get(queue.model, object_id)
            if current is None:
                raise not_found() from None
            return _review_page(
                request,
                db,
                queue,
                current.status,  # type: ignore[attr-defined]  # both queues' models have one
                row_errors={object_id: error.message},
                typed={object_id: reason},
                status_code=409 if isinstance(error, Conflict) else 422,
            )
        back = url(request, f"staff:{queue.name}s", query={"status": queue.after(action)})
        return redirect_to(_back(form, back), PAST[action])

    view.__name__ = f"{queue.name}_{action}"
    return view


def _change_action(action: str) -> Callable[[Request], Response]:
    """Approve or reject (with a reason) an approved organisation's held change of name,
    website or NPI; back to `?status=changes`, or that list again with the message at the row."""

    @endpoint("staff")
    def view(request: Request, db: Session) -> Response:
        employer_id = request.path_params["id"]
        form = Form.of(request)
        reason = form.text("reason", required=False, max_length=2000, multiline=True)
        try:
            review_held_change(
                db,
                request.app.state.settings,
                actor(request),
                employer_id=employer_id,
                action=action,
                reason=reason,
            )
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            return _review_page(
                request,
                db,
                EMPLOYER_REVIEW,
                staff_search.CHANGES,
                row_errors={employer_id: error.message},
                typed={employer_id: reason},
                status_code=409 if isinstance(error, Conflict) else 422,
            )
        back = url(request, "staff:employers", query={"status": staff_search.CHANGES})
        return redirect_to(_back(form, back), f"change_{PAST[action]}")

    view.__name__ = f"employer_change_{action}"
    return view


# -- graduates ------------------------------------------------------------------------------


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
    page = staff_search.search_graduates(db, filters, _page(request))
    return render(
        request,
        "staff/graduates.html",
        {
            "form": form,
            "page": page,
            "page_link": page_link(request),
            "outcome_statuses": taxonomy.OUTCOME_STATUSES,
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
        },
        status_code=422 if form.errors else 200,
    )


def _graduate_page(
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
            "outcome_statuses": [(s, s.capitalize()) for s in taxonomy.OUTCOME_STATUSES],
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
        },
        status_code=status_code,
    )


@endpoint("staff")
def graduate(request: Request, db: Session) -> Response:
    return _graduate_page(request, db, request.path_params["id"])


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
        return _graduate_page(request, db, graduate_id, error=error.message, status_code=409)
    return redirect_to(_back(form, url(request, "staff:graduate", id=graduate_id)), "verified")


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
        return _graduate_page(request, db, graduate_id, outcome_form=form, status_code=422)
    return redirect(request, "staff:graduate", id=graduate_id, notice="outcome")


def _verification(form: Form) -> tuple[str | None, str]:
    """`method` and `note` of a verification form; a form without a method (the form of the
    first release) verifies with `other`."""
    if not form.raw("method"):
        form.values["method"] = "other"
        method: str | None = "other"
    else:
        method = form.choice("method", taxonomy.CREDENTIAL_VERIFICATION_METHODS)
    note = form.text("note", required=False, max_length=credential_service.MAX_NOTE, multiline=True)
    return method, note


@endpoint("staff")
def credential_verify(request: Request, db: Session) -> Response:
    credential_id = request.path_params["id"]
    form = Form.of(request)
    method, note = _verification(form)
    try:
        credential = credential_service.staff_credential(db, credential_id)
    except NotFound:
        raise not_found() from None
    try:
        if not form.ok or method is None:
            raise DomainError(next(iter(form.errors.values())), "method")
        credential_service.verify_credential(
            db, actor(request), credential_id, method=method, note=note
        )
    except DomainError as error:
        status = 409 if isinstance(error, Conflict) else 422
        return _graduate_page(
            request, db, credential.graduate_id, error=error.message, status_code=status
        )
    back = url(request, "staff:graduate", id=credential.graduate_id)
    return redirect_to(_back(form, back), "verified")


@endpoint("staff")
def credentials_verify(request: Request, db: Session) -> Response:
    """Verify a selection of the queue at once: one method and note, one audit event each."""
    form = Form.of(request)
    method, note = _verification(form)
    ids = [int(raw) for raw in form.raw_list("credential_ids") if raw.isdigit() and len(raw) < 10]
    if len(ids) != len(form.raw_list("credential_ids")):
        raise not_found()
    error: str | None = next(iter(form.errors.values()), None)
    if error is None and method is not None:
        try:
            result = credential_service.verify_credentials(
                db, actor(request), ids, method=method, note=note
            )
        except NotFound:
            raise not_found() from None
        except DomainError as problem:
            error = problem.message
        else:
            code = "bulk_verified" if not result.already else "bulk_partly"
            back = _back(form, url(request, "staff:credentials", query={"show": "unverified"}))
            return redirect_to(back, code, detail=str(len(result.verified)))
    return _credentials_page(request, db, form=form, error=error, status_code=422)


@endpoint("staff")
def credential_document(request: Request, db: Session) -> Response:
    """A graduate's scan of a credential, for staff verifying it (an attachment)."""
    try:
        credential = credential_service.staff_credential(db, request.path_params["id"])
    except NotFound:
        raise not_found() from None
    return credential_document_response(request, credential)


@endpoint("staff")
def credentials(request: Request, db: Session) -> Response:
    return _credentials_page(request, db)


def _credentials_page(
    request: Request,
    db: Session,
    *,
    form: Form | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    which = request.query_params.get("show", "unverified")
    if which not in ("unverified", "expiring"):
        which = "unverified"
    page = staff_search.credentials_queue(db, which, _page(request))
    return render(
        request,
        "staff/credentials.html",
        {
            "which": which,
            "page": page,
            "page_link": page_link(request),
            "here": here(request),
            "today": dates.today(),
            "form": form or Form(),
            "error": error,
            "methods": taxonomy.CREDENTIAL_VERIFICATION_METHODS,
            "lookup": taxonomy.credential_lookup,
            "window": staff_search.EXPIRY_WINDOW_DAYS,
        },
        status_code=status_code,
    )


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
        form.error("roster", "Choose the roster CSV file to upload.")
        return render(request, template, {**context, "form": form, "result": None}, status_code=422)
    data = upload.file.read(request.app.state.settings.max_upload_bytes + 1)
    if len(data) > request.app.state.settings.max_upload_bytes:
        form.error("roster", "The file is too large: split it into smaller files.")
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


# -- referrals ------------------------------------------------------------------------------


def _referrals_page(
    request: Request, db: Session, *, form: Form | None = None, status_code: int = 200
) -> Response:
    status = request.query_params.get("status")
    if status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        status = None
    page = staff_search.referral_rows(db, status, _page(request))
    return render(
        request,
        "staff/referrals.html",
        {
            "status": status,
            "page": page,
            "page_link": page_link(request),
            "form": form or Form(),
        },
        status_code=status_code,
    )


@endpoint("staff")
def referrals_list(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _referrals_page(request, db)
    form = Form.of(request)
    position_id = form.integer("position_id", minimum=1, maximum=2**31 - 1)
    graduate_id = form.integer("graduate_id", minimum=1, maximum=2**31 - 1)
    note = form.text("note", required=False, max_length=4000, multiline=True)
    next_path = safe_next(form.raw("next"))
    form.values["next"] = next_path or ""
    if form.ok and graduate_id is not None and position_id is not None:
        try:
            referral, created = referrals.refer(
                db,
                request.app.state.settings,
                actor=actor(request),
                position_id=position_id,
                graduate_id=graduate_id,
                note=note,
            )
        except NotFound:
            form.error("position_id", "There is no such position.")
        except DomainError as error:
            form.error(error.field or "position_id", error.message)
        else:
            if not created:
                return redirect(
                    request, "staff:referral", id=referral.id, notice="already_referred"
                )
            return redirect_to(next_path or url(request, "staff:referrals"), "referred")
    return _referrals_page(request, db, form=form, status_code=422)


@endpoint("staff")
def referral_detail(request: Request, db: Session) -> Response:
    referral_id = request.path_params["id"]
    row = staff_search.referral_row(db, referral_id)
    if row is None:
        raise not_found()
    return render(request, "staff/referral.html", {"row": row})


# -- placements -----------------------------------------------------------------------------


def _placements_page(
    request: Request, db: Session, *, form: Form | None = None, status_code: int = 200
) -> Response:
    verified = request.query_params.get("verified")
    if verified not in ("yes", "no", "disputed"):
        verified = None
    page = staff_search.placement_rows(db, verified, _page(request))
    return render(
        request,
        "staff/placements.html",
        {
            "verified": verified,
            "page": page,
            "page_link": page_link(request),
            "form": form or Form(),
            "here": here(request),
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
        },
        status_code=status_code,
    )


@endpoint("staff")
def placements_list(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _placements_page(request, db)
    form = Form.of(request)
    graduate_id = form.integer("graduate_id", minimum=1, maximum=2**31 - 1)
    employer_name = form.text("employer_name", max_length=200)
    position_id = form.integer("position_id", required=False, minimum=1, maximum=2**31 - 1)
    job_title = form.text("job_title", max_length=200)
    start_date = form.date("start_date")
    hours = form.integer("hours_per_week", required=False, minimum=1, maximum=80)
    field = form.choice("field", taxonomy.PLACEMENT_FIELDS)
    from_graduate = form.raw("from") == "graduate"
    form.values["from"] = "graduate" if from_graduate else ""
    if form.ok and graduate_id is not None and field is not None:
        try:
            placement, created = placements.record_placement(
                db,
                actor(request),
                graduate_id=graduate_id,
                employer_name=employer_name,
                position_id=position_id,
                job_title=job_title,
                start_date=start_date,
                hours_per_week=hours,
                field=field,
            )
        except NotFound:
            form.error("graduate_id", "There is no graduate with this number.")
        except DomainError as error:
            form.error(error.field or "graduate_id", error.message)
        else:
            return redirect(
                request,
                "staff:graduate",
                id=placement.graduate_id,
                notice="placed" if created else "already_placed",
            )
    if from_graduate and graduate_id is not None and db.get(Graduate, graduate_id) is not None:
        return _graduate_page(request, db, graduate_id, placement_form=form, status_code=422)
    return _placements_page(request, db, form=form, status_code=422)


@endpoint("staff")
def placement_verify(request: Request, db: Session) -> Response:
    placement_id = request.path_params["id"]
    form = Form.of(request)
    method = form.choice("method", taxonomy.VERIFICATION_METHODS)
    note = form.text("note", required=False, max_length=2000, multiline=True)
    graduate_id: int | None = None
    if form.ok and method is not None:
        try:
            placement = placements.verify_placement(
                db, actor(request), placement_id=placement_id, method=method, note=note
            )
            graduate_id = placement.graduate_id
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            form.error(error.field or "method", error.message)
    if not form.ok or graduate_id is None:
        current = db.get(Placement, placement_id)
        if current is None:
            raise not_found() from None
        return _graduate_page(
            request,
            db,
            current.graduate_id,
            verify_forms={placement_id: form},
            status_code=422,
        )
    back = url(request, "staff:graduate", id=graduate_id)
    return redirect_to(_back(form, back), "placement_verified")


# -- the outcome report ---------------------------------------------------------------------


def _cohort_param(request: Request) -> tuple[int | None, str | None]:
    raw = request.query_params.get("cohort", "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return int(raw), None
    return None, "Enter a cohort as a graduation year, e.g. 2025."


def _year_param(request: Request, name: str, what: str) -> tuple[int | None, str | None]:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return int(raw), None
    return None, f"Enter {what}, e.g. 2025."


@dataclass(frozen=True)
class ReportParams:
    """`cohort`, `period`, `accreditor` and `format` of the report and its drill-downs."""

    cohort: int | None
    period: int | None
    accreditor: str
    fmt: str
    problem: str | None

    @property
    def label(self) -> str:
        return f"period {self.period}" if self.period else f"cohort {self.cohort or 'all'}"

    def query(self) -> dict[str, Any]:
        return {
            **({"cohort": self.cohort} if self.cohort else {}),
            **({"period": self.period} if self.period else {}),
            "accreditor": self.accreditor,
        }


def _report_params(request: Request) -> ReportParams:
    """The report's parameters; both a cohort and a period answer 400 (HTTPException)."""
    cohort, problem = _cohort_param(request)
    period, period_problem = _year_param(
        request, "period", "a period as its closing year (July 1 – June 30)"
    )
    problem = problem or period_problem
    if cohort is not None and period is not None:
        raise HTTPException(400, "Choose a cohort or a period, not both.")
    settings = request.app.state.settings
    accreditor = request.query_params.get("accreditor", "") or settings.accreditor
    if accreditor not in accreditors.PROFILES:
        problem = problem or "The accreditor is one of " + ", ".join(accreditors.PROFILES) + "."
        accreditor = settings.accreditor
    fmt = request.query_params.get("format", "html")
    if fmt not in ("html", "csv"):
        problem = problem or "The format is html or csv."
        fmt = "html"
    if problem:
        cohort = period = None
    return ReportParams(cohort, period, accreditor, fmt, problem)


def _exported(request: Request, db: Session, detail: str) -> None:
    audit.record(
        db,
        "report.exported",
        actor=actor(request),
        object_type="report",
        detail=detail,
    )


def _people_link(request: Request, params: ReportParams) -> Callable[[int, str], str]:
    """The drill-down of one figure: a row's cohort (or period) and column, same profile."""

    def link(group: int, column: str) -> str:
        by = "period" if params.period else "cohort"
        query = {by: group, "accreditor": params.accreditor, "column": column}
        return url(request, "staff:outcomes_people", query=query)

    return link


@endpoint("staff")
def outcomes_report(request: Request, db: Session) -> Response:
    params = _report_params(request)
    problem, period, accreditor = params.problem, params.period, params.accreditor
    result = accreditors.outcomes(db, accreditor, cohort=params.cohort, period=period)
    rows = [] if problem else list(result.rows)
    label = params.label
    if params.fmt == "csv" and not problem:
        _exported(request, db, f"outcomes CSV ({accreditor}), {label}")
        return attachment(
            accreditors.render(result, "csv", period=period is not None),
            f"placement-outcomes-{accreditor}-{label.replace(' ', '-')}.csv",
            "text/csv; charset=utf-8",
        )
    query = params.query()
    return render(
        request,
        "staff/outcomes.html",
        {
            "rows": rows,
            "cohort": params.cohort,
            "period": period,
            "cohorts": reports.cohorts(db),
            "problem": problem,
            "profile": result.profile,
            "profiles": accreditors.PROFILES,
            "disallowed": [] if problem else result.disallowed,
            "chart": reports.chart([row for row in rows if isinstance(row, reports.OutcomeRow)]),
            "columns": result.columns,
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "today": dates.today(),
            "people_link": _people_link(request, params),
            "csv_link": url(request, "staff:outcomes_report", query={**query, "format": "csv"}),
            "disallowed_csv": url(
                request,
                "staff:outcomes_people",
                query={**query, "column": "disallowed", "format": "csv"},
            ),
        },
        status_code=422 if problem else 200,
    )


@endpoint("staff")
def outcomes_people(request: Request, db: Session) -> Response:
    """The graduates behind one figure, counted as the report counts them (the same
    accreditor and cohort or period); `format=csv` downloads the whole list."""
    params = _report_params(request)
    column = request.query_params.get("column", "")
    columns = accreditors.people_columns(params.accreditor)
    context: dict[str, Any] = {
        "cohort": params.cohort,
        "period": params.period,
        "column": column,
        "accreditor": params.accreditor,
        "profile": accreditors.PROFILES[params.accreditor],
        "report_link": url(request, "staff:outcomes_report", query=params.query()),
    }
    if params.problem or column not in columns:
        return render(
            request,
            "staff/outcome_people.html",
            {
                **context,
                "problem": params.problem or "Choose a figure of the report.",
                "people": [],
                "title": "Outcome report",
            },
            status_code=422,
        )
    everyone = accreditors.people(
        db, params.accreditor, column, cohort=params.cohort, period=params.period
    )
    if params.fmt == "csv":
        _exported(
            request, db, f"outcomes people CSV ({params.accreditor}), {column}, {params.label}"
        )
        return attachment(
            accreditors.people_csv(everyone, period=params.period is not None),
            f"placement-outcomes-{params.accreditor}-{column}-{params.label.replace(' ', '-')}.csv",
            "text/csv; charset=utf-8",
        )
    number = _page(request)
    page = staff_search.Page(
        rows=everyone[(number - 1) * PEOPLE_PER_PAGE : number * PEOPLE_PER_PAGE],
        total=len(everyone),
        page=number,
        per_page=PEOPLE_PER_PAGE,
    )
    return render(
        request,
        "staff/outcome_people.html",
        {
            **context,
            "problem": None,
            "people": page.rows,
            "page": page,
            "page_link": page_link(request),
            "title": columns[column],
            "csv_link": url(
                request,
                "staff:outcomes_people",
                query={**params.query(), "column": column, "format": "csv"},
            ),
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
        },
    )


# -- the audit log --------------------------------------------------------------------------


@endpoint("staff")
def audit_log(request: Request, db: Session) -> Response:
    form = Form(request.query_params)
    action = form.text("action", required=False, max_length=64)
    actor_text = form.text("actor", required=False, max_length=254)
    object_type = form.text("object_type", required=False, max_length=32)
    object_id = form.integer("object_id", required=False, minimum=0, maximum=2**31 - 1)
    since = form.date("since", required=False)
    until = form.date("until", required=False)
    if since and until and until < since:
        form.error("until", "The end date is before the start date.")
    filters = staff_search.AuditFilters(
        action="" if "action" in form.errors else action,
        actor="" if "actor" in form.errors else actor_text,
        object_type="" if "object_type" in form.errors else object_type,
        object_id=object_id,
        since=since,
        until=until if "until" not in form.errors else None,
    )
    fmt = request.query_params.get("format", "html")
    if fmt == "csv" and not form.errors:
        audit.record(
            db,
            "audit.exported",
            actor=actor(request),
            object_type="audit",
            detail="audit log CSV",
        )
        return attachment(
            audit.export_csv(staff_search.audit_export(db, filters)),
            f"audit-log-{dates.today().isoformat()}.csv",
            "text/csv; charset=utf-8",
        )
    page = staff_search.audit_rows(db, filters, _page(request))
    return render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "page": page,
            "page_link": page_link(request),
            "actions": staff_search.audit_actions(db),
            "object_types": staff_search.audit_object_types(db),
            "pretty": _pretty_json,
            "csv_link": url(
                request,
                "staff:audit",
                query=[
                    *((k, v) for k, v in request.query_params.multi_items() if k != "page"),
                    ("format", "csv"),
                ],
            ),
        },
        status_code=422 if form.errors or fmt not in ("html", "csv") else 200,
    )


def _pretty_json(text: str | None) -> str:
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_short(item)}" for key, item in value.items())
    return _short(value)


def _short(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


# -- the staff's own API tokens -------------------------------------------------------------


def _tokens_page(
    request: Request,
    db: Session,
    *,
    form: Form | None = None,
    raw: str | None = None,
    status_code: int = 200,
) -> Response:
    tokens = api_tokens.tokens_of(db, viewer(request).user_id)
    response = render(
        request,
        "staff/tokens.html",
        {
            "tokens": tokens,
            "form": form or Form(),
            "raw": raw,
            "now": utcnow(),
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@endpoint("staff")
def tokens(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _tokens_page(request, db)
    form = Form.of(request)
    name = form.text("name", max_length=100)
    days = form.integer(
        "expires_in_days",
        minimum=1,
        maximum=api_tokens.EXPIRES_IN_DAYS_MAX,
        default=api_tokens.EXPIRES_IN_DAYS_DEFAULT,
    )
    user = db.get(User, viewer(request).user_id)
    if user is None:
        raise not_found()
    if form.ok and days is not None:
        try:
            _token, raw = api_tokens.create_token(db, user, name, expires_in_days=days)
        except DomainError as error:
            form.error(error.field or "name", error.message)
        else:
            # Shown once, in this answer, and never stored anywhere readable.
            return _tokens_page(request, db, form=Form(), raw=raw)
    return _tokens_page(request, db, form=form, status_code=422)


@endpoint("staff")
def token_revoke(request: Request, db: Session) -> Response:
    token_id = request.path_params["id"]
    user = db.get(User, viewer(request).user_id)
    if user is None:
        raise not_found()
    try:
        api_tokens.revoke_token(db, user, token_id)
    except NotFound:
        raise not_found() from None
    return redirect(request, "staff:tokens", notice="revoked")


routes: list[BaseRoute] = [
    Route("/employers", _review_list(EMPLOYER_REVIEW), name="employers"),
    Route("/positions", _review_list(POSITION_REVIEW), name="positions"),
    *(
        Route(
            f"/{queue.name}s/{{id:id}}/{action}",
            _review_action(queue, action),
            methods=["POST"],
            name=f"{queue.name}_{action}",
        )
        for queue, actions in (
            (EMPLOYER_REVIEW, ("approve", "reject", "suspend")),
            (POSITION_REVIEW, ("approve", "reject")),
        )
        for action in actions
    ),
    *(
        Route(
            f"/employers/{{id:id}}/changes/{action}",
            _change_action(action),
            methods=["POST"],
            name=f"employer_change_{action}",
        )
        for action in CHANGE_ACTIONS
    ),
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
    Route("/credentials", credentials, name="credentials"),
    Route(
        "/credentials/verify",
        credentials_verify,
        methods=["POST"],
        name="credentials_verify",
    ),
    Route("/credentials/{id:id}/document", credential_document, name="credential_document"),
    Route(
        "/credentials/{id:id}/verify",
        credential_verify,
        methods=["POST"],
        name="credential_verify",
    ),
    Route("/import/graduates", import_graduates, methods=["GET", "POST"], name="import_graduates"),
    Route("/referrals", referrals_list, methods=["GET", "POST"], name="referrals"),
    Route("/referrals/{id:id}", referral_detail, name="referral"),
    Route("/placements", placements_list, methods=["GET", "POST"], name="placements"),
    Route(
        "/placements/{id:id}/verify", placement_verify, methods=["POST"], name="placement_verify"
    ),
    Route("/reports/outcomes", outcomes_report, name="outcomes_report"),
    Route("/reports/outcomes/people", outcomes_people, name="outcomes_people"),
    Route("/audit", audit_log, name="audit"),
    Route("/account/tokens", tokens, methods=["GET", "POST"], name="tokens"),
    Route("/account/tokens/{id:id}/revoke", token_revoke, methods=["POST"], name="token_revoke"),
]
