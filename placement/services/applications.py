"""Applications from the graduate's side: apply, withdraw, and what the graduate may read.

The employer moves an application through its stages (services/pipeline/); here a graduate
applies to an open position, reads the whole stage history, and withdraws. An accepted
referral creates its application through `create_application` too, so "one application per
position and graduate" is enforced in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, Select, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from placement import dates, i18n, links, taxonomy
from placement.config import Settings
from placement.db import atomic
from placement.i18n import gettext
from placement.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMember,
    Graduate,
    Position,
    User,
    utcnow,
)
from placement.services import Actor, DomainError, NotFound, audit, mail, system_notes, visibility

COVER_NOTE_MAX = 4000
FINAL_STAGES = ("hired", "rejected", "withdrawn")


# -- which positions a graduate can reach ------------------------------------------------


def public_position(db: Session, position_id: int, *, today: date | None = None) -> Position:
    """An open position of an approved employer that has not closed; NotFound otherwise.

    The same rule decides what a graduate may apply to and what staff may refer to.
    """
    today = today or dates.today()
    row = db.exec(
        select(Position).where(col(Position.id) == position_id, visibility.public_position(today))
    ).first()
    if row is None:
        raise NotFound
    return row


# -- creating an application ---------------------------------------------------------------


def create_application(
    db: Session,
    settings: Settings,
    *,
    position: Position,
    graduate_id: int,
    actor: Actor,
    source: str,
    cover_note: str = "",
    event_note: str = "",
) -> tuple[Application, bool]:
    """The graduate's application to `position`: (the new one, True) or (the existing, False).

    Two concurrent submits race on the unique (position, graduate) pair: the loser's insert
    fails inside its SAVEPOINT and it returns the winner's row instead of an error.
    """
    existing = _application_for_pair(db, position.id or 0, graduate_id)
    if existing is not None:
        return existing, False
    application = Application(
        position_id=position.id or 0,
        graduate_id=graduate_id,
        source=source,
        stage="submitted",
        cover_note=cover_note,
    )
    try:
        with db.begin_nested():
            db.add(application)
            db.flush()
    except IntegrityError:
        existing = _application_for_pair(db, position.id or 0, graduate_id)
        if existing is None:  # pragma: no cover - the constraint fired for another reason
            raise
        return existing, False
    db.add(
        ApplicationEvent(
            application_id=application.id or 0,
            from_stage=None,
            to_stage="submitted",
            actor_user_id=actor.user_id,
            note=event_note,
        )
    )
    audit.record(
        db,
        "application.submitted" if source == "applied" else "application.referred",
        actor=actor,
        object_type="application",
        object_id=application.id,
        detail=f"position {position.id}, graduate {graduate_id}, source {source}",
        after={"position_id": position.id, "graduate_id": graduate_id, "source": source},
    )
    _notify_employer_of_application(db, settings, application, position)
    return application, True


def existing_application(db: Session, position_id: int, graduate_id: int) -> int | None:
    """The id of the graduate's application to the position, if they made one."""
    return db.exec(
        select(Application.id).where(
            Application.position_id == position_id, Application.graduate_id == graduate_id
        )
    ).first()


def employer_name(db: Session, employer_id: int) -> str:
    employer = db.get(Employer, employer_id)
    return employer.name if employer else ""


def _application_for_pair(db: Session, position_id: int, graduate_id: int) -> Application | None:
    return db.exec(
        select(Application).where(
            Application.position_id == position_id, Application.graduate_id == graduate_id
        )
    ).first()


def apply(
    db: Session,
    settings: Settings,
    *,
    graduate_id: int,
    actor: Actor,
    position_id: int,
    cover_note: str,
) -> tuple[Application, bool]:
    """Apply to a public position; a repeat returns the first application with False.

    Raises NotFound when the position is not open to applications (and the graduate has not
    applied before), DomainError for a cover note that is too long.
    """
    existing = _application_for_pair(db, position_id, graduate_id)
    if existing is not None:
        return existing, False
    if len(cover_note) > COVER_NOTE_MAX or "\x00" in cover_note:
        raise DomainError(
            gettext("Use at most %(max)s characters.", max=COVER_NOTE_MAX), "cover_note"
        )
    graduate = db.get(Graduate, graduate_id)
    if graduate is None or graduate.deleted_at is not None:
        raise NotFound
    position = public_position(db, position_id)
    return create_application(
        db,
        settings,
        position=position,
        graduate_id=graduate_id,
        actor=actor,
        source="applied",
        cover_note=cover_note,
    )


# -- notifications to the employer ----------------------------------------------------------


def _employer_recipients(db: Session, employer_id: int) -> list[tuple[int, str, str]]:
    rows = db.exec(
        select(User.id, User.email, User.language)
        .join(EmployerMember, col(EmployerMember.user_id) == col(User.id))
        .where(EmployerMember.employer_id == employer_id, col(User.active).is_(True))
        .order_by(col(User.id))
    ).all()
    return [(int(user_id or 0), email, language) for user_id, email, language in rows]


def _notify_employer(
    db: Session,
    settings: Settings,
    employer_id: int,
    *,
    word: Callable[[], tuple[str, str]],
    kind: str,
) -> None:
    """Mail every member; `word` gives (subject, body), called in each member's language."""
    for user_id, email, language in _employer_recipients(db, employer_id):
        with i18n.using(language):
            subject, body = word()
        mail.queue(
            db, settings, to_email=email, to_user_id=user_id, subject=subject, body=body, kind=kind
        )


def _notify_employer_of_application(
    db: Session, settings: Settings, application: Application, position: Position
) -> None:
    """The employer side's notice (every active member of the organisation is told)."""
    from placement.services import pipeline  # imported here: pipeline imports much more

    pipeline.notify_new_application(db, settings, application)


# -- the graduate's view --------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    position_id: int
    position_title: str
    employer_name: str
    source: str
    stage: str
    rejection_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def active(self) -> bool:
        return self.stage not in FINAL_STAGES


@dataclass(frozen=True)
class EventRow:
    from_stage: str | None
    to_stage: str
    note: str
    reason: str | None
    at: datetime

    @property
    def stage_label(self) -> str:
        return stage_label(self.to_stage)

    @property
    def reason_label(self) -> str | None:
        return taxonomy.REJECTION_REASONS.get(self.reason, self.reason) if self.reason else None


@dataclass(frozen=True)
class ApplicationDetail:
    row: ApplicationRow
    cover_note: str
    position_zip: str
    position_setting: str
    events: list[EventRow]


def stage_label(stage: str) -> str:
    return taxonomy.STAGE_LABELS.get(stage, stage)


def _rows_query() -> Select:
    return (
        sa_select(
            col(Application.id),
            col(Application.position_id),
            col(Position.title),
            col(Employer.name),
            col(Application.source),
            col(Application.stage),
            col(Application.rejection_reason),
            col(Application.created_at),
            col(Application.updated_at),
        )
        .select_from(Application)
        .join(Position, col(Position.id) == col(Application.position_id))
        .join(Employer, col(Employer.id) == col(Position.employer_id))
    )


def _row(values: Row) -> ApplicationRow:
    return ApplicationRow(*values)


def applications_for_graduate(
    db: Session, graduate_id: int, *, limit: int = 200, offset: int = 0
) -> list[ApplicationRow]:
    """The graduate's applications, newest first, with position and organisation: one query."""
    rows = db.execute(
        _rows_query()
        .where(col(Application.graduate_id) == graduate_id)
        .order_by(col(Application.created_at).desc(), col(Application.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [_row(row) for row in rows]


def count_for_graduate(db: Session, graduate_id: int) -> int:
    return int(
        db.exec(
            select(func.count())
            .select_from(Application)
            .where(Application.graduate_id == graduate_id)
        ).one()
    )


def application_for_graduate(db: Session, graduate_id: int, application_id: int) -> Application:
    """The graduate's own application; NotFound for a missing id and for anyone else's."""
    application = db.get(Application, application_id)
    if application is None or application.graduate_id != graduate_id:
        raise NotFound
    return application


def application_detail(db: Session, graduate_id: int, application_id: int) -> ApplicationDetail:
    """What the graduate sees of one application: the organisation, never the people in it."""
    found = db.execute(
        _rows_query().where(
            col(Application.id) == application_id, col(Application.graduate_id) == graduate_id
        )
    ).first()
    if found is None:
        raise NotFound
    extra = db.exec(
        select(Application.cover_note, Position.zip, Position.setting)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(Application.id == application_id)
    ).one()
    events = db.execute(
        sa_select(
            col(ApplicationEvent.from_stage),
            col(ApplicationEvent.to_stage),
            col(ApplicationEvent.note),
            col(ApplicationEvent.reason),
            col(ApplicationEvent.at),
        )
        .where(col(ApplicationEvent.application_id) == application_id)
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
    ).all()
    return ApplicationDetail(
        row=_row(found),
        cover_note=extra[0],
        position_zip=extra[1],
        position_setting=extra[2],
        events=[EventRow(*event) for event in events],
    )


# -- withdrawing --------------------------------------------------------------------------------


@atomic
def withdraw(
    db: Session, settings: Settings, *, graduate_id: int, actor: Actor, application_id: int
) -> Application:
    """Withdraw an application that is still open; a conditional update so a race with the
    employer's stage change gives one result, not both."""
    application = application_for_graduate(db, graduate_id, application_id)
    previous = application.stage
    if previous in FINAL_STAGES:
        raise DomainError(_final_message(previous))
    now = utcnow()
    result = db.exec(
        update(Application)
        .where(
            col(Application.id) == application_id,
            col(Application.stage) == previous,
        )
        .values(stage="withdrawn", updated_at=now)
    )
    if result.rowcount != 1:
        db.refresh(application)
        raise DomainError(
            gettext(
                "The employer changed this application a moment ago; it is now “%(stage)s”. "
                "Nothing was withdrawn.",
                stage=stage_label(application.stage),
            )
        )
    from placement.services import offers  # imported here: offers imports the pipeline's kin

    offers.withdraw_waiting(db, application_id)
    db.add(
        ApplicationEvent(
            application_id=application_id,
            from_stage=previous,
            to_stage="withdrawn",
            actor_user_id=actor.user_id,
            note=system_notes.WITHDRAWN,
        )
    )
    audit.record(
        db,
        "application.withdrawn",
        actor=actor,
        object_type="application",
        object_id=application_id,
        before={"stage": previous},
        after={"stage": "withdrawn"},
    )
    db.refresh(application)
    position = db.get(Position, application.position_id)
    if position is not None:
        title = position.title
        pipeline = links.url(settings, "employer:candidates", position_id=position.id)

        def word() -> tuple[str, str]:
            return (
                gettext("A candidate withdrew from %(position)s", position=title),
                gettext(
                    "A graduate withdrew their application for “%(position)s”.\n\n"
                    "Your pipeline: %(link)s\n",
                    position=title,
                    link=pipeline,
                ),
            )

        _notify_employer(
            db, settings, position.employer_id, kind="application_withdrawn", word=word
        )
    return application


def _final_message(stage: str) -> str:
    if stage == "hired":
        return gettext("You were hired for this position; there is nothing to withdraw.")
    if stage == "rejected":
        return gettext("The employer has closed this application; there is nothing to withdraw.")
    if stage == "withdrawn":
        return gettext("You have already withdrawn this application.")
    return gettext("This application can no longer be withdrawn.")
