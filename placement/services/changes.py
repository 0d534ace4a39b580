"""Marks a graduate or a position whose matching record changed.

Every web worker keeps its own matching index; before ranking it replays the rows added since
it last looked, so the next ranking in any worker shows the change.
"""

from __future__ import annotations

from sqlmodel import Session

from placement.models import Change


def graduate_changed(db: Session, graduate_id: int | None) -> None:
    if graduate_id is not None:
        db.add(Change(kind="graduate", object_id=graduate_id))


def position_changed(db: Session, position_id: int | None) -> None:
    if position_id is not None:
        db.add(Change(kind="position", object_id=position_id))
