"""The graduate's side (/me): dashboard, profile, credentials, résumé, applications,
referrals, notifications and privacy; and applying to a position (/positions/{id}/apply).

Every view loads the graduate's records through the graduate (services raise NotFound for
anyone else's id, answered 404 here exactly like a missing id).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.models import Graduate, GraduateCredential, Position, split_codes
from placement.services import Conflict, DomainError, NotFound, notifications
from placement.services import applications as application_service
from placement.services import conversation as conversation_service
from placement.services import credentials as credential_service
from placement.services import graduates as graduate_service
from placement.services import invitations as invitation_service
from placement.services import matching as matching_service
from placement.services import privacy as privacy_service
from placement.services import referrals as referral_service
from placement.services import resumes as resume_service
from placement.web import conversation
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import attachment, page_number, redirect
from placement.web.templating import render

PAGE_SIZE = 20
RECOMMENDED = 5  # eligible open positions on the dashboard, best first
LEVELS = ("0", "1", "2", "3")


def _graduate_id(request: Request) -> int:
    graduate_id = viewer(request).graduate_id
    if graduate_id is None:
        raise not_found()
    return graduate_id


def _graduate(request: Request, db: Session) -> Graduate:
    try:
        return graduate_service.get_graduate(db, _graduate_id(request))
    except NotFound:
        raise not_found() from None


# -- dashboard ---------------------------------------------------------------------------------


@endpoint("graduate")
def home(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    graduate_id = graduate.id or 0
    current = viewer(request)
    credentials = graduate_service.credentials_of(db, graduate_id)
    modalities = graduate_service.modalities_of(db, graduate_id)
    context: dict[str, Any] = {
        "graduate": graduate,
        "applications": application_service.applications_for_graduate(
            db, graduate_id, limit=PAGE_SIZE
        ),
        "application_count": application_service.count_for_graduate(db, graduate_id),
        "pending_referrals": referral_service.referrals_for_graduate(
            db, graduate_id, pending_only=True
        ),
        "warnings": graduate_service.credential_warnings(credentials),
        "completeness": graduate_service.completeness(graduate, modalities, credentials),
        "notifications": notifications.recent(db, current.user_id, limit=30),
        "recommended": matching_service.rank_positions(db, graduate_id, limit=RECOMMENDED),
        "openings": matching_service.what_would_open_more(db, graduate_id),
        "waiting_invitations": [
            row
            for row in invitation_service.invitations_for_graduate(db, graduate_id, limit=50)
            if row.pending and row.position_open
        ],
        "conversations": conversation.dashboard(db, actor(request)),
    }
    return render(request, "graduate/dashboard.html", context)


@endpoint("graduate")
def notifications_read(request: Request, db: Session) -> Response:
    notifications.mark_read(db, viewer(request).user_id)
    return redirect(request, "graduate_home", fragment="notifications")


# -- profile -----------------------------------------------------------------------------------


def _profile_form(graduate: Graduate, modalities: dict[str, int]) -> Form:
    """A form showing the stored profile (GET)."""
    form = Form()
    form.values.update(
        {
            "first_name": graduate.first_name,
            "last_name": graduate.last_name,
            "program": graduate.program,
            "graduation_date": graduate.graduation_date.isoformat()
            if graduate.graduation_date
            else "",
            "training_hours": str(graduate.training_hours),
            "clinical_hours": str(graduate.clinical_hours),
            "zip": graduate.zip or "",
            "travel_radius_miles": str(graduate.travel_radius_miles),
            "settings": split_codes(graduate.settings),
            "employment_types": split_codes(graduate.employment_types),
            "availability": split_codes(graduate.availability),
            "pay_expectation": (
                f"{graduate.pay_expectation:g}" if graduate.pay_expectation is not None else ""
            ),
            "bio": graduate.bio,
            "visibility": graduate.visibility,
            "seeking": graduate.seeking,
            "version": str(graduate.version),
        }
    )
    for code in taxonomy.MODALITIES:
        form.values[f"modality_{code}"] = str(modalities.get(code, 0))
    return form


def _read_profile(form: Form) -> tuple[graduate_service.ProfileInput, dict[str, int]]:
    first_name = form.text("first_name", max_length=100)
    last_name = form.text("last_name", max_length=100)
    program = form.text("program", max_length=200)
    graduation_date = form.date("graduation_date")
    training_hours = form.integer("training_hours", maximum=10_000)
    clinical_hours = form.integer("clinical_hours", maximum=10_000)
    zip_code = form.zip_code("zip", required=False)
    radius = form.integer("travel_radius_miles", minimum=1, maximum=500)
    settings = form.choices("settings", taxonomy.SETTINGS)
    employment_types = form.choices("employment_types", taxonomy.EMPLOYMENT_TYPES)
    availability = form.choices("availability", taxonomy.SLOTS, maximum=len(taxonomy.SLOTS))
    pay = form.number("pay_expectation", required=False, minimum=0, maximum=1000)
    bio = form.text("bio", required=False, max_length=4000, multiline=True)
    visibility = form.choice("visibility", taxonomy.VISIBILITIES)
    seeking = form.choice("seeking", taxonomy.SEEKING_STATUSES)
    modalities: dict[str, int] = {}
    for code in taxonomy.MODALITIES:
        name = f"modality_{code}"
        level = form.choice(name, LEVELS, required=False)
        if name not in form.errors and not form.values.get(name):
            form.values[name] = "0"
        modalities[code] = int(level) if level else 0
    data = graduate_service.ProfileInput(
        first_name=first_name,
        last_name=last_name,
        program=program,
        graduation_date=graduation_date,
        training_hours=training_hours or 0,
        clinical_hours=clinical_hours or 0,
        zip=zip_code,
        travel_radius_miles=radius or 25,
        settings=settings,
        employment_types=employment_types,
        availability=availability,
        pay_expectation=pay,
        bio=bio,
        visibility=visibility or "staff",
        seeking=seeking or "seeking",
    )
    return data, modalities


def _render_profile(
    request: Request,
    db: Session,
    graduate: Graduate,
    form: Form,
    *,
    status_code: int = 200,
    resume_error: str | None = None,
    conflict: str | None = None,
) -> Response:
    credentials = graduate_service.credentials_of(db, graduate.id or 0)
    context = {
        "graduate": graduate,
        "form": form,
        "modality_groups": graduate_service.MODALITY_GROUPS,
        "levels": graduate_service.PROFICIENCY_LABELS,
        "days": taxonomy.DAYS,
        "day_labels": taxonomy.DAY_LABELS,
        "parts": taxonomy.PARTS,
        "part_labels": taxonomy.PART_LABELS,
        "credentials": _credential_rows(credentials),
        "resume_error": resume_error,
        "conflict": conflict,
        "max_upload_mb": request.app.state.settings.max_upload_bytes / (1024 * 1024),
    }
    return render(request, "graduate/profile.html", context, status_code=status_code)


@endpoint("graduate")
def profile(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    graduate_id = graduate.id or 0
    if request.method == "GET":
        form = _profile_form(graduate, graduate_service.modalities_of(db, graduate_id))
        return _render_profile(request, db, graduate, form)
    form = Form.of(request)
    version = form.integer("version", minimum=1)
    data, modalities = _read_profile(form)
    if version is None:
        form.errors.pop("version", None)
        return _render_profile(
            request,
            db,
            graduate,
            _keep_version(form, graduate),
            status_code=409,
            conflict=gettext("This form is out of date. Check your entries below and save again."),
        )
    if not form.ok:
        return _render_profile(request, db, graduate, form, status_code=422)
    try:
        graduate_service.update_profile(
            db,
            graduate_id=graduate_id,
            actor=actor(request),
            version=version,
            data=data,
            modalities=modalities,
        )
    except Conflict:
        graduate = _graduate(request, db)
        return _render_profile(
            request,
            db,
            graduate,
            _keep_version(form, graduate),
            status_code=409,
            conflict=gettext(
                "Your profile was changed somewhere else (in another window, or by career "
                "services) after you opened this form, so nothing was saved. What you typed "
                "is still below: compare it with your current profile and save again."
            ),
        )
    except DomainError as error:
        form.error(error.field or "first_name", error.message)
        return _render_profile(request, db, graduate, form, status_code=422)
    return redirect(request, "graduate:profile", notice="profile_saved")


def _keep_version(form: Form, graduate: Graduate) -> Form:
    """The typed values with the current version, so a deliberate second save goes through."""
    form.values["version"] = str(graduate.version)
    return form


# -- credentials -------------------------------------------------------------------------------


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


# -- résumé ------------------------------------------------------------------------------------


def resume_response(request: Request, graduate: Graduate) -> Response:
    """The graduate's résumé as a PDF attachment (404 when there is none). The caller has
    already decided that the viewer may read it."""
    found = resume_service.read_resume(request.app.state.settings, graduate)
    if found is None:
        raise not_found()
    data, name = found
    return attachment(data, name, "application/pdf")


@endpoint("graduate")
def resume(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    if request.method == "GET":
        return resume_response(request, graduate)
    settings = request.app.state.settings
    form = Form.of(request)
    upload = form.upload("resume")
    error: str | None = None
    if upload is None or not upload.filename:
        error = gettext("Choose your résumé (a PDF file) to upload.")
    else:
        data = upload.file.read(settings.max_upload_bytes + 1)
        try:
            resume_service.store_resume(
                db,
                settings,
                graduate=graduate,
                actor=actor(request),
                data=data,
                filename=upload.filename,
            )
        except DomainError as problem:
            error = problem.message
    if error is not None:
        modalities = graduate_service.modalities_of(db, graduate.id or 0)
        return _render_profile(
            request,
            db,
            graduate,
            _profile_form(graduate, modalities),
            status_code=422,
            resume_error=error,
        )
    return redirect(request, "graduate:profile", notice="resume", fragment="resume")


# -- applications ------------------------------------------------------------------------------


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


# -- referrals ---------------------------------------------------------------------------------


def _render_referrals(
    request: Request,
    db: Session,
    *,
    status_code: int = 200,
    error: str | None = None,
    form: Form | None = None,
    form_for: int | None = None,
) -> Response:
    rows = referral_service.referrals_for_graduate(db, _graduate_id(request))
    return render(
        request,
        "graduate/referrals.html",
        {
            "referrals": rows,
            "error": error,
            "form": form or Form(),
            "form_for": form_for,
        },
        status_code=status_code,
    )


@endpoint("graduate")
def referral_list(request: Request, db: Session) -> Response:
    return _render_referrals(request, db)


@endpoint("graduate")
def referral_accept(request: Request, db: Session) -> Response:
    try:
        referral = referral_service.accept(
            db,
            request.app.state.settings,
            graduate_id=_graduate_id(request),
            actor=actor(request),
            referral_id=request.path_params["referral_id"],
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        return _render_referrals(request, db, status_code=409, error=error.message)
    return redirect(
        request,
        "graduate:application",
        application_id=referral.application_id,
        notice="accepted",
    )


@endpoint("graduate")
def referral_decline(request: Request, db: Session) -> Response:
    referral_id = request.path_params["referral_id"]
    graduate_id = _graduate_id(request)
    try:
        referral_service.referral_for_graduate(db, graduate_id, referral_id)
    except NotFound:
        raise not_found() from None
    form = Form.of(request)
    reason = form.text(
        "reason", required=False, max_length=referral_service.REASON_MAX, multiline=True
    )
    if not form.ok:
        return _render_referrals(request, db, status_code=422, form=form, form_for=referral_id)
    try:
        referral_service.decline(
            db,
            request.app.state.settings,
            graduate_id=graduate_id,
            actor=actor(request),
            referral_id=referral_id,
            reason=reason,
        )
    except DomainError as error:
        if error.field:
            form.error(error.field, error.message)
            return _render_referrals(request, db, status_code=422, form=form, form_for=referral_id)
        return _render_referrals(request, db, status_code=409, error=error.message)
    return redirect(request, "graduate:referrals", notice="declined")


# -- privacy -----------------------------------------------------------------------------------


@endpoint("graduate")
def privacy(request: Request, db: Session) -> Response:
    """GET: who sees what, export and deletion. POST: `invitations` on | off."""
    graduate = _graduate(request, db)
    if request.method == "GET":
        return render(request, "graduate/privacy.html", {"graduate": graduate, "form": Form()})
    form = Form.of(request)
    choice = form.choice("invitations", ("on", "off"))
    if choice is None:
        return render(
            request,
            "graduate/privacy.html",
            {"graduate": graduate, "form": form},
            status_code=422,
        )
    invitation_service.set_accepts_invitations(
        db, graduate_id=graduate.id or 0, actor=actor(request), on=choice == "on"
    )
    return redirect(request, "graduate:privacy", notice="privacy_saved")


@endpoint("graduate")
def export(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    document = privacy_service.export_graduate(
        db, graduate_id=graduate.id or 0, actor=actor(request)
    )
    name = f"placement-data-{dates.today().isoformat()}.json"
    return attachment(privacy_service.export_json(document), name, "application/json")


@endpoint("graduate")
def delete_account(request: Request, db: Session) -> Response:
    graduate = _graduate(request, db)
    form = Form.of(request)
    password = form.secret("password")
    if form.ok:
        try:
            privacy_service.delete_account(
                db,
                request.app.state.settings,
                request.app.state.passwords,
                actor=actor(request),
                password=password,
            )
        except DomainError as error:
            form.error(error.field or "password", error.message)
        except NotFound:
            raise not_found() from None
    if not form.ok:
        return render(
            request,
            "graduate/privacy.html",
            {"graduate": graduate, "form": form},
            status_code=422,
        )
    request.scope["session"].clear()
    return redirect(request, "home")


routes: list[BaseRoute] = [
    Route("/profile", profile, methods=["GET", "POST"], name="profile"),
    Route("/credentials", credentials, methods=["GET", "POST"], name="credentials"),
    Route(
        "/credentials/{credential_id:id}/edit",
        credential_edit,
        methods=["GET", "POST"],
        name="credential_edit",
    ),
    Route(
        "/credentials/{credential_id:id}/document",
        credential_document,
        methods=["GET", "POST"],
        name="credential_document",
    ),
    Route(
        "/credentials/{credential_id:id}/delete",
        credential_delete,
        methods=["POST"],
        name="credential_delete",
    ),
    Route("/resume", resume, methods=["GET", "POST"], name="resume"),
    Route("/applications", application_list, name="applications"),
    Route("/applications/{application_id:id}", application_detail, name="application"),
    Route(
        "/applications/{application_id:id}/withdraw",
        application_withdraw,
        methods=["POST"],
        name="application_withdraw",
    ),
    Route("/referrals", referral_list, name="referrals"),
    Route(
        "/referrals/{referral_id:id}/accept",
        referral_accept,
        methods=["POST"],
        name="referral_accept",
    ),
    Route(
        "/referrals/{referral_id:id}/decline",
        referral_decline,
        methods=["POST"],
        name="referral_decline",
    ),
    Route(
        "/notifications/read",
        notifications_read,
        methods=["POST"],
        name="notifications_read",
    ),
    Route("/privacy", privacy, methods=["GET", "POST"], name="privacy"),
    Route("/export", export, name="export"),
    Route("/delete", delete_account, methods=["POST"], name="delete"),
]

# Graduate actions that live under public URLs (POST /positions/{id}/apply).
public_routes: list[BaseRoute] = [
    Route("/positions/{position_id:id}/apply", apply, methods=["GET", "POST"], name="apply"),
]
