"""The referrals career services made for the graduate: list, accept, decline."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement.services import DomainError, NotFound
from placement.services import referrals as referral_service
from placement.web.forms import Form
from placement.web.graduates.common import _graduate_id
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import redirect
from placement.web.templating import render


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
