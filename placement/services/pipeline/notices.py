"""Telling the employer's members about a new candidate."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from placement import i18n, links
from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    Application,
    EmployerMember,
    Graduate,
    Position,
    User,
)
from placement.services import mail


def notify_new_application(db: Session, settings: Settings, application: Application) -> int:
    """Tell every active member of the position's employer about a new candidate.

    Called by the graduates' apply flow (and by an accepted referral). Returns how many
    messages were queued.
    """
    position = db.get(Position, application.position_id)
    if position is None:
        return 0
    graduate = db.get(Graduate, application.graduate_id)
    candidates = links.url(settings, "employer:candidates", position_id=position.id)
    this_one = links.url(settings, "employer:application", application_id=application.id)
    members = db.execute(
        select(User)
        .join(EmployerMember, col(EmployerMember.user_id) == col(User.id))
        .where(col(EmployerMember.employer_id) == position.employer_id, col(User.active).is_(True))
    ).scalars()
    sent = 0
    for member in members:
        with i18n.using(member.language):
            name = (
                f"{graduate.first_name} {graduate.last_name}" if graduate else gettext("A graduate")
            )
            if application.source == "referred":
                news = gettext(
                    "%(name)s was referred by career services and accepted for %(job)s.",
                    name=name,
                    job=position.title,
                )
            else:
                news = gettext("%(name)s applied for %(job)s.", name=name, job=position.title)
            mail.queue(
                db,
                settings,
                to_email=member.email,
                to_user_id=member.id,
                kind="new_application",
                subject=gettext(
                    "New candidate for %(job)s: %(name)s", job=position.title, name=name
                ),
                body="\n".join(
                    [
                        gettext("Hello %(name)s,", name=member.name or member.email),
                        "",
                        news,
                        "",
                        gettext("See the candidates at %(link)s", link=candidates),
                        gettext("and this application at %(link)s", link=this_one),
                        "",
                    ]
                ),
            )
        sent += 1
    return sent
