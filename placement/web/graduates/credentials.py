"""The graduate's credentials: list and add, edit, the document (download and replace), delete."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.models import GraduateCredential
from placement.services import Conflict, DomainError, NotFound
from placement.services import credentials as credential_service
from placement.services import graduates as graduate_service
from placement.web.forms import Form
from placement.web.graduates.common import _graduate, _graduate_id
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import attachment, redirect
from placement.web.templating import render


def _credential_rows(credentials: list[Any]) -> list[dict[str, Any]]:
    today = dates.today()
    return [
        {
            "credential": credential,
            "label": taxonomy.label(taxonomy.CREDENTIALS, credential.code),
            "status": graduate_service.credential_status(credential, today),
        }
        for credential in credentials
    ]


def _render_credentials(
    request: Request, db: Session, graduate_id: int, form: Form, *, status_code: int = 200
) -> Response:
    credentials = graduate_service.credentials_of(db, graduate_id)
    return render(
        request,
        "graduate/credentials.html",
        {
            "form": form,
            "credentials": _credential_rows(credentials),
            "states": graduate_service.US_STATES,
        },
        status_code=status_code,
    )


@endpoint("graduate")
def credentials(request: Request, db: Session) -> Response:
    graduate_id = _graduate(request, db).id or 0
    if request.method == "GET":
        return _render_credentials(request, db, graduate_id, Form())
    form = Form.of(request)
    code = form.choice("code", taxonomy.CREDENTIALS)
    data = _read_credential(form, code or "")
    # The date rules are the service's (graduates.check_credential), for adding and editing.
    if not form.ok or code is None:
        return _render_credentials(request, db, graduate_id, form, status_code=422)
    try:
        graduate_service.add_credential(
            db, graduate_id=graduate_id, actor=actor(request), data=data
        )
    except DomainError as error:
        form.error(error.field or "code", error.message)
        return _render_credentials(request, db, graduate_id, form, status_code=422)
    return redirect(request, "graduate:credentials")


def _read_credential(form: Form, code: str) -> graduate_service.CredentialInput:
    """The fields of the add and edit forms; their rules are the service's."""
    number = form.text("number", required=False, max_length=60)
    state_raw = form.text("state", required=code == "state_license", max_length=2).upper()
    form.values["state"] = state_raw
    if state_raw and "state" not in form.errors and state_raw not in graduate_service.US_STATES:
        form.error("state", gettext("Choose the US state that issued it (two letters, e.g. CA)."))
    return graduate_service.CredentialInput(
        code=code,
        number=number,
        state=state_raw or None,
        issued_on=form.date("issued_on"),
        expires_on=form.date("expires_on", required=False),
    )


def _credential_form(credential: GraduateCredential) -> Form:
    form = Form()
    form.values.update(
        {
            "number": credential.number,
            "state": credential.state or "",
            "issued_on": credential.issued_on.isoformat() if credential.issued_on else "",
            "expires_on": credential.expires_on.isoformat() if credential.expires_on else "",
            "version": str(credential.version),
        }
    )
    return form


def _render_credential_edit(
    request: Request,
    db: Session,
    credential: GraduateCredential,
    form: Form,
    *,
    status_code: int = 200,
    conflict: str | None = None,
    document_error: str | None = None,
) -> Response:
    history = credential_service.history_of(db, [credential.id or 0])
    return render(
        request,
        "graduate/credential_edit.html",
        {
            "form": form,
            "credential": credential,
            "label": taxonomy.label(taxonomy.CREDENTIALS, credential.code),
            "status": graduate_service.credential_status(credential),
            "history": history.get(credential.id or 0, []),
            "states": graduate_service.US_STATES,
            "conflict": conflict,
            "document_error": document_error,
            "max_upload_mb": request.app.state.settings.max_upload_bytes / (1024 * 1024),
        },
        status_code=status_code,
    )


def _my_credential(request: Request, db: Session) -> GraduateCredential:
    try:
        return graduate_service.credential_for_graduate(
            db, _graduate_id(request), request.path_params["credential_id"]
        )
    except NotFound:
        raise not_found() from None


@endpoint("graduate")
def credential_edit(request: Request, db: Session) -> Response:
    """Edit or renew a credential: the code stays; a new number, state or date renews it."""
    credential = _my_credential(request, db)
    if request.method == "GET":
        return _render_credential_edit(request, db, credential, _credential_form(credential))
    form = Form.of(request)
    posted_code = form.raw("code")
    if posted_code and posted_code != credential.code:
        form.error(
            "code",
            gettext("The kind of credential cannot change. Remove it and add the other."),
        )
    data = _read_credential(form, credential.code)
    version = form.integer("version", required=False, minimum=1)
    if not form.ok:
        return _render_credential_edit(request, db, credential, form, status_code=422)
    try:
        result = credential_service.edit_credential(
            db,
            graduate_id=credential.graduate_id,
            actor=actor(request),
            credential_id=credential.id or 0,
            data=data,
            version=version,
        )
    except Conflict as error:
        credential = _my_credential(request, db)
        form.values["version"] = str(credential.version)
        return _render_credential_edit(
            request, db, credential, form, status_code=409, conflict=error.message
        )
    except DomainError as error:
        form.error(error.field or "number", error.message)
        return _render_credential_edit(request, db, credential, form, status_code=422)
    done = "renewed" if result.renewed else "unchanged"
    return redirect(request, "graduate:credentials", notice=done)


def credential_document_response(request: Request, credential: GraduateCredential) -> Response:
    """The credential's scan as an attachment (404 when there is none). The caller has already
    decided that the viewer may read it (the graduate, or staff)."""
    found = credential_service.read_document(request.app.state.settings, credential)
    if found is None:
        raise not_found()
    data, name, media_type = found
    return attachment(data, name, media_type)


@endpoint("graduate")
def credential_document(request: Request, db: Session) -> Response:
    """GET: my scan of the card. POST: upload it (PDF, JPEG or PNG by content)."""
    credential = _my_credential(request, db)
    if request.method == "GET":
        return credential_document_response(request, credential)
    settings = request.app.state.settings
    upload = Form.of(request).upload("document")
    if upload is None or not upload.filename:
        error = gettext("Choose the scan or photo of the card (PDF, JPEG or PNG) to upload.")
    else:
        try:
            credential_service.store_document(
                db,
                settings,
                graduate_id=credential.graduate_id,
                actor=actor(request),
                credential_id=credential.id or 0,
                data=upload.file.read(settings.max_upload_bytes + 1),
                filename=upload.filename,
            )
        except DomainError as problem:
            error = problem.message
        else:
            return redirect(request, "graduate:credentials", notice="document")
    credential = _my_credential(request, db)
    return _render_credential_edit(
        request,
        db,
        credential,
        _credential_form(credential),
        status_code=422,
        document_error=error,
    )


@endpoint("graduate")
def credential_delete(request: Request, db: Session) -> Response:
    try:
        credential_service.remove_credential(
            db,
            request.app.state.settings,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            credential_id=request.path_params["credential_id"],
        )
    except NotFound:
        raise not_found() from None
    return redirect(request, "graduate:credentials")
