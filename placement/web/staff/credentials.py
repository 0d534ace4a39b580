"""Credentials for staff: the verification queue (unverified or expiring), verifying one or a
selection at once, and the graduate's scan of a credential."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.services import DomainError, NotFound, staff_search
from placement.services import credentials as credential_service
from placement.web.forms import Form
from placement.web.graduates import credential_document_response
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import here, page_link, redirect_to, url
from placement.web.staff.common import back, page_of, refused_status
from placement.web.staff.graduates import graduate_page
from placement.web.templating import render


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
        status = refused_status(error)
        return graduate_page(
            request, db, credential.graduate_id, error=error.message, status_code=status
        )
    default = url(request, "staff:graduate", id=credential.graduate_id)
    return redirect_to(back(form, default), "verified")


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
            queue = url(request, "staff:credentials", query={"show": "unverified"})
            return redirect_to(back(form, queue), code, detail=str(len(result.verified)))
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
    page = staff_search.credentials_queue(db, which, page_of(request))
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


routes: list[BaseRoute] = [
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
]
