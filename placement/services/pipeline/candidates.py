"""What the employer reads: a position's candidates (with their match, credentials and history)
and an applicant's résumé file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from placement import dates, taxonomy
from placement.config import Settings
from placement.i18n import gettext
from placement.matching import MatchResult
from placement.models import (
    Application,
    ApplicationEvent,
    ApplicationStage,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Position,
    User,
)
from placement.services import NotFound
from placement.services.matching import explain_many
from placement.services.pipeline.stages import application_for_employer, next_stages
from placement.services.positions import position_for_employer

RESUME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")

_MODALITY_ORDER = {code: index for index, code in enumerate(taxonomy.MODALITIES)}


@dataclass
class CredentialView:
    code: str
    state: str | None
    expires_on: date | None
    verified: bool
    expired: bool


@dataclass
class EventView:
    from_stage: str | None
    to_stage: str
    actor_name: str
    note: str
    reason: str | None
    at: datetime


@dataclass
class Candidate:
    application_id: int
    graduate_id: int
    name: str
    source: str
    stage: str
    applied_at: datetime
    cover_note: str
    rejection_reason: str | None
    program: str
    zip: str | None
    has_resume: bool
    modalities: list[tuple[str, int]] = field(default_factory=list)
    credentials: list[CredentialView] = field(default_factory=list)
    history: list[EventView] = field(default_factory=list)
    match: MatchResult | None = None

    @property
    def moves(self) -> tuple[str, ...]:
        return next_stages(self.stage)


def candidates_for_position(
    db: Session,
    employer_id: int,
    position_id: int,
    *,
    application_id: int | None = None,
    today: date | None = None,
) -> tuple[Position, list[Candidate]]:
    """The position's applicants (applied or referred-and-accepted) with what the employer
    may see: profile facts, modalities, credentials with verification and expiry, the stage
    history and the match explanation. A handful of queries for the whole list; staff notes
    and school records (hours) never appear."""
    today = today or dates.today()
    position = position_for_employer(db, employer_id, position_id)
    query: Select[*tuple[Any, ...]] = (
        select(
            col(Application.id).label("application_id"),
            col(Graduate.id).label("graduate_id"),
            col(Graduate.first_name),
            col(Graduate.last_name),
            col(Application.source),
            col(Application.stage),
            col(Application.created_at),
            col(Application.cover_note),
            col(Application.rejection_reason),
            col(Graduate.program),
            col(Graduate.zip),
            col(Graduate.resume_file),
            col(Graduate.deleted_at),
        )
        .join(Graduate, col(Graduate.id) == col(Application.graduate_id))
        .where(col(Application.position_id) == position_id)
        .order_by(col(Application.created_at), col(Application.id))
    )
    if application_id is not None:
        query = query.where(col(Application.id) == application_id)
    candidates: list[Candidate] = []
    for row in db.execute(query).all():
        deleted = row.deleted_at is not None
        candidates.append(
            Candidate(
                application_id=row.application_id,
                graduate_id=row.graduate_id,
                name=(
                    gettext("Former graduate (account deleted)")
                    if deleted
                    else f"{row.first_name} {row.last_name}"
                ),
                source=row.source,
                stage=row.stage,
                applied_at=row.created_at,
                cover_note=row.cover_note,
                rejection_reason=row.rejection_reason,
                program=row.program,
                zip=None if deleted else row.zip,
                has_resume=bool(row.resume_file) and not deleted,
            )
        )
    if not candidates:
        return position, candidates
    graduate_ids = [c.graduate_id for c in candidates]
    modalities: dict[int, list[tuple[str, int]]] = {gid: [] for gid in graduate_ids}
    for gid, code, level in db.execute(
        select(
            col(GraduateModality.graduate_id),
            col(GraduateModality.code),
            col(GraduateModality.proficiency),
        )
        .where(col(GraduateModality.graduate_id).in_(graduate_ids))
        .where(col(GraduateModality.proficiency) > 0)
    ).all():
        modalities[gid].append((code, level))
    credentials: dict[int, list[CredentialView]] = {gid: [] for gid in graduate_ids}
    for gid, code, state, expires_on, verified_at in db.execute(
        select(
            col(GraduateCredential.graduate_id),
            col(GraduateCredential.code),
            col(GraduateCredential.state),
            col(GraduateCredential.expires_on),
            col(GraduateCredential.verified_at),
        ).where(col(GraduateCredential.graduate_id).in_(graduate_ids))
    ).all():
        credentials[gid].append(
            CredentialView(
                code=code,
                state=state,
                expires_on=expires_on,
                verified=verified_at is not None,
                expired=expires_on is not None and expires_on < today,
            )
        )
    history: dict[int, list[EventView]] = {c.application_id: [] for c in candidates}
    for app_id, from_stage, to_stage, actor_name, note, reason, at in db.execute(
        select(
            col(ApplicationEvent.application_id),
            col(ApplicationEvent.from_stage),
            col(ApplicationEvent.to_stage),
            col(User.name),
            col(ApplicationEvent.note),
            col(ApplicationEvent.reason),
            col(ApplicationEvent.at),
        )
        .outerjoin(User, col(User.id) == col(ApplicationEvent.actor_user_id))
        .where(col(ApplicationEvent.application_id).in_(list(history)))
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
    ).all():
        history[app_id].append(
            EventView(
                from_stage=from_stage,
                to_stage=to_stage,
                actor_name=actor_name
                or (gettext("the graduate") if to_stage == ApplicationStage.WITHDRAWN else "—"),
                note=note,
                reason=reason,
                at=at,
            )
        )
    explanations = explain_many(db, position_id, graduate_ids, audience="employer")
    for candidate in candidates:
        gid = candidate.graduate_id
        candidate.modalities = sorted(
            modalities[gid], key=lambda item: (-item[1], _MODALITY_ORDER.get(item[0], 99))
        )
        candidate.credentials = credentials[gid]
        candidate.history = history[candidate.application_id]
        candidate.match = explanations.get(gid)
    # An employer's list is ordered by the score it sees (banded), ties by name.
    candidates.sort(key=lambda c: (-(c.match.score if c.match else 0.0), c.name, c.application_id))
    return position, candidates


@dataclass(frozen=True)
class ResumeFile:
    path: Path
    download_name: str


def resume_for_employer(
    db: Session, settings: Settings, employer_id: int | None, application_id: int
) -> ResumeFile:
    """The applicant's résumé file; NotFound when there is none or it is not this employer's."""
    application, _position = application_for_employer(db, employer_id, application_id)
    graduate = db.get(Graduate, application.graduate_id)
    if graduate is None or graduate.deleted_at is not None or not graduate.resume_file:
        raise NotFound
    if not RESUME_NAME.match(graduate.resume_file) or ".." in graduate.resume_file:
        raise NotFound
    base = Path(settings.upload_dir).resolve()
    path = (base / graduate.resume_file).resolve()
    if base not in path.parents or not path.is_file():
        raise NotFound
    original = graduate.resume_name or "resume.pdf"
    safe = "".join(c for c in original if c.isalnum() or c in " ._-()").strip(" .") or "resume"
    if not safe.lower().endswith(".pdf"):
        safe += ".pdf"
    return ResumeFile(path=path, download_name=safe[:120])
