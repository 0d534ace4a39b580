"""Positions: one form for create and edit, the detail page, closing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.models import Position, PositionStatus, split_codes
from placement.services import Conflict, DomainError, NotFound
from placement.services import employers as employer_service
from placement.services import positions as position_service
from placement.web.employers.common import _employer_id
from placement.web.forms import Form
from placement.web.guards import actor, endpoint, not_found, viewer
from placement.web.http import redirect
from placement.web.templating import render


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
