"""Who takes part in an application's conversation, and how each of them is reached.

Three parties share an application: its graduate, every member of the employer whose
position it is, and career services (staff). `application_for_party` is the one loader of
the conversation's pages and actions: anyone else gets NotFound (404), exactly as for an id
that does not exist. Messages, interviews and offers (services/messages.py, interviews/,
offers/) all load through it and mail through `recipients`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from placement.config import Settings
from placement.i18n import gettext
from placement.models import (
    Application,
    ApplicationStage,
    ConversationMessage,
    Employer,
    EmployerMember,
    Graduate,
    Position,
    User,
)
from placement.services import STAFF_ROLES, Actor, NotFound

MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Context:
    """An application with what every conversation page and mail needs about it."""

    application: Application
    position: Position
    employer: Employer
    graduate: Graduate

    @property
    def graduate_deleted(self) -> bool:
        return self.graduate.deleted_at is not None

    @property
    def closed(self) -> bool:
        """A withdrawn application's or a deleted graduate's conversation is closed (kept)."""
        return self.application.stage == ApplicationStage.WITHDRAWN or self.graduate_deleted

    @property
    def closed_reason(self) -> str:
        if self.graduate_deleted:
            return gettext(
                "The graduate deleted their account: this conversation is closed and kept."
            )
        if self.application.stage == ApplicationStage.WITHDRAWN:
            return gettext("The application was withdrawn: this conversation is closed and kept.")
        return ""

    @property
    def graduate_name(self) -> str:
        if self.graduate_deleted:
            return gettext("Former graduate (account deleted)")
        return f"{self.graduate.first_name} {self.graduate.last_name}".strip()


def application_for_party(db: Session, party: Actor, application_id: int) -> Context:
    """The application if `party` is one of its three parties; NotFound otherwise."""
    if not 0 < application_id <= MAX_ID:
        raise NotFound
    row = db.execute(
        sa_select(Application, Position, Employer, Graduate)
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .join(Graduate, col(Graduate.id) == col(Application.graduate_id))
        .where(col(Application.id) == application_id)
    ).first()
    if row is None:
        raise NotFound
    context = Context(*row)
    if party.side == "staff":
        return context
    if party.side == "employer" and party.employer_id == context.position.employer_id:
        return context
    if party.side == "graduate" and party.graduate_id == context.graduate.id:
        return context
    raise NotFound


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str
    side: str  # graduate | employer | staff
    language: str = "en"  # the account's own: each mail is worded in it


def graduate_recipient(db: Session, context: Context) -> Recipient | None:
    """The graduate's account, unless it was deleted or deactivated."""
    if context.graduate_deleted or context.graduate.user_id is None:
        return None
    user = db.get(User, context.graduate.user_id)
    if user is None or not user.active:
        return None
    return Recipient(
        user.id or 0, user.email, context.graduate.first_name, "graduate", user.language
    )


def employer_recipients(db: Session, employer_id: int) -> list[Recipient]:
    rows = db.exec(
        select(User.id, User.email, User.name, User.language)
        .join(EmployerMember, col(EmployerMember.user_id) == col(User.id))
        .where(EmployerMember.employer_id == employer_id, col(User.active).is_(True))
        .order_by(col(User.id))
    ).all()
    return [
        Recipient(int(uid or 0), email, name, "employer", language)
        for uid, email, name, language in rows
    ]


def staff_in_conversation(db: Session, application_id: int) -> list[Recipient]:
    """Career services members who have written in this conversation (the others read the
    queue and are not mailed about every message)."""
    rows = db.exec(
        select(User.id, User.email, User.name, User.language)
        .where(
            col(User.id).in_(
                select(ConversationMessage.author_user_id).where(
                    ConversationMessage.application_id == application_id,
                    ConversationMessage.author_role == "staff",
                )
            ),
            col(User.active).is_(True),
            col(User.role).in_(STAFF_ROLES),
        )
        .order_by(col(User.id))
    ).all()
    return [
        Recipient(int(uid or 0), email, name, "staff", language)
        for uid, email, name, language in rows
    ]


def recipients(
    db: Session, context: Context, *, graduate: bool = True, employer: bool = True
) -> list[Recipient]:
    found: list[Recipient] = []
    if graduate:
        person = graduate_recipient(db, context)
        if person is not None:
            found.append(person)
    if employer:
        found.extend(employer_recipients(db, context.position.employer_id))
    return found


def application_link(settings: Settings, recipient_side: str, application_id: int) -> str:
    """The absolute link (from BASE_URL) to the application's page on the recipient's side."""
    from placement import links

    route = {
        "graduate": "graduate:application",
        "employer": "employer:application",
        "staff": "staff:application",
    }[recipient_side]
    return links.url(settings, route, application_id=application_id)
