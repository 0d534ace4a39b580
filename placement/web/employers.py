"""The employer's side (/employer): dashboard, organisation, team, positions and candidates.

Every view loads what it shows through the signed-in member's organisation, so another
employer's id answers 404 exactly like a missing one (services raise NotFound).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.models import Position, PositionStatus, User, split_codes
from placement.services import Conflict, DomainError, Forbidden, NotFound, notifications
from placement.services import conversation as conversation_service
from placement.services import employers as employer_service
from placement.services import pipeline as pipeline_service
from placement.services import positions as position_service
from placement.services import talent as talent_service
from placement.web import conversation
from placement.web.forms import Form
from placement.web.guards import Viewer, actor, endpoint, not_found, viewer
from placement.web.http import attachment, redirect
from placement.web.templating import render

PHONE_CHARACTERS = set("0123456789 +-().")


def _employer_id(current: Viewer) -> int:
    if current.employer_id is None:
        raise not_found()
    return current.employer_id


# -- dashboard -----------------------------------------------------------------------------


@endpoint("employer")
def home(request: Request, db: Session) -> Response:
    current = viewer(request)
    employer = employer_service.employer_of(db, _employer_id(current))
    if current.employer_blocked:
        # The one page a suspended or rejected organisation's members see (the guard
        # refuses every other one).
        return render(request, "employer/notice.html", {"employer": employer})
    # No page view runs a job: the worker's positions.expire writes the `expired` status down,
    # and the dashboard shows a position past its closing date as expired meanwhile.
    today = dates.today()
    rows = position_service.employer_positions(db, employer.id or 0)
    notes = notifications.recent(db, current.user_id, limit=15)
    member = db.get(User, current.user_id)
    unconfirmed = member.email if member and member.email_confirmed_at is None else None
    return render(
        request,
        "employer/dashboard.html",
        {
            "employer": employer,
            "positions": rows,
            "notifications": notes,
            "unread": sum(1 for note in notes if note.unread),
            "today": today,
            "conversations": conversation.dashboard(db, actor(request)),
            "pool": talent_service.pool_for_employer(db, employer.id or 0),
            "unconfirmed_email": unconfirmed,
        },
    )


@endpoint("employer")
def read_notifications(request: Request, db: Session) -> Response:
    notifications.mark_read(db, viewer(request).user_id)
    return redirect(request, "employer_home", fragment="notifications")


# -- the organisation ----------------------------------------------------------------------


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


# -- the team ------------------------------------------------------------------------------


TeamChange = Callable[..., Any]


def _team_page(
    request: Request,
    db: Session,
    form: Form,
    *,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    current = viewer(request)
    employer_id = _employer_id(current)
    members = employer_service.team_members(db, employer_id)
    return render(
        request,
        "employer/team.html",
        {
            "form": form,
            "employer": employer_service.employer_of(db, employer_id),
            "members": members,
            "problem": problem,
            "is_owner": any(
                member.is_owner and member.user_id == current.user_id for member in members
            ),
        },
        status_code=status_code,
    )


@endpoint("employer")
def team(request: Request, db: Session) -> Response:
    if request.method == "GET":
        return _team_page(request, db, Form())
    current = viewer(request)
    employer_id = _employer_id(current)
    form = Form.of(request)
    email = form.email()
    name = form.text("name", max_length=200)
    if not form.ok:
        return _team_page(request, db, form, status_code=422)
    try:
        employer_service.invite_colleague(
            db,
            request.app.state.settings,
            employer_id=employer_id,
            actor=actor(request),
            email=email,
            name=name,
        )
    except DomainError as error:
        form.error(error.field or "email", error.message)
        return _team_page(request, db, form, status_code=422)
    # The same answer whether or not the address already had an account: the link goes by
    # mail only, so the page cannot tell who is registered.
    return redirect(request, "employer:team", notice="colleague_invited")


def _team_change(request: Request, db: Session, change: TeamChange, done: str) -> Response:
    """Remove a colleague or make one an owner: owners only (403), never the last owner (422)."""
    current = viewer(request)
    try:
        change(
            db,
            employer_id=_employer_id(current),
            actor=actor(request),
            user_id=request.path_params["user_id"],
        )
    except NotFound:
        raise not_found() from None
    except Forbidden as error:
        raise HTTPException(403, error.message) from None
    except DomainError as error:
        return _team_page(request, db, Form(), status_code=422, problem=error.message)
    return redirect(request, "employer:team", notice=done)


@endpoint("employer")
def remove_member(request: Request, db: Session) -> Response:
    return _team_change(request, db, employer_service.remove_colleague, "member_removed")


@endpoint("employer")
def promote_member(request: Request, db: Session) -> Response:
    return _team_change(request, db, employer_service.promote_colleague, "member_promoted")


# -- positions -----------------------------------------------------------------------------


def _position_values(position: Position, requirements: dict[str, list[str]]) -> dict[str, Any]:
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return {
        "title": position.title,
        "description": position.description,
        "setting": position.setting,
        "employment_type": position.employment_type,
        "pay_min": number(position.pay_min),
        "pay_max": number(position.pay_max),
        "zip": position.zip,
        "start_date": position.start_date.isoformat() if position.start_date else "",
        "openings": str(position.openings),
        "min_training_hours": str(position.min_training_hours),
        "closes_on": position.closes_on.isoformat() if position.closes_on else "",
        "shifts": split_codes(position.shifts),
        **requirements,
    }


def _read_position(
    form: Form, today: date, previous: Position | None
) -> position_service.PositionInput | None:
    """Read every field (each message at its field), then the rules that span fields."""
    title = form.text("title", max_length=200)
    description = form.text("description", max_length=20000, multiline=True)
    setting = form.choice("setting", taxonomy.SETTINGS)
    employment_type = form.choice("employment_type", taxonomy.EMPLOYMENT_TYPES)
    pay_min = form.number("pay_min", minimum=1, maximum=position_service.MAX_PAY)
    pay_max = form.number("pay_max", minimum=1, maximum=position_service.MAX_PAY)
    zip_code = form.zip_code("zip")
    start_date = form.date("start_date", required=False)
    openings = form.integer("openings", minimum=1, maximum=position_service.MAX_OPENINGS)
    hours = form.integer(
        "min_training_hours", minimum=0, maximum=position_service.MAX_TRAINING_HOURS, default=0
    )
    closes_on = form.date("closes_on", required=False)
    shifts = form.choices("shifts", taxonomy.SLOTS, maximum=len(taxonomy.SLOTS))
    lists = {
        name: form.choices(name, vocabulary, maximum=len(vocabulary))
        for name, vocabulary in (
            ("required_modalities", taxonomy.MODALITIES),
            ("preferred_modalities", taxonomy.MODALITIES),
            ("required_credentials", taxonomy.CREDENTIALS),
            ("preferred_credentials", taxonomy.CREDENTIALS),
            ("verified_credentials", taxonomy.CREDENTIALS),
        )
    }
    # The cross-field rules run on whatever could be read; a field that already has a
    # message keeps it (Form.error keeps the first message of a field).
    data = position_service.PositionInput(
        title=title,
        description=description,
        setting=setting or "",
        employment_type=employment_type or "",
        pay_min=pay_min,
        pay_max=pay_max,
        zip=zip_code or "",
        start_date=start_date,
        openings=openings or 1,
        min_training_hours=hours or 0,
        closes_on=closes_on,
        shifts=tuple(shifts),
        **{name: tuple(codes) for name, codes in lists.items()},
    )
    for name, message in position_service.input_problems(
        data, today=today, previous=previous
    ).items():
        form.error(name, message)
    return data if form.ok else None


@endpoint("employer")
def position_form(request: Request, db: Session) -> Response:
    """Create (/positions/new) and edit (/positions/{id}/edit): one handler, one template."""
    current = viewer(request)
    employer_id = _employer_id(current)
    employer = employer_service.employer_of(db, employer_id)
    position: Position | None = None
    if "position_id" in request.path_params:
        try:
            position = position_service.position_for_employer(
                db, employer_id, request.path_params["position_id"]
            )
        except NotFound:
            raise not_found() from None
    today = dates.today()
    context: dict[str, Any] = {
        "position": position,
        "employer": employer,
        "slots": taxonomy.SLOTS,
        "days": taxonomy.DAYS,
        "parts": taxonomy.PARTS,
        "day_labels": taxonomy.DAY_LABELS,
        "part_labels": taxonomy.PART_LABELS,
        "problem": None,
        "today": today,
    }
    if request.method == "GET":
        form = Form()
        if position is not None:
            form.values = _position_values(
                position, position_service.requirements_of(db, position.id or 0)
            )
            context["version"] = position.version
        else:
            form.values = {"openings": "1", "min_training_hours": "0", "zip": employer.zip}
        return render(request, "employer/position_form.html", {**context, "form": form})

    form = Form.of(request)
    version = None
    if position is not None:
        version = form.integer("version", minimum=0, required=False)
        form.errors.pop("version", None)
        context["version"] = version if version is not None else position.version
    action = form.choice("action", ("draft", "submit"))
    data = _read_position(form, today, position)
    if data is None or action is None:
        return render(
            request, "employer/position_form.html", {**context, "form": form}, status_code=422
        )
    was = position.status if position is not None else None
    try:
        saved = position_service.save_position(
            db,
            employer_id=employer_id,
            actor=actor(request),
            data=data,
            action=action,
            position_id=position.id if position is not None else None,
            version=version,
            today=today,
        )
    except NotFound:
        raise not_found() from None
    except Conflict as conflict:
        position_id = position.id if position is not None else None
        latest = position_service.position_for_employer(db, employer_id, position_id or 0)
        context["version"] = latest.version
        context["problem"] = " ".join(
            [
                conflict.message,
                gettext(
                    "Submitting this form again replaces the newer version with what you see here."
                ),
            ]
        )
        return render(
            request, "employer/position_form.html", {**context, "form": form}, status_code=409
        )
    except DomainError as error:
        if error.field:
            form.error(error.field, error.message)
        else:
            context["problem"] = error.message
        return render(
            request, "employer/position_form.html", {**context, "form": form}, status_code=422
        )
    if saved.status == PositionStatus.DRAFT:
        done = "draft"
    elif saved.status == PositionStatus.OPEN:
        done = "saved"
    elif was == "open":
        done = "review"
    else:
        done = "submitted"
    return redirect(request, "employer:position", position_id=saved.id, notice=done)


@endpoint("employer")
def position_detail(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        position = position_service.position_for_employer(
            db, current.employer_id, request.path_params["position_id"]
        )
    except NotFound:
        raise not_found() from None
    today = dates.today()
    employer = employer_service.employer_of(db, position.employer_id)
    counts = position_service.stage_counts(db, position.id or 0)
    return render(
        request,
        "employer/position_detail.html",
        {
            "position": position,
            "employer": employer,
            "status": position_service.effective_status(position.status, position.closes_on, today),
            "requirements": position_service.requirements_of(db, position.id or 0),
            "counts": counts,
            "total": sum(counts.values()),
            "shifts": position_service.ordered_slots(split_codes(position.shifts)),
            "days": taxonomy.DAYS,
            "parts": taxonomy.PARTS,
            "day_labels": taxonomy.DAY_LABELS,
            "part_labels": taxonomy.PART_LABELS,
            "stages": taxonomy.APPLICATION_STAGES,
            "stage_labels": taxonomy.STAGE_LABELS,
            "closable": position.status in position_service.CLOSABLE_STATUSES,
        },
    )


@endpoint("employer")
def close_position(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        position = position_service.close_position(
            db,
            employer_id=_employer_id(current),
            actor=actor(request),
            position_id=request.path_params["position_id"],
        )
    except NotFound:
        raise not_found() from None
    done = "closed" if position.status == PositionStatus.CLOSED else None
    return redirect(request, "employer:position", position_id=position.id, notice=done)


# -- candidates ----------------------------------------------------------------------------


def _pipeline_context(position: Position, candidates: list[Any]) -> dict[str, Any]:
    return {
        "position": position,
        "candidates": candidates,
        "stage_labels": taxonomy.STAGE_LABELS,
        "reasons": taxonomy.REJECTION_REASONS,
        "today": dates.today(),
    }


@endpoint("employer")
def candidates(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        position, rows = pipeline_service.candidates_for_position(
            db, _employer_id(current), request.path_params["position_id"]
        )
    except NotFound:
        raise not_found() from None
    context = _pipeline_context(position, rows)
    return render(request, "employer/candidates.html", context)


def _application_page(
    request: Request,
    db: Session,
    application_id: int,
    *,
    form: Form | None = None,
    status_code: int = 200,
    forms: dict[str, Any] | None = None,
) -> Response:
    current = viewer(request)
    try:
        application, position = pipeline_service.application_for_employer(
            db, current.employer_id, application_id
        )
        position, rows = pipeline_service.candidates_for_position(
            db, _employer_id(current), position.id or 0, application_id=application.id
        )
        party = actor(request)
        talk = conversation_service.application_for_party(db, party, application_id)
    except NotFound:
        raise not_found() from None
    context = _pipeline_context(position, rows)
    context.update(
        candidate=rows[0],
        form=form or Form(),
    )
    context.update(conversation.extra_panels(request, db, talk, party, forms or {}))
    return render(request, "employer/application.html", context, status_code=status_code)


@endpoint("employer")
def application_detail(request: Request, db: Session) -> Response:
    return _application_page(request, db, request.path_params["application_id"])


@endpoint("employer")
def move_stage(request: Request, db: Session) -> Response:
    current = viewer(request)
    application_id = request.path_params["application_id"]
    try:
        pipeline_service.application_for_employer(db, current.employer_id, application_id)
    except NotFound:
        raise not_found() from None
    form = Form.of(request)
    stage = form.choice("stage", taxonomy.APPLICATION_STAGES)
    note = form.text("note", required=False, max_length=pipeline_service.MAX_NOTE, multiline=True)
    reason = form.choice("reason", taxonomy.REJECTION_REASONS, required=False)
    seen = form.choice("from_stage", taxonomy.APPLICATION_STAGES, required=False)
    form.errors.pop("from_stage", None)
    if not form.ok or stage is None:
        return _application_page(request, db, application_id, form=form, status_code=422)
    try:
        result = pipeline_service.move_stage(
            db,
            request.app.state.settings,
            employer_id=_employer_id(current),
            actor=actor(request),
            application_id=application_id,
            to_stage=stage,
            note=note,
            reason=reason,
            expected_stage=seen,
        )
    except NotFound:
        raise not_found() from None
    except DomainError as error:
        form.error(error.field or "stage", error.message)
        status = 409 if isinstance(error, Conflict) else 422
        return _application_page(request, db, application_id, form=form, status_code=status)
    notice, detail = ("filled", None) if result.filled else ("moved", stage)
    if form.raw("back") == "candidates":
        return redirect(
            request,
            "employer:candidates",
            position_id=result.position.id,
            notice=notice,
            detail=detail,
            fragment=f"application-{application_id}",
        )
    return redirect(
        request, "employer:application", application_id=application_id, notice=notice, detail=detail
    )


@endpoint("employer")
def resume(request: Request, db: Session) -> Response:
    current = viewer(request)
    try:
        found = pipeline_service.resume_for_employer(
            db,
            request.app.state.settings,
            current.employer_id,
            request.path_params["application_id"],
        )
        content = found.path.read_bytes()
    except (NotFound, OSError):
        raise not_found() from None
    return attachment(content, found.download_name, "application/pdf")


routes: list[BaseRoute] = [
    Route("/notifications/read", read_notifications, methods=["POST"], name="notifications_read"),
    Route("/organization", organization, methods=["GET", "POST"], name="organization"),
    Route("/team", team, methods=["GET", "POST"], name="team"),
    Route("/team/{user_id:id}/remove", remove_member, methods=["POST"], name="team_remove"),
    Route("/team/{user_id:id}/owner", promote_member, methods=["POST"], name="team_owner"),
    Route("/positions/new", position_form, methods=["GET", "POST"], name="position_new"),
    Route("/positions/{position_id:id}", position_detail, methods=["GET"], name="position"),
    Route(
        "/positions/{position_id:id}/edit",
        position_form,
        methods=["GET", "POST"],
        name="position_edit",
    ),
    Route(
        "/positions/{position_id:id}/close",
        close_position,
        methods=["POST"],
        name="position_close",
    ),
    Route(
        "/positions/{position_id:id}/candidates",
        candidates,
        methods=["GET"],
        name="candidates",
    ),
    Route(
        "/applications/{application_id:id}",
        application_detail,
        methods=["GET"],
        name="application",
    ),
    Route(
        "/applications/{application_id:id}/stage",
        move_stage,
        methods=["POST"],
        name="application_stage",
    ),
    Route(
        "/applications/{application_id:id}/resume",
        resume,
        methods=["GET"],
        name="application_resume",
    ),
]
