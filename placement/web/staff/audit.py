"""The audit log: filters, pages and the CSV export (itself recorded)."""

from __future__ import annotations

import json

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.services import audit, staff_search
from placement.web.forms import Form
from placement.web.guards import actor, endpoint
from placement.web.http import attachment, page_link, url
from placement.web.staff.common import page_of
from placement.web.templating import render


@endpoint("staff")
def audit_log(request: Request, db: Session) -> Response:
    form = Form(request.query_params)
    action = form.text("action", required=False, max_length=64)
    actor_text = form.text("actor", required=False, max_length=254)
    object_type = form.text("object_type", required=False, max_length=32)
    object_id = form.integer("object_id", required=False, minimum=0, maximum=2**31 - 1)
    since = form.date("since", required=False)
    until = form.date("until", required=False)
    if since and until and until < since:
        form.error("until", gettext("The end date is before the start date."))
    filters = staff_search.AuditFilters(
        action="" if "action" in form.errors else action,
        actor="" if "actor" in form.errors else actor_text,
        object_type="" if "object_type" in form.errors else object_type,
        object_id=object_id,
        since=since,
        until=until if "until" not in form.errors else None,
    )
    fmt = request.query_params.get("format", "html")
    if fmt == "csv" and not form.errors:
        audit.record(
            db,
            "audit.exported",
            actor=actor(request),
            object_type="audit",
            detail="audit log CSV",
        )
        return attachment(
            audit.export_csv(staff_search.audit_export(db, filters)),
            f"audit-log-{dates.today().isoformat()}.csv",
            "text/csv; charset=utf-8",
        )
    page = staff_search.audit_rows(db, filters, page_of(request))
    return render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "page": page,
            "page_link": page_link(request),
            # Each action by its description, the code after it (what the CSV and API say).
            "actions": [
                (code, audit.describe(code) + f" ({code})" if audit.describe(code) else code)
                for code in staff_search.audit_actions(db)
            ],
            "describe": audit.describe,
            "role_labels": taxonomy.ROLE_LABELS,
            "object_types": [
                (code, audit.OBJECT_LABELS.get(code, code))
                for code in staff_search.audit_object_types(db)
            ],
            "object_labels": audit.OBJECT_LABELS,
            "pretty": _pretty_json,
            "csv_link": url(
                request,
                "staff:audit",
                query=[
                    *((k, v) for k, v in request.query_params.multi_items() if k != "page"),
                    ("format", "csv"),
                ],
            ),
        },
        status_code=422 if form.errors or fmt not in ("html", "csv") else 200,
    )


def _pretty_json(text: str | None) -> str:
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_short(item)}" for key, item in value.items())
    return _short(value)


def _short(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


routes: list[BaseRoute] = [
    Route("/audit", audit_log, name="audit"),
]
