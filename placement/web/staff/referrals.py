"""Referrals: staff recommend a graduate for a position and follow the answer."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement.i18n import gettext
from placement.models import ReferralStatus
from placement.services import DomainError, NotFound, referrals, staff_search
from placement.web.auth import safe_next
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import page_link, redirect, redirect_to, url
from placement.web.staff.common import page_of
from placement.web.templating import render


def _referrals_page(
    request: Request, db: Session, *, form: Form | None = None, status_code: int = 200
) -> Response:
    status = request.query_params.get("status")
    if status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        status = None
    page = staff_search.referral_rows(db, status, page_of(request))
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
            form.error("position_id", gettext("There is no such position."))
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


routes: list[BaseRoute] = [
    Route("/referrals", referrals_list, methods=["GET", "POST"], name="referrals"),
    Route("/referrals/{id:id}", referral_detail, name="referral"),
]
