"""The Jinja2 environment: autoescaped templates, the taxonomy, and one render helper."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from placement import localtime, taxonomy
from placement.web.middleware import csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"${value:,.2f}".replace(".00", "")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


@jinja2.pass_context
def _localtime(context: jinja2.runtime.Context, value: datetime | None) -> str:
    """A stored UTC time in the school's zone, with its abbreviation."""
    return localtime.format_datetime(value, context["request"].app.state.settings)


def _localdate(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return localtime.format_date(value)


def option_pairs(options: Any) -> list[tuple[str, str]]:
    """(code, label) pairs from a taxonomy mapping, a code -> label mapping or a list."""
    if isinstance(options, dict):
        return [
            (code, item.label if isinstance(item, taxonomy.Term) else str(item))
            for code, item in options.items()
        ]
    return [item if isinstance(item, tuple) else (item, item) for item in options]


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    templates = Jinja2Templates(env=env)
    env.globals.update(
        taxonomy=taxonomy,
        SETTINGS=taxonomy.SETTINGS,
        MODALITIES=taxonomy.MODALITIES,
        CREDENTIALS=taxonomy.CREDENTIALS,
        CREDENTIAL_METHODS=taxonomy.CREDENTIAL_VERIFICATION_METHODS,
        EMPLOYMENT_TYPES=taxonomy.EMPLOYMENT_TYPES,
        label=taxonomy.label,
        slot_label=taxonomy.slot_label,
        option_pairs=option_pairs,
    )
    env.filters.update(money=_money, day=_day, localtime=_localtime, localdate=_localdate)
    return templates


templates = make_templates()


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    session = request.scope.get("session")
    full_context = {
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": csrf_token(session) if session is not None else "",
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full_context, status_code=status_code)
    if getattr(request.state, "viewer", None) is not None:
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response
