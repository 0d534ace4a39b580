"""The few request helpers staff pages share: where to go back, which page of a list, and the
reason field and answer status of a review action."""

from __future__ import annotations

from starlette.requests import Request

from placement.services import Conflict, DomainError
from placement.web.auth import safe_next
from placement.web.forms import Form
from placement.web.http import page_number

# Staff lists are long (a whole roster); their page numbers go further than the public ones.
MAX_PAGE = 100_000


def back(form: Form, default: str) -> str:
    """The form's local `next` path, else `default`."""
    return safe_next(form.raw("next")) or default


def page_of(request: Request) -> int:
    return page_number(request.query_params, MAX_PAGE)


def review_reason(form: Form) -> str:
    """The optional reason typed beside an approve, reject or suspend button."""
    return form.text("reason", required=False, max_length=2000, multiline=True)


def refused_status(error: DomainError) -> int:
    """409 when another reviewer acted first (a race), else 422."""
    return 409 if isinstance(error, Conflict) else 422
