"""The employer team's private notes and ratings on a candidate.

Every member of the organisation reads them; the graduate never does (no graduate page and
no data export reads this table), nor does any other organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from placement import formats
from placement.i18n import gettext
from placement.models import EmployerNote, User
from placement.services import Actor, DomainError, NotFound, audit
from placement.services.conversation import Context

MAX_NOTE = 4000


def add_note(
    db: Session, context: Context, party: Actor, body: str, rating: int | None
) -> EmployerNote:
    if party.side != "employer" or party.employer_id != context.position.employer_id:
        raise NotFound
    text = (body or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(gettext("Remove the invisible NUL character."), "body")
    if not text and rating is None:
        raise DomainError(gettext("Write a note or choose a rating."), "body")
    if len(text) > MAX_NOTE:
        raise DomainError(
            gettext(
                "Keep a note to %(max)s characters (this one has %(n)s).",
                max=formats.number(MAX_NOTE),
                n=formats.number(len(text)),
            ),
            "body",
        )
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(gettext("Rate from 1 to 5."), "rating")
    note = EmployerNote(
        application_id=context.application.id or 0,
        employer_id=context.position.employer_id,
        author_user_id=party.user_id,
        body=text,
        rating=rating,
    )
    db.add(note)
    db.flush()
    audit.record(
        db,
        "employer_note.added",
        actor=party,
        object_type="application",
        object_id=context.application.id,
        detail=f"note {note.id}" + (f", rating {rating}" if rating else ""),
    )
    return note


@dataclass(frozen=True)
class NoteView:
    author: str
    body: str
    rating: int | None
    created_at: datetime


def notes_for(db: Session, context: Context, party: Actor) -> list[NoteView]:
    """The organisation's notes on the application, oldest first; only for its members."""
    if party.side != "employer" or party.employer_id != context.position.employer_id:
        return []
    rows = db.execute(
        sa_select(
            col(User.name),
            col(EmployerNote.body),
            col(EmployerNote.rating),
            col(EmployerNote.created_at),
        )
        .outerjoin(User, col(User.id) == col(EmployerNote.author_user_id))
        .where(
            col(EmployerNote.application_id) == context.application.id,
            col(EmployerNote.employer_id) == context.position.employer_id,
        )
        .order_by(col(EmployerNote.id))
    ).all()
    return [
        NoteView(name or gettext("A former member"), body, rating, at)
        for name, body, rating, at in rows
    ]
