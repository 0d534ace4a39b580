"""The graduate's privacy settings, data export and account deletion."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import dates
from placement.services import DomainError, NotFound
from placement.services import invitations as invitation_service
from placement.services import privacy as privacy_service
from placement.web.forms import Form
from placement.web.graduates.common import _graduate
from placement.web.guards import actor, endpoint, not_found
from placement.web.http import attachment, redirect
from placement.web.templating import render


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
