"""The graduate's profile and résumé (the résumé's upload refusals show on the profile page)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import taxonomy
from placement.i18n import gettext
from placement.models import Graduate, split_codes
from placement.services import Conflict, DomainError
from placement.services import graduates as graduate_service
from placement.services import resumes as resume_service
from placement.web.forms import Form
from placement.web.graduates.common import _graduate
from placement.web.graduates.credentials import _credential_rows
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import attachment, redirect
from placement.web.templating import render

LEVELS = ("0", "1", "2", "3")


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
