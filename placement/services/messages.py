"""Messages in an application's conversation: post, read, unread counts, the sender's limit.

A message is plain text of 1–5,000 characters, shown escaped with its links as text. Each new
message is mailed (and shown in the app) to the other parties: the graduate, every member of
the employer, and the career services members who have written in the conversation. A
withdrawn application's or a deleted graduate's conversation is closed: it is kept and read,
no longer written to.

The limit per sender holds under concurrency: the sender's user row is locked
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's write transactions are serialised by
BEGIN IMMEDIATE) before the window is counted, so a burst cannot all read the same count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from placement import formats, i18n
from placement.config import Settings
from placement.i18n import gettext, ngettext
from placement.models import (
    Application,
    ConversationMessage,
    ConversationRead,
    Employer,
    Graduate,
    Position,
    User,
    core_table,
    utcnow,
)
from placement.models.conversation import MESSAGE_MAX
from placement.services import Actor, DomainError, audit, mail
from placement.services.conversation import (
    Context,
    Recipient,
    application_link,
    recipients,
    staff_in_conversation,
)

# At most this many messages per sender in the window: enough for a lively exchange, not
# for a blast to every applicant.
LIMIT = 10
WINDOW = timedelta(minutes=10)


class RateLimited(DomainError):
    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            ngettext(
                "You have sent %(limit)s messages in the last %(window)s minutes. Wait about "
                "%(num)s minute and send it again; your message is kept below.",
                "You have sent %(limit)s messages in the last %(window)s minutes. Wait about "
                "%(num)s minutes and send it again; your message is kept below.",
                minutes,
                limit=LIMIT,
                window=int(WINDOW.total_seconds() // 60),
            ),
            "body",
        )
        self.retry_after = retry_after


def clean_body(body: str) -> str:
    """The message as it will be stored, or DomainError (at `body`) saying what is wrong."""
    text = (body or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), "body")
    if not text:
        raise DomainError(gettext("Write a message first: this one is empty."), "body")
    if len(text) > MESSAGE_MAX:
        raise DomainError(
            gettext(
                "Keep a message to %(max)s characters (this one has %(n)s).",
                max=formats.number(MESSAGE_MAX),
                n=formats.number(len(text)),
            ),
            "body",
        )
    return text


def _check_limit(db: Session, user_id: int, now: datetime) -> None:
    # The lock makes "count, then insert" one step per sender (see the module's docstring).
    db.execute(sa_select(col(User.id)).where(col(User.id) == user_id).with_for_update())
    since = now - WINDOW
    count, oldest = db.execute(
        sa_select(func.count(), func.min(ConversationMessage.created_at)).where(
            col(ConversationMessage.author_user_id) == user_id,
            col(ConversationMessage.created_at) > since,
        )
    ).one()
    if count >= LIMIT:
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=now.tzinfo)
        wait = int(((oldest or now) + WINDOW - now).total_seconds()) + 1
        raise RateLimited(max(wait, 1))


def post(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    body: str,
    *,
    now: datetime | None = None,
) -> ConversationMessage:
    """Add `party`'s message to the conversation and tell the other parties."""
    text = clean_body(body)
    if context.closed:
        raise DomainError(context.closed_reason, "body")
    now = now or utcnow()
    _check_limit(db, party.user_id or 0, now)
    message = ConversationMessage(
        application_id=context.application.id or 0,
        author_user_id=party.user_id or 0,
        author_role=party.side,
        body=text,
        created_at=now,
    )
    db.add(message)
    db.flush()
    audit.record(
        db,
        "message.posted",
        actor=party,
        object_type="application",
        object_id=context.application.id,
        detail=f"message {message.id} ({len(text)} characters)",
    )
    mark_read(db, party.user_id or 0, context.application.id or 0, upto=message.id or 0)
    _notify(db, settings, context, party, message)
    return message


def _notify(
    db: Session,
    settings: Settings,
    context: Context,
    party: Actor,
    message: ConversationMessage,
) -> None:
    people: list[Recipient] = [
        *recipients(db, context),
        *staff_in_conversation(db, context.application.id or 0),
    ]
    seen: set[int] = {party.user_id or 0}
    for person in people:
        if person.user_id in seen:
            continue
        seen.add(person.user_id)
        link = application_link(settings, person.side, context.application.id or 0)
        with i18n.using(person.language):
            mail.queue(
                db,
                settings,
                to_email=person.email,
                to_user_id=person.user_id,
                kind="message.new",
                subject=gettext("New message about %(position)s", position=context.position.title),
                body=gettext(
                    "Hello %(name)s,\n\n"
                    "%(sender)s wrote about the application for %(position)s at "
                    "%(employer)s:\n\n%(message)s\n\n"
                    "Read and answer it here: %(link)s\n",
                    name=person.name or person.email,
                    sender=_sender_label(context, party),
                    position=context.position.title,
                    employer=context.employer.name,
                    message=message.body,
                    link=link,
                ),
            )


def _sender_label(context: Context, party: Actor) -> str:
    if party.side == "graduate":
        return context.graduate_name
    if party.side == "employer":
        return context.employer.name
    return gettext("Career services")


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageView:
    id: int
    author: str
    side: str
    body: str
    created_at: datetime
    mine: bool
    unread: bool


def thread(db: Session, context: Context, party: Actor) -> list[MessageView]:
    """The conversation, oldest first, as `party` sees it: a graduate sees the organisation's
    name on its members' messages, the employer and staff also see who wrote."""
    application_id = context.application.id or 0
    seen = _last_read(db, party.user_id or 0, application_id)
    rows = db.execute(
        sa_select(
            col(ConversationMessage.id),
            col(ConversationMessage.author_user_id),
            col(ConversationMessage.author_role),
            col(ConversationMessage.body),
            col(ConversationMessage.created_at),
            col(User.name),
        )
        .outerjoin(User, col(User.id) == col(ConversationMessage.author_user_id))
        .where(col(ConversationMessage.application_id) == application_id)
        .order_by(col(ConversationMessage.id))
    ).all()
    views = []
    for message_id, author_id, side, body, created_at, name in rows:
        if side == "graduate":
            author = context.graduate_name
        elif side == "employer":
            author = (
                context.employer.name
                if party.side == "graduate"
                else f"{name or gettext('A member')} · {context.employer.name}"
            )
        else:
            author = gettext("Career services")
            if party.side != "graduate":
                author = f"{name or gettext('Staff')} · {author}"
        views.append(
            MessageView(
                id=message_id,
                author=author,
                side=side,
                body=body,
                created_at=created_at,
                mine=author_id == party.user_id,
                unread=message_id > seen and author_id != party.user_id,
            )
        )
    return views


def _last_read(db: Session, user_id: int, application_id: int) -> int:
    found = db.exec(
        select(ConversationRead.last_message_id).where(
            ConversationRead.user_id == user_id,
            ConversationRead.application_id == application_id,
        )
    ).first()
    return int(found or 0)


def mark_read(db: Session, user_id: int, application_id: int, *, upto: int | None = None) -> None:
    """Remember that the reader has seen the conversation up to message `upto` (the newest by
    default). A GET may write this marker; if the database is busy it simply tries next time."""
    if upto is None:
        upto = int(
            db.exec(
                select(func.max(ConversationMessage.id)).where(
                    ConversationMessage.application_id == application_id
                )
            ).one()
            or 0
        )
    if upto <= _last_read(db, user_id, application_id):
        return
    table = core_table(ConversationRead)
    try:
        with db.begin_nested():
            changed = db.exec(
                update(table)
                .where(
                    table.c.user_id == user_id,
                    table.c.application_id == application_id,
                    table.c.last_message_id < upto,
                )
                .values(last_message_id=upto, read_at=utcnow())
            )
            missing = changed.rowcount == 0
            if missing and not _last_read(db, user_id, application_id):
                db.add(
                    ConversationRead(
                        application_id=application_id, user_id=user_id, last_message_id=upto
                    )
                )
                db.flush()
    except (IntegrityError, OperationalError):
        pass  # another tab wrote the marker first, or SQLite was busy: best effort


# -- unread counts for the dashboards -------------------------------------------------------


@dataclass(frozen=True)
class UnreadConversation:
    application_id: int
    position_title: str
    counterpart: str
    unread: int
    latest_at: datetime


def _visible_applications(party: Actor) -> Select[Any]:
    """The applications whose conversations `party` follows, as a subquery of ids."""
    query = sa_select(col(Application.id))
    if party.side == "graduate":
        return query.where(col(Application.graduate_id) == (party.graduate_id or 0))
    if party.side == "employer":
        return query.join(Position, col(Position.id) == col(Application.position_id)).where(
            col(Position.employer_id) == (party.employer_id or 0)
        )
    # Career services follow the conversations they have written in.
    return sa_select(col(ConversationMessage.application_id)).where(
        col(ConversationMessage.author_user_id) == party.user_id
    )


def unread_conversations(db: Session, party: Actor, *, limit: int = 10) -> list[UnreadConversation]:
    """Conversations with messages the party has not read, newest first: one query."""
    read = (
        sa_select(col(ConversationRead.application_id), col(ConversationRead.last_message_id))
        .where(col(ConversationRead.user_id) == party.user_id)
        .subquery()
    )
    query = (
        sa_select(
            col(ConversationMessage.application_id),
            col(Position.title),
            col(Employer.name),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Graduate.deleted_at),
            func.count(),
            func.max(ConversationMessage.created_at),
        )
        .join(Application, col(Application.id) == col(ConversationMessage.application_id))
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
        .join(Graduate, col(Graduate.id) == col(Application.graduate_id))
        .outerjoin(read, read.c.application_id == col(ConversationMessage.application_id))
        .where(
            col(ConversationMessage.application_id).in_(_visible_applications(party)),
            (col(ConversationMessage.author_user_id) != party.user_id)
            | col(ConversationMessage.author_user_id).is_(None),
            col(ConversationMessage.id) > func.coalesce(read.c.last_message_id, 0),
        )
        .group_by(
            col(ConversationMessage.application_id),
            col(Position.title),
            col(Employer.name),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Graduate.deleted_at),
        )
        .order_by(func.max(ConversationMessage.created_at).desc())
        .limit(limit)
    )
    found = []
    for app_id, title, employer, first, last, deleted_at, count, latest in db.execute(query):
        if party.side == "graduate":
            counterpart = employer
        elif deleted_at is not None:
            counterpart = gettext("Former graduate")
        else:
            counterpart = f"{first} {last}"
        found.append(UnreadConversation(app_id, title, counterpart, int(count), latest))
    return found
