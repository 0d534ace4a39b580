"""The candidate pipeline: who applied to an employer's position and how far they got.

The legal moves live in one table (`LEGAL_MOVES`). Every move is a conditional UPDATE
(`WHERE stage = <the stage the employer saw>`), so two clicks give one result, and writes an
ApplicationEvent (from, to, who, note, reason), an audit event and a message to the graduate.
A hire counts against the position's openings, fills the position when they are all taken
(answering every candidate still waiting with `position_filled`: nobody is left without an
answer), records the placement (unverified) and marks the graduate placed.

By concern: `stages` (the legal moves, the loader), `moves` (moving a candidate, the hire and
its consequences), `notices` (the employer told of a new candidate), `candidates` (what the
employer reads). Callers import from `placement.services.pipeline`; the names below are its
interface.
"""

from placement.services.pipeline.candidates import (
    Candidate,
    CredentialView,
    EventView,
    ResumeFile,
    candidates_for_position,
    resume_for_employer,
)
from placement.services.pipeline.moves import StageResult, answer_the_rest, move_stage
from placement.services.pipeline.notices import notify_new_application
from placement.services.pipeline.stages import (
    FINAL_STAGES,
    LEGAL_MOVES,
    MAX_NOTE,
    application_for_employer,
    is_legal,
    next_stages,
)

__all__ = [
    "FINAL_STAGES",
    "LEGAL_MOVES",
    "MAX_NOTE",
    "Candidate",
    "CredentialView",
    "EventView",
    "ResumeFile",
    "StageResult",
    "answer_the_rest",
    "application_for_employer",
    "candidates_for_position",
    "is_legal",
    "move_stage",
    "next_stages",
    "notify_new_application",
    "resume_for_employer",
]
