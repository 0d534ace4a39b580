"""Placements: record a graduate's job (from the list or the graduate's page) and verify it."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import taxonomy
from placement.i18n import gettext
from placement.models import Graduate, Placement
from placement.services import DomainError, NotFound, placements, staff_search
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import here, page_link, redirect, redirect_to, url
from placement.web.staff.common import back, page_of
from placement.web.staff.graduates import graduate_page
from placement.web.templating import render


def _placements_page(
    request: Request, db: Session, *, form: Form | None = None, status_code: int = 200
) -> Response:
    verified = request.query_params.get("verified")
    if verified not in ("yes", "no", "disputed"):
        verified = None
    page = staff_search.placement_rows(db, verified, page_of(request))
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
            form.error("graduate_id", gettext("There is no graduate with this number."))
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
        return graduate_page(request, db, graduate_id, placement_form=form, status_code=422)
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
        return graduate_page(
            request,
            db,
            current.graduate_id,
            verify_forms={placement_id: form},
            status_code=422,
        )
    default = url(request, "staff:graduate", id=graduate_id)
    return redirect_to(back(form, default), "placement_verified")


routes: list[BaseRoute] = [
    Route("/placements", placements_list, methods=["GET", "POST"], name="placements"),
    Route(
        "/placements/{id:id}/verify", placement_verify, methods=["POST"], name="placement_verify"
    ),
]
