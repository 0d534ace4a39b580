"""Evidence of outcomes: a placement's page for staff (documents, verification requests),
the graduate survey for staff, and the two one-time link pages answered without signing in
(`/verify/placement/{token}`, `/survey/{token}`).

The link pages answer a wrong, used, replaced or expired token with one and the same page
(404), and count every visit per client address (services.outcome_links.check_link_limit:
429 with Retry-After beyond it).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.i18n import N_, Labels, gettext
from placement.models import Graduate, LinkPurpose, OutcomeLink, Placement, utcnow
from placement.services import (
    Conflict,
    DomainError,
    NotFound,
    duplicates,
    evidence,
    outcome_links,
)
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import attachment, client_address, redirect
from placement.web.templating import render

INVALID_TEMPLATE = "outcomes/link_invalid.html"


# -- staff: one placement -------------------------------------------------------------------


def _placement_page(
    request: Request,
    db: Session,
    placement_id: int,
    *,
    request_form: Form | None = None,
    evidence_error: str | None = None,
    status_code: int = 200,
) -> Response:
    placement = db.get(Placement, placement_id)
    if placement is None:
        raise not_found()
    graduate = db.get(Graduate, placement.graduate_id)
    if graduate is None:
        raise not_found()
    return render(
        request,
        "staff/placement.html",
        {
            "placement": placement,
            "graduate": graduate,
            "documents": evidence.documents_of(db, placement_id),
            "requests": outcome_links.links_of_placement(db, placement_id),
            "contacts": outcome_links.contacts_for(db, placement),
            "sustained": outcome_links.is_sustained(placement, dates.today()),
            "request_form": request_form or Form(),
            "evidence_error": evidence_error,
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
            "now": utcnow(),
        },
        status_code=status_code,
    )


@endpoint("staff")
def placement_detail(request: Request, db: Session) -> Response:
    return _placement_page(request, db, request.path_params["id"])


@endpoint("staff")
def placement_evidence(request: Request, db: Session) -> Response:
    """POST a document (PDF, JPEG or PNG, by content) to the placement's evidence."""
    placement_id = request.path_params["id"]
    settings = request.app.state.settings
    upload = Form.of(request).upload("document")
    if db.get(Placement, placement_id) is None:
        raise not_found()
    if upload is None or not upload.filename:
        error = gettext("Choose the document (PDF, JPEG or PNG) to upload.")
    else:
        try:
            evidence.store_evidence(
                db,
                settings,
                actor(request),
                placement_id=placement_id,
                data=upload.file.read(settings.max_upload_bytes + 1),
                filename=upload.filename,
            )
        except NotFound:
            raise not_found() from None
        except DomainError as problem:
            error = problem.message
        else:
            return redirect(request, "staff:placement", id=placement_id, notice="evidence")
    return _placement_page(request, db, placement_id, evidence_error=error, status_code=422)


@endpoint("staff")
def placement_evidence_file(request: Request, db: Session) -> Response:
    try:
        document = evidence.document_of(
            db, request.path_params["id"], request.path_params["document_id"]
        )
    except NotFound:
        raise not_found() from None
    found = evidence.read_evidence(request.app.state.settings, document)
    if found is None:
        raise not_found()
    data, name, media_type = found
    return attachment(data, name, media_type)


@endpoint("staff")
def request_verification(request: Request, db: Session) -> Response:
    placement_id = request.path_params["id"]
    form = Form.of(request)
    contact = form.text("contact_email", required=False, max_length=254)
    if form.ok:
        try:
            sent = outcome_links.request_verification(
                db,
                request.app.state.settings,
                actor(request),
                placement_id=placement_id,
                contact_email=contact,
            )
        except NotFound:
            raise not_found() from None
        except DomainError as error:
            form.error(error.field or "contact_email", error.message)
        else:
            return redirect(
                request,
                "staff:placement",
                id=placement_id,
                notice="verification_requested",
                detail=str(len(sent)),
            )
    if db.get(Placement, placement_id) is None:
        raise not_found()
    return _placement_page(request, db, placement_id, request_form=form, status_code=422)


# -- staff: surveys -------------------------------------------------------------------------


def _surveys_page(
    request: Request,
    db: Session,
    *,
    form: Form | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    from placement.services import reports

    return render(
        request,
        "staff/surveys.html",
        {
            "rows": outcome_links.survey_rows(db),
            "cohorts": reports.cohorts(db),
            "form": form or Form(),
            "error": error,
            "statuses": SURVEY_LABELS,
            "now": utcnow(),
        },
        status_code=status_code,
    )


SURVEY_LABELS = Labels(
    {
        "employed": N_("Employed"),
        "seeking": N_("Looking for work"),
        "continuing_education": N_("Continuing education"),
        "military": N_("Military service"),
        "not_seeking": N_("Not looking for work"),
    }
)


@endpoint("staff")
def surveys(request: Request, db: Session) -> Response:
    """GET: the survey links sent and their answers. POST `cohort`: survey every roster
    graduate of the cohort without a verified placement."""
    if request.method == "GET":
        return _surveys_page(request, db)
    form = Form.of(request)
    cohort = form.integer("cohort", minimum=1900, maximum=2100)
    if form.ok and cohort is not None:
        sent = outcome_links.request_cohort_survey(
            db, request.app.state.settings, actor(request), cohort=cohort
        )
        return redirect(request, "staff:surveys", notice="surveys_sent", detail=str(sent))
    return _surveys_page(request, db, form=form, status_code=422)


@endpoint("staff")
def request_survey(request: Request, db: Session) -> Response:
    graduate_id = request.path_params["id"]
    try:
        outcome_links.request_survey(
            db, request.app.state.settings, actor(request), graduate_id=graduate_id
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _surveys_page(request, db, error=error.message, status_code=422)
    return redirect(request, "staff:graduate", id=graduate_id, notice="survey_sent")


# -- staff: duplicates and merge ------------------------------------------------------------


def _duplicates_page(
    request: Request,
    db: Session,
    *,
    error: str | None = None,
    error_pair: tuple[int, int] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "staff/duplicates.html",
        {
            "pairs": duplicates.candidates(db),
            "error": error,
            "error_pair": error_pair,
            "limit": duplicates.MAX_PAIRS,
        },
        status_code=status_code,
    )


@endpoint("staff")
def duplicate_candidates(request: Request, db: Session) -> Response:
    """Pairs of records that look like one person, each with the merge in both directions."""
    return _duplicates_page(request, db)


@endpoint("staff")
def graduate_merge(request: Request, db: Session) -> Response:
    """POST `into` (the record to keep) and, for two roster records with different student
    ids, `confirm=yes`: this record merges into that one."""
    graduate_id = request.path_params["id"]
    form = Form.of(request)
    into = form.integer("into", minimum=1, maximum=2**31 - 1)
    confirmed = form.raw("confirm") in ("yes", "on", "1", "true")
    if into is None:
        return _duplicates_page(
            request, db, error=next(iter(form.errors.values()), None), status_code=422
        )
    try:
        duplicates.merge(
            db, actor(request), graduate_id=graduate_id, into=into, confirmed=confirmed
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _duplicates_page(
            request,
            db,
            error=error.message,
            error_pair=(min(graduate_id, into), max(graduate_id, into)),
            status_code=409 if isinstance(error, Conflict) else 422,
        )
    return redirect(request, "staff:graduate", id=into, notice="merged")


# -- the link pages (no sign-in) ------------------------------------------------------------


def _limited(request: Request, db: Session) -> Response | None:
    try:
        outcome_links.check_link_limit(db, client_address(request))
    except outcome_links.RateLimited as limited:
        response = render(
            request,
            "outcomes/link_limited.html",
            {"minutes": max(limited.retry_after // 60, 1)},
            status_code=429,
        )
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    return None


def _invalid(request: Request) -> Response:
    return render(request, INVALID_TEMPLATE, {}, status_code=404)


def _link(request: Request, db: Session, purpose: str) -> OutcomeLink | None:
    return outcome_links.find_link(db, str(request.path_params["token"]), purpose)


def _no_store(response: Response) -> Response:
    # A page behind a secret link: never kept by a shared cache or sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@endpoint()
def verify_placement(request: Request, db: Session) -> Response:
    limited = _limited(request, db)
    if limited is not None:
        return limited
    link = _link(request, db, LinkPurpose.VERIFICATION)
    if link is None:
        return _no_store(_invalid(request))
    context: dict[str, Any] = {"about": outcome_links.link_context(db, link)}
    template = "outcomes/verify_placement.html"
    if request.method == "GET":
        return _no_store(render(request, template, {**context, "form": Form()}))
    form = Form.of(request)
    confirmed = form.choice("confirmed", ("yes", "no"))
    answer = outcome_links.VerificationAnswer(
        confirmed=confirmed or "",
        job_title=form.text("job_title", required=False, max_length=200),
        start_date=form.date("start_date", required=False),
        hours_per_week=form.integer("hours_per_week", required=False, minimum=1, maximum=80),
        confirmer_name=form.text("confirmer_name", max_length=200),
    )
    if form.ok:
        try:
            outcome_links.answer_verification(db, link, answer, ip=client_address(request))
        except (NotFound, Conflict):
            return _no_store(_invalid(request))
        except DomainError as error:
            form.error(error.field or "confirmed", error.message)
        else:
            return _no_store(
                render(
                    request, "outcomes/thanks.html", {"kind": "verification", "answer": confirmed}
                )
            )
    return _no_store(render(request, template, {**context, "form": form}, status_code=422))


@endpoint()
def graduate_survey(request: Request, db: Session) -> Response:
    limited = _limited(request, db)
    if limited is not None:
        return limited
    link = _link(request, db, LinkPurpose.SURVEY)
    if link is None:
        return _no_store(_invalid(request))
    context: dict[str, Any] = {
        "about": outcome_links.link_context(db, link),
        "statuses": SURVEY_LABELS,
        "placement_fields": taxonomy.PLACEMENT_FIELDS,
    }
    template = "outcomes/survey.html"
    if request.method == "GET":
        return _no_store(render(request, template, {**context, "form": Form()}))
    form = Form.of(request)
    status = form.choice("status", outcome_links.SURVEY_STATUSES)
    employed = status == "employed"
    answer = outcome_links.SurveyAnswer(
        status=status or "",
        employer_name=form.text("employer_name", required=employed, max_length=200),
        job_title=form.text("job_title", required=employed, max_length=200),
        start_date=form.date("start_date", required=employed),
        hours_per_week=form.integer("hours_per_week", required=False, minimum=1, maximum=80),
        field=form.choice("field", taxonomy.PLACEMENT_FIELDS, required=employed),
    )
    if form.ok:
        try:
            outcome_links.answer_survey(db, link, answer, ip=client_address(request))
        except (NotFound, Conflict):
            return _no_store(_invalid(request))
        except DomainError as error:
            form.error(error.field or "status", error.message)
        else:
            return _no_store(
                render(request, "outcomes/thanks.html", {"kind": "survey", "answer": status})
            )
    return _no_store(render(request, template, {**context, "form": form}, status_code=422))


public_routes: list[BaseRoute] = [
    Route(
        "/verify/placement/{token}",
        verify_placement,
        methods=["GET", "POST"],
        name="verify_placement",
    ),
    Route("/survey/{token}", graduate_survey, methods=["GET", "POST"], name="graduate_survey"),
]

staff_routes: list[BaseRoute] = [
    Route("/graduates/duplicates", duplicate_candidates, name="graduate_duplicates"),
    Route("/graduates/{id:id}/merge", graduate_merge, methods=["POST"], name="graduate_merge"),
    Route("/placements/{id:id}", placement_detail, name="placement"),
    Route(
        "/placements/{id:id}/evidence",
        placement_evidence,
        methods=["POST"],
        name="placement_evidence",
    ),
    Route(
        "/placements/{id:id}/evidence/{document_id:id}",
        placement_evidence_file,
        name="placement_evidence_file",
    ),
    Route(
        "/placements/{id:id}/request-verification",
        request_verification,
        methods=["POST"],
        name="placement_request_verification",
    ),
    Route("/surveys", surveys, methods=["GET", "POST"], name="surveys"),
    Route(
        "/graduates/{id:id}/request-survey",
        request_survey,
        methods=["POST"],
        name="graduate_request_survey",
    ),
]
