"""Placement rounds: assign seeking graduates to open positions, preview, then publish.

A round covers every open public position (approved employer, not past its closing date)
with capacity = openings − hires so far, and every seeking, verified graduate whose
visibility is not `private`. `stable` is graduate-proposing deferred acceptance; `optimal`
the maximum total score (placement.matching.rounds). A preview is stored as a MatchRound
(status `preview`) with one MatchAssignment per pair and, in its summary, the counts and
each unmatched graduate with the reason. Publishing turns assignments into referrals, once:
a conditional update moves the round from `preview` to `published`, so a second publish
(or two staff clicking at once) creates nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from placement import dates, i18n
from placement.config import Settings
from placement.i18n import N_, Labels, gettext
from placement.matching import RoundPlan, plan_round
from placement.matching.rounds import (
    FILLED_BY_PREFERRED,
    FILLED_FOR_TOTAL,
    NO_ELIGIBLE,
    NO_OPENING,
)
from placement.models import (
    Application,
    ApplicationStage,
    Graduate,
    MatchAssignment,
    MatchRound,
    Position,
    PositionStatus,
    RoundStatus,
    User,
    utcnow,
)
from placement.services import Actor, DomainError, NotFound, audit, visibility
from placement.services.matching import (
    fresh_index,
    graduate_names,
    position_titles,
    reasons_json,
    valid_id,
)

Algorithm = Literal["stable", "optimal"]
ALGORITHMS = Labels(
    {
        "stable": N_("Stable — graduates propose, as in the residency match"),
        "optimal": N_("Optimal — the highest total score"),
    }
)
# Why a graduate was left out, as stored in a round's summary (the matching's English
# sentences), in the reader's language.
UNMATCHED_REASONS = Labels(
    {
        NO_ELIGIBLE: N_("No eligible position"),
        NO_OPENING: N_("No eligible position has an opening left"),
        FILLED_BY_PREFERRED: N_("Every eligible position was filled by graduates it preferred"),
        FILLED_FOR_TOTAL: N_(
            "Every eligible position went to other graduates in the assignment with the best "
            "total score"
        ),
    }
)
# Unmatched graduates with no eligible position get their closest position explained;
# beyond this many the reason alone is kept (each costs one ranking over all positions).
EXPLAIN_UNMATCHED = 300


@dataclass(frozen=True)
class Plan:
    """A computed round, before anything is stored."""

    algorithm: str
    graduates: int
    positions: int
    openings: int
    plan: RoundPlan
    unmatched: list[dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        assigned = len(self.plan.assignments)
        total = round(self.plan.total_score, 1)
        return {
            "algorithm": self.algorithm,
            "graduates": self.graduates,
            "positions": self.positions,
            "openings": self.openings,
            "assigned": assigned,
            "unmatched_count": len(self.unmatched),
            "total_score": total,
            "average_score": round(total / assigned, 1) if assigned else 0.0,
            "unmatched": self.unmatched,
        }


def _round_population(db: Session) -> tuple[list[int], dict[int, int]]:
    """Graduate ids of the round and each position's capacity (openings − hires)."""
    today = dates.today()
    openings = {
        position_id: n
        for position_id, n in db.exec(
            select(col(Position.id), col(Position.openings)).where(
                visibility.public_position(today)
            )
        )
        if position_id is not None  # a stored row always has its key
    }
    hires = dict(
        db.exec(
            select(col(Application.position_id), func.count())
            .join(Position, col(Position.id) == col(Application.position_id))
            .where(
                col(Application.stage) == ApplicationStage.HIRED,
                col(Position.status) == PositionStatus.OPEN,
            )
            .group_by(col(Application.position_id))
        ).all()
    )
    capacities = {p: max(0, (n or 0) - hires.get(p, 0)) for p, n in openings.items()}
    graduate_ids = [
        graduate_id
        for graduate_id in db.exec(
            select(col(Graduate.id))
            .where(
                col(Graduate.deleted_at).is_(None),
                col(Graduate.verified_at).is_not(None),
                col(Graduate.seeking) == "seeking",
                col(Graduate.visibility) != "private",
            )
            .order_by(col(Graduate.id))
        )
        if graduate_id is not None  # a stored row always has its key
    ]
    return graduate_ids, capacities


def plan(db: Session, *, algorithm: str) -> Plan:
    """Compute a round over the current population; stores nothing."""
    if algorithm not in ALGORITHMS:
        raise DomainError(gettext("Choose the stable or the optimal algorithm."), "algorithm")
    graduate_ids, capacities = _round_population(db)
    position_ids = sorted(capacities)
    unmatched: list[dict[str, Any]] = []
    with fresh_index(db, graduate_ids=graduate_ids, position_ids=position_ids) as index:
        checked = cast(Algorithm, algorithm)  # one of ALGORITHMS, as checked above
        result = plan_round(graduate_ids, position_ids, capacities, checked, index)
        explained = 0
        for entry in result.unmatched:
            item: dict[str, Any] = {"graduate_id": entry.graduate_id, "reason": entry.reason}
            if (
                entry.reason == NO_ELIGIBLE
                and explained < EXPLAIN_UNMATCHED
                and position_ids
                and index.has_graduate(entry.graduate_id)
            ):
                explained += 1
                near = index.rank_positions(
                    entry.graduate_id, limit=5, include_ineligible=True, among=position_ids
                )
                if near:
                    position_id, closest = min(
                        near, key=lambda pair: (len(pair[1].failures), -pair[1].score)
                    )
                    item["closest_position_id"] = position_id
                    item["lacks"] = [reason.detail for reason in closest.failures]
            unmatched.append(item)
    return Plan(
        algorithm=algorithm,
        graduates=len(graduate_ids),
        positions=len(position_ids),
        openings=sum(capacities.values()),
        plan=result,
        unmatched=unmatched,
    )


def preview_round(db: Session, *, algorithm: str, actor: Actor) -> MatchRound:
    """Plan a round and store it as a preview with its assignments. DomainError for an
    unknown algorithm."""
    computed = plan(db, algorithm=algorithm)
    match_round = MatchRound(
        algorithm=algorithm,
        status="preview",
        summary=json.dumps(computed.summary()),
        created_by=actor.user_id,
    )
    db.add(match_round)
    db.flush()
    assert match_round.id is not None  # the flush gave it one
    db.add_all(
        MatchAssignment(
            round_id=match_round.id,
            graduate_id=a.graduate_id,
            position_id=a.position_id,
            score=a.score,
            reasons=json.dumps(reasons_json(a.reasons)),
        )
        for a in computed.plan.assignments
    )
    audit.record(
        db,
        "round.previewed",
        actor=actor,
        object_type="match_round",
        object_id=match_round.id,
        detail=f"{algorithm}: {len(computed.plan.assignments)} assignments, "
        f"{len(computed.unmatched)} unmatched",
    )
    db.flush()
    return match_round


def publish_round(db: Session, settings: Settings, round_id: int, *, actor: Actor) -> int:
    """Create a referral for each assignment of a previewed round; the number created.

    Only the first publish does anything (a conditional update from `preview`); later ones
    return 0. An assignment that can no longer be referred (say, the position closed) is
    skipped and named in the audit event. NotFound for an unknown round.
    """
    from placement.services import referrals

    if not valid_id(round_id):
        raise NotFound
    moved = db.exec(
        update(MatchRound)
        .where(col(MatchRound.id) == round_id, col(MatchRound.status) == RoundStatus.PREVIEW)
        .values(status="published", published_by=actor.user_id, published_at=utcnow())
    )
    if not moved.rowcount:
        if db.get(MatchRound, round_id) is None:
            raise NotFound
        return 0
    assignments = db.exec(
        select(MatchAssignment)
        .where(col(MatchAssignment.round_id) == round_id)
        .order_by(col(MatchAssignment.id))
    ).all()
    languages = _languages(db, [a.graduate_id for a in assignments])
    created = 0
    skipped: list[str] = []
    for assignment in assignments:
        # The note is the graduate's to read: worded in their language.
        score = format(assignment.score, "g")
        with i18n.using(languages.get(assignment.graduate_id)):
            note = gettext(
                "Suggested by placement round #%(round)s (match score %(score)s).",
                round=round_id,
                score=score,
            )
        try:
            with db.begin_nested():
                _, new = referrals.refer(
                    db,
                    settings,
                    actor=actor,
                    position_id=assignment.position_id,
                    graduate_id=assignment.graduate_id,
                    note=note,
                    round_id=round_id,
                )
        except (DomainError, NotFound) as error:
            message = getattr(error, "message", "") or "not found"
            skipped.append(
                f"graduate {assignment.graduate_id} → position {assignment.position_id}: {message}"
            )
            continue
        created += int(new)
    audit.record(
        db,
        "round.published",
        actor=actor,
        object_type="match_round",
        object_id=round_id,
        detail=f"{created} referrals created from {len(assignments)} assignments"
        + (f"; skipped: {'; '.join(skipped)}" if skipped else ""),
        after={"status": "published", "referrals": created, "skipped": len(skipped)},
    )
    return created


def _languages(db: Session, graduate_ids: list[int]) -> dict[int, str]:
    """The language each graduate's account reads in, in one query (a roster record nobody
    claimed has none: English, as `mail.language_of`)."""
    if not graduate_ids:
        return {}
    rows = db.exec(
        select(Graduate.id, User.language)
        .join(User, col(User.id) == col(Graduate.user_id))
        .where(col(Graduate.id).in_(set(graduate_ids)))
    ).all()
    return {int(graduate_id or 0): language for graduate_id, language in rows}


# --- reading rounds ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    graduate_id: int
    graduate_name: str
    position_id: int
    position_title: str
    employer_name: str
    score: float
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class UnmatchedRow:
    graduate_id: int
    graduate_name: str
    reason: str
    lacks: list[str]
    closest_position_id: int | None
    closest_title: str


@dataclass(frozen=True)
class RoundDetail:
    round: MatchRound
    summary: dict[str, Any]
    assignments: list[RoundRow]
    unmatched: list[UnmatchedRow]


def _summary(match_round: MatchRound) -> dict[str, Any]:
    try:
        value = json.loads(match_round.summary or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def list_rounds(db: Session, *, limit: int = 50) -> list[tuple[MatchRound, dict[str, Any]]]:
    rounds = db.exec(select(MatchRound).order_by(col(MatchRound.id).desc()).limit(limit)).all()
    return [(r, _summary(r)) for r in rounds]


def round_detail(db: Session, round_id: int) -> RoundDetail:
    """A round with its assignments and unmatched graduates, names included (a few queries
    whatever the size). NotFound for an unknown round."""
    match_round = db.get(MatchRound, round_id) if valid_id(round_id) else None
    if match_round is None:
        raise NotFound
    summary = _summary(match_round)
    assignments = db.exec(
        select(MatchAssignment)
        .where(col(MatchAssignment.round_id) == round_id)
        .order_by(col(MatchAssignment.score).desc(), col(MatchAssignment.graduate_id))
    ).all()
    unmatched = [u for u in summary.get("unmatched", []) if isinstance(u, dict)]
    names = graduate_names(
        db,
        [a.graduate_id for a in assignments] + [int(u.get("graduate_id", 0)) for u in unmatched],
    )
    titles = position_titles(
        db,
        [a.position_id for a in assignments]
        + [int(u["closest_position_id"]) for u in unmatched if u.get("closest_position_id")],
    )
    rows = []
    for a in assignments:
        title, employer = titles.get(a.position_id, (gettext("(removed position)"), ""))
        try:
            reasons = json.loads(a.reasons or "[]")
        except ValueError:
            reasons = []
        rows.append(
            RoundRow(
                graduate_id=a.graduate_id,
                graduate_name=names.get(
                    a.graduate_id, gettext("Graduate #%(id)s", id=a.graduate_id)
                ),
                position_id=a.position_id,
                position_title=title,
                employer_name=employer,
                score=a.score,
                reasons=reasons if isinstance(reasons, list) else [],
            )
        )
    misses = []
    for u in unmatched:
        graduate_id = int(u.get("graduate_id", 0))
        closest = u.get("closest_position_id")
        title, employer = titles.get(int(closest), ("", "")) if closest else ("", "")
        misses.append(
            UnmatchedRow(
                graduate_id=graduate_id,
                graduate_name=names.get(graduate_id, gettext("Graduate #%(id)s", id=graduate_id)),
                reason=str(u.get("reason", "")),
                lacks=[str(x) for x in u.get("lacks", [])],
                closest_position_id=int(closest) if closest else None,
                closest_title=f"{title}, {employer}" if title else "",
            )
        )
    return RoundDetail(match_round, summary, rows, misses)


# --- the command line ----------------------------------------------------------------------

_CLI_LINES = 50


def run_from_cli(db: Session, settings: Settings, *, algorithm: str, publish: bool) -> str:
    """`placement match-round`: a dry run prints the plan and stores nothing; `--publish`
    stores the round and creates its referrals. Returns the text to print."""
    if publish:
        system = Actor(user_id=None, role="system")
        match_round = preview_round(db, algorithm=algorithm, actor=system)
        created = publish_round(db, settings, match_round.id or 0, actor=system)
        detail = round_detail(db, match_round.id or 0)
        lines = _describe(detail.summary, detail.assignments, detail.unmatched)
        lines.insert(0, f"Placement round #{match_round.id} ({algorithm}), published.")
        lines.append(f"Referrals created: {created}.")
        return "\n".join(lines)
    computed = plan(db, algorithm=algorithm)
    names = graduate_names(
        db,
        [a.graduate_id for a in computed.plan.assignments]
        + [u["graduate_id"] for u in computed.unmatched],
    )
    titles = position_titles(db, [a.position_id for a in computed.plan.assignments])
    rows = [
        RoundRow(
            graduate_id=a.graduate_id,
            graduate_name=names.get(a.graduate_id, f"Graduate #{a.graduate_id}"),
            position_id=a.position_id,
            position_title=titles.get(a.position_id, ("", ""))[0],
            employer_name=titles.get(a.position_id, ("", ""))[1],
            score=a.score,
            reasons=reasons_json(a.reasons),
        )
        for a in sorted(computed.plan.assignments, key=lambda a: (-a.score, a.graduate_id))
    ]
    misses = [
        UnmatchedRow(
            graduate_id=u["graduate_id"],
            graduate_name=names.get(u["graduate_id"], f"Graduate #{u['graduate_id']}"),
            reason=u["reason"],
            lacks=u.get("lacks", []),
            closest_position_id=u.get("closest_position_id"),
            closest_title="",
        )
        for u in computed.unmatched
    ]
    lines = _describe(computed.summary(), rows, misses)
    lines.insert(0, f"Placement round ({algorithm}), dry run: nothing was stored or sent.")
    lines.append("Run again with --publish to create the referrals.")
    return "\n".join(lines)


def _describe(
    summary: dict[str, Any], rows: list[RoundRow], misses: list[UnmatchedRow]
) -> list[str]:
    lines = [
        f"Positions: {summary.get('positions', 0)} open with {summary.get('openings', 0)} "
        f"openings left. Graduates: {summary.get('graduates', 0)} seeking and verified.",
        f"Assigned: {summary.get('assigned', 0)} (total score {summary.get('total_score', 0)}, "
        f"average {summary.get('average_score', 0)}).",
    ]
    for row in rows[:_CLI_LINES]:
        lines.append(
            f"  {row.graduate_name} -> {row.position_title}, {row.employer_name} "
            f"(score {row.score:g})"
        )
    if len(rows) > _CLI_LINES:
        lines.append(f"  … and {len(rows) - _CLI_LINES} more")
    lines.append(f"Unmatched: {len(misses)}.")
    for miss in misses[:_CLI_LINES]:
        why = miss.reason
        if miss.lacks:
            why += " (closest lacks: " + "; ".join(miss.lacks) + ")"
        lines.append(f"  {miss.graduate_name}: {why}")
    if len(misses) > _CLI_LINES:
        lines.append(f"  … and {len(misses) - _CLI_LINES} more")
    return lines
