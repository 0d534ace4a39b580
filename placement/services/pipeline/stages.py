"""The legal moves of the employer's pipeline (one table) and the one loader of an application
through its employer."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from placement.models import (
    Application,
    Position,
)
from placement.services import NotFound

# The employer's moves. `withdrawn` is the graduate's own move and never appears here;
# `hired`, `rejected` and `withdrawn` are final.
LEGAL_MOVES: dict[str, tuple[str, ...]] = {
    "submitted": ("screening", "interview", "rejected"),
    "screening": ("interview", "rejected"),
    "interview": ("offer", "rejected"),
    "offer": ("hired", "rejected"),
    "hired": (),
    "rejected": (),
    "withdrawn": (),
}
FINAL_STAGES = frozenset(stage for stage, moves in LEGAL_MOVES.items() if not moves)
MAX_NOTE = 4000


def next_stages(stage: str) -> tuple[str, ...]:
    return LEGAL_MOVES.get(stage, ())


def is_legal(from_stage: str, to_stage: str) -> bool:
    return to_stage in LEGAL_MOVES.get(from_stage, ())


# -- loaders -------------------------------------------------------------------------------


def application_for_employer(
    db: Session, employer_id: int | None, application_id: int
) -> tuple[Application, Position]:
    """An application to one of the employer's positions; NotFound for any other id."""
    if employer_id is None or not 0 < application_id < 2**31:
        raise NotFound
    row = db.execute(
        select(Application, Position)
        .join(Position, col(Position.id) == col(Application.position_id))
        .where(col(Application.id) == application_id, col(Position.employer_id) == employer_id)
    ).first()
    if row is None:
        raise NotFound
    return row[0], row[1]
