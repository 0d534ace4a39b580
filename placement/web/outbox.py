"""Staff: mail the SMTP server refused for good (/staff/mail)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from placement.services import mail_delivery
from placement.web.guards import endpoint
from placement.web.templating import render


@endpoint("staff")
def failed_mail(request: Request, db: Session) -> Response:
    return render(
        request,
        "staff/mail.html",
        {
            "failed": mail_delivery.failed(db),
            "waiting": mail_delivery.waiting_count(db),
        },
    )


routes = [Route("/mail", failed_mail, name="mail")]
