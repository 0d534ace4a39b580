"""The organisation's own details."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import taxonomy
from placement.i18n import gettext
from placement.services import DomainError, NotFound
from placement.services import employers as employer_service
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import redirect
from placement.web.templating import render

PHONE_CHARACTERS = set("0123456789 +-().")


def _organization_values(employer: Any) -> dict[str, Any]:
    return {
        "name": employer.name,
        "kind": employer.kind,
        "zip": employer.zip,
        "website": employer.website,
        "phone": employer.phone,
        "npi": employer.npi or "",
    }


@endpoint("employer")
def organization(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        employer = employer_service.employer_of(db, current.employer_id)
    except NotFound:
        raise not_found() from None
    template = "employer/organization.html"
    held = employer_service.held_changes(employer)
    if request.method == "GET":
        form = Form()
        # The form shows what the organisation asked for; the notice above it, what is shown.
        form.values = _organization_values(employer_service.with_held_changes(employer))
        return render(request, template, {"form": form, "employer": employer, "held": held})
    form = Form.of(request)
    name = form.text("name", max_length=200)
    kind = form.choice("kind", taxonomy.SETTINGS)
    zip_code = form.zip_code("zip")
    website = form.url("website")
    phone = form.text("phone", required=False, max_length=32)
    if phone and "phone" not in form.errors and not set(phone) <= PHONE_CHARACTERS:
        form.error(
            "phone", gettext("Use digits, spaces and + - ( ) only, for example (562) 555-0100.")
        )
    npi = form.text("npi", required=False, max_length=10)
    context = {"form": form, "employer": employer, "held": held}
    if not form.ok or kind is None or zip_code is None:
        return render(request, template, context, status_code=422)
    try:
        saved = employer_service.update_organization(
            db,
            employer_id=employer.id or 0,
            actor=actor(request),
            data=employer_service.OrganizationInput(
                name=name, kind=kind, zip=zip_code, website=website, phone=phone, npi=npi or None
            ),
        )
    except DomainError as error:
        form.error(error.field or "name", error.message)
        return render(request, template, context, status_code=422)
    held_now = bool(employer_service.held_changes(saved))
    notice = "organization_held" if held_now else "organization_saved"
    return redirect(request, "employer:organization", notice=notice)
